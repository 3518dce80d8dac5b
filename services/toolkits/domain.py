"""The toolkits service's rules: toolkit versions, ordinances and their actions, state
preemption, and the questions answered from them. Pure functions over plain dicts: a
toolkit is named by its ``slug``, an ordinance and a preemption record by their ``id``;
how they are stored is the repository's business (repository.py).

Entities carry ``version``, the entity's counter that every write bumps and every event
carries. A toolkit's own numbered version (1, 2, ...) is ``number`` in the entity and
``version`` in the toolkit view, as docs/rpc.md shows it.
"""
from __future__ import annotations

import re
import uuid

from clearinghouse import ocd, validation as v
from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.events import cloudevent, excerpt, now_iso
from clearinghouse.issue_areas import ISSUE_AREAS, check_issue_area

from . import actions, amendments, provisions

TOOLKIT_STATUSES = ("draft", "published", "archived")
SCOPES = ("full", "partial", "none")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TOOLKIT_FIELDS = ("slug", "title", "issue_area", "summary", "model_ordinance", "legal_notes",
                  "talking_points", "resources", "expert_ids", "change_note")
# what a published version freezes
CONTENT = ("title", "issue_area", "summary", "model_ordinance", "legal_notes", "talking_points",
           "resources", "expert_ids")
ORDINANCE_FIELDS = ("title", "jurisdiction", "issue_area", "toolkit_slug", "sponsor_ids", "provisions",
                    "source_url", "notes", "actions", "text", "toolkit", "derived_from", "provision_history")
ACTION_FIELDS = ("type", "date", "note", "source_url", "changes")
MAX_DERIVED_FROM = 20
PREEMPTION_FIELDS = ("state", "issue_area", "scope", "statute", "year", "voids_existing_laws", "notes",
                     "source_url")
PREEMPTION_CONTENT = PREEMPTION_FIELDS[2:]


def new_ordinance_id() -> str:
    return f"ord_{uuid.uuid4().hex[:16]}"


# -- validation ------------------------------------------------------------------------------

def check_slug(value, field="slug") -> str:
    # fullmatch: a trailing newline ("paid-sick\n") would be a second, invisible slug
    if not isinstance(value, str) or len(value) > 80 or not _SLUG.fullmatch(value):
        raise BadInput(f"{field} {value!r} is not a toolkit slug; use lower-case words joined by hyphens, "
                       "like 'paid-sick-days'")
    return value


