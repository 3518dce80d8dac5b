"""Atom documents (feedgen) from the owners' pages: one entry per ordinance change,
toolkit publication or ask, each with an id that never changes for that change, and
``<link rel="next">`` to the next page while there is one.

Entry ids are ``urn:clearinghouse:...`` names: an ordinance's entry is named for its
version (each change is a new entry), a toolkit's for its published version, an ask for
itself (its entry is updated as answers come). A feed's ``updated`` is its newest entry's,
so the same data gives the same bytes (and ETag)."""
from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from clearinghouse import ocd

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def moment(value) -> dt.datetime:
    """An ISO date or timestamp as an aware datetime (a date is its midnight UTC)."""
    if not value:
        return EPOCH
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _feed(feed_id: str, title: str, self_url: str, next_url: str | None, updated) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.author({"name": "Clearinghouse"})
    fg.link(href=self_url, rel="self")
    if next_url is not None:
        fg.link(href=next_url, rel="next")
    fg.updated(max(updated, default=EPOCH))
    return fg


def _entry(fg: FeedGenerator, entry_id: str, title: str, updated: dt.datetime, content: str,
           link: str | None, categories: list[str]):
    fe = fg.add_entry(order="append")
    fe.id(entry_id)
    fe.title(title)
    fe.updated(updated)
    fe.content(content, type="text")
    if link:
        fe.link(href=link, rel="alternate")
    for term in categories:
        fe.category(term=term)


def ordinances(nodes: list[dict], self_url: str, next_url: str | None, feed_id: str) -> bytes:
    """Each ordinance at its latest change: where it stands and the action that moved it."""
    fg = _feed(feed_id, "Clearinghouse: ordinance changes", self_url, next_url,
               [moment(o["updated_at"]) for o in nodes])
    for o in nodes:
        latest = o["actions"][-1] if o["actions"] else None
        lines = [f"{o['title']} in {ocd.name_of(o['jurisdiction'])} ({o['issue_area']}) is now {o['status']}."]
        if latest:
            lines.append(f"Latest action: {latest['type']} on {latest['date']}"
                         + (f": {latest['note']}" if latest.get("note") else ""))
        _entry(fg, f"urn:clearinghouse:ordinance:{o['id']}:v{o['version']}",
               f"{o['title']} ({ocd.name_of(o['jurisdiction'])}): {o['status']}", moment(o["updated_at"]),
               "\n".join(lines), (latest or {}).get("source_url") or o.get("source_url"),
               [o["issue_area"], o["state"], o["status"]])
    return fg.atom_str(pretty=True)


def toolkits(nodes: list[dict], self_url: str, next_url: str | None, feed_id: str) -> bytes:
    """Each toolkit at its latest published version."""
    fg = _feed(feed_id, "Clearinghouse: toolkit publications", self_url, next_url,
               [moment(t["published_at"]) for t in nodes])
    for t in nodes:
        note = f"\nWhat changed: {t['change_note']}" if t.get("change_note") else ""
        _entry(fg, f"urn:clearinghouse:toolkit:{t['slug']}:v{t['version']}",
               f"{t['title']} (version {t['version']})", moment(t["published_at"]), t["summary"] + note,
               None, [t["issue_area"]])
    return fg.atom_str(pretty=True)


def asks(nodes: list[dict], self_url: str, next_url: str | None, feed_id: str) -> bytes:
    """Each ask with its answers so far (its entry is updated by each answer)."""
    def last(a):
        return moment(a["answers"][-1]["posted_at"] if a["answers"] else a["posted_at"])

    fg = _feed(feed_id, "Clearinghouse: asks of the network", self_url, next_url, [last(a) for a in nodes])
    for a in nodes:
        answered = f"\n\n{len(a['answers'])} answer(s); the latest: {a['answers'][-1]['body']}" if a["answers"] else ""
        _entry(fg, f"urn:clearinghouse:ask:{a['id']}", a["subject"], last(a), a["body"] + answered, None,
               [a["issue_area"]])
    return fg.atom_str(pretty=True)
