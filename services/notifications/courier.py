"""The courier: takes matched events in, and carries deliveries out.

``take(event)`` keeps the event, matches it against every active subscription and
persists one delivery per match (a unique key on subscription and event makes a
redelivered event change nothing). A managed thread then attempts what is due, on the
service clock: realtime deliveries in event order per subscription (a later one waits
while an earlier one is retrying), daily digests once their day has ended, and the
emails of network asks. Nothing is dropped: a delivery succeeds or is parked for replay.
"""
from __future__ import annotations

import itertools
import json
import logging
import random
import ssl
import time
import uuid

import eventlet
import eventlet.semaphore
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider

from clearinghouse.config import Settings
from clearinghouse.store import Store

from . import delivery, domain, signing
from .clock import Clock
from .digest import digest_message, event_message
from .mail import Mailer
from .ssrf import Guard

log = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds between sweeps when nothing woke the courier
SUBSCRIPTIONS_TTL = 30.0  # reload the matching set at least this often, whatever the revision says
LEASE = 30.0  # a claim holds deliveries this long; a chain renews it as it goes (timeout 15 s)
BATCH = 1000
DIGEST_RETRY = 15 * 60
CONCURRENCY = 64
FLUSH_BATCH = 200
FLUSH_INTERVAL = 0.005


