"""The courier: takes matched events in, and carries deliveries out.

``take(event)`` keeps the event, matches it against every active subscription and
persists one delivery per match (a unique key on subscription and event makes a
redelivered event change nothing). Two managed threads then attempt what is due, on the
service clock, each with its own pool: one carries webhooks, the other email (realtime
emails, daily digests once their day has ended, the emails of network asks), so a slow
SMTP server never holds up a webhook. Realtime deliveries go in event order per
subscription (a later one waits while an earlier one is retrying). Nothing is dropped: a
delivery succeeds or is parked for replay; a message that can never be built is parked
at once with its reason.
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
from .mail import Mailer, Unsendable
from .ssrf import Guard

log = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds between sweeps when nothing woke the courier
SUBSCRIPTIONS_TTL = 30.0  # reload the matching set at least this often, whatever the revision says
LEASE = 30.0  # a claim holds deliveries this long; a chain renews it as it goes (timeout 15 s)
BATCH = 1000
DIGEST_RETRY = 15 * 60
CONCURRENCY = 64
MAIL_CONCURRENCY = 4  # SMTP connections at once; each worker reuses its connection
FLUSH_BATCH = 200
FLUSH_INTERVAL = 0.005


class Lane:
    """The deliveries of one channel with their own pool, so one channel's slow endpoint
    never takes another's workers."""

    def __init__(self, channel: str, size: int):
        self.channel = channel
        self.pool = eventlet.GreenPool(size)
        self.wake = LightQueue()
        self.thread = None
        self.in_flight: set[str] = set()
        self.finished: set[str] = set()  # chains that ended since the last due read

    def kill(self):
        if self.thread is not None:
            self.thread.kill()
        for thread in list(self.pool.coroutines_running):
            thread.kill()


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
        self.webhooks = Lane("webhook", CONCURRENCY)
        self.mail = Lane("email", MAIL_CONCURRENCY)
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
        self.webhooks.thread = self.container.spawn_managed_thread(lambda: self._run(self.webhooks, self.sweep_webhooks))
        self.mail.thread = self.container.spawn_managed_thread(lambda: self._run(self.mail, self.sweep_mail))
        self._flusher = self.container.spawn_managed_thread(self._run_flusher)

    def stop(self):
        for lane in (self.webhooks, self.mail):
            if lane.thread is not None:
                lane.thread.kill()
        self.webhooks.pool.waitall()
        self.mail.pool.waitall()
        self.mailer.close()
        try:
            self._flush()
        except Exception:  # the leases run out and the deliveries are attempted again
            log.warning("could not record %d delivery outcomes at stop", len(self._finishes))
        if self._flusher is not None:
            self._flusher.kill()

    def kill(self):
        self.webhooks.kill()
        self.mail.kill()
        if self._flusher is not None:
            self._flusher.kill()

    def get_dependency(self, worker_ctx):
        return self

    def wake(self):
        for lane in (self.webhooks, self.mail):
            if lane.wake.qsize() == 0:
                lane.wake.put(None)

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
    def _run(self, lane: Lane, sweep):
        backoff = INTERVAL
        while True:
            try:
                lane.wake.get(timeout=backoff)
            except Empty:
                pass
            try:
                sweep(self.clock.now())
                backoff = INTERVAL
            except Exception as exc:  # store away: everything stays queued; try again
                log.warning("courier %s sweep failed (%s: %s); will retry", lane.channel, type(exc).__name__, exc)
                backoff = min(backoff * 2, 10.0)

    def sweep(self):
        """Everything due now, both lanes (tests call this to act at once)."""
        now = self.clock.now()
        self.sweep_webhooks(now)
        self.sweep_mail(now)

    def sweep_webhooks(self, now: float):
        self.deliver_due(now, self.webhooks)

    def sweep_mail(self, now: float):
        self.deliver_due(now, self.mail)
        self.send_digests(now)
        self.send_ask_emails(now)

    def deliver_due(self, now: float, lane: Lane) -> int:
        lane.finished.clear()
        waiting = self.repo.waiting_heads(now)
        # Left out of the read: subscriptions whose head waits for a retry or is in flight
        # here, so a partner who is down with thousands queued cannot starve the others.
        due = self.repo.due_deliveries(now, "realtime", BATCH, skip=waiting | lane.in_flight, channel=lane.channel)
        if not due:
            return 0
        chains: dict[str, list[dict]] = {}
        for d in due:
            sub_id = d["subscription_id"]
            # a chain that ended (or started) while we read is read again on the next sweep
            if sub_id in lane.in_flight or sub_id in lane.finished:
                continue
            chains.setdefault(sub_id, []).append(d)
        if not chains:
            return 0
        subs = self.repo.subscriptions_by_id(chains)
        token = uuid.uuid4().hex
        claimed = self.repo.claim_many([d["id"] for chain in chains.values() for d in chain], now, LEASE, token)
        bodies = self.repo.event_bodies(d["event_id"] for chain in chains.values() for d in chain)
        started = 0
        for sub_id, chain in chains.items():
            sub = subs.get(sub_id)
            if sub is None or not sub["active"]:
                why = "subscription deleted" if sub is None else \
                    f"subscription disabled: {sub.get('disabled_reason') or 'by its owner'}"
                self.repo.park_queued(sub_id, why)
                continue
            # only the claimed start of a chain goes: what another worker holds keeps the order
            ours = list(itertools.takewhile(lambda d: d["id"] in claimed, chain))
            rest = [d["id"] for d in chain[len(ours):] if d["id"] in claimed]
            if rest:
                self.repo.release(rest, token)
            if ours:
                lane.in_flight.add(sub_id)
                lane.pool.spawn_n(self._carry, lane, sub, ours, bodies, token)
                started += 1
        return started

    def _carry(self, lane: Lane, sub: dict, chain: list[dict], bodies: dict, token: str):
        """Attempt a subscription's claimed deliveries in order; stop at the first that fails."""
        done = 0
        claimed_at = self.clock.now()
        try:
            for d in chain:
                now = self.clock.now()
                if now - claimed_at > LEASE / 3:  # a slow chain: keep the rest of it ours
                    self.repo.renew([x["id"] for x in chain[done:]], token, now + LEASE)
                    claimed_at = now
                if d["attempts"] == 0:
                    delivery.FIRST_ATTEMPT_SECONDS.labels(sub["channel"]).observe(max(0.0, now - d["created_ts"]))
                body = bodies[d["event_id"]]
                outcome = delivery.timed(sub["channel"], lambda: self._attempt(sub, d, body, now))
                later = self.clock.now()
                changes, verdict = domain.after_attempt(d, outcome, later, self.rng)
                self._finish(d["id"], changes)
                done += 1
                delivery.DELIVERIES.labels(sub["channel"], verdict).inc()
                sub_changes = domain.subscription_after(sub, verdict, later)
                if sub_changes:
                    self.repo.update_subscription(sub["id"], sub_changes)
                    sub = {**sub, **sub_changes}
                    if not sub["active"]:
                        self._flush()
                        self.repo.park_queued(sub["id"], f"subscription disabled: {sub['disabled_reason']}")
                        return
                if verdict not in ("succeeded", "unsendable"):  # a bad message holds up nothing
                    return
        except Exception:
            log.exception("delivering to subscription %s failed; its deliveries stay queued", sub["id"])
        finally:
            if done < len(chain):
                try:
                    self.repo.release([d["id"] for d in chain[done:]], token)
                except Exception:  # the lease runs out on its own
                    pass
            lane.in_flight.discard(sub["id"])
            lane.finished.add(sub["id"])
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
        except Unsendable as exc:  # parked at once: it would fail the same way for 3 days
            return domain.Outcome(error=str(exc), unsendable=True)
        except Exception as exc:  # SMTP refused or unreachable: retried on the schedule
            return domain.Outcome(error=f"{type(exc).__name__}: {exc}")

    def send_digests(self, now: float) -> int:
        """One email per subscriber address and ended day, listing that day's events;
        sent on the mail pool, waited for here."""
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
        bodies = self.repo.event_bodies(d["event_id"] for d in due)
        pile = eventlet.GreenPile(self.mail.pool)
        for (address, day), items in sorted(groups.items(), key=lambda kv: kv[0][1]):
            pile.spawn(self._send_digest, address, day, items, bodies, now)
        return sum(pile)

    def _send_digest(self, address: str, day: str, items: list[dict], bodies: dict, now: float) -> bool:
        # claimed one by one: another sweep (or instance) may be sending this digest
        items = [d for d in items if self.repo.claim(d["id"], now, LEASE)]
        if not items:
            return False
        events, seen = [], set()
        for d in sorted(items, key=lambda d: d["seq"]):
            if d["event_id"] not in seen:
                seen.add(d["event_id"])
                events.append(json.loads(bodies[d["event_id"]]))
        subject, text = digest_message(day, events)
        outcome = delivery.timed("email", lambda: self._mail(address, subject, text))
        later = self.clock.now()
        ids = [d["id"] for d in items]
        attempt = {"last_attempt_at": domain.iso(later), "lease_until": 0.0, "last_error": outcome.describe()}
        if outcome.ok:
            self.repo.finish_many(ids, {**attempt, "status": "succeeded", "due_at": None, "last_status_code": 250,
                                        "attempts": 1})
        elif outcome.unsendable:
            self.repo.finish_many(ids, {**attempt, "status": "parked", "due_at": None})
        else:
            self.repo.finish_many(ids, {**attempt, "status": "retrying", "due_at": later + DIGEST_RETRY})
        verdict = "digest" if outcome.ok else "unsendable" if outcome.unsendable else "retrying"
        delivery.DELIVERIES.labels("email", verdict).inc(len(ids))
        return outcome.ok

    def send_ask_emails(self, now: float) -> int:
        """The due emails of network asks, on the mail pool, waited for here."""
        pile = eventlet.GreenPile(self.mail.pool)
        for record in self.repo.due_ask_emails(now, BATCH):
            if self.repo.claim_ask_email(record["id"], now, LEASE):
                pile.spawn(self._send_ask_email, record)
        return sum(pile)

    def _send_ask_email(self, record: dict) -> bool:
        outcome = self._mail(record["email"], record["subject"], record["body"])
        later = self.clock.now()
        changes, verdict = domain.after_attempt(record, outcome, later, self.rng)
        self.repo.finish_ask_email(record["id"], changes)
        delivery.DELIVERIES.labels("ask_email", verdict).inc()
        return outcome.ok
