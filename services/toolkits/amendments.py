"""An ordinance's text and provisions over time: the enacted text kept as numbered
versions (one more with each amendment that changes it), the coded provisions with a
dated history (phase-ins, indexing to inflation), and what an ``amended`` action changes.
Pure functions over the domain's plain dicts; no I/O.

``provisions`` is always the latest values recorded; ``provision_history`` says from
which date each set of values applies, oldest first, so that a comparison can be asked
"as of" a date.
"""
from __future__ import annotations

from clearinghouse import validation as v
from clearinghouse.errors import BadInput

from . import provisions

MAX_TEXT = 200_000  # characters of Markdown an ordinance's text (or a toolkit's model) may hold
MAX_HISTORY = 100
CHANGE_FIELDS = ("provisions", "text", "effective_date", "summary")
HISTORY_FIELDS = ("effective_date", "provisions", "source_url")


def check_text(value, field="text") -> str | None:
    return v.text(value, field, required=False, max_len=MAX_TEXT)


def check_changes(data, field="changes") -> dict | None:
    """What an amendment changes, checked for shape; its provisions are checked against the
    ordinance's issue area when it is applied (``apply``)."""
    if data is None:
        return None
    v.mapping(data, field)
    v.only_keys(data, field, CHANGE_FIELDS)
    out = {"provisions": v.mapping(data.get("provisions"), f"{field}.provisions", required=False),
           "text": check_text(data.get("text"), f"{field}.text"),
           "effective_date": v.date(data.get("effective_date"), f"{field}.effective_date", required=False),
           "summary": v.text(data.get("summary"), f"{field}.summary", required=False, max_len=2000)}
    if not (out["provisions"] or out["text"] or out["summary"] or out["effective_date"]):
        raise BadInput(f"{field} is empty; give the provisions or text the amendment changed, or leave it out")
    return out


def check_history(issue_area: str, value, field="provision_history") -> list[dict]:
    """Dated provision values, sorted oldest first; one entry per date."""
    out = []
    for i, entry in enumerate(v.list_of(value, field, max_items=MAX_HISTORY)):
        label = f"{field}[{i}]"
        v.mapping(entry, label)
        v.only_keys(entry, label, HISTORY_FIELDS)
        out.append({"effective_date": v.date(entry.get("effective_date"), f"{label}.effective_date"),
                    "provisions": provisions.check(issue_area, entry.get("provisions"), f"{label}.provisions"),
                    "source_url": v.url(entry.get("source_url"), f"{label}.source_url")})
    dates = [e["effective_date"] for e in out]
    repeated = sorted({d for d in dates if dates.count(d) > 1})
    if repeated:
        raise BadInput(f"{field} has more than one entry for {repeated}; give one set of values per date")
    return sorted(out, key=lambda e: e["effective_date"])


def first_text(text: str | None, now: str) -> list[dict]:
    return [{"version": 1, "text": text, "effective_date": None, "summary": None, "recorded_at": now}] if text else []


def _dated(history: list[dict], entry: dict) -> list[dict]:
    """``history`` with ``entry`` in date order, replacing one of the same date."""
    kept = [e for e in history if e["effective_date"] != entry["effective_date"]]
    return sorted(kept + [entry], key=lambda e: e["effective_date"])


def apply(doc: dict, action: dict, now: str) -> dict:
    """The ordinance after an ``amended`` action's changes (the same dict if it has none).
    Provisions merge into the current ones; with an effective date they also enter the
    history (which starts, if empty, with the values they replace); a new text is the
    next text version."""
    changes = action.get("changes")
    if not changes:
        return doc
    label = "action.changes.provisions"
    changed = provisions.check(doc["issue_area"], changes.get("provisions"), label)
    new = dict(doc)
    effective = changes.get("effective_date") or action["date"]
    if changed:
        current = doc.get("provisions") or {}
        merged = {**current, **changed}
        if changes.get("effective_date"):  # every issue area has the common effective_date field
            merged["effective_date"] = changes["effective_date"]
        history = list(doc.get("provision_history") or [])
        if not history and current:
            since = current.get("effective_date") or doc.get("first_action_date")
            if since and since < effective:
                history = [{"effective_date": since, "provisions": current, "source_url": doc.get("source_url")}]
        new["provisions"] = merged
        new["provision_history"] = _dated(history, {"effective_date": effective, "provisions": merged,
                                                    "source_url": action.get("source_url")})
    return with_text(new, action, now)


def with_text(doc: dict, action: dict, now: str) -> dict:
    """The ordinance with an amendment's new text as its next text version, if it has one."""
    changes = action.get("changes") or {}
    new = dict(doc)
    effective = changes.get("effective_date") or action["date"]
    if changes.get("text"):
        texts = list(doc.get("texts") or [])
        texts.append({"version": len(texts) + 1, "text": changes["text"], "effective_date": effective,
                      "summary": changes.get("summary"), "recorded_at": now})
        new["texts"] = texts
    return new


def provisions_as_of(doc: dict, date: str) -> dict:
    """The provisions in force on ``date``: the latest history entry from on or before it,
    or, without a history, the current values once their effective date has come ({}
    before it: nothing was in force)."""
    history = doc.get("provision_history") or []
    if history:
        applied = [e for e in history if e["effective_date"] <= date]
        return dict(applied[-1]["provisions"]) if applied else {}
    current = doc.get("provisions") or {}
    starts = current.get("effective_date")
    return {} if starts and starts > date else dict(current)


def text_version(doc: dict, version: int | None = None) -> dict | None:
    """A text version (the latest when ``version`` is None), or None when it has no text."""
    texts = doc.get("texts") or []
    if version is None:
        return texts[-1] if texts else None
    return next((t for t in texts if t["version"] == version), None)
