"""What the search index holds and what may be asked of it: the document made from each
owner's public view of an entity (and whether it may be found), which entity and version
an event names, and the checked query. Pure functions over plain dicts; no I/O, and no
engine words: repository.py turns these into Elasticsearch's.

Every type (member, toolkit, ordinance, ask) is one kind of document with one key,
``<type>:<id>``, so one query ranks them together and counts facets across them. A
document is written at its entity's version and never replaced by an older one. An
entity that must not be found (an archived toolkit, a member who left) stays as a hidden
tombstone at its version, rather than being removed, so that a late, older event cannot
bring it back.
"""
from __future__ import annotations

import re

from clearinghouse import ocd, validation as v
from clearinghouse.caller import ASK_READERS, Caller
from clearinghouse.errors import BadInput, Unauthenticated
from clearinghouse.events import CATALOG, excerpt
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.paging import check_first, decode, refused
from clearinghouse.statuses import MEMBER_DEPARTED, MEMBER_STATUSES, ORDINANCE_STATUSES

TYPES = ("member", "toolkit", "ordinance", "ask")
# The field that names each type's entity, as the catalog's subjects do ("toolkit/<slug>").
NAMED_BY = {e.entity: e.subject.split("/")[1].strip("<>") for e in CATALOG.values() if e.entity in TYPES}

# Members who left are hidden: search is for finding peers in the network today. Their
# public profile stays readable from members (e.g. as an ordinance's sponsor), and a
# member who rejoins is found again at the next event.
HIDDEN_MEMBER_STATUSES = MEMBER_DEPARTED
# search's own: only published toolkits are found, and an ask is open until answered
TOOLKIT_STATUSES = ("published",)
ASK_STATUSES = ("open", "answered")
STATUSES = tuple(dict.fromkeys(MEMBER_STATUSES + TOOLKIT_STATUSES + ORDINANCE_STATUSES + ASK_STATUSES))

FILTER_KEYS = ("type", "state", "issue_area", "status", "jurisdiction")
FACETS = ("type", "state", "issue_area", "status")
MAX_TEXT = 500
# what an event carries of a long entity (the owners' events say the same): search indexes
# that much from events and from a rebuild alike
TALKING_POINTS, ACTIONS, ANSWERS = 10, 20, 5
CURSOR = "search"  # the list name in search cursors: another list's cursor is refused


def key(kind: str, entity_id: str) -> str:
    return f"{kind}:{entity_id}"


# -- documents --------------------------------------------------------------------------

def _place(division: str) -> str:
    return ocd.name_of(division) if division else ""


def _join(*parts) -> str:
    return "\n".join(p for p in parts if p)


def member_document(member: dict) -> dict:
    current = [o for o in member.get("offices") or [] if not o.get("end_date")]
    jurisdictions = sorted({o["jurisdiction"] for o in current})
    node = {k: member.get(k) for k in ("id", "name", "given_name", "family_name", "pronouns", "bio",
                                       "status", "joined_on", "issue_areas", "version")}
    node["offices"] = [{k: o.get(k) for k in ("id", "role", "body", "jurisdiction", "district",
                                              "start_date", "end_date")}
                       for o in member.get("offices") or []]
    offices = [f"{o.get('role')}, {o.get('body')}" + (f", district {o['district']}" if o.get("district") else "")
               for o in current]
    return {
        "title": member["name"], "body": _join(member.get("bio"), *offices),
        "places": _join(*(_place(j) for j in jurisdictions)),
        "state": sorted({ocd.state_of(j) for j in jurisdictions}), "jurisdiction": jurisdictions,
        "issue_area": list(member.get("issue_areas") or []), "status": member.get("status"),
        "node": node, "visible": member.get("status") not in HIDDEN_MEMBER_STATUSES,
    }


def _long_text(value) -> str | None:
    """A long text as events carry it: an excerpt, or a reference with one (the model
    ordinance); an owner's whole text (a rebuild) is cut the same way, so both paths
    index the same document."""
    if isinstance(value, dict):
        return value.get("excerpt")
    return excerpt(value)


