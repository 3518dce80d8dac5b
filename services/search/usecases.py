"""Every search operation as plain code, top to bottom: what is asked (checked), what the
repository reads or writes, and what comes back. Each takes the repository
(repository.SearchRepository, or a twin with the same methods); the event use cases also
take the owners (owners.Owners) and the container's retry.Backoff.

Keeping the index current from events: fetch what the event names from its owner and
write it at its version, so a duplicate or a late, older event changes nothing. How long
that takes, from the event's ``time`` to searchable, is the freshness histogram.
"""
from __future__ import annotations

import datetime as dt
import logging

from prometheus_client import Counter, Histogram

from clearinghouse.errors import Unavailable
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


# -- queries ------------------------------------------------------------------------------------
def query(repo, text, types=None, filters=None, first=20, after=None, caller=None) -> dict:
    return repo.query(index.check_query(text, types, filters, first, after, caller))


def suggest(repo, prefix, types=None, limit=10, caller=None) -> list[dict]:
    return repo.suggest(index.check_suggest(prefix, types, limit, caller))


# -- events -------------------------------------------------------------------------------------
def _seconds_since(timestamp: str, now: dt.datetime | None = None) -> float | None:
    try:
        then = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return ((now or dt.datetime.now(dt.timezone.utc)) - then).total_seconds()


def apply_event(event, repo, owners, clock=None) -> str:
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
    if not repo.write(doc, version):
        outcome = "stale"
    else:
        outcome = "indexed" if doc["visible"] else "hidden"
        seconds = _seconds_since(event["time"], clock() if clock else None)
        if seconds is not None:
            FRESHNESS.labels(event["type"]).observe(max(seconds, 0.0))
    EVENTS.labels(event["type"], outcome).inc()
    return outcome


def take_event(event, repo, owners, backoff) -> str:
    """apply_event, and what becomes of an event it could not index: with an owner or the
    engine away (Unavailable) it waits, longer while the outage lasts, and is raised again
    so that it goes back on its queue; any other error drops it (a rebuild repairs that)."""
    about = event if isinstance(event, dict) else {}
    try:
        outcome = apply_event(event, repo, owners)
    except Unavailable as exc:
        delay = backoff.failed()
        log.warning("event %s not indexed yet (%s); it goes back on the queue in %gs", about.get("id"), exc, delay)
        EVENTS.labels(str(about.get("type")), "retried").inc()
        backoff.sleep(delay)
        raise
    except Exception as exc:  # not transient: requeueing would only repeat it
        log.exception("event %s cannot be indexed (%s); dropped, a rebuild repairs it", about.get("id"), exc)
        EVENTS.labels(str(about.get("type")), "failed").inc()
        return "failed"
    backoff.succeeded()
    return outcome


# -- rebuilds -----------------------------------------------------------------------------------
def rebuild(rebuilds) -> dict:
    """Run a rebuild (or join the one under way) to its end; Unavailable if it failed."""
    status = rebuilds.begin().done.wait()
    if status["state"] != "done":
        raise Unavailable(f"the rebuild did not complete ({status.get('error')}); the old index still answers")
    return {k: status[k] for k in ("indexed", "skipped", "kept", "seconds")}
