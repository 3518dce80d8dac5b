"""The index behind an alias, over the official elasticsearch client.

Queries read ``<prefix>search`` (the live alias). A rebuild fills a new index that the
``<prefix>search-building`` alias names, while events keep writing to both, and then
moves the live alias to it in one atomic alias update, so queries never stop answering.
Every write uses external versioning on the entity's version: a stale write is refused
by the engine (409) and counted, not applied.

Engine failures become typed errors here, in one place: a query the engine refuses is a
BadInput with its reason, an engine that does not answer is Unavailable.
"""
from __future__ import annotations

import logging
import time
import uuid

from elasticsearch import ApiError, BadRequestError, ConflictError, NotFoundError, TransportError, helpers
from nameko.extensions import DependencyProvider

from clearinghouse.config import Settings
from clearinghouse.errors import BadInput, Unavailable
from clearinghouse.siblings import Siblings

from . import index, transport

log = logging.getLogger(__name__)


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        return "; ".join(str(c.get("reason") or c.get("type")) for c in causes)
    return str(error or exc.message)


class engine_errors:
    """Turns client exceptions into our typed errors (``with engine_errors(): ...``)."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or not isinstance(exc, (ApiError, TransportError)):
            return False
        if isinstance(exc, BadRequestError):
            raise BadInput(f"the search engine refused this {self.what}: {_reason(exc)}") from exc
        if isinstance(exc, NotFoundError):
            raise Unavailable("the search index is not there yet (it is being built); try again shortly") from exc
        detail = _reason(exc) if isinstance(exc, ApiError) else type(exc).__name__
        raise Unavailable(f"the search engine could not answer this {self.what} ({detail}); try again shortly") from exc


class SearchIndex:
    def __init__(self, es, alias: str):
        self.es = es
        self.alias = alias
        self.building = f"{alias}-building"

    # -- set-up ---------------------------------------------------------------------------
    def new_index(self, alias: str) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.es.indices.create(index=name, mappings=index.MAPPING, settings=index.SETTINGS,
                               aliases={alias: {}})
        return name

    def ensure(self) -> bool:
        """Create the live index if there is none; True if it is empty (wants a rebuild).
        A rebuild left half done by a stopped process is dropped (the next one redoes it)."""
        self.drop_building()
        if not self.es.indices.exists_alias(name=self.alias):
            self.new_index(self.alias)
            return True
        return self.es.count(index=self.alias)["count"] == 0

    def indices(self, alias: str) -> list[str]:
        found = self.es.options(ignore_status=404).indices.get_alias(name=alias).body
        return sorted(name for name, value in found.items() if isinstance(value, dict) and "aliases" in value)

    # -- writes -----------------------------------------------------------------------------
    def write(self, doc: dict, version: int) -> bool:
        """Index ``doc`` at ``version`` in the live index (and a building one); False if a
        version at least as new is there already."""
        with engine_errors("write"):
            # The building index first: if the rebuild swaps between the two writes, the
            # document is already in the index that just went live (the other way round
            # it would land only in the old index, which the swap deletes).
            try:
                self._write(self.building, doc, version, refresh=False)
            except NotFoundError:
                pass  # no rebuild under way
            return self._write(self.alias, doc, version, refresh=True)

    def _write(self, alias, doc, version, refresh) -> bool:
        try:
            # require_alias: never let a write auto-create a stray index
            self.es.index(index=alias, id=doc["key"], document=doc, version=version, version_type="external",
                          refresh=refresh, require_alias=True)
            return True
        except ConflictError:
            return False

    def bulk(self, target: str, docs_and_versions) -> int:
        """Bulk-index into a concrete index; stale versions are skipped. Returns applied."""
        actions = ({"_op_type": "index", "_index": target, "_id": doc["key"], "_version": version,
                    "_version_type": "external", "_source": doc} for doc, version in docs_and_versions)
        applied = 0
        for ok, item in helpers.streaming_bulk(self.es, actions, chunk_size=500, raise_on_error=False,
                                               raise_on_exception=True):
            if ok:
                applied += 1
            elif item.get("index", {}).get("status") != 409:
                raise RuntimeError(f"bulk indexing failed: {item}")
        return applied

    def copy_type(self, kind: str, source: list[str], target: str) -> int:
        """Carry one type's documents over from the old index (its owner did not answer)."""
        if not source:
            return 0
        hits = helpers.scan(self.es, index=",".join(source), query={"query": {"term": {"type": kind}}},
                            _source=True, version=True)
        return self.bulk(target, ((h["_source"], h["_source"].get("version") or h.get("_version") or 1)
                                  for h in hits))

    def swap(self, new: str) -> list[str]:
        """Point the live alias at ``new`` atomically; drop the old indices."""
        old = [name for name in self.indices(self.alias) if name != new]
        self.es.indices.refresh(index=new)
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions += [{"add": {"index": new, "alias": self.alias}},
                    {"remove": {"index": new, "alias": self.building}}]
        self.es.indices.update_aliases(actions=actions)
        for name in old:
            self.es.indices.delete(index=name, ignore_unavailable=True)
        return old

    def abandon(self, new: str):
        self.es.indices.delete(index=new, ignore_unavailable=True)

    def drop_building(self):
        for name in self.indices(self.building):
            if name not in self.indices(self.alias):
                self.abandon(name)

    # -- reads --------------------------------------------------------------------------------
    def search(self, body: dict, what: str = "query") -> dict:
        with engine_errors(what):
            return self.es.search(index=self.alias, **body).body


class SearchEngine(DependencyProvider):
    """Gives each worker the search index; Rebuilds, which makes it on start if there is
    none, reaches it through Siblings."""

    siblings = Siblings()

    def setup(self):
        self.siblings.register(SearchEngine, self)
        self.settings = Settings.from_nameko(self.container.config)
        if not self.settings.elasticsearch_url:
            raise RuntimeError("ELASTICSEARCH_URL is not set; `make run` starts the embedded search server, "
                               "or point ELASTICSEARCH_URL at Elasticsearch 8")
        url = self.settings.elasticsearch_url
        self.es = transport.client(url, embedded=transport.is_embedded(url))
        self.index = SearchIndex(self.es, self.settings.database_name("search"))

    def stop(self):
        self.es.close()

    def kill(self):
        self.es.close()

    def get_dependency(self, worker_ctx):
        return self.index
