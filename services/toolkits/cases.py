"""The litigation docket: court cases over local laws or a state's preemption of them, with
their parties, dated filings and rulings, and the legal theories relied on. A ruling
records the matching action on every ordinance the case challenges and is told as
``case.ruled``. Pure functions over plain dicts (a case is named by its ``slug``); no I/O.
"""
from __future__ import annotations

from clearinghouse import ocd, validation as v
from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.events import cloudevent, now_iso
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.statuses import LEGAL_THEORIES

from . import actions
from .domain import check_slug  # the one slug rule, toolkits' own

SIDES = ("plaintiff", "defendant", "intervenor", "amicus")
FILING_KINDS = ("complaint", "motion", "brief", "appeal", "petition", "order")
OUTCOMES = ("for_plaintiff", "for_defendant", "dismissed", "affirmed", "reversed", "vacated", "remanded")
# the actions a ruling may record on the ordinances it affects (an amendment is no ruling's)
RULING_ACTIONS = tuple(a for a in actions.ACTIONS if a != "amended")
CASE_FIELDS = ("slug", "title", "court", "docket_number", "parties", "challenged", "legal_theories", "filings",
               "rulings", "source_url", "notes")
RULING_FIELDS = ("date", "court", "outcome", "summary", "source_url", "ordinance_action")
MAX_ITEMS = 100
CASE_FILTERS = ("legal_theory", "state", "issue_area", "ordinance_id")


def _party(data, field) -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, ("name", "side"))
    return {"name": v.line(data.get("name"), f"{field}.name", 300), "side": v.choice(data.get("side"),
                                                                                      f"{field}.side", SIDES)}


def _filing(data, field) -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, ("date", "kind", "title", "source_url"))
    return {"date": v.date(data.get("date"), f"{field}.date"),
            "kind": v.choice(data.get("kind"), f"{field}.kind", FILING_KINDS),
            "title": v.line(data.get("title"), f"{field}.title", 500, required=False),
            "source_url": v.url(data.get("source_url"), f"{field}.source_url")}


def check_ruling(data, field="ruling") -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, RULING_FIELDS)
    return {"date": v.date(data.get("date"), f"{field}.date"),
            "court": v.line(data.get("court"), f"{field}.court", 300, required=False),
            "outcome": v.choice(data.get("outcome"), f"{field}.outcome", OUTCOMES),
            "summary": v.text(data.get("summary"), f"{field}.summary", required=False, max_len=5000),
            "source_url": v.url(data.get("source_url"), f"{field}.source_url"),
            "ordinance_action": v.choice(data.get("ordinance_action"), f"{field}.ordinance_action", RULING_ACTIONS,
                                         required=False)}


def _challenged(data, field="challenged") -> dict:
    data = v.mapping(data, field, required=False)
    v.only_keys(data, field, ("ordinances", "preemptions"))
    ordinances = []
    for i, ref in enumerate(v.list_of(data.get("ordinances"), f"{field}.ordinances", max_items=MAX_ITEMS)):
        label = f"{field}.ordinances[{i}]"
        v.mapping(ref, label)
        if "ordinance_id" in ref:
            v.only_keys(ref, label, ("ordinance_id",))
            ordinances.append({"ordinance_id": v.identifier(ref["ordinance_id"], f"{label}.ordinance_id", "ord")})
            continue
        v.only_keys(ref, label, ("jurisdiction", "issue_area"))
        ordinances.append({"jurisdiction": ocd.check_division(ref.get("jurisdiction"), f"{label}.jurisdiction"),
                           "issue_area": check_issue_area(ref.get("issue_area"), f"{label}.issue_area")})
    preemptions = []
    for i, ref in enumerate(v.list_of(data.get("preemptions"), f"{field}.preemptions", max_items=MAX_ITEMS)):
        label = f"{field}.preemptions[{i}]"
        v.mapping(ref, label)
        v.only_keys(ref, label, ("state", "issue_area"))
        preemptions.append({"state": ocd.check_state(ref.get("state"), f"{label}.state"),
                            "issue_area": check_issue_area(ref.get("issue_area"), f"{label}.issue_area")})
    return {"ordinances": ordinances, "preemptions": preemptions}


def check_case(data) -> dict:
    v.mapping(data, "case")
    v.only_keys(data, "case", CASE_FIELDS)
    theories = [v.choice(t, f"legal_theories[{i}]", LEGAL_THEORIES)
                for i, t in enumerate(v.list_of(data.get("legal_theories"), "legal_theories", max_items=20))]
    fields = {
        "slug": check_slug(data.get("slug")),
        "title": v.line(data.get("title"), "title", 300),
        "court": v.line(data.get("court"), "court", 300),
        "docket_number": v.line(data.get("docket_number"), "docket_number", 300, required=False),
        "parties": [_party(p, f"parties[{i}]")
                    for i, p in enumerate(v.list_of(data.get("parties"), "parties", max_items=MAX_ITEMS))],
        "challenged": _challenged(data.get("challenged")),
        "legal_theories": list(dict.fromkeys(theories)),
        "filings": sorted((_filing(f, f"filings[{i}]")
                           for i, f in enumerate(v.list_of(data.get("filings"), "filings", max_items=MAX_ITEMS))),
                          key=lambda f: f["date"]),
        "rulings": sorted((check_ruling(r, f"rulings[{i}]")
                           for i, r in enumerate(v.list_of(data.get("rulings"), "rulings", max_items=MAX_ITEMS))),
                          key=lambda r: r["date"]),
        "source_url": v.url(data.get("source_url"), "source_url"),
        "notes": v.text(data.get("notes"), "notes", required=False, max_len=5000),
    }
    if not fields["challenged"]["ordinances"] and not fields["challenged"]["preemptions"]:
        raise BadInput("challenged must name the ordinances or the state preemption the case challenges")
    return fields


