"""The toolkits repository over pymongo: toolkits (stored by slug), ordinances and
preemption records (stored by id), the only toolkits module that speaks MongoDB.

It takes and gives the domain's plain dicts (domain.py) and keeps the stored format:
the entity's name is the document's ``_id``, an ordinance also stores its ``measure_key``
(for the unique index) and every document its outbox. Only plain finds, sorts, counts
and single-document writes.
"""
from __future__ import annotations

import datetime as dt

from pymongo import ASCENDING

from clearinghouse import store
from clearinghouse.store import Entities, Repository

from . import domain

# spread, compare and peers read a whole issue area at once; more than this is a data error
ISSUE_AREA_LIMIT = 2000
_NAMES = {"toolkits": "toolkit", "ordinances": "ordinance", "preemptions": "preemption record", "cases": "case",
          "bills": "preemption bill"}
_KEYS = {"toolkits": "slug", "ordinances": "id", "preemptions": "id", "cases": "slug", "bills": "id"}
# case and bill filters by name -> the stored (list) field they match one value of
CASE_FILTER_FIELDS = {"legal_theory": "legal_theories", "state": "states", "issue_area": "issue_areas",
                      "ordinance_id": "ordinance_ids"}
BILL_FILTER_FIELDS = {"state": "state", "session": "session", "status": "status", "issue_area": "issue_areas",
                      "ordinance_id": "ordinance_ids"}
_STORAGE = ("measure_key", "changed_ts")
# ordinance filters by name -> the stored field; sponsor_id matches one of the sponsor_ids
_FILTER_FIELDS = {"state": "state", "jurisdiction": "jurisdiction", "issue_area": "issue_area",
                  "status": "status", "sponsor_id": "sponsor_ids", "toolkit_slug": "toolkit_slug"}


def measure_key(ordinance: dict) -> str:
    return "|".join(domain.measure(ordinance))


def entity(collection: str, doc: dict | None) -> dict | None:
    """The domain's dict for a stored document (without storage fields)."""
    return store.entity(doc, _KEYS[collection], _STORAGE)


def stored(collection: str, item: dict) -> dict:
    """The document for a domain dict (the outbox is added by the write path)."""
    doc = store.document(item, _KEYS[collection])
    if collection == "ordinances":
        doc["measure_key"] = measure_key(item)
    if collection in ("ordinances", "toolkits"):
        # the feeds' order: a number, since nx-27017 compares ISO timestamp strings wrongly
        doc["changed_ts"] = changed_ts(item["updated_at"])
    return doc


def query_of(filters: dict) -> dict:
    """The store query for checked ordinance filters (domain.check_ordinance_filter)."""
    return {_FILTER_FIELDS[name]: value for name, value in filters.items()}


def changed_ts(updated_at: str) -> float:
    return dt.datetime.fromisoformat(updated_at.replace("Z", "+00:00")).timestamp()


class Records(Entities):
    """Toolkits, ordinances and preemption records by name, as the domain's dicts, over
    the generic write path of Repository or its twin (clearinghouse.store.Entities: add,
    lookup, get, lookup_many, change)."""

    def entity(self, collection: str, doc: dict | None) -> dict | None:
        return entity(collection, doc)

    def stored(self, collection: str, item: dict) -> dict:
        return stored(collection, item)

    def missing(self, collection: str, key: str) -> str:
        return f"no {_NAMES[collection]} {key!r}"

    def page_ordinances(self, filters: dict, first: int, after, count=True) -> dict:
        """Ordinances by jurisdiction matching every filter (domain.check_ordinance_filter);
        plain equality, so a sponsor_id matches any one of the sponsor_ids."""
        return self.page_entities("ordinances", query_of(filters), first, after, "jurisdiction", count=count)

    def page_cases(self, filters: dict, first: int, after) -> dict:
        """Cases by slug matching every filter (cases.check_case_filter), plain equality."""
        query = {CASE_FILTER_FIELDS[name]: value for name, value in filters.items()}
        return self.page_entities("cases", query, first, after, "_id")

    def page_bills(self, filters: dict, first: int, after) -> dict:
        """Preemption bills by id (state, session, bill) matching every filter."""
        query = {BILL_FILTER_FIELDS[name]: value for name, value in filters.items()}
        return self.page_entities("bills", query, first, after, "_id")

    def page_ordinance_changes(self, filters: dict, first: int, after) -> dict:
        """Ordinances matching the filters, the latest changed first (the feed of changes).
        An ordinance changed while a reader pages moves to the top: it is read again there."""
        return self.page_entities("ordinances", query_of(filters), first, after, "changed_ts", float,
                                  newest_first=True)

    def page_ordinances_by_place(self, filters: dict, first: int, after) -> dict:
        """Ordinances matching the filters by jurisdiction, issue and title (the unique,
        indexed measure_key, never changed: a long read has no gaps or repeats and each page
        is one range on an index), without counting every page (for exports)."""
        return self.page_entities("ordinances", query_of(filters), first, after, "measure_key", count=False,
                                  unique=True)


