"""RPC both ways, with outages handled in one place: the entrypoint every service uses
(nameko's, with store outages and our typed errors), and the one call every caller makes
(a deadline, and a service or bus that is away answered as Unavailable)."""
import sys

import eventlet
from kombu.exceptions import OperationalError
from nameko import rpc as nameko_rpc
from nameko.amqp.publish import Publisher
from nameko.constants import (AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER,
                              DEFAULT_TRANSPORT_OPTIONS, LOGIN_METHOD_CONFIG_KEY, NON_PERSISTENT,
                              SERIALIZER_CONFIG_KEY)
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone import rpc as standalone_rpc
from pymongo.errors import ConnectionFailure

from .config import Settings
from .errors import ClearinghouseError, Unavailable


# An RPC request is worth nothing once its caller's deadline has passed, so it is not
# written to disk. nameko sends it persistent to the service's durable queue, and the
# broker confirms a persistent message only once it is on disk or acknowledged: the
# caller's publish then waited for the server's whole turn (bench/bench_members.py).
# Confirms stay on: they are how a call to a service that is not running is told apart.
CALL_OPTIONS = {"delivery_mode": NON_PERSISTENT}


class ReplyPublisher(Publisher):
    """Replies: to the caller's own non-durable reply queue, so nothing to persist, and
    unconfirmed: a confirm held up the request's ack and told the server nothing it acts
    on (a reply lost with the broker is the caller's deadline, as it is with a confirm)."""
    use_confirms = False
    delivery_mode = NON_PERSISTENT
    # its own: publish() writes confirm_publish into it, and kombu keys its pools on it
    transport_options = DEFAULT_TRANSPORT_OPTIONS.copy()


class Responder(nameko_rpc.Responder):
    publisher_cls = ReplyPublisher


class RpcConsumer(nameko_rpc.RpcConsumer):
    """nameko's RpcConsumer, replying through ReplyPublisher."""

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = Responder(config[AMQP_URI_CONFIG_KEY], nameko_rpc.get_rpc_exchange(config),
                              config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
                              ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)  # in the request's serializer
        self.queue_consumer.ack_message(message)
        return result, exc_info


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()

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
        super().__init__(target_service, **{**CALL_OPTIONS, **options})
        self.timeout = timeout

    def setup(self):
        super().setup()
        if self.timeout is None:
            self.timeout = Settings.from_nameko(self.container.config).rpc_timeout

    def get_dependency(self, worker_ctx):
        return Deadlined(super().get_dependency(worker_ctx), self.timeout)


class ClusterProxy(standalone_rpc.ClusterProxy):
    def __getattr__(self, name):
        if name not in self._proxies:
            self._proxies[name] = nameko_rpc.ServiceProxy(self._worker_ctx, name, self._reply_listener,
                                                          **CALL_OPTIONS)
        return self._proxies[name]


class ClusterRpcProxy(standalone_rpc.ClusterRpcProxy):
    """nameko's standalone ClusterRpcProxy (for processes that are not services: the CLI,
    the benches), sending its calls as the services' own clients do (CALL_OPTIONS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._proxy = ClusterProxy(self._worker_ctx, self._reply_listener)
