"""The search service: entrypoints only. It owns nothing but its index, which it builds
from the domain events (each carries its entity's public view) and can rebuild from the
owners over RPC. index.py says what is indexed and what may be asked,
usecases.py does each operation, repository.py speaks to the engine."""

from clearinghouse.events import CATALOG
from clearinghouse.metrics import Metrics
from clearinghouse.rpc import rpc
from clearinghouse.tracing import Tracing

from . import index, usecases
from .batches import batched_event_handler
from .rebuild import Rebuilds
from .repository import SearchEngine
from .retry import Retries


def _consumes(*event_types):
    """One durable queue per event type, all handled by the same method."""
    def decorate(fn):
        for event_type in event_types:
            fn = batched_event_handler(CATALOG[event_type].service, event_type)(fn)
        return fn
    return decorate


class SearchService:
    name = "search"

    engine = SearchEngine()
    rebuilds = Rebuilds()
    retries = Retries()
    metrics = Metrics()
    tracing = Tracing()  # the request's trace, for the events and log lines this worker writes

    # -- queries --------------------------------------------------------------------------
    @rpc
    def query(self, text, types=None, filter=None, first=20, after=None, caller=None, count=True, facets=True,
              highlights=True):
        """Search members, toolkits, ordinances and asks. ``text`` is free text (typos
        tolerated) with "quoted phrases"; ``types`` from member, toolkit, ordinance, ask;
        ``filter`` keys type, state, issue_area, status, jurisdiction (a value or a list).
        Returns total_count, edges [{cursor, node, highlights, score}], page_info and
        facets [{field, buckets [{value, count}]}] for type, state, issue_area, status
        (counted with the first page; a page asked with ``after`` has none). Asks are
        searched only for a MEMBER, PARTNER or STAFF ``caller`` (Unauthenticated otherwise).
        BadInput for unknown filters or values; Unavailable if the engine is away.
        ``count``, ``facets``, ``highlights`` false: total_count None, facets [] and
        highlights [] (the engine neither counts, aggregates nor highlights)."""
        return usecases.query(self.engine, text, types, filter, first, after, caller, count, facets, highlights)

    @rpc
    def suggest(self, prefix, types=None, limit=10, caller=None):
        """Names and titles starting with ``prefix`` (for autocomplete): [{type, id, text}];
        asks only for a MEMBER, PARTNER or STAFF ``caller``."""
        return usecases.suggest(self.engine, prefix, types, limit, caller)

    # -- rebuilds -------------------------------------------------------------------------
    @rpc
    def rebuild(self):
        """Reindex everything from the owners behind an alias swap and wait for it.
        Returns {indexed: {type: count}, skipped: {type: why}, kept: {type: count}}."""
        return usecases.rebuild(self.rebuilds)

    @rpc
    def start_rebuild(self):
        """Start a rebuild (or join the one under way) and return its status at once."""
        return self.rebuilds.begin().status()

    @rpc
    def rebuild_status(self):
        """The current or last rebuild: state (idle, running, done, failed), indexed and
        totals per type, skipped owners and what was kept for them."""
        return self.rebuilds.status()

    # -- events ----------------------------------------------------------------------------
    @_consumes(*index.EVENT_KINDS)
    def on_event(self, events):
        """Index a batch of events (batches.py) straight from the public views they carry,
        each at its entity's version (stale and duplicate events change nothing), in one
        bulk write; no owner is called. An engine outage puts the batch back on its queues
        after a wait that grows while the outage lasts (retry.py)."""
        return usecases.take_events(events, self.engine, self.retries)