class ToolkitsRepository(Records, Repository):
    outbox_collections = ("toolkits", "ordinances", "preemptions", "cases", "bills")
    # the paged ones: their counts are remembered until a write (clearinghouse.store.Repository.count)
    counted_collections = ("toolkits", "ordinances", "cases", "bills")

    def ensure_indexes(self):
        super().ensure_indexes()
        self.db.toolkits.create_index([("issue_area", ASCENDING)])
        # Plain single-field indexes only: nx-27017 refuses inserts once a compound index
        # names _id, and an index on an array field (sponsor_ids) makes its finds miss.
        self.db.ordinances.create_index([("jurisdiction", ASCENDING)])
        self.db.ordinances.create_index([("issue_area", ASCENDING)])
        self.db.ordinances.create_index([("measure_key", ASCENDING)], unique=True)
        self.db.ordinances.create_index([("changed_ts", ASCENDING)])
        self.db.toolkits.create_index([("changed_ts", ASCENDING)])
        for collection in ("ordinances", "toolkits"):
            # documents stored before the feeds existed get their feed order once
            for doc in self.db[collection].find({"changed_ts": {"$exists": False}}, {"updated_at": 1}):
                self.db[collection].update_one({"_id": doc["_id"]},
                                               {"$set": {"changed_ts": changed_ts(doc["updated_at"])}})
        self.db.preemptions.create_index([("state", ASCENDING), ("issue_area", ASCENDING)])
        self.db.bills.create_index([("state", ASCENDING)])  # cases are found by list fields: not indexed

    # -- toolkits -------------------------------------------------------------------------------
    def page_toolkits(self, status: str | None, issue_area: str | None, published_only: bool, first: int, after,
                      count=True):
        """Toolkits by slug in ``status`` (any but archived when None), on ``issue_area``
        if given, and with ``published_only`` just those with a published version."""
        query = {"status": status if status else {"$ne": "archived"}}
        if issue_area is not None:
            query["issue_area"] = issue_area
        if published_only:
            # $elemMatch rather than "published.0" or $ne []: nx-27017 answers those wrongly
            query["published"] = {"$elemMatch": {"version": {"$gte": 1}}}
        return self.page_entities("toolkits", query, first, after, "_id", count=count)

    def page_publications(self, issue_area: str | None, first: int, after) -> dict:
        """Published toolkits, the latest changed first (the feed of publications)."""
        query = {"status": "published"}
        if issue_area is not None:
            query["issue_area"] = issue_area
        return self.page_entities("toolkits", query, first, after, "changed_ts", float, newest_first=True)

    def published_toolkits(self, issue_area: str) -> list[dict]:
        """The published (not archived) toolkits on the issue: only slug, status and
        published versions, enough to choose the latest."""
        docs = self.db.toolkits.find({"issue_area": issue_area, "status": "published"},
                                     {"published": 1, "status": 1})
        return [entity("toolkits", d) for d in docs]

    # -- ordinances -----------------------------------------------------------------------------
    def same_measure(self, ordinance: dict) -> str | None:
        """The id of an ordinance already stored for this jurisdiction and measure."""
        found = self.db.ordinances.find_one({"measure_key": measure_key(ordinance)}, {"_id": 1})
        return found["_id"] if found else None

    def ordinances_on(self, issue_area: str) -> list[dict]:
        docs = self.db.ordinances.find({"issue_area": issue_area}).limit(ISSUE_AREA_LIMIT)
        return [entity("ordinances", d) for d in docs]

    def ordinances_in(self, jurisdiction: str, issue_area: str) -> list[dict]:
        """The ordinances of one jurisdiction on one issue (what a case or bill names)."""
        docs = self.db.ordinances.find({"jurisdiction": jurisdiction, "issue_area": issue_area}).limit(100)
        return [entity("ordinances", d) for d in docs]

    def ordinances_with(self, field: str, values: list[str]):
        """The ordinances whose ``field`` (sponsor_ids or toolkit_slug) holds one of
        ``values``, by jurisdiction then id, read lazily."""
        docs = self.db.ordinances.find({field: {"$in": values}}).sort([("jurisdiction", 1), ("_id", 1)])
        return (entity("ordinances", d) for d in docs)

    # -- preemption -----------------------------------------------------------------------------
    def preemptions(self, state: str | None = None, issue_area: str | None = None) -> list[dict]:
        """Preemption records by state and issue area, of one state or issue if given."""
        query = {k: value for k, value in (("state", state), ("issue_area", issue_area)) if value is not None}
        return [entity("preemptions", d)
                for d in self.db.preemptions.find(query).sort([("state", 1), ("issue_area", 1)])]
