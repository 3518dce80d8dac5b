"""The preemption bill watch: state bills that would preempt (and void) local laws, with
their dated actions (classified as Open States classifies them), the issue areas they
touch and the local ordinances they would void. A bill that moves on (introduced →
passed one chamber → passed → signed) is told as ``preemption_bill.advanced``. Pure
functions over plain dicts (a bill is named by its ``id``, ``<state>/<session>/<bill>``); no I/O.
"""
from __future__ import annotations

import re

from clearinghouse import ocd, validation as v
from clearinghouse.errors import BadInput
from clearinghouse.events import cloudevent, now_iso
from clearinghouse.issue_areas import check_issue_area, check_issue_areas

from .domain import check_measure_ref  # the one way to name another ordinance

STATUSES = ("introduced", "passed_chamber", "passed", "signed", "vetoed", "failed", "dead")
PENDING = ("introduced", "passed_chamber", "passed")  # still a threat: not yet law, not yet dead
# how far along a bill is: advancing means moving up this ladder
RANK = {"introduced": 0, "passed_chamber": 1, "passed": 2, "signed": 3}
# Open States' action classifications (opencivicdata's BILL_ACTION_CLASSIFICATIONS, with the
# spellings older Open States data also uses)
CLASSIFICATIONS = ("filing", "introduction", "reading-1", "reading-2", "reading-3", "passage", "failure",
                   "withdrawal", "substitution", "amendment-introduction", "amendment-passage",
                   "amendment-withdrawal", "amendment-failure", "amendment-amendment", "amendment-deferral",
                   "amendment-amended", "committee-passage", "committee-passage-favorable",
                   "committee-passage-unfavorable", "committee-failure", "committee-referral", "executive-receipt",
                   "executive-received", "executive-signature", "executive-veto",
                   "executive-veto-line-item", "became-law", "veto-override-passage", "veto-override-failure",
                   "deferral", "receipt", "referral", "referral-committee", "enrolled", "carried-over",
                   "concurrence", "study-request", "other")
BILL_FIELDS = ("state", "bill_id", "session", "title", "status", "issue_areas", "actions", "would_void",
               "source_url", "notes", "openstates_id")
ACTION_FIELDS = ("date", "description", "classification", "source_url")
BILL_FILTERS = ("state", "session", "status", "issue_area", "ordinance_id")
MAX_ACTIONS = 500
_KEY = re.compile(r"[a-z]{2}/[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")


def _slug(value: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", value.casefold()))


def bill_key(state: str, session: str, bill_id: str) -> str:
    return f"{state}/{_slug(session)}/{_slug(bill_id)}"


def check_key(value, field="bill") -> str:
    if not isinstance(value, str) or len(value) > 200 or not _KEY.fullmatch(value):
        raise BadInput(f"{field} {value!r} is not a preemption bill id; ids look like oh/2025-2026/hb-123")
    return value


def _action(data, field) -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, ACTION_FIELDS)
    kinds = [v.choice(c, f"{field}.classification[{i}]", CLASSIFICATIONS)
             for i, c in enumerate(v.list_of(data.get("classification"), f"{field}.classification", max_items=20))]
    return {"date": v.date(data.get("date"), f"{field}.date"),
            "description": v.line(data.get("description"), f"{field}.description", 1000),
            "classification": list(dict.fromkeys(kinds)),
            "source_url": v.url(data.get("source_url"), f"{field}.source_url")}


def status_from_actions(history: list[dict]) -> str:
    """The status Open States' classifications imply, oldest first: a passage moves the bill
    through one chamber, then both; a signature, or becoming law without one, signs it."""
    status, passages = "introduced", 0
    for action in history:
        kinds = set(action["classification"])
        if kinds & {"executive-signature", "became-law", "veto-override-passage"}:
            status = "signed"
        elif "executive-veto" in kinds:
            status = "vetoed"
        elif "passage" in kinds:
            passages += 1
            status = "passed" if passages >= 2 else "passed_chamber"
        elif "failure" in kinds or "withdrawal" in kinds:
            status = "failed"
    return status


