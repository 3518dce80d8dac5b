"""Intake: an event becomes one delivery for every subscription it matches. The event is
kept once with its place in arrival order, handed out by the store so that every replica
agrees on it; a unique key on subscription and event makes a redelivered event change
nothing.

Order across replicas: the intake queues have a single active consumer (the broker gives
them to one replica at a time and to the next if it dies), so events are placed in the
order the bus delivered them; within the process, takes are placed in the order their
workers started. An event is "taking" from its place until its deliveries are stored,
and no lane of any replica reads past the lowest place still taking, so a delivery is
never sent before an earlier event's delivery to the same subscription is stored."""
from __future__ import annotations

import time

import eventlet.event

from clearinghouse.consumers import DurableEventHandler

from . import domain

SUBSCRIPTIONS_TTL = 30.0  # reload the matching set at least this often, whatever the revision says


class OrderedEventHandler(DurableEventHandler):
    """A durable event handler whose queue has one active consumer at a time: replicas
    stand by, and the broker hands the queue (unacknowledged events first) to one of them
    when the active one goes."""

    def setup(self):
        super().setup()
        self.queue.queue_arguments = {**self.queue.queue_arguments, "x-single-active-consumer": True}


def ordered_event_handler(source_service: str, event_type: str):
    return OrderedEventHandler.decorator(source_service, event_type, reliable_delivery=True, requeue_on_error=True)


class Intake:
    def __init__(self, repo, clock, wake):
        self.repo, self.clock, self.wake = repo, clock, wake  # wake(channels): their lanes sweep
        self._subscriptions = (None, 0.0, [])  # revision, loaded at (monotonic), active subscriptions
        self._placing = None  # the latest take's place being recorded: the next take waits for it

    def take(self, event: dict) -> int:
        """Persist a delivery for every subscription the event matches; returns how many
        were new (a redelivered event adds none)."""
        # Workers reach this before any I/O, in the order the bus delivered: each records
        # its place after the one before it, so places follow the queue's order.
        ahead, placed = self._placing, eventlet.event.Event()
        self._placing = placed
        try:
            if ahead is not None:
                ahead.wait()
            now = self.clock.now()
            seq = self.repo.record_event(event, now)
        finally:
            placed.send()
            if self._placing is placed:
                self._placing = None
        deliveries = [domain.new_delivery(sub, event, seq, now)
                      for sub in self.active_subscriptions() if domain.matches(sub, event)]
        added = self.repo.insert_deliveries(deliveries)
        self.repo.event_taken(event["id"])
        if added:
            self.wake({d["channel"] for d in deliveries})  # only the lanes with something new
        return added

    def active_subscriptions(self) -> list[dict]:
        """The active subscriptions, reloaded when any subscription was written since."""
        revision = self.repo.subscriptions_revision()
        seen, loaded_at, subs = self._subscriptions
        if revision != seen or time.monotonic() - loaded_at > SUBSCRIPTIONS_TTL:
            subs = self.repo.active_subscriptions()
            self._subscriptions = (revision, time.monotonic(), subs)
        return subs
