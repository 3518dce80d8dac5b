"""Members' rules, after Popolo: a person holds offices; an office is closed with an end
date, never overwritten. Pure functions over plain dicts; no I/O."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from clearinghouse import ocd, validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from clearinghouse.events import cloudevent, now_iso
from clearinghouse.issue_areas import check_issue_areas
from clearinghouse.statuses import MEMBER_DEPARTED, MEMBER_STATUSES

STATUSES = MEMBER_STATUSES  # shared with search (clearinghouse.statuses)
DEPARTED = MEMBER_DEPARTED
ORGANIZATION_KINDS = ("union", "advocacy", "policy", "community", "funder", "other")
KEY_ROLES = ("member", "partner", "staff")
PRIVATE_FIELDS = ("email", "phone")
SEES_PRIVATE = ("member", "staff")
EDITORS = ("staff",)  # who changes people, organisations and keys

MEMBER_FIELDS = ("name", "given_name", "family_name", "pronouns", "bio", "status", "joined_on",
                 "issue_areas", "offices", "email", "phone")
OFFICE_FIELDS = ("role", "body", "jurisdiction", "district", "start_date", "end_date")
ORGANIZATION_FIELDS = ("name", "kind", "website", "issue_areas")


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


# -- validation -------------------------------------------------------------------------

def check_office(data, field="office") -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, OFFICE_FIELDS + ("id",))
    office = {
        "role": v.line(data.get("role"), f"{field}.role", max_len=200),
        "body": v.line(data.get("body"), f"{field}.body", max_len=200),
        "jurisdiction": ocd.check_division(data.get("jurisdiction"), f"{field}.jurisdiction"),
        "district": v.line(data.get("district"), f"{field}.district", required=False, max_len=100),
        "start_date": v.date(data.get("start_date"), f"{field}.start_date", required=False),
        "end_date": v.date(data.get("end_date"), f"{field}.end_date", required=False),
    }
    if office["start_date"] and office["end_date"] and office["end_date"] < office["start_date"]:
        raise BadInput(f"{field}.end_date {office['end_date']} is before start_date {office['start_date']}")
    return office


def check_member_fields(data, *, partial: bool) -> dict:
    """Validate member input; with ``partial`` only the given fields are checked."""
    v.mapping(data, "member")
    v.only_keys(data, "member", MEMBER_FIELDS)
    checks = {
        # names end up in mail headers and CSV cells: one line each
        "name": lambda x: v.line(x, "name", max_len=200),
        "given_name": lambda x: v.line(x, "given_name", required=False, max_len=100),
        "family_name": lambda x: v.line(x, "family_name", required=False, max_len=100),
        "pronouns": lambda x: v.line(x, "pronouns", required=False, max_len=40),
        "bio": lambda x: v.text(x, "bio", required=False, max_len=5000),
        "status": lambda x: v.choice(x, "status", STATUSES),
        "joined_on": lambda x: v.date(x, "joined_on", required=False),
        "issue_areas": lambda x: check_issue_areas(x, "issue_areas"),
        "email": lambda x: v.email(x, "email"),
        "phone": lambda x: v.line(x, "phone", required=False, max_len=40),
        "offices": lambda x: [check_office(o, f"offices[{i}]") for i, o in enumerate(v.list_of(x, "offices"))],
    }
    if not partial:
        data = {"status": "prospect", **data}
        if "name" not in data:
            raise BadInput("name is required")
    return {key: checks[key](value) for key, value in data.items()}


def check_organization_fields(data, *, partial: bool) -> dict:
    v.mapping(data, "organization")
    v.only_keys(data, "organization", ORGANIZATION_FIELDS)
    checks = {
        "name": lambda x: v.line(x, "name", max_len=200),
        "kind": lambda x: v.choice(x, "kind", ORGANIZATION_KINDS),
        "website": lambda x: v.url(x, "website"),
        "issue_areas": lambda x: check_issue_areas(x, "issue_areas"),
    }
    if not partial:
        for required in ("name", "kind"):
            if required not in data:
                raise BadInput(f"{required} is required")
    return {key: checks[key](value) for key, value in data.items()}


# -- members ------------------------------------------------------------------------------

def current_terms(doc: dict) -> dict:
    """What the member's current offices say, as the list filters match it: a past office
    does not count, and bodies and roles match whatever their case."""
    current = [o for o in doc.get("offices", []) if not o.get("end_date")]
    return {
        "states": sorted({ocd.state_of(o["jurisdiction"]) for o in current}),
        "jurisdictions": sorted({o["jurisdiction"] for o in current}),
        "bodies": sorted({o["body"].casefold() for o in current}),
        "roles": sorted({o["role"].casefold() for o in current}),
    }


def _sorted_offices(offices):
    # newest first: by start date, undated last
    return sorted(offices, key=lambda o: o.get("start_date") or "", reverse=True)


def _member_event(event_type: str, doc: dict) -> dict:
    # the public view at this version (what the public reads from get_member), with no
    # private key at all: consumers, partners' webhooks included, need not call back
    data = public_member(doc)
    return cloudevent(event_type, f"member/{doc['id']}", data)


def new_member(fields: dict, today: dt.date | None = None) -> tuple[dict, list[dict]]:
    now = now_iso()
    doc = {
        "id": new_id("mem"), "version": 1, "created_at": now, "updated_at": now,
        "given_name": None, "family_name": None, "pronouns": None, "bio": None,
        "issue_areas": [], "email": None, "phone": None,
        "joined_on": (today or dt.date.today()).isoformat(), **fields,
    }
    doc["offices"] = _sorted_offices([{**o, "id": new_id("off")} for o in fields.get("offices", [])])
    return doc, [_member_event("member.joined", doc)]


def update_member(doc: dict, changes: dict) -> tuple[dict, list[dict]]:
    if "offices" in changes:
        raise BadInput("offices are changed with add_office and close_office, so history is kept")
    if not changes:
        return doc, []
    new = {**doc, **changes, "version": doc["version"] + 1, "updated_at": now_iso()}
    left = doc["status"] not in DEPARTED and new["status"] in DEPARTED
    return new, [_member_event("member.left" if left else "member.updated", new)]


def add_office(doc: dict, office: dict) -> tuple[dict, list[dict], dict]:
    office = {**office, "id": new_id("off")}
    new = {**doc, "offices": _sorted_offices(doc.get("offices", []) + [office]),
           "version": doc["version"] + 1, "updated_at": now_iso()}
    return new, [_member_event("member.updated", new)], office


def close_office(doc: dict, office_id: str, end_date: str) -> tuple[dict, list[dict]]:
    offices = [dict(o) for o in doc.get("offices", [])]
    office = next((o for o in offices if o["id"] == office_id), None)
    if office is None:
        raise BadInput(f"member {doc['id']} holds no office {office_id!r}; see the member's offices for ids")
    if office.get("end_date"):
        raise Conflict(f"office {office_id} already ended on {office['end_date']}; a closed office is never reopened or overwritten")
    if office.get("start_date") and end_date < office["start_date"]:
        raise BadInput(f"end_date {end_date} is before the office's start_date {office['start_date']}")
    office["end_date"] = end_date
    new = {**doc, "offices": offices, "version": doc["version"] + 1, "updated_at": now_iso()}
    return new, [_member_event("member.updated", new)]


def public_member(doc: dict) -> dict:
    """A member as anyone may see them: no contact details, not even as empty keys."""
    out = {k: doc.get(k) for k in ("name", "given_name", "family_name", "pronouns", "bio", "status",
                                   "joined_on", "issue_areas", "version")}
    out["id"] = doc["id"]
    out["offices"] = [{k: o.get(k) for k in ("id",) + OFFICE_FIELDS} for o in doc.get("offices", [])]
    return out


def member_view(doc: dict, caller: Caller) -> dict:
    """What ``caller`` may see: private contact details only for members and staff."""
    out = public_member(doc)
    for key in PRIVATE_FIELDS:
        out[key] = doc.get(key) if caller.role in SEES_PRIVATE else None
    return out


@dataclass(frozen=True)
class MemberFilter:
    """Which members a list shows (None: any); all given ones must hold. Office filters
    match current offices (current_terms); body, role and name_prefix ignore case and
    are kept casefolded; name_prefix is a literal start of the name."""
    state: str | None = None
    jurisdiction: str | None = None
    body: str | None = None
    role: str | None = None
    issue_area: str | None = None
    status: str | None = None
    name_prefix: str | None = None


def check_member_filter(filters) -> MemberFilter:
    """The list filters as given over RPC (a dict, or None for all), checked."""
    v.mapping(filters, "filter", required=False)
    f = filters or {}
    v.only_keys(f, "filter", tuple(MemberFilter.__dataclass_fields__))

    def given(key, check):
        return None if f.get(key) is None else check(f[key], f"filter.{key}")
    return MemberFilter(
        state=given("state", ocd.check_state),
        jurisdiction=given("jurisdiction", ocd.check_division),
        body=given("body", lambda x, field: v.line(x, field, max_len=200).casefold()),
        role=given("role", lambda x, field: v.line(x, field, max_len=200).casefold()),
        issue_area=given("issue_area", lambda x, field: check_issue_areas([x], field)[0]),
        status=given("status", lambda x, field: v.choice(x, field, STATUSES)),
        name_prefix=given("name_prefix", lambda x, field: v.line(x, field, max_len=200).casefold()),
    )


# -- organisations -------------------------------------------------------------------------

def _organization_event(doc: dict) -> dict:
    return cloudevent("organization.updated", f"organization/{doc['id']}", organization_view(doc))


def new_organization(fields: dict) -> tuple[dict, list[dict]]:
    now = now_iso()
    doc = {"id": new_id("org"), "version": 1, "created_at": now, "updated_at": now,
           "website": None, "issue_areas": [], **fields}
    return doc, [_organization_event(doc)]


def update_organization(doc: dict, changes: dict) -> tuple[dict, list[dict]]:
    if not changes:
        return doc, []
    new = {**doc, **changes, "version": doc["version"] + 1, "updated_at": now_iso()}
    return new, [_organization_event(new)]


def organization_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in ("name", "kind", "website", "issue_areas", "version")}
    out["id"] = doc["id"]
    return out


# -- API keys ---------------------------------------------------------------------------------

def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a plain SHA-256 is enough (no salt or stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key(role: str, owner_id: str | None, owner_kind: str | None) -> tuple[dict, str]:
    """A new key record and the key itself (shown once, stored only as a hash)."""
    v.choice(role, "role", KEY_ROLES)
    expected = {"member": "member", "partner": "organization"}.get(role)
    if expected and owner_kind != expected:
        raise BadInput(f"a {role} key must be owned by an existing {expected}; pass its id as owner_id")
    key = "chk_" + secrets.token_urlsafe(32)
    record = {"id": new_id("key"), "role": role, "owner_id": owner_id, "owner_kind": owner_kind,
              "hash": hash_key(key), "created_at": now_iso(), "revoked_at": None}
    return record, key


def key_view(record: dict) -> dict:
    """A key as it is listed: never the key itself nor its hash."""
    out = {k: record.get(k) for k in ("role", "owner_id", "owner_kind", "created_at", "revoked_at")}
    out["id"] = record["id"]
    return out


def check_key_owner_current(record: dict, owner: dict | None):
    """A member's key signs in only while the member is in the network: a lapsed or
    alumni member (or one no longer on record) is refused, not shown as the public, so
    the client knows why its key stopped working."""
    if record["owner_kind"] != "member":
        return
    if owner is None or owner.get("status") in DEPARTED:
        status = owner.get("status") if owner else "no longer on record"
        raise Unauthenticated(f"this API key's member is {status}, so the key no longer signs in; "
                              "ask staff to renew the membership or for a new key")


def whose_keys(caller: Caller) -> str | None:
    """Whose keys ``caller`` may list: None (every key) for staff, their own for an owner."""
    check_signed_in(caller, "listing API keys")
    if caller.is_staff:
        return None
    if caller.owner_id is None:
        raise Forbidden("listing API keys needs a key that belongs to a member or organisation, or a STAFF key")
    return caller.owner_id


def check_may_revoke(caller: Caller, record: dict | None, key_id: str):
    """Staff revoke any key, an owner their own. Someone else's key is answered as a
    missing one, so the answer never tells whether it exists."""
    check_signed_in(caller, "revoking an API key")
    if record is None or not (caller.is_staff or caller.owns(record["owner_id"])):
        raise NotFound(f"no API key {key_id!r} that you may revoke; list your keys to see their ids")
    if record["revoked_at"] is not None:
        raise Conflict(f"API key {key_id} was already revoked at {record['revoked_at']}")


# -- permissions ------------------------------------------------------------------------------

def check_signed_in(caller: Caller, action: str):
    if caller.is_public:
        raise Unauthenticated(f"{action} needs an API key; send Authorization: Bearer <key>")
