"""Intake: an event becomes one delivery for every subscription it matches. The event is
kept once with its place in arrival order; a unique key on subscription and event makes
a redelivered event change nothing."""
from __future__ import annotations

import time

import eventlet.event

from . import domain

SUBSCRIPTIONS_TTL = 30.0  # reload the matching set at least this often, whatever the revision says


class Intake:
    def __init__(self, repo, clock, wake):
        self.repo, self.clock, self.wake = repo, clock, wake
        self._last_place = 0
        self._subscriptions = (None, 0.0, [])  # revision, loaded at (monotonic), active subscriptions
        self._inserting: dict[int, eventlet.event.Event] = {}  # takes under way, by place

    def take(self, event: dict) -> int:
        """Persist a delivery for every subscription the event matches; returns how many
        were new (a redelivered event adds none)."""
        place = self._next_place()
        ahead, done = list(self._inserting.values()), eventlet.event.Event()
        self._inserting[place] = done
        try:
            now = self.clock.now()
            seq = self.repo.record_event(event, place, now)
            deliveries = [domain.new_delivery(sub, event, seq, now)
                          for sub in self.active_subscriptions() if domain.matches(sub, event)]
            # Inserted in arrival order: a lane that read a later delivery before an
            # earlier one was stored would send it first.
            for earlier in ahead:
                earlier.wait()
            added = self.repo.insert_deliveries(deliveries)
        finally:
            del self._inserting[place]
            done.send()
        if added:
            self.wake()
        return added

    def _next_place(self) -> int:
        """An event's place in arrival order: microseconds since the epoch, strictly rising
        in this process. Handler workers run in the order the bus delivered and reach this
        before any I/O, so places follow the queue's order."""
        self._last_place = max(self._last_place + 1, time.time_ns() // 1000)
        return self._last_place

    def active_subscriptions(self) -> list[dict]:
        """The active subscriptions, reloaded when any subscription was written since."""
        revision = self.repo.subscriptions_revision()
        seen, loaded_at, subs = self._subscriptions
        if revision != seen or time.monotonic() - loaded_at > SUBSCRIPTIONS_TTL:
            subs = self.repo.active_subscriptions()
            self._subscriptions = (revision, time.monotonic(), subs)
        return subs