def check_version(value) -> int | None:
    """A published toolkit version number, or None for the latest."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise BadInput(f"version must be a whole number from 1, got {value!r}")
    return value


def _check_resources(value, field="resources") -> list[dict]:
    out = []
    for i, link in enumerate(v.list_of(value, field)):
        label = f"{field}[{i}]"
        v.mapping(link, label)
        v.only_keys(link, label, ("title", "url"))
        out.append({"title": v.line(link.get("title"), f"{label}.title", 300),
                    "url": v.url(link.get("url"), f"{label}.url", required=True)})
    return out


def check_toolkit_fields(data, *, partial: bool) -> dict:
    """Validate toolkit input; with ``partial`` only the given fields are checked."""
    v.mapping(data, "toolkit")
    v.only_keys(data, "toolkit", TOOLKIT_FIELDS)
    checks = {
        "slug": check_slug,
        "title": lambda x: v.line(x, "title", 300),
        "issue_area": lambda x: check_issue_area(x, "issue_area"),
        "summary": lambda x: v.text(x, "summary", max_len=5000),
        "model_ordinance": lambda x: v.text(x, "model_ordinance", required=False, max_len=200_000),
        "legal_notes": lambda x: v.text(x, "legal_notes", required=False, max_len=50_000),
        "talking_points": lambda x: [v.line(p, f"talking_points[{i}]", 2000)
                                     for i, p in enumerate(v.list_of(x, "talking_points", max_items=50))],
        "resources": _check_resources,
        "expert_ids": lambda x: [v.identifier(i, "expert_ids[]", "mem") for i in v.list_of(x, "expert_ids")],
        "change_note": lambda x: v.text(x, "change_note", required=False, max_len=2000),
    }
    if not partial:
        for required in ("slug", "title", "issue_area", "summary"):
            if data.get(required) is None:
                raise BadInput(f"{required} is required")
    return {key: checks[key](value) for key, value in data.items()}


def check_action(data, field="action") -> dict:
    v.mapping(data, field)
    v.only_keys(data, field, ACTION_FIELDS)
    checked = {
        "type": v.choice(data.get("type"), f"{field}.type", actions.ACTIONS),
        "date": v.date(data.get("date"), f"{field}.date"),
        "note": v.text(data.get("note"), f"{field}.note", required=False, max_len=2000),
        "source_url": v.url(data.get("source_url"), f"{field}.source_url"),
        "changes": amendments.check_changes(data.get("changes"), f"{field}.changes"),
    }
    if checked["changes"] and checked["type"] != "amended":
        raise BadInput(f"{field}.changes is for an amended action only; leave it out of a {checked['type']} action")
    return checked


def check_measure_ref(data, field) -> dict:
    """Another ordinance named by its place and issue (as lineage names the ordinances one
    was modelled on)."""
    v.mapping(data, field)
    v.only_keys(data, field, ("jurisdiction", "issue_area"))
    return {"jurisdiction": ocd.check_division(data.get("jurisdiction"), f"{field}.jurisdiction"),
            "issue_area": check_issue_area(data.get("issue_area"), f"{field}.issue_area")}


def _check_toolkit_ref(data, field="toolkit") -> dict | None:
    if data is None:
        return None
    v.mapping(data, field)
    v.only_keys(data, field, ("slug", "version"))
    if data.get("version") is None:
        raise BadInput(f"{field}.version is required: the published version of the toolkit the ordinance drew on")
    return {"slug": check_slug(data.get("slug"), f"{field}.slug"), "version": check_version(data.get("version"))}


def check_ordinance_fields(data) -> dict:
    v.mapping(data, "ordinance")
    v.only_keys(data, "ordinance", ORDINANCE_FIELDS)
    issue_area = check_issue_area(data.get("issue_area"), "issue_area")
    toolkit_slug = data.get("toolkit_slug")
    toolkit = _check_toolkit_ref(data.get("toolkit"))
    if toolkit and toolkit_slug not in (None, toolkit["slug"]):
        raise BadInput(f"toolkit_slug {toolkit_slug!r} and toolkit.slug {toolkit['slug']!r} differ; give one")
    toolkit_slug = toolkit["slug"] if toolkit else toolkit_slug
    jurisdiction = ocd.check_division(data.get("jurisdiction"), "jurisdiction")
    derived = [check_measure_ref(d, f"derived_from[{i}]")
               for i, d in enumerate(v.list_of(data.get("derived_from"), "derived_from", max_items=MAX_DERIVED_FROM))]
    if any(d == {"jurisdiction": jurisdiction, "issue_area": issue_area} for d in derived):
        raise BadInput("derived_from names the ordinance itself; name the ordinances it was modelled on")
    return {
        "text": amendments.check_text(data.get("text")),
        "toolkit_version": toolkit["version"] if toolkit else None,
        "derived_from": list({(d["jurisdiction"], d["issue_area"]): d for d in derived}.values()),
        "provision_history": amendments.check_history(issue_area, data.get("provision_history")),
        "title": v.line(data.get("title"), "title", 300),
        "jurisdiction": jurisdiction,
        "issue_area": issue_area,
        "toolkit_slug": None if toolkit_slug is None else check_slug(toolkit_slug, "toolkit_slug"),
        "sponsor_ids": list(dict.fromkeys(v.identifier(i, "sponsor_ids[]", "mem")
                                          for i in v.list_of(data.get("sponsor_ids"), "sponsor_ids"))),
        "provisions": provisions.check(issue_area, data.get("provisions")),
        "source_url": v.url(data.get("source_url"), "source_url"),
        "notes": v.text(data.get("notes"), "notes", required=False, max_len=5000),
        "actions": [_checked_amendment(issue_area, check_action(a, f"actions[{i}]"), f"actions[{i}]")
                    for i, a in enumerate(v.list_of(data.get("actions"), "actions", max_items=200))],
    }


def _checked_amendment(issue_area: str, action: dict, field: str) -> dict:
    if action.get("changes") and action["changes"]["provisions"]:
        action["changes"]["provisions"] = provisions.check(issue_area, action["changes"]["provisions"],
                                                           f"{field}.changes.provisions")
    return action


def check_preemption_fields(data) -> dict:
    v.mapping(data, "preemption")
    v.only_keys(data, "preemption", PREEMPTION_FIELDS)
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1776 <= year <= 2100):
        raise BadInput(f"year must be a year like 2016, got {year!r}")
    voids = data.get("voids_existing_laws")
    if voids is not None and not isinstance(voids, bool):
        raise BadInput(f"voids_existing_laws must be true, false or null (not known), got {voids!r}")
    return {
        "state": ocd.check_state(data.get("state"), "state"),
        "issue_area": check_issue_area(data.get("issue_area"), "issue_area"),
        "scope": v.choice(data.get("scope"), "scope", SCOPES),
        "statute": v.line(data.get("statute"), "statute", 500, required=False),
        "year": year,
        "voids_existing_laws": voids,
        "notes": v.text(data.get("notes"), "notes", required=False, max_len=5000),
        "source_url": v.url(data.get("source_url"), "source_url"),
    }


ORDINANCE_FILTERS = ("state", "jurisdiction", "issue_area", "status", "sponsor_id", "toolkit_slug")


def check_ordinance_filter(filters) -> dict:
    """The list filters given (all optional, combined with AND), checked: plain values by
    filter name; a sponsor_id matches an ordinance it is among the sponsor_ids of."""
    f = v.mapping(filters, "filter", required=False) or {}
    v.only_keys(f, "filter", ORDINANCE_FILTERS)
    checks = {
        "state": lambda x: ocd.check_state(x, "filter.state"),
        "jurisdiction": lambda x: ocd.check_division(x, "filter.jurisdiction"),
        "issue_area": lambda x: check_issue_area(x, "filter.issue_area"),
        "status": lambda x: v.choice(x, "filter.status", actions.STATUSES),
        "sponsor_id": lambda x: v.identifier(x, "filter.sponsor_id", "mem"),
        "toolkit_slug": lambda x: check_slug(x, "filter.toolkit_slug"),
    }
    return {key: checks[key](value) for key, value in f.items() if value is not None}


def check_ordinances_of(key, values) -> tuple[str, list[str]]:
    """The ordinance field (sponsor_ids or toolkit_slug) and the checked, de-duplicated
    values for ordinances_of."""
    checks = {"sponsor_id": ("sponsor_ids", lambda x: v.identifier(x, "values[]", "mem")),
              "toolkit_slug": ("toolkit_slug", lambda x: check_slug(x, "values[]"))}
    if not isinstance(key, str) or key not in checks:  # a list or dict key cannot be looked up
        raise BadInput(f"key {key!r} is not allowed; use one of: {', '.join(checks)}")
    field, check = checks[key]
    return field, list(dict.fromkeys(check(x) for x in v.list_of(values, "values", max_items=500)))


def group_ordinances(docs, field: str, wanted: list[str], limit: int) -> dict:
    """Up to ``limit`` ordinances per wanted value, in the order ``docs`` come; stops
    reading as soon as every value has its fill."""
    found = {value: [] for value in wanted}
    open_values = {value for value in wanted if limit > 0}
    for doc in docs:
        if not open_values:
            break
        for value in (doc.get(field) or []) if field == "sponsor_ids" else [doc.get(field)]:
            if value in open_values:
                found[value].append(doc)
                if len(found[value]) == limit:
                    open_values.discard(value)
    return found


# -- toolkits --------------------------------------------------------------------------------

# Events stay small: text that can be long goes as an excerpt, and the model ordinance and
# legal notes by reference (get_toolkit(slug, version=toolkit_version) has them whole).
TALKING_POINTS_IN_EVENT = 10
ACTIONS_IN_EVENT = 20


def public_toolkit(doc: dict) -> dict:
    """The latest published version as anyone may see it, bounded for an event (never the
    draft): what toolkit events carry and what search indexes."""
    shown = doc["published"][-1]
    status = "archived" if doc["status"] == "archived" else "published"
    out = {"id": doc["slug"], "slug": doc["slug"], "version": doc["version"], "status": status,
           "toolkit_version": shown["version"], "published_at": shown.get("published_at"),
           "title": shown["title"], "issue_area": shown["issue_area"], "summary": shown.get("summary"),
           "talking_points": [excerpt(p, 500) for p in (shown.get("talking_points") or [])[:TALKING_POINTS_IN_EVENT]],
           "resources": [dict(r) for r in shown.get("resources") or []],
           "expert_ids": list(shown.get("expert_ids") or [])}
    for body in ("model_ordinance", "legal_notes"):
        text = shown.get(body)
        out[body] = None if text is None else {"toolkit_version": shown["version"], "length": len(text),
                                               "excerpt": excerpt(text)}
    return out


def _toolkit_event(event_type: str, doc: dict) -> dict:
    # Events are public: they name the latest published version (for toolkit.published the
    # one just frozen), never the draft; a toolkit never published emits none at all.
    return cloudevent(event_type, f"toolkit/{doc['slug']}", public_toolkit(doc))


def _content(fields: dict) -> dict:
    base = {"model_ordinance": None, "legal_notes": None, "talking_points": [], "resources": [], "expert_ids": []}
    return {**base, **{k: fields[k] for k in CONTENT if k in fields}}


def new_toolkit(fields: dict) -> dict:
    """A draft, numbered version 1. The toolkit keeps the working copy (``draft``), whether
    it is still unpublished (``draft_pending``) and every published version, frozen."""
    now = now_iso()
    return {"slug": fields["slug"], "version": 1, "status": "draft", "number": 1, "draft_pending": True,
            "draft": {**_content(fields), "change_note": fields.get("change_note")},
            "published": [], "issue_area": fields["issue_area"], "created_at": now, "updated_at": now}


def _listed(doc: dict) -> dict:
    # list filters follow what get_toolkit shows: the latest published version, else the draft
    doc["issue_area"] = (doc["published"][-1] if doc["published"] else doc["draft"])["issue_area"]
    return doc


def revise_toolkit(doc: dict, changes: dict) -> tuple[dict, list[dict]]:
    """Edit the draft in place; on a published toolkit start the next draft version
    (toolkit.revised). Revising an archived toolkit brings it back."""
    if changes.get("slug", doc["slug"]) != doc["slug"]:
        raise BadInput("a toolkit's slug cannot change; create a new toolkit instead")
    changes = {k: val for k, val in changes.items() if k != "slug"}
    if not changes:
        return doc, []
    new = {**doc, "version": doc["version"] + 1, "updated_at": now_iso()}
    revised = (doc["status"] == "archived" or not doc["draft_pending"]) and bool(doc["published"])
    if doc["status"] == "archived":
        new["status"] = "published" if doc["published"] else "draft"
    if not doc["draft_pending"]:
        new.update(number=doc["number"] + 1, draft_pending=True)
        new["draft"] = {**doc["draft"], "change_note": None}
    new["draft"] = {**new["draft"], **changes}
    _listed(new)
    return new, [_toolkit_event("toolkit.revised", new)] if revised else []


def publish_toolkit(doc: dict, change_note: str | None) -> tuple[dict, list[dict]]:
    """Freeze the draft as the next numbered version. Publishing what is already
    published changes nothing (a retried call is harmless)."""
    if not doc["draft_pending"]:
        if doc["status"] == "archived":
            raise Conflict(f"toolkit {doc['slug']!r} is archived; revise it to start a new draft, then publish")
        return doc, []
    now = now_iso()
    frozen = {**{k: doc["draft"][k] for k in CONTENT}, "version": doc["number"], "published_at": now,
              "change_note": change_note or doc["draft"].get("change_note")}
    new = {**doc, "version": doc["version"] + 1, "status": "published", "draft_pending": False,
           "published": doc["published"] + [frozen], "updated_at": now}
    _listed(new)
    return new, [_toolkit_event("toolkit.published", new)]


def archive_toolkit(doc: dict) -> tuple[dict, list[dict]]:
    if doc["status"] == "archived":
        return doc, []
    new = {**doc, "version": doc["version"] + 1, "status": "archived", "updated_at": now_iso()}
    return new, [_toolkit_event("toolkit.archived", new)] if doc["published"] else []


def toolkit_view(doc: dict, version: int | None = None, draft: bool = False) -> dict:
    """The latest published version (or the draft if none was published); a given
    published ``version``; or with ``draft`` the working draft when one is pending."""
    history = [{k: p[k] for k in ("version", "published_at", "change_note")} for p in doc["published"]]
    if version is not None:
        shown = next((p for p in doc["published"] if p["version"] == version), None)
        if shown is None:
            raise NotFound(f"toolkit {doc['slug']!r} has no published version {version}; "
                           f"published versions: {[p['version'] for p in doc['published']] or 'none yet'}")
        status = "published"
    elif doc["published"] and not (draft and doc["draft_pending"]):
        shown, status = doc["published"][-1], "published"
    else:
        shown = {**doc["draft"], "version": doc["number"], "published_at": None}
        status = "draft"
    if doc["status"] == "archived" and version is None:
        status = "archived"
    out = {k: shown.get(k) for k in CONTENT + ("version", "published_at")}
    out.update(slug=doc["slug"], status=status, versions=history,
               draft_version=doc["number"] if doc["draft_pending"] else None,
               change_note=shown.get("change_note"))
    return out


# -- ordinances --------------------------------------------------------------------------------

def public_ordinance(doc: dict) -> dict:
    """The ordinance as anyone may see it, bounded for an event: its latest actions only
    (``action_count`` says how many there are), notes as excerpts."""
    out = {k: doc.get(k) for k in ("title", "jurisdiction", "state", "issue_area", "toolkit_slug", "sponsor_ids",
                                   "status", "provisions", "source_url", "version")}
    out.update(id=doc["id"], notes=excerpt(doc.get("notes")), action_count=len(doc["actions"]),
               actions=[{**{k: a.get(k) for k in ("type", "date", "source_url")}, "note": excerpt(a.get("note"), 500)}
                        for a in doc["actions"][-ACTIONS_IN_EVENT:]])
    return out


def _ordinance_event(event_type: str, doc: dict, **extra) -> dict:
    return cloudevent(event_type, f"ordinance/{doc['id']}", {**public_ordinance(doc), **extra})


def _with_dates(doc: dict) -> dict:
    acts = doc["actions"]
    doc["first_action_date"] = acts[0]["date"] if acts else None
    doc["latest_action_date"] = acts[-1]["date"] if acts else None
    return doc


def measure(fields: dict) -> tuple[str, str, str]:
    """One ordinance per jurisdiction and measure: the same title (in any case and spacing)
    on the same issue twice is a duplicate."""
    return fields["jurisdiction"], fields["issue_area"], " ".join(fields["title"].casefold().split())


def duplicate(fields: dict, existing_id: str) -> Conflict:
    return Conflict(f"{fields['jurisdiction']} already has an ordinance titled {fields['title']!r} on "
                    f"{fields['issue_area']}: {existing_id}; record actions on it instead")


def new_ordinance(fields: dict) -> tuple[dict, list[dict]]:
    now = now_iso()
    history = []
    for action in fields["actions"]:
        if not any(actions.same_action(action, a) for a in history):
            history = actions.place(history, {**action, "recorded_at": now})
    try:
        status = actions.replay(history)
    except Conflict as exc:  # nothing stored yet: the history given is itself wrong
        raise BadInput(f"actions: {exc}") from None
    content = {k: val for k, val in fields.items() if k != "text"}
    doc = {**content, "id": new_ordinance_id(), "version": 1, "state": ocd.state_of(fields["jurisdiction"]),
           "actions": history, "status": status, "texts": amendments.first_text(fields.get("text"), now),
           "created_at": now, "updated_at": now}
    _with_dates(doc)
    for action in history:  # the texts of the amendments in the history given, in date order
        if action["type"] == "amended":  # (its provisions and their history are given as they are now)
            doc = amendments.with_text(doc, action, now)
    return doc, [_ordinance_event("ordinance.recorded", doc)]


def record_action(doc: dict, action: dict) -> tuple[dict, list[dict]]:
    """Place the action by date, replay the history, and set the new status.

    The same action (type, date, source) recorded again changes nothing. An action that
    cannot follow is refused with the allowed next actions. ``ordinance.status_changed``
    is emitted when the status moved (an amendment, or a back-dated action that does not
    change where the history ends, bumps the version without one).
    """
    if any(actions.same_action(action, a) for a in doc["actions"]):
        return doc, []
    history = actions.place(doc["actions"], {**action, "recorded_at": now_iso()})
    status = actions.replay(history)
    new = _with_dates({**doc, "actions": history, "status": status, "version": doc["version"] + 1,
                       "updated_at": now_iso()})
    if action["type"] == "amended":
        return _amended(new, action)
    if status == doc["status"]:
        return new, []
    data = {"from": doc["status"], "to": status, "action": action["type"]}
    return new, [_ordinance_event("ordinance.status_changed", new, **data)]


def _amended(doc: dict, action: dict) -> tuple[dict, list[dict]]:
    """An amendment applied (amendments.apply) and told as ordinance.amended."""
    new = amendments.apply(doc, action, doc["updated_at"])
    changes = action.get("changes") or {}
    text = amendments.text_version(new)
    data = {"date": action["date"],
            "effective_date": changes.get("effective_date") or action["date"],
            "summary": changes.get("summary") or action.get("note"),
            "changed_provisions": sorted((changes.get("provisions") or {})),
            "text_version": text["version"] if text else None,
            "amendment_source_url": action.get("source_url")}
    return new, [_ordinance_event("ordinance.amended", new, **data)]


def ordinance_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in ("title", "jurisdiction", "state", "issue_area", "toolkit_slug", "sponsor_ids",
                                   "status", "provisions", "source_url", "notes", "version", "toolkit_version", "updated_at")}
    out["id"] = doc["id"]
    text = amendments.text_version(doc)
    out["text"] = text["text"] if text else None
    out["text_version"] = text["version"] if text else None
    out["texts"] = [{k: t[k] for k in ("version", "effective_date", "summary", "recorded_at")}
                    for t in doc.get("texts") or []]
    out["derived_from"] = doc.get("derived_from") or []
    out["provision_history"] = doc.get("provision_history") or []
    out["actions"] = [{k: a.get(k) for k in ACTION_FIELDS + ("recorded_at",)} for a in doc["actions"]]
    out["next_actions"] = list(actions.next_actions(doc["status"]))
    return out


# what a bulk export carries of an ordinance: named, so that a large field added to the
# view later (a full text) does not swell every export page
EXPORT_FIELDS = ("id", "title", "jurisdiction", "state", "issue_area", "toolkit_slug", "sponsor_ids", "status",
                 "provisions", "actions", "next_actions", "source_url", "notes", "version", "updated_at")


def export_view(doc: dict) -> dict:
    view = ordinance_view(doc)
    return {k: view[k] for k in EXPORT_FIELDS}


def spread_view(doc: dict) -> dict:
    out = ordinance_view(doc)
    out["first_action"] = out["actions"][0] if out["actions"] else None
    out["latest_action"] = out["actions"][-1] if out["actions"] else None
    return out


def spread_order(docs: list[dict]) -> list[dict]:
    """Oldest first by first action date; ordinances with no actions last; then by id."""
    return sorted(docs, key=lambda d: (d["first_action_date"] is None, d["first_action_date"] or "", d["id"]))


# -- preemption ---------------------------------------------------------------------------------

def preemption_id(state: str, issue_area: str) -> str:
    return f"{state}/{issue_area}"


def _preemption_event(doc: dict) -> dict:
    # the record as preemption_view shows it, without its history (which only grows)
    data = {**{k: value for k, value in preemption_view(doc).items() if k != "history"},
            "notes": excerpt(doc.get("notes")), "history_count": len(doc.get("history") or [])}
    return cloudevent("preemption.changed", f"preemption/{doc['id']}", data)


def set_preemption(doc: dict | None, fields: dict) -> tuple[dict, list[dict]]:
    """Record a state's preemption of an issue area; every change is kept in ``history``
    (oldest first, the current record last). The same record again changes nothing."""
    content = {k: fields[k] for k in PREEMPTION_CONTENT}
    if doc is not None and all(doc.get(k) == content[k] for k in PREEMPTION_CONTENT):
        return doc, []
    now = now_iso()
    version = 1 if doc is None else doc["version"] + 1
    entry = {**content, "version": version, "recorded_at": now}
    new = {**(doc or {"id": preemption_id(fields["state"], fields["issue_area"]), "created_at": now}),
           "state": fields["state"], "issue_area": fields["issue_area"], **content, "version": version,
           "history": (doc or {}).get("history", []) + [entry], "updated_at": now}
    return new, [_preemption_event(new)]


def preemption_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in PREEMPTION_FIELDS + ("history", "version")}
    out["id"] = doc["id"]
    return out


# -- questions ------------------------------------------------------------------------------------

def verdict(jurisdiction: str, issue_area: str, preemptions: list[dict]) -> tuple[str, str]:
    """Whether ``jurisdiction`` may pass a law on ``issue_area``, and why, in words."""
    state = ocd.state_of(jurisdiction).upper()
    issue = ISSUE_AREAS[issue_area].lower()
    if len(jurisdiction.split("/")) == 3:
        return "allowed", (f"{state} is a state: state preemption limits local governments, not the state "
                           f"itself (federal law aside).")
    if not preemptions:
        return "unknown", (f"We have no record of whether {state} preempts local {issue} laws. "
                           "Check state law with counsel before drafting.")
    record = preemptions[0]
    cited = ", ".join(str(x) for x in (record.get("statute"), record.get("year")) if x) or "no citation recorded"
    notes = f" {record['notes']}" if record.get("notes") else ""
    if record["scope"] == "none":
        return "allowed", f"{state} does not preempt local {issue} laws ({cited}).{notes}"
    if record["scope"] == "partial":
        return "partially_preempted", (f"{state} partly preempts local {issue} laws ({cited}); "
                                       f"some provisions may be allowed, see the notes.{notes}")
    voided = " It voided local laws already passed." if record.get("voids_existing_laws") else ""
    return "preempted", f"{state} preempts local {issue} laws ({cited}).{voided}{notes}"


def verdict_source(jurisdiction: str, preemptions: list[dict]) -> dict | None:
    """Where the verdict comes from: the state's preemption record (statute, year, scope
    and the source it was checked against), or None for a state itself or no record."""
    if len(jurisdiction.split("/")) == 3 or not preemptions:
        return None
    record = preemptions[0]
    return {"preemption_id": record["id"], "state": record["state"], "issue_area": record["issue_area"],
            "scope": record["scope"], "statute": record.get("statute"), "year": record.get("year"),
            "source_url": record.get("source_url"), "voids_existing_laws": record.get("voids_existing_laws")}


def peers_order(jurisdiction: str, docs: list[dict]) -> list[dict]:
    """Ordinances in effect elsewhere, nearest first: the same state, then the rest; the
    earliest adopters first within each."""
    state = ocd.state_of(jurisdiction)
    elsewhere = [d for d in docs if d["jurisdiction"] != jurisdiction and d["status"] in actions.IN_EFFECT]
    return sorted(elsewhere, key=lambda d: (d["state"] != state, d["first_action_date"] or "9999", d["id"]))


def by_place(docs: list[dict]) -> list[dict]:
    """Ordinances by state, then jurisdiction (then id, so that the order is total)."""
    return sorted(docs, key=lambda d: (d["state"], d["jurisdiction"], d["id"]))


def chosen(issue_area: str, ids: list[str], found: dict) -> list[dict]:
    """The ordinances asked for by id, in order: NotFound naming any unknown, BadInput
    naming any on another issue area."""
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no ordinances {missing}")
    other = [i for i in ids if found[i]["issue_area"] != issue_area]
    if other:
        raise BadInput(f"ordinances {other} are not on {issue_area}; compare one issue area at a time")
    return [found[i] for i in ids]


def provisions_table(issue_area: str, docs: list[dict], as_of: str | None = None) -> dict:
    """The issue area's provision fields, defined, and one row per ordinance in the order
    given: the current provisions, or with ``as_of`` those in force on that date."""
    definitions = provisions.definitions(issue_area)
    def shown(d):
        return amendments.provisions_as_of(d, as_of) if as_of else (d.get("provisions") or {})
    return {"issue_area": issue_area, "fields": [d["name"] for d in definitions], "definitions": definitions,
            "as_of": as_of,
            "rows": [{"ordinance_id": d["id"], "jurisdiction": d["jurisdiction"], "title": d["title"],
                      "status": d["status"], "provisions": shown(d)} for d in docs]}


def latest_published(toolkits) -> dict | None:
    """The toolkit whose latest version was published last."""
    return max(toolkits, key=lambda d: d["published"][-1]["published_at"], default=None)


def check_toolkit_followed(toolkit: dict | None, fields: dict):
    """The toolkit an ordinance says it followed exists (and the version it drew on was published)."""
    slug, version = fields["toolkit_slug"], fields.get("toolkit_version")
    if toolkit is None:
        raise BadInput(f"toolkit_slug {slug!r} names no toolkit; create it first or leave it out")
    published = [p["version"] for p in toolkit["published"]]
    if version is not None and version not in published:
        raise BadInput(f"toolkit {slug!r} has no published version {version}; published versions: "
                       f"{published or 'none yet'}")


# -- texts compared ------------------------------------------------------------------------------

TEXT_SIDE_KEYS = ("ordinance_id", "text_version", "toolkit_slug", "toolkit_version", "model_of", "text", "title")
_TEXT_SOURCES = ("ordinance_id", "toolkit_slug", "model_of", "text")


def check_text_side(data, field) -> dict:
    """One side of a text comparison: an ordinance (optionally one of its text versions),
    a toolkit's model ordinance (optionally a published version), the model an ordinance
    followed (``model_of``), or a text given as it is."""
    v.mapping(data, field)
    v.only_keys(data, field, TEXT_SIDE_KEYS)
    given = [k for k in _TEXT_SOURCES if data.get(k) is not None]
    if len(given) != 1:
        raise BadInput(f"{field} needs exactly one of {', '.join(_TEXT_SOURCES)}; got {given or 'none'}")
    out = {"source": given[0], "title": v.line(data.get("title"), f"{field}.title", 300, required=False)}
    if given[0] in ("ordinance_id", "model_of"):
        out["ordinance_id"] = v.identifier(data[given[0]], f"{field}.{given[0]}", "ord")
    if given[0] == "ordinance_id":
        out["text_version"] = check_version(data.get("text_version"))
    if given[0] == "toolkit_slug":
        out["toolkit_slug"] = check_slug(data["toolkit_slug"], f"{field}.toolkit_slug")
        out["toolkit_version"] = check_version(data.get("toolkit_version"))
    if given[0] == "text":
        out["text"] = v.text(data["text"], f"{field}.text", max_len=amendments.MAX_TEXT)
    wrong = [k for k in ("text_version", "toolkit_version") if data.get(k) is not None and k not in out]
    if wrong:
        raise BadInput(f"{field}.{wrong[0]} does not go with {given[0]}")
    return out


def ordinance_text_side(doc: dict, version: int | None) -> dict:
    shown = amendments.text_version(doc, version)
    if version is not None and shown is None:
        raise NotFound(f"ordinance {doc['id']!r} has no text version {version}; "
                       f"text versions: {[t['version'] for t in doc.get('texts') or []] or 'none'}")
    return {"kind": "ordinance", "ordinance_id": doc["id"], "toolkit_slug": None, "title": doc["title"],
            "version": shown["version"] if shown else None, "text": shown["text"] if shown else None,
            "issue_area": doc["issue_area"], "provisions": doc.get("provisions") or {}}


def toolkit_text_side(view: dict) -> dict:
    return {"kind": "toolkit", "ordinance_id": None, "toolkit_slug": view["slug"], "title": view["title"],
            "version": view["version"], "text": view.get("model_ordinance"), "issue_area": view["issue_area"],
            "provisions": None}


def text_comparison(left: dict, right: dict, compared: dict) -> dict:
    """The comparison with both sides named (their texts left out) and their coded
    provisions side by side, field by field, where either side has them."""
    issue_area = left["issue_area"] or right["issue_area"]
    rows = []
    if issue_area and (left["provisions"] is not None or right["provisions"] is not None):
        for f in provisions.definitions(issue_area):
            a, b = (left["provisions"] or {}).get(f["name"]), (right["provisions"] or {}).get(f["name"])
            if a is not None or b is not None:
                rows.append({"name": f["name"], "meaning": f["meaning"], "left": a, "right": b, "same": a == b})
    def named(side):
        return {k: side[k] for k in ("kind", "ordinance_id", "toolkit_slug", "title", "version")}
    return {"left": named(left), "right": named(right), **compared, "provisions": rows}
