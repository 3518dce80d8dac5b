"""The store: one pymongo client per service container, and the write path every
repository uses so that an entity and its pending events land in one document.

Writes replace the whole document on the version that was read (optimistic
concurrency): single-document atomicity is all a standalone MongoDB promises, and it is
what makes the outbox safe without transactions.
"""
from __future__ import annotations

import collections
import json
import logging
import time

import pymongo
from nameko.extensions import DependencyProvider
from pymongo.errors import DuplicateKeyError, PyMongoError

from . import health, paging
from .backoff import Backoff
from .config import Settings
from .errors import Conflict, NotFound, Unavailable
from .siblings import Siblings

log = logging.getLogger(__name__)

OUTBOX = "outbox"
PENDING = "outbox_pending"
REV = "outbox_rev"  # bumped by the relay each time it clears published events
REVISIONS = "revisions"  # one document per counted collection: {_id: collection, n: writes so far}
COUNT_CACHE_SIZE = 1000  # (collection, filter) pairs whose count a process remembers
# A write is counted (its revision bumped) just after it lands; a process that died in
# between leaves a count that misses that write until the next one, or this long at most.
COUNT_MAX_AGE = 60.0


def connect(mongo_uri: str) -> pymongo.MongoClient:
    # Short selection timeout: a request fails fast with UNAVAILABLE instead of hanging.
    return pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000,
                               socketTimeoutMS=30000, tz_aware=True)


