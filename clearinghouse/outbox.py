"""The outbox relay: publishes the events a write left in its document, then clears them.

Every write stores its CloudEvents in the entity's document (store.Repository). The relay
is the service's event dispatcher: after each worker that wrote events it wakes and sweeps
the outbox collections, publishing with publisher confirms on ``<service>.events``; on a timer it
sweeps again, so events left by a broker outage or a crash go out once RabbitMQ is back
or the service restarts. Delivery is at least once: consumers drop duplicates by id.
Replicas' relays sweep the same outbox; a document's events are claimed before they are
published (its relay counter bumped if unchanged), so two relays that read it at once do
not both publish it.
"""
from __future__ import annotations

import logging
import time

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.events import EventDispatcher

from .backoff import Backoff
from .metrics import OUTBOX_FAILURES, OUTBOX_PENDING, OUTBOX_PUBLISHED
from .siblings import Siblings
from .store import OUTBOX, PENDING, REV, Store

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 1.0  # seconds between sweeps when no worker woke the relay
BATCH = 200
BACKLOG_CAP = 10_000  # the backlog gauge counts up to this many per collection


def flush(collection, publish, limit: int = BATCH) -> int:
    """Publish the pending events of up to ``limit`` documents; returns how many went out.

    ``publish(event)`` must raise when the broker did not confirm; the events of that
    document then stay pending for the next sweep.
    """
    sent = 0
    for doc in collection.find({PENDING: True}, {OUTBOX: 1, "version": 1, REV: 1}).limit(limit):
        doc = _claim(collection, doc)
        if doc is None:  # another relay (a replica) is publishing these events
            continue
        published = set()
        for event in doc.get(OUTBOX, []):
            publish(event)
            published.add(event["id"])
            sent += 1
        _clear(collection, doc, published)
    return sent


def _claim(collection, doc):
    """Make this document's pending events ours to publish: bump its relay counter if
    nobody did since we read it. Of two relays that read it at once, one gets it; a relay
    that read it after the claim publishes it again (at least once; consumers drop
    duplicates). A relay that dies after claiming leaves the events pending for the next."""
    rev = doc.get(REV, 0)
    if collection.update_one({"_id": doc["_id"], "version": doc.get("version"), REV: rev},
                             {"$set": {REV: rev + 1}}).matched_count != 1:
        return None
    return {**doc, REV: rev + 1}


def _clear(collection, doc, published: set):
    # Conditional on what we read: a write that landed meanwhile added events we must
    # keep, so read again and remove only what we published.
    while doc is not None:
        remaining = [e for e in doc.get(OUTBOX, []) if e["id"] not in published]
        result = collection.update_one(
            {"_id": doc["_id"], "version": doc.get("version"), REV: doc.get(REV, 0)},
            {"$set": {OUTBOX: remaining, PENDING: bool(remaining), REV: doc.get(REV, 0) + 1}},
        )
        if result.matched_count:
            return
        doc = collection.find_one({"_id": doc["_id"]}, {OUTBOX: 1, "version": 1, REV: 1})


class OutboxRelay(EventDispatcher):
    """Nameko's event dispatcher, driven by the store's outbox instead of by callers."""

    siblings = Siblings()

    def __init__(self, **options):
        super().__init__(**options)
        self._wake = LightQueue()
        self._thread = None
        self._written_seen = None
        self._backlog_measured = 0.0

    def start(self):
        super().start()
        # The service's Store provider: its repository names the collections to sweep.
        self.store = self.siblings.find(Store)
        # every series exists from the start at 0, so a rate() over it answers before the first failure
        service = self.container.service_name
        for counter in (OUTBOX_PUBLISHED, OUTBOX_FAILURES):
            counter.labels(service)
        self._thread = self.container.spawn_managed_thread(self._run)

    def stop(self):
        if self._thread is not None:
            self._thread.kill()
        super().stop()

    def kill(self):
        if self._thread is not None:
            self._thread.kill()

    def get_dependency(self, worker_ctx):
        return self.wake

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        # Wake only after a worker that wrote events (the repository counts such writes):
        # sweeping and counting the outboxes after every read (get_member) cost each RPC
        # several store queries. A repository that does not count wakes it every time.
        written = getattr(self.store.repository, "events_written", None)
        if written is None or written != self._written_seen:
            self._written_seen = written
            self.wake()

    def wake(self):
        if self._wake.qsize() == 0:
            self._wake.put(None)

    def publish(self, event: dict):
        self.publisher.publish(event, exchange=self.exchange, routing_key=event["type"])

    def sweep(self) -> int:
        repository = self.store.repository
        sent = 0
        for name in repository.outbox_collections:
            sent += flush(repository.db[name], self.publish)
        if sent:
            OUTBOX_PUBLISHED.labels(self.container.service_name).inc(sent)
        return sent

    def _run(self):
        backoff = Backoff(first=2 * SWEEP_INTERVAL)
        wait = SWEEP_INTERVAL
        while True:
            try:
                self._wake.get(timeout=wait)
            except Empty:
                pass
            try:
                while self.sweep() >= BATCH:
                    eventlet.sleep(0)
                backoff.succeeded()
                wait = SWEEP_INTERVAL
            except Exception as exc:  # broker or store away: keep the events, try later
                OUTBOX_FAILURES.labels(self.container.service_name).inc()
                log.warning("outbox relay could not publish (%s: %s); will retry", type(exc).__name__, exc)
                wait = backoff.failed()
            self._measure_backlog()

    def _measure_backlog(self):
        # at most once per sweep interval: two counts over the outbox after every write's
        # sweep were most of a write's store work
        if time.monotonic() - self._backlog_measured < SWEEP_INTERVAL:
            return
        self._backlog_measured = time.monotonic()
        repository = self.store.repository
        try:
            # counted by a bounded find on the PENDING index, not count_documents: the embedded
            # store runs that as an aggregation over the whole collection, holding every other
            # request behind it once a second
            pending = sum(len(list(repository.db[name].find({PENDING: True}, {"_id": 1}).limit(BACKLOG_CAP)))
                          for name in repository.outbox_collections)
        except Exception:  # store away: the failure counter already tells
            return
        OUTBOX_PENDING.labels(self.container.service_name).set(pending)
