"""What is attempted when: three lanes, each with its own pool, so a slow SMTP server never
holds up a webhook: one carries webhooks, one email (realtime emails, daily digests once
their day has ended, the emails of network asks), one partners' queues on the bus. A lane is swept when intake wakes
it and on the service's timer (retries come due with nothing to wake them); a sweep that
fails (the store away) backs the timer off.

Realtime deliveries go in event order per subscription, as chains: a chain's deliveries
are leased together and attempted in order, and a later one waits while an earlier one is
retrying. Nothing is dropped: a delivery succeeds or is parked for replay; a message that
can never be built is parked at once with its reason."""
from __future__ import annotations

import collections
import itertools
import json
import logging
import random
import time
import uuid

import eventlet
import eventlet.semaphore
from eventlet.queue import Empty, LightQueue

from clearinghouse.backoff import Backoff

from . import delivery, domain
from .digest import digest_message

log = logging.getLogger(__name__)

INTERVAL = 0.25  # seconds between timer sweeps of a lane
MAX_BACKOFF = 10.0
LEASE = 30.0  # a claim holds deliveries this long; a chain renews it as it goes (timeout 15 s)
BATCH = 1000
DIGEST_RETRY = 15 * 60
CONCURRENCY = 64
MAIL_CONCURRENCY = 4  # SMTP connections at once; each worker reuses its connection
FLUSH_BATCH = 200
FLUSH_INTERVAL = 0.005
WAITING_RECHECK = 10.0  # a subscription seen waiting for a retry is left out of reads this long at most
READS = 3  # reads of one sweep: a read full of chains held back by a retry reads again past them


class Lane:
    """The deliveries of one channel with their own pool, so one channel's slow endpoint
    never takes another's workers."""

    def __init__(self, channel: str, size: int, sweep):
        self.channel = channel
        self.sweep = sweep  # sweep(now): everything of this lane that is due
        self.pool = eventlet.GreenPool(size)
        self.wake = LightQueue()
        self.turn = eventlet.semaphore.Semaphore()  # one sweep at a time: woken or timed
        self.thread = None
        self.backoff, self.resume_at = Backoff(first=INTERVAL * 2, ceiling=MAX_BACKOFF), 0.0
        self.in_flight: set[str] = set()
        self.finished: set[str] = set()  # chains that ended since the last due read
        # subscriptions whose head waits for a retry, and until when reads leave them out:
        # only to read past them (the store, read after claiming, decides what may go)
        self.waiting: dict[str, float] = {}
        self.swept_at = float("-inf")  # monotonic; a timer's sweep right after another is skipped

    def waiting_until(self, now: float) -> set:
        self.waiting = {s: until for s, until in self.waiting.items() if until > now}
        return set(self.waiting)

    def kill(self):
        if self.thread is not None:
            self.thread.kill()
        for thread in list(self.pool.coroutines_running):  # spawn_n's: plain greenlets
            eventlet.kill(thread)


class Outcomes:
    """Attempts' outcomes, written in batches: one round trip for many deliveries."""

    def __init__(self, repo, flushed):
        self.repo, self.flushed = repo, flushed  # flushed(channels): their chains may go on now
        self.pending: list[tuple[str, str, str, dict]] = []  # (channel, subscription, delivery, changes)
        # subscriptions with outcomes not stored yet: what the store says of their head is stale
        self.unsettled: collections.Counter = collections.Counter()
        self.wake = LightQueue()
        self.lock = eventlet.semaphore.Semaphore()
        self.thread = None

    def add(self, channel: str, subscription_id: str, delivery_id: str, changes: dict):
        self.pending.append((channel, subscription_id, delivery_id, changes))
        self.unsettled[subscription_id] += 1
        if len(self.pending) >= FLUSH_BATCH:
            self.soon()

    def soon(self):
        if self.wake.qsize() == 0:
            self.wake.put(None)

    def flush(self):
        # one flush at a time: a caller that must see its outcomes stored waits for a
        # batch another flush has taken but not yet written
        channels = set()
        with self.lock:
            while self.pending:
                batch, self.pending = self.pending[:FLUSH_BATCH], self.pending[FLUSH_BATCH:]
                try:
                    self.repo.finish_many_each([(d, changes) for _, _, d, changes in batch])
                except Exception:
                    self.pending = batch + self.pending
                    raise
                self.unsettled.subtract(s for _, s, _, _ in batch)
                self.unsettled = +self.unsettled  # drop the settled
                channels.update(c for c, _, _, _ in batch)
        if channels:
            self.flushed(channels)

    def run(self):
        # A managed thread, not a timer: it waits a few milliseconds for chains to end,
        # and a timer would start a worker every 5 ms.
        while True:
            try:
                self.wake.get(timeout=FLUSH_INTERVAL)
            except Empty:
                pass
            eventlet.sleep(FLUSH_INTERVAL)  # let finishing chains join the batch
            try:
                if self.pending:
                    self.flush()
            except Exception as exc:  # store away: keep the outcomes, try again
                log.warning("could not record delivery outcomes (%s: %s); will retry", type(exc).__name__, exc)
                eventlet.sleep(1.0)


