"""The baselines: RPCs that do nothing, on the same broker. ``noop`` is nameko's own
entrypoint; ``noop_rpc`` is clearinghouse.rpc's (how every service answers); ``noop_deps``
is that with the dependency providers every service declares (tracing, metrics, the
store; the store is not used), so their per-call cost shows on its own."""
from nameko.rpc import rpc

from clearinghouse import rpc as clearinghouse_rpc
from clearinghouse.metrics import Metrics
from clearinghouse.store import Repository, Store
from clearinghouse.tracing import Tracing


class NoopService:
    name = "noop"

    @rpc
    def ping(self, *args, **kwargs):
        return None


class NoopRpcService:
    name = "noop_rpc"

    @clearinghouse_rpc.rpc
    def ping(self, *args, **kwargs):
        return None


class NoopDepsService:
    name = "noop_deps"

    store = Store(Repository)
    metrics = Metrics()
    tracing = Tracing()

    @clearinghouse_rpc.rpc
    def ping(self, *args, **kwargs):
        return None
