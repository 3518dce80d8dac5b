"""What an event says in one line, and the daily digest that groups a day's events per
subscriber. Pure functions; no I/O."""
from __future__ import annotations

from clearinghouse import ocd
from clearinghouse.events import CATALOG
from clearinghouse.issue_areas import ISSUE_AREAS


def summarize(event: dict) -> str:
    """One plain line for a person: what happened, where, on which issue."""
    data = event.get("data") or {}
    what = data.get("title") or data.get("name") or data.get("subject") or event.get("subject", "")
    details = []
    if event["type"] == "ordinance.status_changed":
        details.append(f"{data.get('from')} → {data.get('to')}")
    elif data.get("status"):
        details.append(str(data["status"]))
    if data.get("scope"):
        details.append(f"scope {data['scope']}")
    if isinstance(data.get("jurisdiction"), str) and data["jurisdiction"].startswith("ocd-division/"):
        details.append(ocd.name_of(data["jurisdiction"]))
    elif data.get("state"):
        details.append(str(data["state"]).upper())
    if data.get("issue_area"):
        details.append(ISSUE_AREAS.get(data["issue_area"], data["issue_area"]))
    tail = f" ({', '.join(details)})" if details else ""
    return f"{what}{tail}"


def event_message(event: dict) -> tuple[str, str]:
    """A realtime email for one event: subject and body."""
    spec = CATALOG.get(event["type"])
    subject = f"[Clearinghouse] {event['type']}: {summarize(event)}"[:200]
    body = (f"{spec.summary if spec else event['type']}\n\n{summarize(event)}\n\n"
            f"Event {event['id']} at {event['time']} ({event['subject']}).\n")
    return subject, body


def digest_message(day: str, events: list[dict]) -> tuple[str, str]:
    """One email for a subscriber's day: events grouped by type, oldest first."""
    by_type: dict[str, list[dict]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
    lines = [f"What changed in the network on {day}: {len(events)} event{'s' if len(events) != 1 else ''}.", ""]
    for event_type in sorted(by_type):
        spec = CATALOG.get(event_type)
        lines.append(f"{event_type} ({len(by_type[event_type])}) — {spec.summary if spec else ''}".rstrip(" —"))
        for event in by_type[event_type]:
            lines.append(f"  - {summarize(event)}")
        lines.append("")
    subject = f"[Clearinghouse] Daily digest for {day}: {len(events)} event{'s' if len(events) != 1 else ''}"
    return subject, "\n".join(lines)
