"""The iCalendar feed (icalendar) of dated ordinance events, from what ordinances hold
today: each dated action (hearings: introduced, referred, committee_passed; decisions;
court dates: challenged, enjoined, struck_down, appealed, reinstated; preemption), the
coded effective date and the phase-in year (provisions). All-day events; each UID is
named for its ordinance, kind, action and date, so it never changes for that event, and
DTSTAMP is the ordinance's last change, so the same data gives the same bytes (and ETag)."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from clearinghouse import ocd

from .atom import moment

KINDS = ("effective", "phase_in", "hearing", "decision", "court", "preemption")
_KIND_OF_ACTION = {
    "effective": "effective",
    "introduced": "hearing", "referred": "hearing", "committee_passed": "hearing",
    "challenged": "court", "enjoined": "court", "struck_down": "court", "appealed": "court", "reinstated": "court",
    "preempted": "preemption", "preemption_lifted": "preemption",
}


def events_of(ordinance: dict) -> list[dict]:
    """The ordinance's dated events: uid, kind, date, summary, description, url."""
    place = ocd.name_of(ordinance["jurisdiction"])
    title = f"{ordinance['title']} ({place})"
    out = []
    for action in ordinance["actions"]:
        kind = _KIND_OF_ACTION.get(action["type"], "decision")
        out.append({"uid": f"{ordinance['id']}.{kind}.{action['type']}.{action['date']}@clearinghouse",
                    "kind": kind, "date": dt.date.fromisoformat(action["date"]),
                    "summary": f"{title}: {action['type'].replace('_', ' ')}",
                    "description": action.get("note") or "", "url": action.get("source_url")})
    coded = ordinance.get("provisions") or {}
    effective = coded.get("effective_date")
    if effective and not any(e["kind"] == "effective" and e["date"].isoformat() == effective for e in out):
        out.append({"uid": f"{ordinance['id']}.effective.provision.{effective}@clearinghouse", "kind": "effective",
                    "date": dt.date.fromisoformat(effective), "summary": f"{title}: takes effect",
                    "description": "The coded effective date of the law.", "url": ordinance.get("source_url")})
    year = coded.get("phase_in_year")
    if isinstance(year, int):
        out.append({"uid": f"{ordinance['id']}.phase_in.provision.{year}@clearinghouse", "kind": "phase_in",
                    "date": dt.date(year, 1, 1), "summary": f"{title}: fully phased in ({year})",
                    "description": f"The year the full provisions apply to all covered employers: {year}.",
                    "url": ordinance.get("source_url")})
    return out


def calendar(ordinances, kind: str | None) -> bytes:
    """One VCALENDAR of the ordinances' events (only ``kind``'s when given), by date then UID."""
    cal = Calendar()
    cal.add("prodid", "-//Clearinghouse//Ordinance calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Clearinghouse: ordinance dates")
    dated = []
    for o in ordinances:
        stamp = moment(o["updated_at"])
        dated.extend((e, stamp, o) for e in events_of(o) if kind is None or e["kind"] == kind)
    for e, stamp, o in sorted(dated, key=lambda item: (item[0]["date"], item[0]["uid"])):
        event = Event()
        event.add("uid", e["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", e["date"])
        event.add("dtend", e["date"] + dt.timedelta(days=1))
        event.add("summary", e["summary"])
        if e["description"]:
            event.add("description", e["description"])
        if e["url"]:
            event.add("url", e["url"])
        event.add("categories", [e["kind"], o["issue_area"]])
        cal.add_component(event)
    return cal.to_ical()
