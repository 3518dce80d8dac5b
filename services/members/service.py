"""The members service: entrypoints only; rules live in domain.py, storage in store.py."""
from clearinghouse import validation as v
from clearinghouse.errors import NotFound, Unauthenticated
from clearinghouse.events import now_iso
from clearinghouse.metrics import Metrics
from clearinghouse.outbox import OutboxRelay
from clearinghouse.paging import check_first
from clearinghouse.rpc import rpc
from clearinghouse.store import Store

from . import domain
from .store import MembersStore


class MembersService:
    name = "members"

    store = Store(MembersStore)
    events = OutboxRelay()
    metrics = Metrics()

    # -- members ------------------------------------------------------------------------
    @rpc
    def create_member(self, data, caller_role="staff"):
        """Create a person. Emits member.joined. BadInput on invalid fields."""
        v.role(caller_role)
        doc, events = domain.new_member(domain.check_member_fields(data, partial=False))
        return domain.member_view(self.store.insert("members", doc, events), caller_role)

    @rpc
    def update_member(self, member_id, changes, caller_role="staff"):
        """Change a member's profile fields (not offices). Emits member.updated, or
        member.left when the status moves to lapsed or alumni."""
        v.role(caller_role)
        v.identifier(member_id, "member_id", "mem")
        fields = domain.check_member_fields(changes, partial=True)
        doc, _ = self.store.modify("members", member_id, lambda d: domain.update_member(d, fields))
        return domain.member_view(doc, caller_role)

    @rpc
    def get_member(self, member_id, caller_role="public"):
        """One member as ``caller_role`` may see it. NotFound if there is none."""
        v.role(caller_role)
        v.identifier(member_id, "member_id", "mem")
        return domain.member_view(self.store.get("members", member_id), caller_role)

    @rpc
    def get_members(self, member_ids, caller_role="public"):
        """Members by id, in the order asked, None where there is none (for batching)."""
        v.role(caller_role)
        ids = [v.identifier(i, "member_ids[]", "mem") for i in v.list_of(member_ids, "member_ids", max_items=500)]
        found = self.store.get_many("members", ids)
        return [domain.member_view(found[i], caller_role) if i in found else None for i in ids]

    @rpc
    def list_members(self, filter=None, first=20, after=None, caller_role="public"):
        """A page of members by name: filter keys state, jurisdiction, body, role,
        issue_area, status, name_prefix. Returns edges, page_info, total_count."""
        v.role(caller_role)
        page = self.store.page("members", domain.member_query(filter), check_first(first), after, "name_key")
        for edge in page["edges"]:
            edge["node"] = domain.member_view(edge["node"], caller_role)
        return page

    @rpc
    def add_office(self, member_id, office, caller_role="staff"):
        """Add an office held (role, body, jurisdiction, district, dates). Emits member.updated."""
        v.role(caller_role)
        v.identifier(member_id, "member_id", "mem")
        checked = domain.check_office(office)
        doc, _, _ = self.store.modify("members", member_id, lambda d: domain.add_office(d, checked))
        return domain.member_view(doc, caller_role)

    @rpc
    def close_office(self, member_id, office_id, end_date, caller_role="staff"):
        """End an office on ``end_date``; a closed office is never reopened. Emits member.updated."""
        v.role(caller_role)
        v.identifier(member_id, "member_id", "mem")
        end = v.date(end_date, "end_date")
        doc, _ = self.store.modify("members", member_id, lambda d: domain.close_office(d, office_id, end))
        return domain.member_view(doc, caller_role)

    # -- organisations --------------------------------------------------------------------
    @rpc
    def create_organization(self, data):
        """Create a partner organisation. Emits organization.updated."""
        doc, events = domain.new_organization(domain.check_organization_fields(data, partial=False))
        return domain.organization_view(self.store.insert("organizations", doc, events))

    @rpc
    def update_organization(self, organization_id, changes):
        """Change an organisation. Emits organization.updated."""
        v.identifier(organization_id, "organization_id", "org")
        fields = domain.check_organization_fields(changes, partial=True)
        doc, _ = self.store.modify("organizations", organization_id,
                                   lambda d: domain.update_organization(d, fields))
        return domain.organization_view(doc)

    @rpc
    def get_organization(self, organization_id):
        v.identifier(organization_id, "organization_id", "org")
        return domain.organization_view(self.store.get("organizations", organization_id))

    @rpc
    def get_organizations(self, organization_ids):
        ids = [v.identifier(i, "organization_ids[]", "org")
               for i in v.list_of(organization_ids, "organization_ids", max_items=500)]
        found = self.store.get_many("organizations", ids)
        return [domain.organization_view(found[i]) if i in found else None for i in ids]

    @rpc
    def list_organizations(self, first=20, after=None):
        page = self.store.page("organizations", {}, check_first(first), after, "name_key")
        for edge in page["edges"]:
            edge["node"] = domain.organization_view(edge["node"])
        return page

    # -- API keys ---------------------------------------------------------------------------
    @rpc
    def create_api_key(self, role, owner_id=None):
        """A new key for ``role`` (member, partner, staff) owned by a member or an
        organisation. Returns id, role, owner_id and the key, which is never shown again."""
        owner_kind = self.store.owner_kind(owner_id)
        record, key = domain.new_api_key(role, owner_id, owner_kind)
        self.store.insert_key(record)
        return {"id": record["_id"], "role": role, "owner_id": owner_id, "key": key}

    @rpc
    def authenticate(self, key):
        """The role and owner of a key. Unauthenticated if it is unknown or revoked."""
        if not isinstance(key, str) or not key:
            raise Unauthenticated("no API key given; send Authorization: Bearer <key>")
        record = self.store.find_key(domain.hash_key(key))
        if record is None:
            raise Unauthenticated("this API key is not valid (unknown or revoked); ask staff for a new one")
        return {"key_id": record["_id"], "role": record["role"], "owner_id": record["owner_id"],
                "owner_kind": record["owner_kind"]}

    @rpc
    def revoke_api_key(self, key_id):
        v.identifier(key_id, "key_id", "key")
        if not self.store.revoke_key(key_id, now_iso()):
            raise NotFound(f"no active API key {key_id!r}")
        return True
