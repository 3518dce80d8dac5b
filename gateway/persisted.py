"""Automatic persisted queries (Apollo's APQ protocol): a client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": ...}`` without the query; an
unknown hash is answered PersistedQueryNotFound, and the client sends the query with the
hash once to register it. A hash that is not the query's own is refused.

The registry lives in the gateway's own database (collection ``persisted_queries``), so
every gateway process knows what any of them registered; it is bounded (the oldest
client-registered queries go first; staff-registered ones stay), with an LRU in front.
With GATEWAY_PERSISTED_ONLY=1 only queries registered by a staff key are run.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict

from pymongo.errors import DuplicateKeyError, PyMongoError

from clearinghouse.errors import Unavailable

from .errors import BAD_USER_INPUT, FORBIDDEN

COLLECTION = "persisted_queries"
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_ALLOWED = "PERSISTED_QUERY_REQUIRED"
HASH = re.compile(r"^[0-9a-f]{64}$")


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class Refusal(Exception):
    def __init__(self, code: str, message: str, status: int):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class PersistedQueries:
    def __init__(self, collection, max_entries: int = 10_000, persisted_only: bool = False,
                 max_query_chars: int = 100_000, local_entries: int = 1000, clock=time.time):
        self.collection = collection
        self.max_entries = max_entries
        self.persisted_only = persisted_only
        self.max_query_chars = max_query_chars
        self.clock = clock
        self.local_entries = local_entries
        self._local: OrderedDict[str, tuple[str, str]] = OrderedDict()  # hash -> (query, registered_by)

    def query_of(self, payload: dict, identity) -> str | None:
        """The query text to run for this operation (registering it when it came with its
        hash); None when the payload has no query and no persisted query (the caller says
        so). Raises Refusal."""
        extensions = payload.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise Refusal(BAD_USER_INPUT, "extensions must be a JSON object", 400)
        persisted = (extensions or {}).get("persistedQuery")
        query = payload.get("query")
        staff = identity.role == "staff"
        if persisted is None:
            if self.persisted_only and not staff and isinstance(query, str):
                found = self._lookup(sha256(query))
                if found is None or found[1] != "staff":
                    raise Refusal(NOT_ALLOWED, "this server runs only queries registered by staff: send "
                                               "extensions.persistedQuery with the sha256Hash of a registered query", 403)
            return query
        digest = self._check(persisted)
        if query is not None:
            if not isinstance(query, str):
                return query  # the caller refuses a query that is not a string
            if sha256(query) != digest:
                raise Refusal(BAD_USER_INPUT, "persistedQuery.sha256Hash is not the SHA-256 of the query sent "
                                              "with it; send the query's own hash (hex, lower case)", 400)
            if self.persisted_only and not staff:
                found = self._lookup(digest)
                if found is None or found[1] != "staff":
                    raise Refusal(NOT_ALLOWED, "this server runs only queries registered by staff; ask staff to "
                                               "register this query", 403)
                return query
            self._register(digest, query, "staff" if staff else "client")
            return query
        found = self._lookup(digest)
        if found is None or (self.persisted_only and found[1] != "staff"):
            raise Refusal(NOT_FOUND, "PersistedQueryNotFound", 200)
        return found[0]

    def _check(self, persisted) -> str:
        if not isinstance(persisted, dict):
            raise Refusal(BAD_USER_INPUT, "extensions.persistedQuery must be an object: "
                                          '{"version": 1, "sha256Hash": "<64 hex digits>"}', 400)
        if persisted.get("version") != 1:
            raise Refusal(BAD_USER_INPUT, "extensions.persistedQuery.version must be 1", 400)
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not HASH.match(digest.lower()):
            raise Refusal(BAD_USER_INPUT, "extensions.persistedQuery.sha256Hash must be the query's SHA-256 "
                                          "as 64 hex digits", 400)
        return digest.lower()

    def _remember(self, digest: str, entry: tuple[str, str]):
        self._local[digest] = entry
        self._local.move_to_end(digest)
        while len(self._local) > self.local_entries:
            self._local.popitem(last=False)

    def _lookup(self, digest: str) -> tuple[str, str] | None:
        hit = self._local.get(digest)
        if hit is not None:
            self._local.move_to_end(digest)
            return hit
        try:
            doc = self.collection.find_one({"_id": digest})
        except PyMongoError as exc:
            raise Unavailable(f"the persisted-query registry is away ({type(exc).__name__}); send the query "
                              "text with its hash, or retry") from exc
        if doc is None:
            return None
        entry = (doc["query"], doc.get("registered_by") or "client")
        self._remember(digest, entry)
        return entry

    def _register(self, digest: str, query: str, registered_by: str):
        if len(query) > self.max_query_chars:
            raise Refusal(BAD_USER_INPUT, f"a query of {len(query)} characters is too long to persist; the "
                                          f"limit is {self.max_query_chars}", 400)
        known = self._lookup(digest)
        if known is not None and (known[1] == "staff" or registered_by == "client"):
            return
        try:
            if known is None:
                try:
                    self.collection.insert_one({"_id": digest, "query": query, "registered_by": registered_by,
                                                "registered_at": self.clock()})
                except DuplicateKeyError:  # another process registered it first
                    if registered_by == "client":
                        return
            if registered_by == "staff":
                self.collection.update_one({"_id": digest}, {"$set": {"registered_by": "staff"}})
            self._remember(digest, (query, registered_by))
            self._evict()
        except PyMongoError as exc:
            raise Unavailable(f"the persisted-query registry is away ({type(exc).__name__}); retry") from exc

    def _evict(self):
        """Keep at most max_entries: the oldest client-registered queries go first."""
        excess = self.collection.count_documents({}) - self.max_entries
        if excess <= 0:
            return
        oldest = [d["_id"] for d in self.collection.find({"registered_by": "client"}, {"_id": 1})
                  .sort("registered_at", 1).limit(excess)]
        if oldest:
            self.collection.delete_many({"_id": {"$in": oldest}})
            for digest in oldest:
                self._local.pop(digest, None)

    def count(self) -> int:
        return self.collection.count_documents({})
