"""Every search operation as plain code, top to bottom: what is asked (checked), what the
repository reads or writes, and what comes back. Each takes the repository
(repository.SearchRepository, or a twin with the same methods); the event use cases also
take the container's retry.Backoff.

Keeping the index current from events: each event carries its entity's public view at
its version; a batch of events is written in one bulk request at those versions, so a
duplicate or a late, older event changes nothing, and no owner is called (owners answer
only a rebuild). How long
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
def query(repo, text, types=None, filters=None, first=20, after=None, caller=None, count=True, facets=True,
          highlights=True) -> dict:
    return repo.query(index.check_query(text, types, filters, first, after, caller, count, facets, highlights))


def suggest(repo, prefix, types=None, limit=10, caller=None) -> list[dict]:
    return repo.suggest(index.check_suggest(prefix, types, limit, caller))


# -- events -------------------------------------------------------------------------------------
def _seconds_since(timestamp: str, now: dt.datetime | None = None) -> float | None:
    try:
        then = dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return ((now or dt.datetime.now(dt.timezone.utc)) - then).total_seconds()


def _document_of(event) -> tuple[dict, int] | str:
    """The document an event's public view makes, at its version; or why there is none
    ("ignored": not a catalogued event about a type search indexes)."""
    target = index.event_target(event) if is_cloudevent(event) else None
    if target is None:
        log.warning("search ignores a message that is not a catalogued CloudEvent: %.200r", event)
        return "ignored"
    kind, entity_key, version = target
    # the event carries the entity's public view at its version: nobody is asked back
    return index.document(kind, event["data"], entity_key, version), version


def apply_events(events: list, repo, clock=None) -> list[str]:
    """Index what each event is about, in one bulk write; returns each event's outcome
    (indexed, hidden, stale, ignored, failed). Within the batch only the newest version
    of each entity is written; an engine outage raises (Unavailable) so that the whole
    batch is delivered again."""
    outcomes, newest = [None] * len(events), {}
    for i, event in enumerate(events):
        try:
            made = _document_of(event)
        except Exception as exc:  # a malformed view: requeueing would only repeat it
            log.warning("event %.60r cannot be indexed (%s); dropped, a rebuild repairs it",
                        event.get("id") if isinstance(event, dict) else event, exc)
            made = "failed"
        if isinstance(made, str):
            outcomes[i] = made
            continue
        doc, version = made
        held = newest.get(doc["key"])
        if held is None or version > held[1]:
            if held is not None:
                outcomes[held[2]] = "stale"
            newest[doc["key"]] = (doc, version, i)
        else:
            outcomes[i] = "stale"
    written = repo.write_many([(doc, version) for doc, version, _ in newest.values()]) if newest else {}
    now = clock() if clock else None
    for doc, _, i in newest.values():
        if not written[doc["key"]]:
            outcomes[i] = "stale" if written[doc["key"]] is False else "failed"
            continue
        outcomes[i] = "indexed" if doc["visible"] else "hidden"
        seconds = _seconds_since(events[i]["time"], now)
        if seconds is not None:
            FRESHNESS.labels(events[i]["type"]).observe(max(seconds, 0.0))
    for event, outcome in zip(events, outcomes):
        EVENTS.labels(_type_of(event), outcome).inc()
    return outcomes


def _type_of(event) -> str:
    return str(event.get("type") if isinstance(event, dict) else None)


def take_events(events: list, repo, backoff) -> list[str]:
    """apply_events, and what becomes of a batch it could not write: with the engine away
    (Unavailable) it waits, longer while the outage lasts, and is raised again so that
    every event of the batch goes back on its queue."""
    try:
        outcomes = apply_events(events, repo)
    except Unavailable as exc:
        delay = backoff.failed()
        log.warning("%d events not indexed yet (%s); they go back on the queue in %gs", len(events), exc, delay)
        for event in events:
            EVENTS.labels(_type_of(event), "retried").inc()
        backoff.sleep(delay)
        raise
    backoff.succeeded()
    return outcomes


# -- rebuilds -----------------------------------------------------------------------------------
def rebuild(rebuilds) -> dict:
    """Run a rebuild (or join the one under way) to its end; Unavailable if it failed."""
    status = rebuilds.begin().done.wait()
    if status["state"] != "done":
        raise Unavailable(f"the rebuild did not complete ({status.get('error')}); the old index still answers")
    return {k: status[k] for k in ("indexed", "skipped", "kept", "seconds")}
