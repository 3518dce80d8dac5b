"""An in-memory twin of clearinghouse.store.Repository's write path, for fast use-case
tests: insert with the outbox fields, replace on the version read, modify with retries,
get_many, and keyset pages in the same shape. Each service's in-memory repository
subclasses it, as its real repository subclasses Repository.

Documents are deep-copied in and out, so a test cannot change stored state by holding on
to what it wrote or read (the real store never shares objects either)."""
from __future__ import annotations

import copy

from clearinghouse import paging
from clearinghouse.errors import Conflict
from clearinghouse.store import OUTBOX, PENDING, REV, Repository


def _values(doc, path: str) -> list:
    """What a dotted ``path`` holds in ``doc``: each value, and each item of a list value
    (MongoDB looks inside arrays on the way down and at the end)."""
    found = [doc]
    for part in path.split("."):
        held = [x[part] for x in found if isinstance(x, dict) and part in x]
        found = held + [item for x in held if isinstance(x, list) for item in x]
    return found


def matches(doc: dict, query) -> bool:
    """Whether ``doc`` is in ``query``: a predicate, or a dict of dotted field -> value
    (equal, or held by a list field, as MongoDB matches equality). Operators are not
    imitated: a twin that guessed at them would pass where the store fails."""
    if callable(query):
        return bool(query(doc))
    for path, wanted in query.items():
        if path.startswith("$") or (isinstance(wanted, dict) and any(k.startswith("$") for k in wanted)):
            raise NotImplementedError(f"the in-memory repository matches equality only, not {path}: {wanted!r}; "
                                      "pass a predicate")
        values = _values(doc, path)
        if not (wanted in values or (wanted is None and not values)):  # None matches a missing field
            return False
    return True


class InMemoryRepository:
    """Collections of documents by id, in memory; the same methods and errors as
    clearinghouse.store.Repository's generic write path."""

    outbox_collections: tuple[str, ...] = ()

    def __init__(self):
        self.collections: dict[str, dict[str, dict]] = {}

    def ensure_indexes(self):
        pass

    def _table(self, collection: str) -> dict:
        return self.collections.setdefault(collection, {})

    # -- the write path ---------------------------------------------------------------
    def insert(self, collection: str, doc: dict, events: list[dict] = ()) -> dict:
        """Insert a new entity with its events; Conflict if the id exists."""
        doc = copy.deepcopy({**doc, OUTBOX: list(events), PENDING: bool(events), REV: 0})
        table = self._table(collection)
        if doc["_id"] in table:
            raise Conflict(f"{collection[:-1]} {doc.get('_id')!r} already exists")
        table[doc["_id"]] = doc
        return copy.deepcopy(doc)

    def replace(self, collection: str, doc: dict, read: dict, events: list[dict] = ()) -> dict:
        """Store ``doc`` if nobody (the relay included) wrote since we ``read`` it."""
        pending = read.get(OUTBOX, []) + list(events)
        new = copy.deepcopy({**doc, OUTBOX: pending, PENDING: bool(pending), REV: read.get(REV, 0)})
        table = self._table(collection)
        stored = table.get(doc["_id"])
        if stored is None or stored.get("version") != read["version"] or stored.get(REV, 0) != read.get(REV, 0):
            raise Conflict(
                f"{collection[:-1]} {doc['_id']!r} was changed by someone else while you edited it; "
                "read it again and retry"
            )
        table[doc["_id"]] = new
        return copy.deepcopy(new)

    # read, apply the change, store; re-read and re-applied on a concurrent write
    modify = Repository.modify

    # -- reads ------------------------------------------------------------------------
    def find(self, collection: str, entity_id):
        """The document, or None."""
        doc = self._table(collection).get(entity_id)
        return copy.deepcopy(doc)

    def get_many(self, collection: str, ids: list[str]) -> dict:
        """The documents with these ids, by id (missing ones are absent)."""
        table = self._table(collection)
        return {i: copy.deepcopy(table[i]) for i in ids if i in table}

    def documents(self, collection: str, query=None) -> list[dict]:
        """Every document of ``collection`` in ``query`` (see ``matches``), oldest first."""
        return [copy.deepcopy(d) for d in self._table(collection).values() if query is None or matches(d, query)]

    def page(self, collection: str, query, first: int, after, field: str, field_type=str,
             newest_first: bool = False, count: bool = True, unique: bool = False):
        """A page ordered by ``field``, then id, as Repository.page returns it (edges,
        page_info, total_count; cursors of the same kind, checked the same way)."""
        kind = f"{collection}.{field}" + (".desc" if newest_first else "")
        position = paging.decode(after, kind, (field_type, str))
        rows = sorted(self.documents(collection, query), key=lambda d: (d[field], d["_id"]), reverse=newest_first)
        total = len(rows) if count else None
        self.counts = getattr(self, "counts", 0) + bool(count)  # what the store would have counted
        if position is not None:
            rows = [d for d in rows if ((d[field], d["_id"]) < tuple(position) if newest_first
                                        else (d[field], d["_id"]) > tuple(position))]
        return paging.page(rows[:first + 1], first, total, lambda d: [d[field], d["_id"]], kind)

    # -- what tests look at -------------------------------------------------------------
    def outbox(self, collection: str, entity_id: str) -> list[dict]:
        """The events still waiting in one document's outbox."""
        return copy.deepcopy(self._table(collection)[entity_id].get(OUTBOX, []))

    def relay(self) -> list[dict]:
        """Publish as the outbox relay does: every pending event of the outbox collections,
        in write order, each document cleared with its REV bumped. Returns the events."""
        sent = []
        for name in self.outbox_collections:
            for doc in self._table(name).values():
                if doc.get(PENDING):
                    sent += copy.deepcopy(doc[OUTBOX])
                    doc.update({OUTBOX: [], PENDING: False, REV: doc.get(REV, 0) + 1})
        return sent

    def snapshot(self) -> dict:
        """Every document without the outbox bookkeeping, to check a call changed nothing."""
        return {name: {i: {k: v for k, v in d.items() if k not in (OUTBOX, PENDING, REV)} for i, d in table.items()}
                for name, table in copy.deepcopy(self.collections).items() if table}