class Repository:
    """Base for a service's repository (its store.py subclasses it)."""

    # collections whose documents carry an outbox; the relay sweeps these
    outbox_collections: tuple[str, ...] = ()
    # collections whose page counts are remembered per filter until the collection's
    # revision moves; each must be written only through insert and replace, which bump it
    counted_collections: tuple[str, ...] = ()

    def __init__(self, db, clock=time.monotonic):
        self.db = db
        self.events_written = 0  # writes that queued events: the relay wakes when it moves
        self._counts = collections.OrderedDict()  # (collection, filter) -> (revision, total, when)
        self._clock = clock

    def ensure_indexes(self):
        for name in self.outbox_collections:
            self.db[name].create_index([(PENDING, 1)])

    def insert(self, collection: str, doc: dict, events: list[dict] = ()) -> dict:
        """Insert a new entity (version 1) with its events; Conflict if the id exists."""
        doc = {**doc, OUTBOX: list(events), PENDING: bool(events), REV: 0}
        try:
            self.db[collection].insert_one(doc)
        except DuplicateKeyError as exc:
            raise Conflict(f"{collection[:-1]} {doc.get('_id')!r} already exists") from exc
        self._written(collection, events)
        return doc

    def replace(self, collection: str, doc: dict, read: dict, events: list[dict] = ()) -> dict:
        """Store ``doc`` if nobody wrote since we ``read`` it; queue ``events`` with it.

        The condition covers the relay too (it bumps REV when it clears the outbox), so an
        event already published is never queued again by a writer that read it earlier.
        """
        pending = read.get(OUTBOX, []) + list(events)
        new = {**doc, OUTBOX: pending, PENDING: bool(pending), REV: read.get(REV, 0)}
        result = self.db[collection].replace_one(
            {"_id": doc["_id"], "version": read["version"], REV: read.get(REV, 0)}, new)
        if result.matched_count != 1:
            raise Conflict(
                f"{collection[:-1]} {doc['_id']!r} was changed by someone else while you edited it; "
                "read it again and retry"
            )
        self._written(collection, events)
        return new

    def _written(self, collection: str, events):
        # after the write, never before: a count taken between a bump and its write
        # would be remembered under the new revision without the write in it
        if collection in self.counted_collections:
            self.db[REVISIONS].update_one({"_id": collection}, {"$inc": {"n": 1}}, upsert=True)
        if events:
            self.events_written += 1

    def revision(self, collection: str) -> int:
        """How many writes ``collection`` has had (of a counted collection), as the store
        says: every replica's writes bump it."""
        found = self.db[REVISIONS].find_one({"_id": collection})
        return found["n"] if found else 0

    def count(self, collection: str, query: dict) -> int:
        """How many documents match ``query``. Of a counted collection, remembered per
        filter until the collection's revision moves (one lookup by id instead of a
        count over the collection); of any other, counted each time."""
        if collection not in self.counted_collections:
            return self.db[collection].count_documents(query)
        key = (collection, json.dumps(query, sort_keys=True, default=str))
        revision, now = self.revision(collection), self._clock()
        known = self._counts.get(key)
        if known is not None and known[0] == revision and now - known[2] < COUNT_MAX_AGE:
            self._counts.move_to_end(key)
            return known[1]
        total = self.db[collection].count_documents(query)
        self._counts[key] = (revision, total, now)
        self._counts.move_to_end(key)
        while len(self._counts) > COUNT_CACHE_SIZE:
            self._counts.popitem(last=False)
        return total

    def find(self, collection: str, entity_id: str):
        """The stored document, or None."""
        return self.db[collection].find_one({"_id": entity_id})

    def get_many(self, collection: str, ids: list[str]) -> dict:
        """The documents with these ids, by id (missing ones are absent)."""
        return {d["_id"]: d for d in self.db[collection].find({"_id": {"$in": list(ids)}})}

    def page(self, collection: str, query: dict, first: int, after, field: str, field_type=str,
             newest_first: bool = False, count: bool = True, unique: bool = False):
        """A page ordered by ``field`` (never changed after insert; its values of
        ``field_type``), then id: no gaps or duplicates while others write. Returns edges,
        page_info and total_count. The cursor is checked to hold a value of that type and
        an id, so nothing a client sends reaches the query as an operator. ``newest_first``
        reads the other way; ``count=False`` leaves total_count None (a long export's pages
        need no count each); ``unique`` says no two documents share a value of ``field``."""
        kind = f"{collection}.{field}" + (".desc" if newest_first else "")
        position = paging.decode(after, kind, (field_type, str))
        find = dict(query)
        after_op, order = ("$lt", -1) if newest_first else ("$gt", 1)
        if position is not None and (unique or field == "_id"):
            # one range on a unique field: no $or (nx-27017 scans the whole collection for one)
            find[field] = {after_op: position[0]}
        elif position is not None:
            value, last_id = position
            find["$or"] = [{field: {after_op: value}}, {field: value, "_id": {after_op: last_id}}]
        # a unique field needs no tie-break, and nx-27017 sorts on one indexed key far faster than on two
        keys = [(field, order)] if unique else [(field, order), ("_id", order)]
        rows = list(self.db[collection].find(find).sort(keys).limit(first + 1))
        total = self.count(collection, query) if count else None
        return paging.page(rows, first, total, lambda d: [d[field], d["_id"]], kind)

    def modify(self, collection: str, entity_id: str, change, attempts: int = 3):
        """Read an entity, apply ``change(doc) -> (new_doc, events, *extra)``, store it.

        A concurrent write makes us read again and re-apply, up to ``attempts`` times.
        Returns what ``change`` returned, with the stored document first.
        """
        for attempt in range(attempts):
            doc = self.find(collection, entity_id)
            if doc is None:
                raise NotFound(f"no {collection[:-1]} with id {entity_id!r}")
            new, events, *extra = change(doc)
            if new is doc:
                return (doc, events, *extra)
            try:
                return (self.replace(collection, new, doc, events), events, *extra)
            except Conflict:
                if attempt == attempts - 1:
                    raise


def document(item: dict, key: str = "id") -> dict:
    """A domain dict as stored: its ``key`` (its id) as the document's ``_id``."""
    return {"_id": item[key], **{k: value for k, value in item.items() if k != key}}


def entity(doc: dict | None, key: str = "id", storage: tuple[str, ...] = ()) -> dict | None:
    """The domain's dict for a stored document: its ``_id`` as ``key``, without the outbox
    fields and the ``storage``-only ones."""
    if doc is None:
        return None
    hidden = ("_id", OUTBOX, PENDING, REV, *storage)
    return {key: doc["_id"], **{k: value for k, value in doc.items() if k not in hidden}}


