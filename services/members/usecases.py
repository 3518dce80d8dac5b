"""What the members service does, one function per operation, read top to bottom: who
may, what is checked (in that order, so a refused caller learns nothing about the
target), the rule from domain.py, the write through the repository, the view returned.

Each takes the repository (repository.MembersRepository, or its in-memory twin in tests)
and the checked caller (clearinghouse.caller.Caller). Events go out through the outbox:
a write stores them with the entity, the service's relay publishes them."""
from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, Unauthenticated
from clearinghouse.events import now_iso
from clearinghouse.paging import check_count, check_first

from . import affiliations, domain

EXPORT_PAGE = 1000  # members per export_members page


# -- members ------------------------------------------------------------------------------

def create_member(members, caller: Caller, data) -> dict:
    caller.require(domain.EDITORS, "creating a member")
    member, events = domain.new_member(domain.check_member_fields(data, partial=False))
    return domain.member_view(members.add("members", member, events), caller)


def update_member(members, caller: Caller, member_id, changes) -> dict:
    caller.require(domain.EDITORS, "updating a member")
    v.identifier(member_id, "member_id", "mem")
    fields = domain.check_member_fields(changes, partial=True)
    member, _ = members.change("members", member_id, lambda m: domain.update_member(m, fields))
    return domain.member_view(member, caller)


def get_member(members, caller: Caller, member_id) -> dict:
    v.identifier(member_id, "member_id", "mem")
    return domain.member_view(members.get("members", member_id), caller)


def get_members(members, caller: Caller, member_ids) -> list:
    """In the order asked, None where there is none (for batching)."""
    ids = [v.identifier(i, "member_ids[]", "mem") for i in v.list_of(member_ids, "member_ids", max_items=500)]
    found = members.lookup_many("members", ids)
    return [domain.member_view(found[i], caller) if i in found else None for i in ids]


def list_members(members, caller: Caller, filter, first, after, count=True) -> dict:
    wanted = domain.check_member_filter(filter)
    return _shown(members.page_members(wanted, check_first(first), after, check_count(count)),
                  lambda member: domain.member_view(member, caller))


def export_members(members, caller: Caller, first, after) -> dict:
    caller.require(domain.EDITORS, "exporting members")
    return _shown(members.page_members_by_id(check_first(first, maximum=EXPORT_PAGE), after),
                  lambda member: domain.member_view(member, caller))


def add_office(members, caller: Caller, member_id, office) -> dict:
    caller.require(domain.EDITORS, "adding an office")
    v.identifier(member_id, "member_id", "mem")
    checked = domain.check_office(office)
    member, _, _ = members.change("members", member_id, lambda m: domain.add_office(m, checked))
    return domain.member_view(member, caller)


def close_office(members, caller: Caller, member_id, office_id, end_date) -> dict:
    caller.require(domain.EDITORS, "closing an office")
    v.identifier(member_id, "member_id", "mem")
    v.identifier(office_id, "office_id", "off")
    end = v.date(end_date, "end_date")
    member, _ = members.change("members", member_id, lambda m: domain.close_office(m, office_id, end))
    return domain.member_view(member, caller)


# -- organisations: public, everyone sees the same ------------------------------------------

def create_organization(members, caller: Caller, data) -> dict:
    caller.require(domain.EDITORS, "creating an organisation")
    organization, events = domain.new_organization(domain.check_organization_fields(data, partial=False))
    return domain.organization_view(members.add("organizations", organization, events))


def update_organization(members, caller: Caller, organization_id, changes) -> dict:
    caller.require(domain.EDITORS, "updating an organisation")
    v.identifier(organization_id, "organization_id", "org")
    fields = domain.check_organization_fields(changes, partial=True)
    organization, _ = members.change("organizations", organization_id,
                                     lambda o: domain.update_organization(o, fields))
    return domain.organization_view(organization)


def get_organization(members, organization_id) -> dict:
    v.identifier(organization_id, "organization_id", "org")
    return domain.organization_view(members.get("organizations", organization_id))


