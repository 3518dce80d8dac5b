"""The toolkits repository over pymongo: toolkits (by slug), ordinances, preemptions
(by state/issue_area). Only plain finds, sorts, counts and single-document writes."""
from pymongo import ASCENDING

from clearinghouse.errors import Conflict, NotFound
from clearinghouse.store import Repository

# spread, compare and peers read a whole issue area at once; more than this is a data error
ISSUE_AREA_LIMIT = 2000
_NAMES = {"toolkits": "toolkit", "ordinances": "ordinance", "preemptions": "preemption record"}


class ToolkitsStore(Repository):
    outbox_collections = ("toolkits", "ordinances", "preemptions")

    def ensure_indexes(self):
        super().ensure_indexes()
        self.db.toolkits.create_index([("issue_area", ASCENDING)])
        # Plain single-field indexes only: nx-27017 refuses inserts once a compound index
        # names _id, and an index on an array field (sponsor_ids) makes its finds miss.
        self.db.ordinances.create_index([("jurisdiction", ASCENDING)])
        self.db.ordinances.create_index([("issue_area", ASCENDING)])
        self.db.ordinances.create_index([("measure_key", ASCENDING)], unique=True)
        self.db.preemptions.create_index([("state", ASCENDING), ("issue_area", ASCENDING)])

    def get(self, collection: str, key: str) -> dict:
        doc = self.db[collection].find_one({"_id": key})
        if doc is None:
            raise NotFound(f"no {_NAMES[collection]} {key!r}")
        return doc

    def find(self, collection: str, key: str):
        return self.db[collection].find_one({"_id": key})

    def page_toolkits(self, status: str | None, issue_area: str | None, published_only: bool, first: int, after):
        """Toolkits by slug in ``status`` (any but archived when None), on ``issue_area``
        if given, and with ``published_only`` just those with a published version."""
        query = {"status": status if status else {"$ne": "archived"}}
        if issue_area is not None:
            query["issue_area"] = issue_area
        if published_only:
            # $elemMatch rather than "published.0" or $ne []: nx-27017 answers those wrongly
            query["published"] = {"$elemMatch": {"version": {"$gte": 1}}}
        return self.page("toolkits", query, first, after, "_id")

    def ordinances_on(self, issue_area: str) -> list[dict]:
        return list(self.db.ordinances.find({"issue_area": issue_area}).limit(ISSUE_AREA_LIMIT))

    def ordinances_where(self, query: dict):
        """A cursor over the matching ordinances by jurisdiction (read lazily)."""
        return self.db.ordinances.find(query).sort([("jurisdiction", 1), ("_id", 1)])

    def ordinance_by_measure(self, key: str):
        return self.db.ordinances.find_one({"measure_key": key}, {"_id": 1})

    def insert_ordinance(self, doc: dict, events: list[dict]) -> dict:
        existing = self.ordinance_by_measure(doc["measure_key"])
        if existing is not None:
            raise Conflict(f"{doc['jurisdiction']} already has an ordinance titled {doc['title']!r} on "
                           f"{doc['issue_area']}: {existing['_id']}; record actions on it instead")
        return self.insert("ordinances", doc, events)

    def preemptions(self, query: dict) -> list[dict]:
        return list(self.db.preemptions.find(query).sort([("state", 1), ("issue_area", 1)]))

    def latest_published_toolkit(self, issue_area: str):
        """The most recently published toolkit on the issue that is not archived."""
        docs = self.db.toolkits.find({"issue_area": issue_area, "status": "published"},
                                     {"published": 1, "status": 1})
        return max(docs, key=lambda d: d["published"][-1]["published_at"], default=None)
