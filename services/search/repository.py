"""The search repository: the only code that speaks Elasticsearch (over the official
client). It keeps index.py's documents in an index behind an alias, and turns its
checked queries into the engine's query language and the engine's answers into pages.

Each document's ``_id`` is its key. Queries read ``<prefix>search`` (the live alias). A
rebuild fills a new index that the ``<prefix>search-building`` alias names, while events
keep writing to both, and then moves the live alias to it in one atomic alias update, so
queries never stop answering.
Every write uses external versioning on the entity's version: a stale write is refused
by the engine (409) and counted, not applied. Removing a document would let a late,
older event bring it back once the engine forgets the delete: index.py keeps a hidden
tombstone instead.

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
from clearinghouse.paging import encode
from clearinghouse.siblings import Siblings

from . import transport
from .index import CURSOR, FACETS, TYPES, parse_text

log = logging.getLogger(__name__)

_KEYWORD = {"type": "keyword"}
MAPPING = {
    # strict: a field nobody mapped (an email, a phone) is refused by the engine itself
    "dynamic": "strict",
    "properties": {
        "key": _KEYWORD, "type": _KEYWORD, "id": _KEYWORD, "visible": {"type": "boolean"},
        "version": {"type": "long"},
        "title": {"type": "text", "analyzer": "english"},
        # names and titles again, for autocomplete (a top-level field: Elasticsearch and
        # osmem-server both take search_as_you_type there)
        "suggest": {"type": "search_as_you_type"},
        "body": {"type": "text", "analyzer": "english"},
        "places": {"type": "text"},
        "state": _KEYWORD, "jurisdiction": _KEYWORD, "issue_area": _KEYWORD, "status": _KEYWORD,
        # what a hit returns: the owner's public view, kept but not indexed
        "node": {"type": "object", "enabled": False},
    },
}
SETTINGS = {"number_of_shards": 1}
FIELDS = ["title^4", "places^2", "body"]


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


class SearchRepository:
    """index.py's documents in the live index (and in a building one during a rebuild),
    and its checked queries asked of them."""

    def __init__(self, es, alias: str):
        self.es = es
        self.alias = alias
        self.building = f"{alias}-building"

    # -- set-up ---------------------------------------------------------------------------
    def new_index(self, alias: str) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.es.indices.create(index=name, mappings=MAPPING, settings=SETTINGS,
                               aliases={alias: {}})
        return name

    def ensure(self, drop_building: bool = True) -> bool:
        """Create the live index if there is none; True if it is empty (wants a rebuild).
        A rebuild left half done by a stopped process is dropped (the next one redoes it);
        not one another replica is running (``drop_building`` False)."""
        if drop_building:
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

    def write_many(self, docs_and_versions: list) -> dict:
        """Index many documents at their versions with one bulk request and one refresh:
        to a building index first (during a rebuild), then to the live one. Returns each
        key's outcome in the live index: True written, False a version at least as new
        is there, None refused by the engine (a document it cannot map)."""
        if not docs_and_versions:
            return {}
        operations = []
        # The building index first, as write() does and for the same reason. Its items go
        # in the same request (no round trip to ask whether a rebuild is under way): with
        # no rebuild, require_alias makes each of them a 404 that we pass over. The engine
        # resolves both aliases once for the request, so a swap cannot split a document
        # from the index that goes live.
        for target in (self.building, self.alias):
            for doc, version in docs_and_versions:
                operations += [{"index": {"_index": target, "_id": doc["key"], "version": version,
                                          "version_type": "external"}}, doc]
        with engine_errors("write"):
            response = self.es.bulk(operations=operations, refresh=True, require_alias=True)
        items = response["items"]
        building, live = items[:len(docs_and_versions)], items[len(docs_and_versions):]
        for (doc, _), item in zip(docs_and_versions, building):
            status = item["index"].get("status", 500)
            if status >= 500:
                raise Unavailable(f"the search engine could not write {doc['key']} ({status}); try again shortly")
        outcomes = {}
        for (doc, _), item in zip(docs_and_versions, live):
            status = item["index"].get("status", 500)
            if status >= 500 or status == 404:  # the engine (or the index) is not there
                raise Unavailable(f"the search engine could not write {doc['key']} ({status}); try again shortly")
            outcomes[doc["key"]] = True if status < 300 else (False if status == 409 else None)
            if outcomes[doc["key"]] is None:
                log.warning("the engine refused %s: %.300r", doc["key"], item["index"].get("error"))
        return outcomes

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

    def query(self, q: dict) -> dict:
        """The page for a checked query (index.check_query)."""
        size = fetch_size(q)
        while (page := results(self.search(search_body(q, size)), q, size)) is None:
            size = min(size * 4, MAX_WINDOW)
        return page

    def suggest(self, s: dict) -> list[dict]:
        """Suggestions for a checked prefix (index.check_suggest)."""
        return suggestions(self.search(suggest_body(s), what="suggestion"))


# -- asking the engine -------------------------------------------------------------------

HIGHLIGHT = {"pre_tags": ["<em>"], "post_tags": ["</em>"]}


def _cursor(sort: list) -> str:
    # the engine may give a whole score as an int; a cursor always holds it as a number
    return encode([float(sort[0]), sort[1]] if len(sort) == 2 else sort, CURSOR)


def _filters(q: dict) -> list[dict]:
    clauses = [{"term": {"visible": True}}]
    types = q["types"]
    if "type" in q["filter"]:
        types = [t for t in (types or TYPES) if t in q["filter"]["type"]] or ["none"]
    if types:
        clauses.append({"terms": {"type": types}})
    for name, values in q["filter"].items():
        if name != "type":
            clauses.append({"terms": {name: values}})
    return clauses


def _matching(text: str) -> dict:
    phrases, words = parse_text(text)
    must = [{"multi_match": {"query": p, "type": "phrase", "fields": FIELDS}} for p in phrases]
    should = []
    if words:
        must.append({"multi_match": {"query": words, "fields": FIELDS, "fuzziness": "AUTO",
                                     "prefix_length": 1, "minimum_should_match": "2<75%"}})
        # the words as typed, and in order, rank above fuzzy and scattered matches
        should.append({"multi_match": {"query": words, "fields": FIELDS, "boost": 2}})
        should.append({"multi_match": {"query": words, "type": "phrase", "fields": FIELDS, "slop": 2,
                                       "boost": 2}})
    if not must:
        return {"match_all": {}}
    return {"bool": {"must": must, "should": should}}


# Scores come back rounded (osmem-server keeps more precision than it reports), so a
# cursor's score is not compared for equality by the engine: we ask from just above it
# and drop, here, what sorts at or before the cursor. A query with no text sorts by key.
_ABOVE = 1e-5
OVERFETCH = 20
MAX_WINDOW = 10_000


def fetch_size(q: dict) -> int:
    """Hits to ask for first: one past the page (is there a next one?), and past a cursor
    OVERFETCH more, for the hits at or before it that rounded scores let through. A first
    page has no cursor to drop hits at, so it asks for no more than it shows (the engine
    fetches and highlights every hit it returns)."""
    return q["first"] + 1 + (OVERFETCH if q["after"] is not None else 0)


def search_body(q: dict, size: int) -> dict:
    scored = bool(q["text"])
    body = {
        "query": {"bool": {"must": [_matching(q["text"])], "filter": _filters(q)}},
        "size": size, "track_total_hits": q.get("count", True),
        # the key breaks ties so that pages never overlap nor skip
        "sort": ([{"_score": {"order": "desc"}}] if scored else []) + [{"key": {"order": "asc"}}],
        "_source": ["node"], "track_scores": True,
    }
    if q.get("highlights", True):
        body["highlight"] = {**HIGHLIGHT, "fields": {"title": {"number_of_fragments": 0},
                                                     "body": {"fragment_size": 160, "number_of_fragments": 3}}}
    after = q["after"]
    if after is None:
        if q.get("facets", True):  # facets are counted once, with the first page
            body["aggs"] = {name: {"terms": {"field": name, "size": 100}} for name in FACETS}
    elif len(after) == 2 and scored:
        body["search_after"] = [after[0] + abs(after[0]) * _ABOVE + 1e-12, after[1]]
    else:
        body["search_after"] = [after[-1]]
    return body


def _after_cursor(sort: list, after: list | None) -> bool:
    if after is None or len(sort) != len(after):
        return True
    if len(sort) == 1:
        return sort[0] > after[0]
    return sort[0] < after[0] or (sort[0] == after[0] and sort[1] > after[1])


def results(response: dict, q: dict, size: int) -> dict | None:
    """Shape an engine response into the query RPC's page; None if it holds too few hits
    past the cursor and a larger fetch would find more."""
    first = q["first"]
    fetched = response["hits"]["hits"]
    hits = [h for h in fetched if _after_cursor(h["sort"], q["after"])]
    if len(hits) <= first and len(fetched) == size and size < MAX_WINDOW:
        return None
    has_next = len(hits) > first
    edges = []
    for hit in hits[:first]:
        highlights = [s for field in ("title", "body") for s in (hit.get("highlight") or {}).get(field, [])]
        edges.append({"cursor": _cursor(hit["sort"]), "node": hit["_source"]["node"],
                      "highlights": highlights, "score": hit.get("_score")})
    aggregations = response.get("aggregations")
    facets = [{"field": name, "buckets": [{"value": b["key"], "count": b["doc_count"]}
                                          for b in aggregations[name]["buckets"]]}
              for name in FACETS] if aggregations else []
    return {"total_count": response["hits"]["total"]["value"] if q.get("count", True) else None, "edges": edges,
            "page_info": {"has_next_page": has_next, "end_cursor": edges[-1]["cursor"] if edges else None},
            "facets": facets}


def suggest_body(s: dict) -> dict:
    fields = ["suggest", "suggest._2gram", "suggest._3gram"]
    filters = [{"term": {"visible": True}}] + ([{"terms": {"type": s["types"]}}] if s["types"] else [])
    return {"query": {"bool": {"must": [{"multi_match": {"query": s["prefix"], "type": "bool_prefix",
                                                         "fields": fields}}],
                               "filter": filters}},
            "size": s["limit"], "_source": ["type", "id", "title"],
            "sort": [{"_score": {"order": "desc"}}, {"key": {"order": "asc"}}]}


def suggestions(response: dict) -> list[dict]:
    return [{"type": h["_source"]["type"], "id": h["_source"]["id"], "text": h["_source"]["title"]}
            for h in response["hits"]["hits"]]


# -- the nameko dependency ----------------------------------------------------------------

class SearchEngine(DependencyProvider):
    """Gives each worker the search repository; Rebuilds, which makes the index on start
    if there is none, reaches it through Siblings."""

    siblings = Siblings()

    def setup(self):
        self.siblings.register(SearchEngine, self)
        self.settings = Settings.from_nameko(self.container.config)
        if not self.settings.elasticsearch_url:
            raise RuntimeError("ELASTICSEARCH_URL is not set; `make run` starts the embedded search server, "
                               "or point ELASTICSEARCH_URL at Elasticsearch 8")
        url = self.settings.elasticsearch_url
        self.es = transport.client(url, embedded=transport.is_embedded(url), timeout=self.settings.search_timeout)
        self.repository = SearchRepository(self.es, self.settings.database_name("search"))

    def stop(self):
        self.es.close()

    def kill(self):
        self.es.close()

    def get_dependency(self, worker_ctx):
        return self.repository
