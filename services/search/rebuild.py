"""A full reindex from the owners over RPC, page by page, into a new index that replaces
the live one in one alias swap when it is complete.

Queries keep reading the old index meanwhile, and events keep writing to both (see
repository.SearchRepository.write), so nothing that happens during a rebuild is lost. An owner
that does not answer is skipped and said so; its documents are carried over from the old
index so that a rebuild never makes a whole type disappear. On start, a search service
that finds its index missing or empty rebuilds it (osmem-server keeps nothing on disk).
"""
from __future__ import annotations

import logging
import time

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from clearinghouse.backoff import Backoff
from clearinghouse.errors import Unavailable
from clearinghouse.siblings import Siblings

from . import index
from .repository import SearchEngine
from .owners import PAGE, Owners

log = logging.getLogger(__name__)

OWNER_TIMEOUT = 30.0


class Rebuild:
    """One rebuild and its progress (what ``rebuild_status`` reports)."""

    def __init__(self, repo, rpc_factory, page_size: int = PAGE):
        self.repo = repo
        self.rpc_factory = rpc_factory
        self.page_size = page_size
        self.state = "running"
        self.started_at = time.time()
        self.finished_at = None
        self.totals = {kind: None for kind in index.TYPES}
        self.indexed = {kind: 0 for kind in index.TYPES}
        self.skipped = {}
        self.kept = {}
        self.error = None
        self.done = Event()

    def status(self) -> dict:
        return {"state": self.state, "indexed": dict(self.indexed), "totals": dict(self.totals),
                "skipped": dict(self.skipped), "kept": dict(self.kept), "error": self.error,
                "seconds": round((self.finished_at or time.time()) - self.started_at, 3)}

    def run(self):
        try:
            self.repo.drop_building()
            new = self.repo.new_index(self.repo.building)
            try:
                with self.rpc_factory() as rpc:
                    owners = Owners.standalone(rpc, OWNER_TIMEOUT)
                    for kind in index.TYPES:
                        self._load(kind, owners, new)
                self.repo.swap(new)
            except BaseException:
                self.repo.abandon(new)
                raise
            self.state = "done"
        except Exception as exc:
            log.exception("search rebuild failed")
            self.state, self.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            self.finished_at = time.time()
            self.done.send(self.status())

    def _load(self, kind, owners, new):
        try:
            for entities, total in owners.pages(kind, self.page_size):
                self.totals[kind] = total
                batch = []
                for entity in entities:
                    version = index.version_of(kind, entity)
                    batch.append((index.document(kind, entity, index.entity_id(kind, entity), version), version))
                self.repo.bulk(new, batch)
                self.indexed[kind] += len(entities)
                eventlet.sleep(0)  # let queries and events in between pages
        except Unavailable as exc:
            self.skipped[kind] = str(exc)
            self.kept[kind] = self.repo.copy_type(kind, [i for i in self.repo.indices(self.repo.alias)
                                                          if i != new], new)
            log.warning("search rebuild skipped %s (%s); kept %d from the old index", kind, exc, self.kept[kind])


class Rebuilds(DependencyProvider):
    """Runs rebuilds one at a time in managed threads; starts one when the index is empty."""

    siblings = Siblings()

    def setup(self):
        self.current: Rebuild | None = None
        self.last: Rebuild | None = None

    def start(self):
        self.engine = self.siblings.find(SearchEngine)
        self.container.spawn_managed_thread(self._on_start)

    def _on_start(self):
        backoff = Backoff(first=0.5)
        while True:  # the engine may come up after us
            try:
                empty = self.engine.repository.ensure()
                break
            except Exception as exc:
                log.warning("search index not reachable yet (%s); retrying", exc)
                backoff.sleep(backoff.failed())
        if empty:
            log.info("search index %s is empty; rebuilding it from the owners", self.engine.repository.alias)
            self.begin()

    def _rpc(self):
        return ClusterRpcProxy(self.container.config, timeout=OWNER_TIMEOUT)

    def begin(self) -> Rebuild:
        """Start a rebuild, or return the one under way."""
        if self.current is None:
            rebuild = self.current = Rebuild(self.engine.repository, self._rpc)
            self.container.spawn_managed_thread(lambda: self._run(rebuild))
        return self.current

    def _run(self, rebuild):
        try:
            rebuild.run()
        finally:
            self.last, self.current = rebuild, None

    def status(self) -> dict:
        rebuild = self.current or self.last
        if rebuild is None:
            return {"state": "idle"}
        return rebuild.status()

    def get_dependency(self, worker_ctx):
        return self