class Courier(DependencyProvider):
    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        self.guard = Guard(settings)
        self.tls = ssl.create_default_context()  # the system's trust store; tests add their own CA
        self.mailer = Mailer(settings.smtp_url)
        self.rng = random.Random()
        deps = self.container.dependencies
        self.store = next(d for d in deps if isinstance(d, Store))
        self.clock = next(d for d in deps if isinstance(d, Clock))
        self._wake = LightQueue()
        self._thread = None
        self._pool = eventlet.GreenPool(CONCURRENCY)
        self._in_flight: set[str] = set()
        self._finished: set[str] = set()  # chains that ended since the last due read
        self._last_place = 0
        self._subscriptions = (None, 0.0, [])  # revision, loaded at (monotonic), active subscriptions
        self._finishes: list[tuple[str, dict]] = []
        self._flush_wake = LightQueue()
        self._flushing = eventlet.semaphore.Semaphore()
        self._flusher = None

    @property
    def repo(self):
        return self.store.repository

    def start(self):
        self._thread = self.container.spawn_managed_thread(self._run)
        self._flusher = self.container.spawn_managed_thread(self._run_flusher)

    def stop(self):
        if self._thread is not None:
            self._thread.kill()
        self._pool.waitall()
        try:
            self._flush()
        except Exception:  # the leases run out and the deliveries are attempted again
            log.warning("could not record %d delivery outcomes at stop", len(self._finishes))
        if self._flusher is not None:
            self._flusher.kill()

    def kill(self):
        for thread in (self._thread, self._flusher):
            if thread is not None:
                thread.kill()
        for thread in list(self._pool.coroutines_running):
            thread.kill()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self):
        if self._wake.qsize() == 0:
            self._wake.put(None)

    # -- in ------------------------------------------------------------------------------
    def take(self, event: dict) -> int:
        """Persist a delivery for every subscription the event matches; returns how many
        were new (a redelivered event adds none)."""
        now = self.clock.now()
        seq = self.repo.record_event(event, self._next_place(), now)
        docs = [domain.new_delivery(sub, event, seq, now)
                for sub in self.active_subscriptions() if domain.matches(sub, event)]
        added = self.repo.insert_deliveries(docs)
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

    # -- out -----------------------------------------------------------------------------
    def _run(self):
        backoff = INTERVAL
        while True:
            try:
                self._wake.get(timeout=backoff)
            except Empty:
                pass
            try:
                self.sweep()
                backoff = INTERVAL
            except Exception as exc:  # store away: everything stays queued; try again
                log.warning("courier sweep failed (%s: %s); will retry", type(exc).__name__, exc)
                backoff = min(backoff * 2, 10.0)

    def sweep(self):
        now = self.clock.now()
        self.deliver_due(now)
        self.send_digests(now)
        self.send_ask_emails(now)

    def deliver_due(self, now: float) -> int:
        self._finished.clear()
        waiting = self.repo.waiting_heads(now)
        # Left out of the read: subscriptions whose head waits for a retry or is in flight
        # here, so a partner who is down with thousands queued cannot starve the others.
        due = self.repo.due_deliveries(now, "realtime", BATCH, skip=waiting | self._in_flight)
        if not due:
            return 0
        chains: dict[str, list[dict]] = {}
        for d in due:
            sub_id = d["subscription_id"]
            # a chain that ended (or started) while we read is read again on the next sweep
            if sub_id in self._in_flight or sub_id in self._finished:
                continue
            chains.setdefault(sub_id, []).append(d)
        if not chains:
            return 0
        subs = self.repo.subscriptions_by_id(chains)
        token = uuid.uuid4().hex
        claimed = self.repo.claim_many([d["_id"] for chain in chains.values() for d in chain], now, LEASE, token)
        bodies = self.repo.events(d["event_id"] for chain in chains.values() for d in chain)
        started = 0
        for sub_id, chain in chains.items():
            sub = subs.get(sub_id)
            if sub is None or not sub["active"]:
                why = "subscription deleted" if sub is None else \
                    f"subscription disabled: {sub.get('disabled_reason') or 'by its owner'}"
                self.repo.park_queued(sub_id, why)
                continue
            # only the claimed start of a chain goes: what another worker holds keeps the order
            ours = list(itertools.takewhile(lambda d: d["_id"] in claimed, chain))
            rest = [d["_id"] for d in chain[len(ours):] if d["_id"] in claimed]
            if rest:
                self.repo.release(rest, token)
            if ours:
                self._in_flight.add(sub_id)
                self._pool.spawn_n(self._carry, sub, ours, bodies, token)
                started += 1
        return started

    def _carry(self, sub: dict, chain: list[dict], bodies: dict, token: str):
        """Attempt a subscription's claimed deliveries in order; stop at the first that fails."""
        done = 0
        claimed_at = self.clock.now()
        try:
            for d in chain:
                now = self.clock.now()
                if now - claimed_at > LEASE / 3:  # a slow chain: keep the rest of it ours
                    self.repo.renew([x["_id"] for x in chain[done:]], token, now + LEASE)
                    claimed_at = now
                if d["attempts"] == 0:
                    delivery.FIRST_ATTEMPT_SECONDS.labels(sub["channel"]).observe(max(0.0, now - d["created_ts"]))
                body = bodies[d["event_id"]]["body"]
                outcome = delivery.timed(sub["channel"], lambda: self._attempt(sub, d, body, now))
                later = self.clock.now()
                changes, verdict = domain.after_attempt(d, outcome, later, self.rng)
                self._finish(d["_id"], changes)
                done += 1
                delivery.DELIVERIES.labels(sub["channel"], verdict).inc()
                sub_changes = domain.subscription_after(sub, verdict, later)
                if sub_changes:
                    self.repo.update_subscription(sub["_id"], sub_changes)
                    sub = {**sub, **sub_changes}
                    if not sub["active"]:
                        self._flush()
                        self.repo.park_queued(sub["_id"], f"subscription disabled: {sub['disabled_reason']}")
                        return
                if verdict != "succeeded":
                    return
        except Exception:
            log.exception("delivering to subscription %s failed; its deliveries stay queued", sub["_id"])
        finally:
            if done < len(chain):
                try:
                    self.repo.release([d["_id"] for d in chain[done:]], token)
                except Exception:  # the lease runs out on its own
                    pass
            self._in_flight.discard(sub["_id"])
            self._finished.add(sub["_id"])
            self._flush_soon()

    # Outcomes are written in batches: one round trip for many deliveries.
    def _finish(self, delivery_id: str, changes: dict):
        self._finishes.append((delivery_id, changes))
        if len(self._finishes) >= FLUSH_BATCH:
            self._flush_soon()

    def _flush_soon(self):
        if self._flush_wake.qsize() == 0:
            self._flush_wake.put(None)

    def _flush(self):
        # one flush at a time: a caller that must see its outcomes stored waits for a
        # batch another flush has taken but not yet written
        with self._flushing:
            while self._finishes:
                batch, self._finishes = self._finishes[:FLUSH_BATCH], self._finishes[FLUSH_BATCH:]
                try:
                    self.repo.finish_many_each(batch)
                except Exception:
                    self._finishes = batch + self._finishes
                    raise
        self.wake()

    def _run_flusher(self):
        while True:
            try:
                self._flush_wake.get(timeout=FLUSH_INTERVAL)
            except Empty:
                pass
            eventlet.sleep(FLUSH_INTERVAL)  # let finishing chains join the batch
            try:
                if self._finishes:
                    self._flush()
            except Exception as exc:  # store away: keep the outcomes, try again
                log.warning("could not record delivery outcomes (%s: %s); will retry", type(exc).__name__, exc)
                eventlet.sleep(1.0)

    def _attempt(self, sub: dict, d: dict, body: str, now: float) -> domain.Outcome:
        if sub["channel"] == "webhook":
            raw = body.encode()
            headers = signing.headers(domain.signing_secrets(sub, now), d["event_id"], int(now), raw)
            return delivery.post(self.guard, sub["url"], headers, raw, now, tls=self.tls)
        subject, text = event_message(json.loads(body))
        return self._mail(sub["email"], subject, text)

    def _mail(self, to: str, subject: str, text: str) -> domain.Outcome:
        try:
            self.mailer.send(to, subject, text)
            return domain.Outcome(status_code=250)
        except Exception as exc:  # SMTP refused or unreachable: retried on the schedule
            return domain.Outcome(error=f"{type(exc).__name__}: {exc}")

    def send_digests(self, now: float) -> int:
        """One email per subscriber address and ended day, listing that day's events."""
        due = self.repo.due_deliveries(now, "daily_digest", 5000)
        if not due:
            return 0
        subs = self.repo.subscriptions_by_id({d["subscription_id"] for d in due})
        groups: dict[tuple, list[dict]] = {}
        for d in due:
            sub = subs.get(d["subscription_id"])
            if sub is None or not sub["active"]:
                self.repo.park_queued(d["subscription_id"], "subscription deleted or disabled")
                continue
            groups.setdefault((sub["email"].lower(), d["digest_day"]), []).append(d)
        bodies = self.repo.events(d["event_id"] for d in due)
        sent = 0
        for (address, day), items in sorted(groups.items(), key=lambda kv: kv[0][1]):
            # claimed one by one: another sweep (or instance) may be sending this digest
            items = [d for d in items if self.repo.claim(d["_id"], now, LEASE)]
            if not items:
                continue
            events, seen = [], set()
            for d in sorted(items, key=lambda d: d["seq"]):
                if d["event_id"] not in seen:
                    seen.add(d["event_id"])
                    events.append(json.loads(bodies[d["event_id"]]["body"]))
            subject, text = digest_message(day, events)
            outcome = delivery.timed("email", lambda: self._mail(address, subject, text))
            later = self.clock.now()
            ids = [d["_id"] for d in items]
            if outcome.ok:
                self.repo.finish_many(ids, {"status": "succeeded", "due_at": None, "last_attempt_at": domain.iso(later),
                                            "last_status_code": 250, "last_error": None, "attempts": 1,
                                            "lease_until": 0.0})
                sent += 1
            else:
                self.repo.finish_many(ids, {"status": "retrying", "due_at": later + DIGEST_RETRY, "lease_until": 0.0,
                                            "last_attempt_at": domain.iso(later), "last_error": outcome.describe()})
            delivery.DELIVERIES.labels("email", "digest" if outcome.ok else "retrying").inc(len(ids))
        return sent

    def send_ask_emails(self, now: float) -> int:
        sent = 0
        for record in self.repo.due_ask_emails(now, BATCH):
            if not self.repo.claim_ask_email(record["_id"], now, LEASE):
                continue
            outcome = self._mail(record["email"], record["subject"], record["body"])
            later = self.clock.now()
            changes, verdict = domain.after_attempt(record, outcome, later, self.rng)
            self.repo.finish_ask_email(record["_id"], changes)
            delivery.DELIVERIES.labels("ask_email", verdict).inc()
            sent += outcome.ok
        return sent
