"""nameko RPC to the services, with a timeout, so a service that is down or missing is an
answer (Unavailable) instead of a request that hangs."""
import eventlet
from kombu.exceptions import OperationalError
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy
from prometheus_client import Counter

from clearinghouse.config import Settings
from clearinghouse.errors import Unavailable

RPC_CALLS = Counter("clearinghouse_gateway_rpc_calls_total",
                    "RPC calls the gateway made, by service and method", ["service", "method"])


class Calls:
    """One worker's RPC client: ``call("members", "get_members", ids, caller=identity.caller)``."""

    def __init__(self, worker_ctx, reply_listener, timeout: float):
        self._worker_ctx = worker_ctx
        self._reply_listener = reply_listener
        self.timeout = timeout

    def call(self, service: str, method: str, *args, **kwargs):
        RPC_CALLS.labels(service, method).inc()
        proxy = ServiceProxy(self._worker_ctx, service, self._reply_listener)
        timer = eventlet.Timeout(self.timeout)  # publishing counts too: a blocked broker is no answer
        try:
            return getattr(proxy, method).call_async(*args, **kwargs).result()
        except UnknownService:
            raise Unavailable(f"the {service} service is not running, so this part of the answer "
                              f"is missing; try again shortly") from None
        except (OperationalError, OSError) as exc:
            raise Unavailable(f"the message bus is unreachable ({type(exc).__name__}); "
                              f"try again shortly") from None
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            raise Unavailable(f"the {service} service did not answer {method} within "
                              f"{self.timeout:g}s; try again shortly") from None
        finally:
            timer.cancel()


class Services(DependencyProvider):
    """Gives each worker a ``Calls`` sharing the container's reply queue."""

    reply_listener = ReplyListener()

    def setup(self):
        self.timeout = Settings.from_nameko(self.container.config).gateway_rpc_timeout

    def get_dependency(self, worker_ctx):
        return Calls(worker_ctx, self.reply_listener, self.timeout)
