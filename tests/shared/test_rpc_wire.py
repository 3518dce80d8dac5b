"""What clearinghouse.rpc puts on the wire, on the real broker: calls go transient (an RPC
is worth nothing after its caller's deadline, and a persistent one was confirmed only once
the server had acknowledged it), replies go transient and unconfirmed, and a call to a
service that is not running is still told apart (publisher confirms stay on calls)."""
import uuid

import kombu
import pytest
from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy as NamekoClusterRpcProxy

from clearinghouse import rpc as clearinghouse_rpc
from tests.support import wait_until

EXCHANGE = kombu.Exchange("nameko-rpc", type="topic", durable=True)


class Echo:
    name = "echo"

    @clearinghouse_rpc.rpc
    def echo(self, value):
        return value


@pytest.fixture
def spy(amqp_uri):
    """A queue standing where the ``spy`` service's would: the calls sent to it, unanswered."""
    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue(f"spy-{uuid.uuid4().hex[:8]}", exchange=EXCHANGE, routing_key="spy.*",
                            auto_delete=True)(conn.default_channel)
        queue.declare()
        yield queue


def delivery_mode_of_a_call(proxy_cls, config, spy):
    with proxy_cls(config, timeout=5) as rpc:
        rpc.spy.ping.call_async()
        message = wait_until(lambda: spy.get(no_ack=True), timeout=5, message="the call on the spy queue")
        return message.properties["delivery_mode"]


def test_a_call_is_sent_transient_where_nameko_sends_it_persistent(config, spy):
    assert delivery_mode_of_a_call(clearinghouse_rpc.ClusterRpcProxy, config, spy) == 1
    assert delivery_mode_of_a_call(NamekoClusterRpcProxy, config, spy) == 2


def test_a_call_to_a_service_that_is_not_running_is_still_unknown(config):
    with clearinghouse_rpc.ClusterRpcProxy(config, timeout=5) as rpc:
        with pytest.raises(UnknownService):
            rpc.nobody_here.ping()


def test_a_reply_comes_back_transient_to_the_callers_reply_queue(start_service, config, amqp_uri):
    start_service(Echo)
    with clearinghouse_rpc.ClusterRpcProxy(config, timeout=10) as rpc:
        assert rpc.echo.echo({"a": [1, "two"]}) == {"a": [1, "two"]}
    replies = []
    with kombu.Connection(amqp_uri) as conn:
        key = uuid.uuid4().hex
        queue = kombu.Queue(f"reply-{key}", exchange=EXCHANGE, routing_key=key, exclusive=True)
        with conn.Consumer(queue, callbacks=[lambda body, message: replies.append((body, message))],
                           accept=["json"]):
            conn.Producer(serializer="json").publish(
                {"args": ["hello"], "kwargs": {}}, exchange=EXCHANGE, routing_key="echo.echo",
                reply_to=key, correlation_id="c1")
            while not replies:
                conn.drain_events(timeout=10)
    body, message = replies[0]
    assert body == {"result": "hello", "error": None}
    assert message.properties["correlation_id"] == "c1" and message.properties["delivery_mode"] == 1