def check_bill(data) -> dict:
    v.mapping(data, "bill")
    v.only_keys(data, "bill", BILL_FIELDS)
    history = sorted((_action(a, f"actions[{i}]")
                      for i, a in enumerate(v.list_of(data.get("actions"), "actions", max_items=MAX_ACTIONS))),
                     key=lambda a: a["date"])
    status = v.choice(data.get("status"), "status", STATUSES, required=False) or status_from_actions(history)
    voids = [check_measure_ref(r, f"would_void[{i}]")
             for i, r in enumerate(v.list_of(data.get("would_void"), "would_void", max_items=200))]
    fields = {
        "state": ocd.check_state(data.get("state"), "state"),
        "bill_id": v.line(data.get("bill_id"), "bill_id", 50),
        "session": v.line(data.get("session"), "session", 50),
        "title": v.line(data.get("title"), "title", 1000),
        "status": status,
        "issue_areas": check_issue_areas(data.get("issue_areas"), "issue_areas"),
        "actions": history,
        "would_void": list({(r["jurisdiction"], r["issue_area"]): r for r in voids}.values()),
        "source_url": v.url(data.get("source_url"), "source_url"),
        "notes": v.text(data.get("notes"), "notes", required=False, max_len=5000),
        "openstates_id": v.line(data.get("openstates_id"), "openstates_id", 200, required=False),
    }
    if not fields["issue_areas"]:
        raise BadInput("issue_areas must name at least one issue area the bill would preempt")
    if not _slug(fields["bill_id"]) or not _slug(fields["session"]):
        raise BadInput("bill_id and session need letters or digits, like 'HB 123' and '2025-2026'")
    stray = [r for r in fields["would_void"] if ocd.state_of(r["jurisdiction"]) != fields["state"]]
    if stray:
        raise BadInput(f"would_void names {stray[0]['jurisdiction']}, outside {fields['state'].upper()}; "
                       "a state bill voids only its own local laws")
    return fields


def check_bill_filter(filters) -> dict:
    f = v.mapping(filters, "filter", required=False) or {}
    v.only_keys(f, "filter", BILL_FILTERS)
    checks = {"state": lambda x: ocd.check_state(x, "filter.state"),
              "session": lambda x: v.line(x, "filter.session", 50),
              "status": lambda x: v.choice(x, "filter.status", STATUSES),
              "issue_area": lambda x: check_issue_area(x, "filter.issue_area"),
              "ordinance_id": lambda x: v.identifier(x, "filter.ordinance_id", "ord")}
    return {key: checks[key](value) for key, value in f.items() if value is not None}


def _reach(ordinances: list[dict]) -> dict:
    return {"ordinance_ids": sorted(o["id"] for o in ordinances),
            "sponsor_ids": sorted({s for o in ordinances for s in o.get("sponsor_ids") or []})}


def advanced(before: str | None, after: str) -> bool:
    return after in RANK and RANK[after] > RANK.get(before or "introduced", 0)


def set_bill(doc: dict | None, fields: dict, ordinances: list[dict]) -> tuple[dict, list[dict]]:
    """Record or update a bill (the import and staff alike): the same content again changes
    nothing; a status further up the ladder emits preemption_bill.advanced."""
    key = bill_key(fields["state"], fields["session"], fields["bill_id"])
    reach = _reach(ordinances)
    content = {**fields, **reach}
    if doc is not None and all(doc.get(k) == content[k] for k in content):
        return doc, []
    now = now_iso()
    new = {**(doc or {"id": key, "created_at": now}), **content, "version": 1 if doc is None else doc["version"] + 1,
           "updated_at": now}
    before = doc["status"] if doc else None
    if not advanced(before, new["status"]):
        return new, []
    latest = new["actions"][-1] if new["actions"] else None
    data = {"id": key, "version": new["version"], "state": new["state"], "session": new["session"],
            "bill_id": new["bill_id"], "title": new["title"], "from": before, "to": new["status"],
            "action": latest and {"date": latest["date"], "description": latest["description"]},
            "issue_areas": new["issue_areas"], "would_void": new["would_void"], **reach,
            "source_url": new["source_url"]}
    return new, [cloudevent("preemption_bill.advanced", f"preemption_bill/{key}", data)]


def bill_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in BILL_FIELDS + ("ordinance_ids", "version", "updated_at")}
    out["id"] = doc["id"]
    return out
