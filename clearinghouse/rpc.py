"""RPC both ways, with outages handled in one place: the entrypoint every service uses
(nameko's, with store outages and our typed errors), and the one call every caller makes
(a deadline, and a service or bus that is away answered as Unavailable)."""
import sys

import eventlet
from kombu.exceptions import OperationalError
from nameko import rpc as nameko_rpc
from nameko.exceptions import RpcTimeout, UnknownService
from pymongo.errors import ConnectionFailure

from .config import Settings
from .errors import ClearinghouseError, Unavailable


class Rpc(nameko_rpc.Rpc):
    def __init__(self, **kwargs):
        # Our typed errors are answers, not crashes, and a store away is an outage, not a
        # bug: nameko logs both as expected (one line each, see clearinghouse.logs).
        kwargs.setdefault("expected_exceptions", (ClearinghouseError, ConnectionFailure))
        super().__init__(**kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None and isinstance(exc_info[1], ConnectionFailure):
            try:
                raise Unavailable(
                    f"the {self.container.service_name} store is unavailable "
                    f"({type(exc_info[1]).__name__}); try again shortly"
                ) from exc_info[1]
            except Unavailable:
                exc_info = sys.exc_info()
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


def call(proxy, method: str, *args, timeout: float, **kwargs):
    """``proxy.method(*args, **kwargs)`` within ``timeout`` seconds. ``proxy`` is a nameko
    service proxy (an ``RpcProxy`` dependency, ``ServiceProxy`` or a ``ClusterRpcProxy``'s
    attribute). Raises Unavailable if the service is not running, does not answer in time,
    or the bus is unreachable; the service's own errors pass on as they are."""
    service = proxy.service_name
    # nameko waits for ever on a queue that exists but that nobody consumes (the service is
    # down), and publishing counts too: a blocked broker is no answer
    timer = eventlet.Timeout(timeout)
    try:
        return getattr(proxy, method)(*args, **kwargs)
    except UnknownService:
        raise Unavailable(f"the {service} service is not running, so this part of the answer "
                          f"is missing; try again shortly") from None
    except (OperationalError, OSError) as exc:
        raise Unavailable(f"the message bus is unreachable ({type(exc).__name__}); "
                          f"try again shortly") from None
    except (eventlet.Timeout, RpcTimeout) as exc:
        if isinstance(exc, eventlet.Timeout) and exc is not timer:
            raise  # someone else's deadline
        raise Unavailable(f"the {service} service did not answer {method} within "
                          f"{timeout:g}s; try again shortly") from None
    finally:
        timer.cancel()


class Deadlined:
    """A service proxy whose every method goes through ``call`` with one deadline:
    ``Deadlined(proxy, 10).get_member(...)``. Wraps any nameko service proxy."""

    def __init__(self, proxy, timeout: float):
        self._proxy = proxy
        self.timeout = timeout
        self.service_name = proxy.service_name

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)
        return lambda *args, **kwargs: call(self._proxy, method, *args, timeout=self.timeout, **kwargs)


class ServiceRpc(nameko_rpc.RpcProxy):
    """The one RPC client dependency: nameko's RpcProxy, each call with a deadline and a
    service or bus that is away answered as Unavailable. ``timeout`` defaults to the
    RPC_TIMEOUT setting."""

    def __init__(self, target_service: str, timeout: float | None = None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def setup(self):
        super().setup()
        if self.timeout is None:
            self.timeout = Settings.from_nameko(self.container.config).rpc_timeout

    def get_dependency(self, worker_ctx):
        return Deadlined(super().get_dependency(worker_ctx), self.timeout)
