"""Keeping the index current from events: fetch what the event names from its owner and
write it at its version, so a duplicate or a late, older event changes nothing.

How long that takes, from the event's ``time`` to searchable, is the freshness histogram.
"""
from __future__ import annotations

import datetime as dt
import logging

from prometheus_client import Counter, Histogram

from clearinghouse.events import is_cloudevent

from . import index

log = logging.getLogger(__name__)

FRESHNESS = Histogram(
    "clearinghouse_search_event_to_searchable_seconds",
    "From an event's time to its entity being searchable, by event type", ["event_type"],
    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
EVENTS = Counter(
    "clearinghouse_search_events_total",
    "Events the search index consumed, by type and outcome (indexed, hidden, stale, ignored, retried, failed)",
    ["event_type", "outcome"])


def _seconds_since(timestamp: str, now: dt.datetime | None = None) -> float | None:
    try:
        then = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return ((now or dt.datetime.now(dt.timezone.utc)) - then).total_seconds()


def apply_event(event, search_index, owners, clock=None) -> str:
    """Index what ``event`` is about; returns the outcome. Owner or engine outages raise
    (Unavailable) so that the event is delivered again."""
    target = index.event_target(event) if is_cloudevent(event) else None
    if target is None:
        log.warning("search ignores a message that is not a catalogued CloudEvent: %.200r", event)
        EVENTS.labels(str(event.get("type") if isinstance(event, dict) else None), "ignored").inc()
        return "ignored"
    kind, entity_key, event_version = target
    entity = owners.fetch(kind, entity_key)
    version = index.version_of(kind, entity, event_version)
    doc = index.document(kind, entity, entity_key, version)
    if not search_index.write(doc, version):
        outcome = "stale"
    else:
        outcome = "indexed" if doc["visible"] else "hidden"
        seconds = _seconds_since(event["time"], clock() if clock else None)
        if seconds is not None:
            FRESHNESS.labels(event["type"]).observe(max(seconds, 0.0))
    EVENTS.labels(event["type"], outcome).inc()
    return outcome
