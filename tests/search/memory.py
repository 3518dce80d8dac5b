"""An in-memory twin of what search's use cases talk to: the repository (documents by key,
each kept at its version as the engine's external versioning keeps it). It can be made to
be away, as an outage is."""
from __future__ import annotations

import copy

from clearinghouse.errors import Unavailable

EMPTY_PAGE = {"total_count": 0, "edges": [], "page_info": {"has_next_page": False, "end_cursor": None},
              "facets": []}


class InMemorySearchRepository:
    """SearchRepository's write and ask path: write(doc, version), query(q), suggest(s).
    Queries are recorded and answered with nothing: what matches is the engine's to say
    (tests/search/test_query.py asks the real one)."""

    def __init__(self):
        self.documents: dict[str, dict] = {}
        self.asked: list[dict] = []
        self.away = False  # as an engine that does not answer, or an index that is not there

    def _answer(self):
        if self.away:
            raise Unavailable("the search index is not there yet (it is being built); try again shortly")

    def write(self, doc: dict, version: int) -> bool:
        """False, and nothing written, if a version at least as new is there already."""
        self._answer()
        held = self.documents.get(doc["key"])
        if held is not None and held["version"] >= version:
            return False
        self.documents[doc["key"]] = copy.deepcopy(doc)
        return True

    def write_many(self, docs_and_versions: list) -> dict:
        """As one bulk request: each document at its version, in order; one call counted."""
        self._answer()
        self.bulks = getattr(self, "bulks", 0) + 1
        return {doc["key"]: self.write(doc, version) for doc, version in docs_and_versions}

    def query(self, q: dict) -> dict:
        self._answer()
        self.asked.append(q)
        return copy.deepcopy(EMPTY_PAGE)

    def suggest(self, s: dict) -> list[dict]:
        self._answer()
        self.asked.append(s)
        return []
