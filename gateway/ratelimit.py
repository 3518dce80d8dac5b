"""Rate limits on POST /graphql: GATEWAY_RATE_LIMIT requests a minute per API key (counted
by the key's hash, never the key) or, without a valid key, per client address.

A fixed window of the ``limits`` library (``limits.parse`` and its FixedWindowRateLimiter),
counted in the gateway's own MongoDB database so that every gateway process shares one count.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import time

import limits
import pymongo
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError
from werkzeug.wrappers import Response

from .auth import PUBLIC, Identity, bearer_key
from .errors import RATE_LIMITED, request_error

log = logging.getLogger(__name__)

COLLECTION = "rate_limits"


class MongoCounterStorage(Storage):
    """limits' counter storage as one document per key: {count, expires_at (epoch seconds)}.

    limits' own MongoDBStorage needs aggregation-pipeline updates, which nx-27017 lacks, so
    the window is kept with plain find_one_and_update, $inc and upsert instead.
    """

    STORAGE_SCHEME = None  # built directly, never from a URI (mongodb:// stays limits' own)

    def __init__(self, collection, clock=time.time):
        super().__init__()
        self.collection = collection
        self.clock = clock

    @property
    def base_exceptions(self):
        return PyMongoError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        for _ in range(5):
            now = self.clock()
            live = self.collection.find_one_and_update(
                {"_id": key, "expires_at": {"$gt": now}}, {"$inc": {"count": amount}},
                return_document=ReturnDocument.AFTER)
            if live is not None:
                return int(live["count"])
            try:
                # Expired or missing: start a new window. A process that started it first
                # makes this match nothing (None or a duplicate key); then count in its window.
                fresh = self.collection.find_one_and_update(
                    {"_id": key, "expires_at": {"$lte": now}},
                    {"$set": {"count": amount, "expires_at": now + expiry}},
                    upsert=True, return_document=ReturnDocument.AFTER)
            except DuplicateKeyError:
                continue
            if fresh is not None:
                return int(fresh["count"])
        raise PyMongoError(f"the rate-limit counter {key!r} kept changing under us")

    def get(self, key: str) -> int:
        doc = self.collection.find_one({"_id": key, "expires_at": {"$gt": self.clock()}})
        return int(doc["count"]) if doc else 0

    def get_expiry(self, key: str) -> float:
        doc = self.collection.find_one({"_id": key})
        return float(doc["expires_at"]) if doc else self.clock()

    def check(self) -> bool:
        try:
            self.collection.database.command("ping")
            return True
        except PyMongoError:
            return False

    def reset(self) -> int | None:
        return self.collection.delete_many({}).deleted_count

    def clear(self, key: str) -> None:
        self.collection.delete_one({"_id": key})

    def sweep(self) -> int:
        """Delete windows that ended (the next request of their key starts a new one)."""
        return self.collection.delete_many({"expires_at": {"$lt": self.clock()}}).deleted_count


class RateLimit:
    """Whether a request may go on, and if not, how many seconds until it may.

    If the store is away, requests go on (fail open, logged once): refusing every request
    would turn a store outage into a whole-API outage, and query limits still bound the work.
    While it is away the store is not asked again for ``pause`` seconds, so requests do not
    each wait out a connection timeout.
    """

    def __init__(self, per_minute: int, storage: MongoCounterStorage, clock=time.time, pause: float = 5.0):
        self.item = limits.parse(f"{per_minute}/minute")
        self.limiter = FixedWindowRateLimiter(storage)
        self.storage = storage
        self.clock = clock
        self.pause = pause
        self._away_until: float | None = None

    @property
    def per_minute(self) -> int:
        return self.item.amount

    def retry_after(self, subject: str) -> int | None:
        """None if ``subject`` may make one more request now; else whole seconds to wait."""
        now = self.clock()
        if self._away_until is not None and now < self._away_until:
            return None
        try:
            if self.limiter.hit(self.item, subject):
                allowed = True
            else:
                allowed, reset = False, self.limiter.get_window_stats(self.item, subject).reset_time
        except PyMongoError as exc:
            if self._away_until is None:
                log.warning("rate limits are not enforced while the store is away (%s); retrying every %ss",
                            exc, self.pause)
            self._away_until = now + self.pause
            return None
        if self._away_until is not None:
            log.warning("rate limits are enforced again: the store is back")
            self._away_until = None
        return None if allowed else max(1, math.ceil(reset - self.clock()))

    def sweep(self):
        """Drop ended windows (a timer calls this); a store away now is swept next time."""
        try:
            self.storage.sweep()
        except PyMongoError as exc:
            log.info("rate-limit windows not swept: %s", exc)

    def refusal(self, request, identity: Identity | None, trace_id: str | None = None) -> Response | None:
        """The 429 for this request (logged), or None when it may go on. ``identity`` is None
        when the key the request sent did not authenticate (it counts against the address)."""
        seconds = self.retry_after(subject(request, identity))
        if seconds is None:
            return None
        error = request_error(RATE_LIMITED, f"too many requests: the limit is {self.per_minute} a minute per "
                                            f"API key (or per address without one); retry in {seconds} s", trace_id)
        return Response(json.dumps({"errors": [error]}), status=429, mimetype="application/json",
                        headers={"Retry-After": str(seconds)})


def subject(request, identity: Identity | None) -> str:
    """What a request is counted against: its key's hash, or its client address."""
    if identity is not None and identity is not PUBLIC:
        key = bearer_key(request.headers.get("Authorization"))
        return "key:" + hashlib.sha256(key.encode()).hexdigest()
    return f"address:{request.remote_addr or 'unknown'}"


def client(mongo_uri: str | None) -> pymongo.MongoClient:
    """The gateway's store client. Timeouts are short: a limit check (or a persisted-query
    lookup) must not hold a request up for long when the store is slow or away."""
    return pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000,
                               socketTimeoutMS=2000)


def over(database, per_minute: int) -> RateLimit:
    """A RateLimit counted in ``database`` (a pymongo Database)."""
    return RateLimit(per_minute, MongoCounterStorage(database[COLLECTION]))


def connect(mongo_uri: str | None, database: str, per_minute: int) -> tuple[pymongo.MongoClient, RateLimit]:
    """A client and a RateLimit over ``database``."""
    store = client(mongo_uri)
    return store, over(store[database], per_minute)