def toolkit_document(toolkit: dict) -> dict:
    node = {k: toolkit.get(k) for k in ("slug", "title", "issue_area", "summary", "status", "published_at")}
    # the published number (an event's version is the entity's counter, toolkit_version the number)
    node["version"] = toolkit.get("toolkit_version", toolkit.get("version"))
    node["id"] = toolkit["slug"]
    points = (toolkit.get("talking_points") or [])[:TALKING_POINTS]
    return {
        "title": toolkit.get("title") or toolkit["slug"],
        "body": _join(_long_text(toolkit.get("summary")), _long_text(toolkit.get("model_ordinance")),
                      _long_text(toolkit.get("legal_notes")), *(excerpt(p, 500) for p in points)),
        "issue_area": [toolkit["issue_area"]] if toolkit.get("issue_area") else [],
        "status": "published", "node": node,
        # owners answer with the latest published version; a draft-only or archived
        # toolkit is not searchable
        "visible": toolkit.get("status") == "published",
    }


def ordinance_document(ordinance: dict) -> dict:
    node = {k: ordinance.get(k) for k in ("id", "title", "jurisdiction", "state", "issue_area", "toolkit_slug",
                                          "status", "sponsor_ids", "source_url", "version")}
    latest = (ordinance.get("actions") or [])[-ACTIONS:]
    notes = [excerpt(ordinance.get("notes"))] + [excerpt(a.get("note"), 500) for a in latest]
    jurisdiction = ordinance.get("jurisdiction")
    return {
        "title": ordinance["title"], "body": _join(*notes), "places": _place(jurisdiction),
        "state": [ordinance.get("state") or ocd.state_of(jurisdiction)] if jurisdiction else [],
        "jurisdiction": [jurisdiction] if jurisdiction else [],
        "issue_area": [ordinance["issue_area"]] if ordinance.get("issue_area") else [],
        "status": ordinance.get("status"), "node": node, "visible": True,
    }


def ask_document(ask: dict) -> dict:
    answers = ask.get("answers") or []
    node = {k: ask.get(k) for k in ("id", "issue_area", "subject", "body", "author_id", "posted_at", "version")}
    node["body"] = excerpt(node["body"], 4000)
    node["answer_count"] = ask.get("answer_count", len(answers))
    return {
        "title": ask["subject"],
        "body": _join(excerpt(ask.get("body"), 4000), *(excerpt(a.get("body"), 4000) for a in answers[-ANSWERS:])),
        "issue_area": [ask["issue_area"]] if ask.get("issue_area") else [],
        "status": "answered" if node["answer_count"] else "open", "node": node, "visible": True,
    }


BUILDERS = {"member": member_document, "toolkit": toolkit_document,
            "ordinance": ordinance_document, "ask": ask_document}


def entity_id(kind: str, entity: dict) -> str:
    return entity[NAMED_BY[kind]]


def document(kind: str, entity: dict | None, entity_key: str, version: int) -> dict:
    """The document for an owner's public view of an entity; a hidden tombstone when the
    entity is gone (None) or must not be found. Only whitelisted fields are copied."""
    base = {"key": key(kind, entity_key), "type": kind, "id": entity_key, "version": version}
    if entity is None:
        return {**base, "visible": False}
    doc = BUILDERS[kind](entity)
    if not doc["visible"]:
        return {**base, "visible": False}
    doc["node"] = {**doc["node"], "type": kind}
    return {**base, **doc, "suggest": doc["title"]}


def version_of(kind: str, entity: dict | None, event_version: int = 0) -> int:
    """The external version to index at: the entity's counter, never below the event's.

    A document written at version N always shows a state at least as new as N (it was
    read from the owner after the write that made N), so the highest version wins. A
    toolkit's view carries its published number instead of its counter; the number never
    exceeds the counter, so it is a safe floor for a rebuild and events carry the counter.
    """
    return max(int((entity or {}).get("version") or 0), int(event_version or 0))


# -- events -----------------------------------------------------------------------------

# Every catalogued event about a type search indexes, and that type.
EVENT_KINDS = {t: e.entity for t, e in CATALOG.items() if e.entity in TYPES}


