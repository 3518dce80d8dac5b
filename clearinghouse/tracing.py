"""One trace per GraphQL request, W3C Trace Context (`traceparent`), carried:

- through RPC: nameko passes a worker's ``context_data`` on to every call it makes, so the
  gateway puts the request's traceparent there and every service's worker of that request
  has it;
- into the events a worker writes: ``clearinghouse.events.cloudevent`` adds the CloudEvents
  distributed-tracing attribute ``traceparent``;
- into webhooks: notifications sends the event's traceparent as the HTTP header;
- into logs: ``trace_id`` (clearinghouse.logs) is the trace id of the traceparent.

``Tracing`` is the dependency each service declares; it makes the current worker's trace
known to plain code (the domain builds events without a worker at hand) for the worker's
green thread only."""
from __future__ import annotations

import re
import secrets

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider

KEY = "traceparent"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")

_current = local()


def new_traceparent() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def valid(traceparent) -> bool:
    return isinstance(traceparent, str) and bool(TRACEPARENT.fullmatch(traceparent)) \
        and traceparent[3:35] != "0" * 32 and traceparent[36:52] != "0" * 16


def trace_id(traceparent) -> str | None:
    return traceparent[3:35] if valid(traceparent) else None


def current() -> str | None:
    """The traceparent of the worker running in this green thread, if it has one."""
    return getattr(_current, "traceparent", None)


def of_worker(worker_ctx) -> str | None:
    found = (getattr(worker_ctx, "data", None) or {}).get(KEY)
    return found if valid(found) else None


def begin(worker_ctx, traceparent: str | None = None) -> str:
    """Start (or continue, with a client's valid ``traceparent``) the trace of an incoming
    request: nameko carries it on from here to every call and event of the request."""
    traceparent = traceparent if valid(traceparent) else new_traceparent()
    worker_ctx.data[KEY] = traceparent  # context_data is built from it for every call
    _current.traceparent = traceparent
    return traceparent


class Trace:
    """A worker's view of its trace: ``traceparent``, and ``begin()`` for an entrypoint
    that takes requests from outside (the gateway)."""

    def __init__(self, worker_ctx):
        self.worker_ctx = worker_ctx

    @property
    def traceparent(self) -> str | None:
        return of_worker(self.worker_ctx)

    def begin(self, client_traceparent: str | None = None) -> str:
        return begin(self.worker_ctx, client_traceparent)


class Tracing(DependencyProvider):
    """Makes the worker's trace current for its green thread while it runs."""

    def worker_setup(self, worker_ctx):
        _current.traceparent = of_worker(worker_ctx)

    def worker_teardown(self, worker_ctx):
        _current.traceparent = None

    def get_dependency(self, worker_ctx):
        return Trace(worker_ctx)