def get_organizations(members, organization_ids) -> list:
    ids = [v.identifier(i, "organization_ids[]", "org")
           for i in v.list_of(organization_ids, "organization_ids", max_items=500)]
    found = members.lookup_many("organizations", ids)
    return [domain.organization_view(found[i]) if i in found else None for i in ids]


def list_organizations(members, first, after) -> dict:
    return _shown(members.page_organizations(check_first(first), after), domain.organization_view)


# -- API keys ---------------------------------------------------------------------------------

def create_api_key(members, caller: Caller, role, owner_id) -> dict:
    """The key itself is in the answer and never again (only its hash is stored)."""
    caller.require(domain.EDITORS, "creating an API key")
    record, key = domain.new_api_key(role, owner_id, members.owner_kind(owner_id))
    members.add_key(record)
    return {"id": record["id"], "role": role, "owner_id": owner_id, "key": key}


def list_api_keys(members, caller: Caller, first, after) -> dict:
    owner_id = domain.whose_keys(caller)
    return _shown(members.page_keys(owner_id, check_first(first), after), domain.key_view)


def revoke_api_key(members, caller: Caller, key_id) -> dict:
    v.identifier(key_id, "key_id", "key")
    domain.check_may_revoke(caller, members.key(key_id), key_id)
    if not members.revoke_key(key_id, now_iso()):
        raise Conflict(f"API key {key_id} was revoked by someone else just now")
    return domain.key_view(members.key(key_id))


def authenticate(members, key) -> dict:
    if not isinstance(key, str) or not key:
        raise Unauthenticated("no API key given; send Authorization: Bearer <key>")
    # Keys we issue are short ASCII; anything else (a lone surrogate cannot even be hashed) is no key of ours.
    record = members.find_key(domain.hash_key(key)) if key.isascii() and len(key) <= 200 else None
    if record is None:
        raise Unauthenticated("this API key is not valid (unknown or revoked); ask staff for a new one")
    owner = members.lookup("members", record["owner_id"]) if record["owner_kind"] == "member" else None
    domain.check_key_owner_current(record, owner)
    return {"key_id": record["id"], "role": record["role"], "owner_id": record["owner_id"],
            "owner_kind": record["owner_kind"]}


def _shown(page: dict, view) -> dict:
    """The page with each node as ``view`` shows it."""
    for edge in page["edges"]:
        edge["node"] = view(edge["node"])
    return page


# -- affiliations: a member's membership of an organisation (affiliations.py decides who) --------

def add_affiliation(members, caller: Caller, data, now: float) -> dict:
    fields = affiliations.check_new(data)
    affiliations.may_record(caller, fields["organization_id"], "addAffiliation")
    for field, collection in (("member_id", "members"), ("organization_id", "organizations")):
        if members.lookup(collection, fields[field]) is None:
            raise BadInput(f"{field} {fields[field]!r} is not in the network; pass an existing one")
    record = affiliations.new(fields, members.affiliations_between(fields["member_id"], fields["organization_id"]),
                              members.count_affiliations("organization_id", fields["organization_id"]),
                              members.count_affiliations("member_id", fields["member_id"]), now)
    return affiliations.view(members.add("affiliations", record))


def end_affiliation(members, caller: Caller, affiliation_id, end_date) -> dict:
    caller.require(affiliations.RECORDERS, "endAffiliation")
    v.identifier(affiliation_id, "affiliation_id", "aff")
    end = affiliations.check_end_date(end_date)
    found = affiliations.visible(caller, members.lookup("affiliations", affiliation_id), affiliation_id)
    affiliations.may_record(caller, found["organization_id"], "endAffiliation")
    changed, _ = members.change("affiliations", affiliation_id, lambda a: (affiliations.end(a, end), []))
    return affiliations.view(changed)


def list_affiliations(members, caller: Caller, member_id, organization_id, first, after) -> dict:
    """A member's organisations, or an organisation's members, oldest first, as ``caller`` may see them."""
    query = affiliations.listing(caller, member_id, organization_id)
    return _shown(members.page_affiliations(query, check_first(first), after), affiliations.view)
