"""The members service: entrypoints only; rules live in domain.py, storage in store.py.

Every entrypoint that acts for a client takes ``caller`` (clearinghouse.caller; None is
the public) and decides here, from it, what the caller may see and do."""
from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import Conflict, Unauthenticated
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
    def create_member(self, data, caller=None):
        """Create a person (STAFF). Emits member.joined. BadInput on invalid fields,
        Unauthenticated/Forbidden for any other caller."""
        caller = Caller.of(caller)
        caller.require(domain.EDITORS, "creating a member")
        doc, events = domain.new_member(domain.check_member_fields(data, partial=False))
        return domain.member_view(self.store.insert("members", doc, events), caller)

    @rpc
    def update_member(self, member_id, changes, caller=None):
        """Change a member's profile fields, not offices (STAFF). Emits member.updated, or
        member.left when the status moves to lapsed or alumni."""
        caller = Caller.of(caller)
        caller.require(domain.EDITORS, "updating a member")
        v.identifier(member_id, "member_id", "mem")
        fields = domain.check_member_fields(changes, partial=True)
        doc, _ = self.store.modify("members", member_id, lambda d: domain.update_member(d, fields))
        return domain.member_view(doc, caller)

    @rpc
    def get_member(self, member_id, caller=None):
        """One member as ``caller`` may see it. NotFound if there is none."""
        caller = Caller.of(caller)
        v.identifier(member_id, "member_id", "mem")
        return domain.member_view(self.store.get("members", member_id), caller)

    @rpc
    def get_members(self, member_ids, caller=None):
        """Members by id as ``caller`` may see them, in the order asked, None where there
        is none (for batching)."""
        caller = Caller.of(caller)
        ids = [v.identifier(i, "member_ids[]", "mem") for i in v.list_of(member_ids, "member_ids", max_items=500)]
        found = self.store.get_many("members", ids)
        return [domain.member_view(found[i], caller) if i in found else None for i in ids]

    @rpc
    def list_members(self, filter=None, first=20, after=None, caller=None):
        """A page of members by name: filter keys state, jurisdiction, body, role,
        issue_area, status, name_prefix. Returns edges, page_info, total_count."""
        caller = Caller.of(caller)
        page = self.store.page("members", domain.member_query(filter), check_first(first), after, "name_key")
        for edge in page["edges"]:
            edge["node"] = domain.member_view(edge["node"], caller)
        return page

    @rpc
    def add_office(self, member_id, office, caller=None):
        """Add an office held: role, body, jurisdiction, district, dates (STAFF). Emits
        member.updated."""
        caller = Caller.of(caller)
        caller.require(domain.EDITORS, "adding an office")
        v.identifier(member_id, "member_id", "mem")
        checked = domain.check_office(office)
        doc, _, _ = self.store.modify("members", member_id, lambda d: domain.add_office(d, checked))
        return domain.member_view(doc, caller)

    @rpc
    def close_office(self, member_id, office_id, end_date, caller=None):
        """End an office on ``end_date`` (STAFF); a closed office is never reopened.
        Emits member.updated."""
        caller = Caller.of(caller)
        caller.require(domain.EDITORS, "closing an office")
        v.identifier(member_id, "member_id", "mem")
        v.identifier(office_id, "office_id", "off")
        end = v.date(end_date, "end_date")
        doc, _ = self.store.modify("members", member_id, lambda d: domain.close_office(d, office_id, end))
        return domain.member_view(doc, caller)

    # -- organisations --------------------------------------------------------------------
    @rpc
    def create_organization(self, data, caller=None):
        """Create a partner organisation (STAFF). Emits organization.updated."""
        Caller.of(caller).require(domain.EDITORS, "creating an organisation")
        doc, events = domain.new_organization(domain.check_organization_fields(data, partial=False))
        return domain.organization_view(self.store.insert("organizations", doc, events))

    @rpc
    def update_organization(self, organization_id, changes, caller=None):
        """Change an organisation (STAFF). Emits organization.updated."""
        Caller.of(caller).require(domain.EDITORS, "updating an organisation")
        v.identifier(organization_id, "organization_id", "org")
        fields = domain.check_organization_fields(changes, partial=True)
        doc, _ = self.store.modify("organizations", organization_id,
                                   lambda d: domain.update_organization(d, fields))
        return domain.organization_view(doc)

    # Organisations are public: the caller is checked, and everyone sees the same.
    @rpc
    def get_organization(self, organization_id, caller=None):
        Caller.of(caller)
        v.identifier(organization_id, "organization_id", "org")
        return domain.organization_view(self.store.get("organizations", organization_id))

    @rpc
    def get_organizations(self, organization_ids, caller=None):
        Caller.of(caller)
        ids = [v.identifier(i, "organization_ids[]", "org")
               for i in v.list_of(organization_ids, "organization_ids", max_items=500)]
        found = self.store.get_many("organizations", ids)
        return [domain.organization_view(found[i]) if i in found else None for i in ids]

    @rpc
    def list_organizations(self, first=20, after=None, caller=None):
        Caller.of(caller)
        page = self.store.page("organizations", {}, check_first(first), after, "name_key")
        for edge in page["edges"]:
            edge["node"] = domain.organization_view(edge["node"])
        return page

    # -- API keys ---------------------------------------------------------------------------
    @rpc
    def create_api_key(self, role, owner_id=None, caller=None):
        """A new key for ``role`` (member, partner, staff) owned by a member or an
        organisation (STAFF). Returns id, role, owner_id and the key, which is never shown
        again."""
        Caller.of(caller).require(domain.EDITORS, "creating an API key")
        owner_kind = self.store.owner_kind(owner_id)
        record, key = domain.new_api_key(role, owner_id, owner_kind)
        self.store.insert_key(record)
        return {"id": record["_id"], "role": role, "owner_id": owner_id, "key": key}

    @rpc
    def list_api_keys(self, first=20, after=None, caller=None):
        """A page of keys, oldest first: every key for staff, their own for an owner;
        revoked ones included. Never the key or its hash."""
        query = domain.keys_query(Caller.of(caller))
        page = self.store.page_keys(query, check_first(first), after)
        for edge in page["edges"]:
            edge["node"] = domain.key_view(edge["node"])
        return page

    @rpc
    def revoke_api_key(self, key_id, caller=None):
        """Revoke a key (staff any, an owner their own); the revoked key. NotFound for a
        key the caller may not revoke, Conflict if it was already revoked."""
        caller = Caller.of(caller)
        v.identifier(key_id, "key_id", "key")
        domain.check_may_revoke(caller, self.store.find("api_keys", key_id), key_id)
        if not self.store.revoke_key(key_id, now_iso()):
            raise Conflict(f"API key {key_id} was revoked by someone else just now")
        return domain.key_view(self.store.find("api_keys", key_id))

    @rpc
    def authenticate(self, key):
        """The role and owner of a key. Unauthenticated if it is unknown or revoked, or its
        member has lapsed or left."""
        if not isinstance(key, str) or not key:
            raise Unauthenticated("no API key given; send Authorization: Bearer <key>")
        # Keys we issue are short ASCII; anything else (a lone surrogate cannot even be hashed) is no key of ours.
        record = self.store.find_key(domain.hash_key(key)) if key.isascii() and len(key) <= 200 else None
        if record is None:
            raise Unauthenticated("this API key is not valid (unknown or revoked); ask staff for a new one")
        owner = self.store.find("members", record["owner_id"]) if record["owner_kind"] == "member" else None
        domain.check_key_owner_current(record, owner)
        return {"key_id": record["_id"], "role": record["role"], "owner_id": record["owner_id"],
                "owner_kind": record["owner_kind"]}