class Entities:
    """A repository's entities as the domain's plain dicts, over the generic write path
    (insert, modify, find, get_many, page) of Repository or its in-memory twin.

    A service says how its dicts are stored with two hooks, ``entity(collection, doc)``
    and ``stored(collection, item)`` (by default: ``id`` as ``_id``, nothing else added),
    and what a missing one is called with ``missing``."""

    def entity(self, collection: str, doc: dict | None) -> dict | None:
        return entity(doc)

    def stored(self, collection: str, item: dict) -> dict:
        """The document for a domain dict (the outbox is added by the write path)."""
        return document(item)

    def missing(self, collection: str, entity_id: str) -> str:
        return f"no {collection[:-1]} with id {entity_id!r}"

    def add(self, collection: str, item: dict, events: list[dict] = ()) -> dict:
        """Store a new entity with its events; Conflict if its id is taken."""
        return self.entity(collection, self.insert(collection, self.stored(collection, item), events))

    def lookup(self, collection: str, entity_id: str) -> dict | None:
        return self.entity(collection, self.find(collection, entity_id))

    def get(self, collection: str, entity_id: str) -> dict:
        found = self.lookup(collection, entity_id)
        if found is None:
            raise NotFound(self.missing(collection, entity_id))
        return found

    def lookup_many(self, collection: str, ids) -> dict:
        """The entities with these ids, by id (missing ones are absent)."""
        return {i: self.entity(collection, doc) for i, doc in self.get_many(collection, list(ids)).items()}

    def change(self, collection: str, entity_id: str, change):
        """Apply ``change(entity) -> (new, events, *extra)`` and store it (modify: re-read
        and re-applied on a concurrent write; nothing written when ``new`` is the entity
        it was given). Returns (stored entity, events, *extra)."""
        def on_document(doc):
            item = self.entity(collection, doc)
            new, events, *extra = change(item)
            return ((doc if new is item else self.stored(collection, new)), events, *extra)
        doc, events, *extra = self.modify(collection, entity_id, on_document)
        return (self.entity(collection, doc), events, *extra)

    def nodes(self, collection: str, page: dict) -> dict:
        """A page of documents made a page of entities."""
        for edge in page["edges"]:
            edge["node"] = self.entity(collection, edge["node"])
        return page

    def page_entities(self, collection: str, query, first: int, after, field: str, field_type=str,
                      **options) -> dict:
        """Repository.page, of entities (options: newest_first, count, unique)."""
        return self.nodes(collection, self.page(collection, query, first, after, field, field_type, **options))


class NotReady:
    """A worker's repository before the indexes exist: every use answers Unavailable, so
    nothing is written without its unique indexes."""

    def __init__(self, service_name: str):
        self.service_name = service_name

    def __getattr__(self, name):
        raise Unavailable(f"the {self.service_name} store is not ready yet (creating its indexes); "
                          "try again shortly")


class Store(DependencyProvider):
    """Gives each worker the service's repository over its own database, once its indexes
    exist; ``ready`` says whether they do. Other providers reach it through Siblings."""

    ready = False
    siblings = Siblings()

    def __init__(self, repository_cls):
        self.repository_cls = repository_cls

    def setup(self):
        self.siblings.register(Store, self)
        settings = Settings.from_nameko(self.container.config)
        self.client = connect(settings.mongo_uri)
        self.repository = self.repository_cls(self.client[settings.database_name(self.container.service_name)])
        health.add_probe(f"{self.container.service_name} store", self._readiness, owner=self)
        # At setup, before any entrypoint consumes: usually the store answers at once.
        self._ensure_indexes()

    def _readiness(self):
        return None if self.ready else "its indexes are not created yet (the store does not answer)"

    def start(self):
        # If it did not, keep trying without holding up the container (Unavailable meanwhile).
        if not self.ready:
            self.container.spawn_managed_thread(self._retry_indexes)

    def _ensure_indexes(self) -> bool:
        try:
            self.repository.ensure_indexes()
        except PyMongoError as exc:
            log.warning("%s store not answering (%s: %s); indexes will be retried",
                        self.container.service_name, type(exc).__name__, exc)
            return False
        self.ready = True
        return True

    def _retry_indexes(self):
        backoff = Backoff(first=0.5)
        while not self._ensure_indexes():
            backoff.sleep(backoff.failed())
        log.info("%s store answered; indexes exist, ready", self.container.service_name)

    def stop(self):
        health.remove_probe(f"{self.container.service_name} store", owner=self)
        self.client.close()

    def kill(self):
        health.remove_probe(f"{self.container.service_name} store", owner=self)
        self.client.close()

    def get_dependency(self, worker_ctx):
        return self.repository if self.ready else NotReady(self.container.service_name)
