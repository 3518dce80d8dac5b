"""Affiliations: a member's membership of an organisation (Popolo's membership: a person,
an organisation, a role and dates), so a partner sees the officials it works with and its
own staff can be members. The rules, pure: what a valid affiliation is, who may record or
end one, and who sees which (contact details stay as member_view decides). No I/O.

Who sees: members and staff every affiliation; a partner only those of its own
organisation (whom it works with is not another partner's business); the public none."""
from __future__ import annotations

import uuid

from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound

FIELDS = ("member_id", "organization_id", "role", "start_date", "end_date")
ROLE_MAX = 100
PER_ORGANIZATION = 2000  # affiliations kept per organisation (a union's staff and officials)
PER_MEMBER = 100
READERS = ("member", "partner", "staff")
SEE_ALL = ("member", "staff")
RECORDERS = ("partner", "staff")


def check_new(data) -> dict:
    v.mapping(data, "affiliation")
    v.only_keys(data, "affiliation", FIELDS)
    fields = {"member_id": v.identifier(data.get("member_id"), "member_id", "mem"),
              "organization_id": v.identifier(data.get("organization_id"), "organization_id", "org"),
              "role": v.line(data.get("role"), "role", max_len=ROLE_MAX),
              "start_date": _date(data.get("start_date"), "start_date"),
              "end_date": _date(data.get("end_date"), "end_date")}
    check_dates(fields["start_date"], fields["end_date"])
    return fields


def _date(value, field):
    return v.date(value, field, required=False)


def check_end_date(value) -> str:
    return v.date(value, "end_date")


def check_dates(start: str | None, end: str | None):
    if start and end and end < start:
        raise BadInput(f"end_date {end} is before start_date {start}; an affiliation ends on or after it starts")


def may_record(caller: Caller, organization_id: str, action: str):
    """Staff for any organisation; a partner for its own only."""
    caller.require(RECORDERS, action)
    if not caller.is_staff and not (caller.owner_kind == "organization" and caller.owns(organization_id)):
        raise Forbidden(f"{action}: a partner records affiliations of its own organisation only")


def visible(caller: Caller, affiliation: dict | None, affiliation_id: str) -> dict:
    """The affiliation if the caller may see it; another partner's is NotFound, like a missing one."""
    if affiliation is None or not sees(caller, affiliation):
        raise NotFound(f"no affiliation {affiliation_id!r}" + ("" if caller.role in SEE_ALL else " of yours"))
    return affiliation


def sees(caller: Caller, affiliation: dict) -> bool:
    return caller.role in SEE_ALL or caller.owns(affiliation["organization_id"])


def listing(caller: Caller, member_id, organization_id) -> dict:
    """The stored query's fields for a list by member or organisation, as ``caller`` may see it."""
    caller.require(READERS, "affiliations")
    if (member_id is None) == (organization_id is None):
        raise BadInput("give exactly one of member_id or organization_id")
    query = {"member_id": v.identifier(member_id, "member_id", "mem")} if member_id is not None else \
        {"organization_id": v.identifier(organization_id, "organization_id", "org")}
    if caller.role in SEE_ALL:
        return query
    own = caller.owner_id if caller.owner_kind == "organization" else None
    if own is None or query.get("organization_id", own) != own:
        return {"member_id": None, "organization_id": None}  # every affiliation has both: matches none
    return {**query, "organization_id": own}


def new(fields: dict, existing: list[dict], organization_count: int, member_count: int, now: float) -> dict:
    if organization_count >= PER_ORGANIZATION:
        raise Conflict(f"organisation {fields['organization_id']} has {PER_ORGANIZATION} affiliations, the most kept")
    if member_count >= PER_MEMBER:
        raise Conflict(f"member {fields['member_id']} has {PER_MEMBER} affiliations, the most kept")
    for a in existing:
        if a["role"].casefold() == fields["role"].casefold() and a["end_date"] is None and fields["end_date"] is None:
            raise Conflict(f"{fields['member_id']} already is {a['role']!r} of {fields['organization_id']} "
                           f"(affiliation {a['id']}); end that one first")
    return {"id": f"aff_{uuid.uuid4().hex[:16]}", **fields, "version": 1, "created_ts": now}


def end(affiliation: dict, end_date: str) -> dict:
    if affiliation["end_date"] is not None:
        raise Conflict(f"affiliation {affiliation['id']} already ended on {affiliation['end_date']}")
    check_dates(affiliation["start_date"], end_date)
    return {**affiliation, "end_date": end_date, "version": affiliation["version"] + 1}


def view(affiliation: dict) -> dict:
    return {k: affiliation.get(k) for k in ("id", *FIELDS, "version")}
