"""nameko RPC to the services through clearinghouse.rpc.call, with the gateway's timeout,
so a service that is down or missing is an answer (Unavailable) instead of a request that
hangs. Every worker shares the container's reply queue."""
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy
from prometheus_client import Counter

from clearinghouse import logs, rpc
from clearinghouse.config import Settings

RPC_CALLS = Counter("clearinghouse_gateway_rpc_calls_total",
                    "RPC calls the gateway made, by service and method", ["service", "method"])


class Calls:
    """One worker's RPC client: ``call("members", "get_members", ids, caller=identity.caller)``."""

    def __init__(self, worker_ctx, reply_listener, timeout: float):
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener
        self.timeout = timeout

    @property
    def trace_id(self) -> str | None:
        """This request's trace id: the services' log lines of its calls carry it too."""
        return logs.worker_fields(self._worker_ctx).get("trace_id")

    def call(self, service: str, method: str, *args, **kwargs):
        RPC_CALLS.labels(service, method).inc()
        return rpc.call(ServiceProxy(self._worker_ctx, service, self._reply_listener, **rpc.CALL_OPTIONS), method,
                        *args, timeout=self.timeout, **kwargs)


class Services(DependencyProvider):
    """Gives each worker a ``Calls`` sharing the container's reply queue."""

    reply_listener = ReplyListener()

    def setup(self):
        self.timeout = Settings.from_nameko(self.container.config).gateway_rpc_timeout

    def get_dependency(self, worker_ctx):
        return Calls(worker_ctx, self.reply_listener, self.timeout)