class Scheduler:
    def __init__(self, repo, clock, channels):
        self.repo, self.clock, self.channels = repo, clock, channels
        self.rng = random.Random()
        self.webhooks = Lane("webhook", CONCURRENCY, lambda now: self.deliver_due(now, self.webhooks))
        self.mail = Lane("email", MAIL_CONCURRENCY, self._sweep_mail)
        self.bus = Lane("bus", CONCURRENCY, lambda now: self.deliver_due(now, self.bus))
        self.lanes = (self.webhooks, self.mail, self.bus)
        self.outcomes = Outcomes(repo, self.wake_lanes)

    def start(self, spawn):
        for lane in self.lanes:
            lane.thread = spawn(lambda lane=lane: self._run(lane))
        self.outcomes.thread = spawn(self.outcomes.run)

    def stop(self):
        for lane in self.lanes:
            if lane.thread is not None:
                lane.thread.kill()
        for lane in self.lanes:
            lane.pool.waitall()
        try:
            self.outcomes.flush()
        except Exception:  # the leases run out and the deliveries are attempted again
            log.warning("could not record %d delivery outcomes at stop", len(self.outcomes.pending))
        if self.outcomes.thread is not None:
            self.outcomes.thread.kill()

    def kill(self):
        for lane in self.lanes:
            lane.kill()
        if self.outcomes.thread is not None:
            self.outcomes.thread.kill()

    def wake(self):
        """Every lane sweeps now, reading again what it took to wait for a retry."""
        for lane in self.lanes:
            lane.waiting.clear()
        self.wake_lanes()

    def wake_lanes(self, channels=None):
        """The lanes of ``channels`` (all if None) sweep now: intake queued deliveries of
        theirs, or a chain's outcomes were stored. A lane with nothing new is left alone: a
        sweep is several reads of the store."""
        for lane in self.lanes:
            if (channels is None or lane.channel in channels) and lane.wake.qsize() == 0:
                lane.wake.put(None)

    # -- sweeps ----------------------------------------------------------------------------
    def _run(self, lane: Lane):
        # A managed thread, not a timer: intake wakes it to deliver as soon as a delivery is queued.
        while True:
            lane.wake.get()
            self._sweep(lane)

    def sweep_webhooks(self) -> int:
        """The timer's sweep of the webhook lane (skipped while backing off): how many
        chains it started."""
        return self._sweep(self.webhooks, timed=True)

    def sweep_bus(self) -> int:
        """The timer's sweep of the bus lane: how many chains it started."""
        return self._sweep(self.bus, timed=True)

    def sweep_mail(self) -> int:
        """The timer's sweep of the email lane (skipped while backing off): how many
        chains it started and digests and ask emails it sent."""
        return self._sweep(self.mail, timed=True)

    def _sweep(self, lane: Lane, timed: bool = False) -> int:
        if timed and time.monotonic() < lane.resume_at:
            return 0
        with lane.turn:
            if timed and time.monotonic() - lane.swept_at < INTERVAL:  # woken sweeps are reading already
                return 0
            lane.swept_at = time.monotonic()
            try:
                done = lane.sweep(self.clock.now())
                lane.backoff.succeeded()
                return done
            except Exception as exc:  # store away: everything stays queued; try again
                log.warning("courier %s sweep failed (%s: %s); will retry", lane.channel, type(exc).__name__, exc)
                lane.resume_at = time.monotonic() + lane.backoff.failed()
                return 0

    def sweep(self):
        """Everything due now, both lanes (tests call this to act at once)."""
        now = self.clock.now()
        self.deliver_due(now, self.webhooks)
        self.deliver_due(now, self.bus)
        self._sweep_mail(now, scheduled=True)

    def _sweep_mail(self, now: float, scheduled: bool | None = None) -> int:
        done = self.deliver_due(now, self.mail)
        # Digests and ask emails: one replica per period looks for them (a claim in the
        # store), and a digest is sent under its own lease, so replicas never split one.
        if scheduled is None:
            scheduled = self.repo.claim_period("mail-schedule", int(now // INTERVAL))
        if scheduled:
            done += self.send_digests(now) + self.send_ask_emails(now)
        return done

    # -- realtime chains -------------------------------------------------------------------
    def deliver_due(self, now: float, lane: Lane) -> int:
        lane.finished.clear()
        unsettled = set(self.outcomes.unsettled)  # taken before the store is read
        floor = self.repo.intake_floor(now)  # before the deliveries: nothing past an event still being taken
        # Left out of the read: subscriptions in flight here or with an outcome not stored
        # yet (their head may be retrying), and those whose head waits for a retry, so
        # order holds and a partner who is down with thousands queued cannot starve the others.
        skip = lane.in_flight | unsettled
        for _ in range(READS):
            queued = self.repo.queued_deliveries(BATCH, lane.channel, skip=skip | lane.waiting_until(now),
                                                 below=floor)
            chains: dict[str, list[dict]] = {}
            held = set()
            for d in queued:
                sub_id = d["subscription_id"]
                # a chain that ended (or started) while we read is read again on the next sweep
                if sub_id in held or sub_id in lane.in_flight or sub_id in lane.finished:
                    continue
                if sub_id not in chains and (d["due_at"] or 0.0) > now:  # its head waits for a retry
                    held.add(sub_id)
                    lane.waiting[sub_id] = min(d["due_at"], now + WAITING_RECHECK)
                    continue
                chains.setdefault(sub_id, []).append(d)
            if not held or len(queued) < BATCH:
                break
        if not chains:
            return 0
        subs = self.repo.subscriptions_by_id(chains)
        token, taken = uuid.uuid4().hex, [d for chain in chains.values() for d in chain]
        self.repo.claim_many([d["id"] for d in taken], now, LEASE, token)
        # Read after claiming: what another replica attempted meanwhile and left retrying, or
        # still holds, is an earlier queued delivery than our chain's start; then it waits.
        heads, claimed = self.repo.claimed_heads(chains, token, max(d["seq"] for d in taken))
        bodies = self.repo.event_bodies(d["event_id"] for d in taken)
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
            if ours and heads.get(sub_id) != ours[0]["seq"]:
                ours = []
            rest = [d["id"] for d in chain[len(ours):] if d["id"] in claimed]  # all of it if not ours
            if rest:
                self.repo.release(rest, token)
            if ours:
                lane.in_flight.add(sub_id)
                lane.pool.spawn_n(self._carry, lane, sub, ours, bodies, token)
                started += 1
        return started

    def _carry(self, lane: Lane, sub: dict, chain: list[dict], bodies: dict, token: str):
        """Attempt a subscription's claimed deliveries in order; stop at the first that fails."""
        done, attempting = 0, False
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
                attempting = True
                outcome = delivery.timed(sub["channel"], lambda: self.channels.attempt(sub, d, body, now))
                later = self.clock.now()
                changes, verdict = domain.after_attempt(d, outcome, later, self.rng)
                self.outcomes.add(sub["channel"], sub["id"], d["id"], changes)
                done, attempting = done + 1, False
                delivery.DELIVERIES.labels(sub["channel"], verdict).inc()
                sub_changes = domain.subscription_after(sub, verdict, later)
                if sub_changes:
                    self.repo.update_subscription(sub["id"], sub_changes)
                    sub = {**sub, **sub_changes}
                    if not sub["active"]:
                        self.outcomes.flush()
                        self.repo.park_queued(sub["id"], f"subscription disabled: {sub['disabled_reason']}")
                        return
                if verdict not in ("succeeded", "unsendable"):  # a bad message holds up nothing
                    return
        except Exception:
            log.exception("delivering to subscription %s failed; its deliveries stay queued", sub["id"])
        finally:
            # An attempt cut short (the process killed mid-request) may have landed: it keeps
            # its lease and is made again only once that runs out; the rest go back at once.
            untried = chain[done + attempting:]
            if untried:
                try:
                    self.repo.release([d["id"] for d in untried], token)
                except Exception:  # the lease runs out on its own
                    pass
            lane.in_flight.discard(sub["id"])
            lane.finished.add(sub["id"])
            self.outcomes.soon()

    # -- digests and ask emails ------------------------------------------------------------
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
        # One sender per address and day across replicas: a lease on the digest, then its
        # items claimed one by one (what another sender finished meanwhile is not taken).
        key, holder = f"digest:{address}:{day}", uuid.uuid4().hex
        if not self.repo.take_lease(key, holder, now, LEASE):
            return False
        try:
            items = [d for d in items if self.repo.claim(d["id"], now, LEASE)]
            if not items:
                return False
            return self._mail_digest(address, day, items, bodies)
        finally:
            self.repo.drop_lease(key, holder)

    def _mail_digest(self, address: str, day: str, items: list[dict], bodies: dict) -> bool:
        events, seen = [], set()
        for d in sorted(items, key=lambda d: d["seq"]):
            if d["event_id"] not in seen:
                seen.add(d["event_id"])
                events.append(json.loads(bodies[d["event_id"]]))
        subject, text = digest_message(day, events)
        outcome = delivery.timed("email", lambda: self.channels.mail(address, subject, text))
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
        outcome = self.channels.mail(record["email"], record["subject"], record["body"], record.get("headers"))
        later = self.clock.now()
        changes, verdict = domain.after_attempt(record, outcome, later, self.rng)
        self.repo.finish_ask_email(record["id"], changes)
        delivery.DELIVERIES.labels("ask_email", verdict).inc()
        return outcome.ok
