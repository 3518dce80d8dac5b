"""Kill -9 the notifications service in the middle of a burst of webhook deliveries:
after a restart every matched event reaches every subscription (at least once), and no
delivery is left queued or parked."""
import signal

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy

from tests.chaos.process import answers, spawn_service
from tests.support import STAFF, wait_until
from tests.support.notifications import Receiver, ordinance_event

LOCAL_RECEIVER = {"WEBHOOK_ALLOW_HTTP": "1", "WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8"}

pytestmark = pytest.mark.chaos

SUBSCRIPTIONS = 5
EVENTS = 200


def test_killing_the_service_mid_burst_loses_no_delivery(settings, config, database):
    receiver = Receiver()
    proc = spawn_service("notifications", settings, **LOCAL_RECEIVER)
    deliveries = database("notifications").deliveries
    try:
        with ClusterRpcProxy(config, timeout=30) as rpc:
            wait_until(lambda: answers(lambda: rpc.notifications.list_subscriptions(caller=STAFF)),
                       timeout=30, message="notifications up")
            for i in range(SUBSCRIPTIONS):
                rpc.notifications.create_subscription(
                    f"org_{i:016x}", {"channel": "webhook", "url": receiver.url(f"/s/{i}")}, caller=STAFF)
        dispatch = event_dispatcher(config)
        events = [ordinance_event(version=v) for v in range(EVENTS)]
        for event in events:
            dispatch("toolkits", event["type"], event)
        wait_until(lambda: len(receiver.requests) >= 200, timeout=60, message="deliveries under way")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        arrived_before_restart = len(receiver.requests)
        proc = spawn_service("notifications", settings, **LOCAL_RECEIVER)
        expected = {(f"/s/{i}", e["id"]) for i in range(SUBSCRIPTIONS) for e in events}

        def everything_arrived():
            got = {(r["path"], r["headers"]["webhook-id"]) for r in receiver.requests}
            return expected <= got
        # claims taken by the killed process run out after courier.LEASE (30 s)
        wait_until(everything_arrived, timeout=120, interval=0.2, message="every event at every subscription")
        wait_until(lambda: deliveries.count_documents({"status": "succeeded"}) == len(expected), timeout=30,
                   message="every delivery recorded as succeeded")
    finally:
        proc.kill()
        proc.wait()
        receiver.close()
    assert arrived_before_restart < len(expected), "the kill should have landed mid-burst"
    assert deliveries.count_documents({}) == len(expected)  # one delivery per subscription and event