def event_target(event: dict) -> tuple[str, str, int] | None:
    """(type, entity key, version) an event is about, or None if search does not index it."""
    kind = EVENT_KINDS.get(event.get("type"))
    data = event.get("data") or {}
    if kind is None:
        return None
    entity_key = data.get(NAMED_BY[kind])
    if not entity_key:
        entity_key = (event.get("subject") or "").partition("/")[2]
    return (kind, entity_key, int(data.get("version") or 0)) if entity_key else None


# -- queries ------------------------------------------------------------------------------

_PHRASE = re.compile(r'"([^"]+)"')


def parse_text(text: str) -> tuple[list[str], str]:
    """Quoted parts are phrases; the rest is free text. An unmatched quote is just text."""
    phrases = [p.strip() for p in _PHRASE.findall(text) if p.strip()]
    rest = _PHRASE.sub(" ", text).replace('"', " ")
    return phrases, " ".join(rest.split())


def check_types(types) -> list[str]:
    if types is None:
        return []
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, (list, tuple)):
        raise BadInput(f"types must be a list from: {', '.join(TYPES)}")
    # checked before de-duplicating: a list or object in types cannot be hashed
    return list(dict.fromkeys(v.choice(t, "types[]", TYPES) for t in types))


def check_filter(filters) -> dict:
    """The filter, checked: keys type, state, issue_area, status, jurisdiction; each a value
    or a list of values. Unknown keys and values are refused with what is allowed."""
    v.mapping(filters, "filter", required=False)
    filters = filters or {}
    v.only_keys(filters, "filter", FILTER_KEYS)
    checks = {
        "type": lambda x: v.choice(x, "filter.type", TYPES),
        "state": lambda x: ocd.check_state(x, "filter.state"),
        "issue_area": lambda x: check_issue_area(x, "filter.issue_area"),
        "status": lambda x: v.choice(x, "filter.status", STATUSES),
        "jurisdiction": lambda x: ocd.check_division(x, "filter.jurisdiction"),
    }
    out = {}
    for name, value in filters.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        if not values or len(values) > 50:
            raise BadInput(f"filter.{name} takes one value or a list of 1 to 50 values")
        out[name] = [checks[name](x) for x in values]
    return out


def check_cursor(after) -> list | None:
    """A search cursor: (score, key) from a query with text, (key,) from one without."""
    position = decode(after, kind=CURSOR)
    if position is None:
        return None
    scored = len(position) == 2 and isinstance(position[0], float)
    if not ((scored or len(position) == 1) and isinstance(position[-1], str)):
        raise refused()
    return list(position)


def visible_types(types: list[str], caller: Caller) -> list[str]:
    """The types ``caller`` may search: asks only for members, partners and staff."""
    if caller.role in ASK_READERS:
        return types
    if "ask" in types:
        raise Unauthenticated("searching asks needs a MEMBER, PARTNER or STAFF API key; "
                              "send Authorization: Bearer <key>")
    return types or [t for t in TYPES if t != "ask"]


def _flag(value, name) -> bool:
    if not isinstance(value, bool):
        raise BadInput(f"{name} must be true or false, got {value!r}")
    return value


def check_query(text, types=None, filters=None, first=20, after=None, caller=None,
                count=True, facets=True, highlights=True) -> dict:
    """The checked query; ``count``, ``facets`` and ``highlights`` say what the client
    selected (what it did not, the engine neither counts, aggregates nor highlights)."""
    text = v.text(text if text is not None else "", "text", required=False, max_len=MAX_TEXT) or ""
    return {"text": text, "types": visible_types(check_types(types), Caller.of(caller)),
            "filter": check_filter(filters), "first": check_first(first), "after": check_cursor(after),
            "count": _flag(count, "count"), "facets": _flag(facets, "facets"),
            "highlights": _flag(highlights, "highlights")}


def check_suggest(prefix, types=None, limit=10, caller=None) -> dict:
    prefix = v.text(prefix, "prefix", max_len=100)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 20:
        raise BadInput(f"limit must be a whole number from 1 to 20, got {limit!r}")
    return {"prefix": prefix, "types": visible_types(check_types(types), Caller.of(caller)), "limit": limit}