def check_case_filter(filters) -> dict:
    f = v.mapping(filters, "filter", required=False) or {}
    v.only_keys(f, "filter", CASE_FILTERS)
    checks = {"legal_theory": lambda x: v.choice(x, "filter.legal_theory", LEGAL_THEORIES),
              "state": lambda x: ocd.check_state(x, "filter.state"),
              "issue_area": lambda x: check_issue_area(x, "filter.issue_area"),
              "ordinance_id": lambda x: v.identifier(x, "filter.ordinance_id", "ord")}
    return {key: checks[key](value) for key, value in f.items() if value is not None}


def affected(challenged: dict, found: dict, by_measure) -> list[dict]:
    """The ordinances a case challenges: those named by id (NotFound for an unknown one)
    and every ordinance of each jurisdiction and issue named (``by_measure(j, issue)``)."""
    out = {}
    for ref in challenged["ordinances"]:
        if "ordinance_id" in ref:
            if ref["ordinance_id"] not in found:
                raise NotFound(f"no ordinance {ref['ordinance_id']!r}")
            out[ref["ordinance_id"]] = found[ref["ordinance_id"]]
        else:
            out.update({o["id"]: o for o in by_measure(ref["jurisdiction"], ref["issue_area"])})
    return list(out.values())


def _reach(fields: dict, ordinances: list[dict]) -> dict:
    """What the case touches, kept for filters and events: ordinance ids, states, issues."""
    challenged = fields["challenged"]
    states = {o["state"] for o in ordinances} | {p["state"] for p in challenged["preemptions"]} | \
        {ocd.state_of(r["jurisdiction"]) for r in challenged["ordinances"] if "jurisdiction" in r}
    issues = {o["issue_area"] for o in ordinances} | {p["issue_area"] for p in challenged["preemptions"]} | \
        {r["issue_area"] for r in challenged["ordinances"] if "issue_area" in r}
    return {"ordinance_ids": sorted(o["id"] for o in ordinances), "states": sorted(states),
            "issue_areas": sorted(issues),
            "sponsor_ids": sorted({s for o in ordinances for s in o.get("sponsor_ids") or []})}


def new_case(fields: dict, ordinances: list[dict]) -> dict:
    now = now_iso()
    return {**fields, **_reach(fields, ordinances), "version": 1, "created_at": now, "updated_at": now}


def same_ruling(a: dict, b: dict) -> bool:
    return (a["date"], a["outcome"], a.get("court"), a.get("source_url")) == \
        (b["date"], b["outcome"], b.get("court"), b.get("source_url"))


def add_ruling(doc: dict, ruling: dict, ordinances: list[dict]) -> tuple[dict, list[dict]]:
    """The case with the ruling (by date) and its case.ruled event; the same ruling again
    changes nothing."""
    if any(same_ruling(ruling, r) for r in doc["rulings"]):
        return doc, []
    reach = _reach(doc, ordinances)
    new = {**doc, **reach, "rulings": sorted(doc["rulings"] + [ruling], key=lambda r: r["date"]),
           "version": doc["version"] + 1, "updated_at": now_iso()}
    data = {"id": doc["slug"], "version": new["version"], "slug": doc["slug"], "title": doc["title"],
            "court": ruling["court"] or doc["court"], "docket_number": doc.get("docket_number"),
            "date": ruling["date"], "outcome": ruling["outcome"], "summary": ruling["summary"],
            "legal_theories": doc["legal_theories"], "ordinance_action": ruling["ordinance_action"],
            **reach, "source_url": ruling["source_url"]}
    return new, [cloudevent("case.ruled", f"case/{doc['slug']}", data)]


def ruling_action(case: dict, ruling: dict) -> dict | None:
    """The action a ruling records on each affected ordinance, or None if it records none."""
    if not ruling["ordinance_action"]:
        return None
    note = f"{case['title']} ({case['court']}{', ' + case['docket_number'] if case.get('docket_number') else ''})"
    if ruling["summary"]:
        note = f"{note}: {ruling['summary']}"
    return {"type": ruling["ordinance_action"], "date": ruling["date"], "note": note[:2000],
            "source_url": ruling["source_url"], "changes": None}


def check_action_follows(ordinance: dict, action: dict):
    """Conflict (naming the ordinance) if the action cannot follow its history; nothing
    when it is already there."""
    if any(actions.same_action(action, a) for a in ordinance["actions"]):
        return
    try:
        actions.replay(actions.place(ordinance["actions"], action))
    except Conflict as exc:
        raise Conflict(f"ordinance {ordinance['id']} ({ordinance['jurisdiction']}): {exc}; "
                       "record the missing actions on it first, or give the ruling without ordinance_action") from None


def case_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in CASE_FIELDS + ("ordinance_ids", "states", "issue_areas", "version")}
    out["id"] = doc["slug"]
    return out
