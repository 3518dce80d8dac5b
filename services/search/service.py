"""The search service: entrypoints only. It owns nothing but its index, which it builds
from the domain events (fetching each entity's public view from its owner) and can
rebuild from the owners over RPC; index.py says what is indexed and how it is asked."""
import logging

import eventlet
from nameko.events import event_handler

from clearinghouse.errors import Unavailable
from clearinghouse.events import CATALOG
from clearinghouse.metrics import Metrics
from clearinghouse.rpc import ServiceRpc, rpc

from . import index
from .engine import SearchEngine
from .indexing import EVENTS, apply_event
from .owners import Owners
from .rebuild import Rebuilds, require_done

log = logging.getLogger(__name__)

RETRY_DELAY = 1.0  # before an event goes back to the queue because an owner or the engine is away


def _consumes(*event_types):
    """One durable queue per event type, all handled by the same method."""
    def decorate(fn):
        for event_type in event_types:
            fn = event_handler(CATALOG[event_type].service, event_type, requeue_on_error=True)(fn)
        return fn
    return decorate


class SearchService:
    name = "search"

    engine = SearchEngine()
    rebuilds = Rebuilds()
    metrics = Metrics()
    # the owners, read over RPC only, each call with a deadline
    members = ServiceRpc("members")
    toolkits = ServiceRpc("toolkits")
    notifications = ServiceRpc("notifications")

    # -- queries --------------------------------------------------------------------------
    @rpc
    def query(self, text, types=None, filter=None, first=20, after=None, caller=None):
        """Search members, toolkits, ordinances and asks. ``text`` is free text (typos
        tolerated) with "quoted phrases"; ``types`` from member, toolkit, ordinance, ask;
        ``filter`` keys type, state, issue_area, status, jurisdiction (a value or a list).
        Returns total_count, edges [{cursor, node, highlights, score}], page_info and
        facets [{field, buckets [{value, count}]}] for type, state, issue_area, status
        (counted with the first page; a page asked with ``after`` has none). Asks are
        searched only for a MEMBER, PARTNER or STAFF ``caller`` (Unauthenticated otherwise).
        BadInput for unknown filters or values; Unavailable if the engine is away."""
        q = index.check_query(text, types, filter, first, after, caller)
        size = q["first"] + 1 + index.OVERFETCH
        while (page := index.results(self.engine.search(index.search_body(q, size)), q, size)) is None:
            size = min(size * 4, index.MAX_WINDOW)
        return page

    @rpc
    def suggest(self, prefix, types=None, limit=10, caller=None):
        """Names and titles starting with ``prefix`` (for autocomplete): [{type, id, text}];
        asks only for a MEMBER, PARTNER or STAFF ``caller``."""
        s = index.check_suggest(prefix, types, limit, caller)
        return index.suggestions(self.engine.search(index.suggest_body(s), what="suggestion"))

    # -- rebuilds -------------------------------------------------------------------------
    @rpc
    def rebuild(self):
        """Reindex everything from the owners behind an alias swap and wait for it.
        Returns {indexed: {type: count}, skipped: {type: why}, kept: {type: count}}."""
        status = require_done(self.rebuilds.begin().done.wait())
        return {k: status[k] for k in ("indexed", "skipped", "kept", "seconds")}

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
    def on_event(self, event):
        """Index the entity an event names, at its version (stale and duplicate events
        change nothing). An owner or engine outage puts the event back on its queue."""
        about = event if isinstance(event, dict) else {}
        try:
            # the service's ServiceRpc attributes are the owners' proxies
            return apply_event(event, self.engine, Owners(self))
        except Unavailable as exc:
            log.warning("event %s not indexed yet (%s); it goes back on the queue", about.get("id"), exc)
            EVENTS.labels(str(about.get("type")), "retried").inc()
            eventlet.sleep(RETRY_DELAY)
            raise
        except Exception as exc:  # not transient: requeueing would only repeat it
            log.exception("event %s cannot be indexed (%s); dropped, a rebuild repairs it", about.get("id"), exc)
            EVENTS.labels(str(about.get("type")), "failed").inc()
            return "failed"
