"""ToolkitsRepository's in-memory twin for fast use-case tests: the same methods over
tests.support.memory.InMemoryRepository. The mapping between the domain's dicts and
stored documents is the real one (repository.Records, over clearinghouse.store.Entities); only the queries are twinned."""
from clearinghouse.errors import Conflict
from services.toolkits.repository import (ISSUE_AREA_LIMIT, Records, ToolkitsRepository, entity, measure_key,
                                          query_of)
from tests.support.memory import InMemoryRepository, matches


class InMemoryToolkitsRepository(Records, InMemoryRepository):
    outbox_collections = ToolkitsRepository.outbox_collections

    def insert(self, collection, doc, events=()):
        # the store's unique index on measure_key
        if collection == "ordinances" and self.documents("ordinances", {"measure_key": doc["measure_key"]}):
            raise Conflict(f"ordinance {doc['_id']!r} already exists")
        return super().insert(collection, doc, events)

    def page_toolkits(self, status, issue_area, published_only, first, after, count=True):
        def listed(d):
            return ((d["status"] == status) if status else d["status"] != "archived") and \
                (issue_area is None or d["issue_area"] == issue_area) and \
                (not published_only or any(p["version"] >= 1 for p in d["published"]))
        return self.page_entities("toolkits", listed, first, after, "_id", count=count)

    def page_ordinance_changes(self, filters, first, after):
        return self.page_entities("ordinances", query_of(filters), first, after, "changed_ts", float,
                                  newest_first=True)

    def page_ordinances_by_place(self, filters, first, after):
        return self.page_entities("ordinances", query_of(filters), first, after, "measure_key", count=False,
                                  unique=True)

    def page_publications(self, issue_area, first, after):
        query = {"status": "published", **({"issue_area": issue_area} if issue_area else {})}
        return self.page_entities("toolkits", query, first, after, "changed_ts", float, newest_first=True)

    def published_toolkits(self, issue_area):
        return [entity("toolkits", d)
                for d in self.documents("toolkits", {"issue_area": issue_area, "status": "published"})]

    def same_measure(self, ordinance):
        found = self.documents("ordinances", {"measure_key": measure_key(ordinance)})
        return found[0]["_id"] if found else None

    def ordinances_on(self, issue_area):
        return [entity("ordinances", d) for d in self.documents("ordinances", {"issue_area": issue_area})][
            :ISSUE_AREA_LIMIT]

    def ordinances_in(self, jurisdiction, issue_area):
        return [entity("ordinances", d)
                for d in self.documents("ordinances", {"jurisdiction": jurisdiction, "issue_area": issue_area})][:100]

    def ordinances_with(self, field, values):
        docs = self.documents("ordinances", lambda d: any(matches(d, {field: x}) for x in values))
        return (entity("ordinances", d) for d in sorted(docs, key=lambda d: (d["jurisdiction"], d["_id"])))

    def preemptions(self, state=None, issue_area=None):
        query = {k: x for k, x in (("state", state), ("issue_area", issue_area)) if x is not None}
        return [entity("preemptions", d)
                for d in sorted(self.documents("preemptions", query), key=lambda d: (d["state"], d["issue_area"]))]
