"""A full reindex from the owners over RPC, page by page, into a new index that replaces
the live one in one alias swap when it is complete.

Queries keep reading the old index meanwhile, and events keep writing to both (see
repository.SearchRepository.write), so nothing that happens during a rebuild is lost. An owner
that does not answer is skipped and said so; its documents are carried over from the old
index so that a rebuild never makes a whole type disappear. On start, a search service
that finds its index missing or empty rebuilds it (osmem-server keeps nothing on disk).

One rebuild at a time across replicas: the replica that takes the rebuild lease (a
document in the search engine, lease.py) runs it and renews the lease while it does,
writing its progress there; the others report that progress and, asked to wait, wait for
the lease to be released (or, if its holder died, to run out, and then take it over).
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
from .lease import Lease
from .owners import PAGE, Owners

log = logging.getLogger(__name__)

OWNER_TIMEOUT = 30.0
LEASE = 60.0  # the rebuild lease, renewed every LEASE / 4 while a rebuild runs
POLL = 0.2  # how often a replica waiting for another's rebuild reads its lease


class LostLease(Exception):
    """The lease ran out while we were rebuilding and another replica took it over."""


class Rebuild:
    """One rebuild and its progress (what ``rebuild_status`` reports)."""

    def __init__(self, repo, rpc_factory, page_size: int = PAGE, lease: Lease | None = None):
        self.repo = repo
        self.lease = lease
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
            if self.lease is not None:
                try:
                    self.lease.release(note=self.status())
                except Exception:  # it runs out on its own
                    log.warning("could not release the rebuild lease", exc_info=True)
            self.done.send(self.status())

    def keep_lease(self):
        """Renew the lease every LEASE / 4 until the rebuild ends (a managed thread)."""
        while self.state == "running":
            eventlet.sleep(LEASE / 4)
            if self.state == "running" and not self.lease.renew(note=self.status()):
                self.lost = True
                return

    lost = False

    def _load(self, kind, owners, new):
        try:
            for entities, total in owners.pages(kind, self.page_size):
                if self.lost:
                    raise LostLease("the rebuild lease ran out and another replica took the rebuild over")
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


class Elsewhere:
    """A rebuild another replica holds the lease for, as this replica sees it."""

    def __init__(self, rebuilds):
        self.rebuilds = rebuilds
        self.done = Event()

    def status(self) -> dict:
        doc = self.rebuilds.lease.read()
        note = (doc or {}).get("note") or {}
        return {**note, "state": "running", "elsewhere": True}

    def watch(self):
        lease = self.rebuilds.lease
        while not lease.free(doc := lease.read()):
            eventlet.sleep(POLL)
        note = (doc or {}).get("note") or {}
        self.rebuilds.watching = None
        if note.get("state") in ("done", "failed") and doc.get("until") == 0.0:
            self.done.send(note)  # released at its end
        else:  # its holder died mid-way: take it over (or watch whoever did)
            self.done.send(self.rebuilds.begin().done.wait())


class Rebuilds(DependencyProvider):
    """Runs rebuilds one at a time across replicas, in managed threads; starts one when
    the index is empty."""

    siblings = Siblings()

    def setup(self):
        self.current: Rebuild | None = None
        self.last: Rebuild | None = None
        self.watching: Elsewhere | None = None

    def start(self):
        self.engine = self.siblings.find(SearchEngine)
        repo = self.engine.repository
        self.lease = Lease(repo.es, f"{repo.alias}-leases", "rebuild", LEASE)
        self.container.spawn_managed_thread(self._on_start)

    def _on_start(self):
        backoff = Backoff(first=0.5)
        while True:  # the engine may come up after us
            try:
                # a building index is another replica's rebuild under way while its lease runs
                empty = self.engine.repository.ensure(drop_building=self.lease.free(self.lease.read()))
                break
            except Exception as exc:
                log.warning("search index not reachable yet (%s); retrying", exc)
                backoff.sleep(backoff.failed())
        if empty:
            log.info("search index %s is empty; rebuilding it from the owners", self.engine.repository.alias)
            self.begin()

    def _rpc(self):
        return ClusterRpcProxy(self.container.config, timeout=OWNER_TIMEOUT)

    def begin(self):
        """Start a rebuild, or return the one under way here or in another replica."""
        if self.current is not None:
            return self.current
        if self.watching is not None:
            return self.watching
        if self.lease.take(note={"state": "running"}):
            rebuild = self.current = Rebuild(self.engine.repository, self._rpc, lease=self.lease)
            self.container.spawn_managed_thread(lambda: self._run(rebuild))
            self.container.spawn_managed_thread(rebuild.keep_lease)
            return rebuild
        self.watching = Elsewhere(self)
        self.container.spawn_managed_thread(self.watching.watch)
        return self.watching

    def _run(self, rebuild):
        try:
            rebuild.run()
        finally:
            self.last, self.current = rebuild, None

    def status(self) -> dict:
        if self.current is not None:
            return self.current.status()
        if self.watching is not None:
            return self.watching.status()
        doc = self.lease.read()
        if doc is not None and not self.lease.free(doc):  # another replica's, not yet watched here
            return {**(doc.get("note") or {}), "state": "running", "elsewhere": True}
        if doc is not None and doc.get("note") and doc["note"].get("state") in ("done", "failed"):
            return doc["note"]  # the last rebuild, whichever replica ran it
        return self.last.status() if self.last is not None else {"state": "idle"}

    def get_dependency(self, worker_ctx):
        return self
