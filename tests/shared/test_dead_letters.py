"""An event a consumer keeps failing on is dead-lettered after broker.DELIVERY_LIMIT
deliveries instead of going round for ever; an operator lists dead letters and unrouted
events and replays them once the cause is fixed, and nothing is lost on the way."""
import json

import kombu
from nameko.events import EventDispatcher
from nameko.rpc import rpc as nameko_rpc

from clearinghouse import broker, letters
from clearinghouse.consumers import event_handler
from clearinghouse.events import cloudevent
from tests.support import wait_until

SEEN = []
BROKEN = {"on": True}


class Poisoned:
    """A consumer of toolkit events that fails while BROKEN is on."""
    name = "poisoned"

    @event_handler("toolkits", "toolkit.published")
    def on_published(self, event):
        SEEN.append(event["id"])
        if BROKEN["on"]:
            raise RuntimeError("this consumer has a bug")


class Publisher:
    name = "toolkits"
    dispatch = EventDispatcher()

    @nameko_rpc
    def publish(self, event):
        self.dispatch(event["type"], event)


def event(n):
    return cloudevent("toolkit.published", f"toolkit/model-{n}", {"slug": f"model-{n}", "version": 1})


def queue_size(amqp_uri, name):
    with kombu.Connection(amqp_uri) as conn:
        return kombu.Queue(name, channel=conn.default_channel).queue_declare(passive=True).message_count


def test_a_poison_event_is_dead_lettered_after_the_limit_then_replayed_to_its_queue(start_service, rpc, amqp_uri):
    SEEN.clear()
    BROKEN["on"] = True
    start_service(Poisoned)
    start_service(Publisher)
    poison = event(1)
    rpc.toolkits.publish(poison)
    wait_until(lambda: queue_size(amqp_uri, broker.DEAD_LETTERS) == 1, timeout=60, message="the event dead-lettered")
    assert SEEN.count(poison["id"]) in (broker.DELIVERY_LIMIT, broker.DELIVERY_LIMIT + 1)  # bounded, not for ever
    (kept,) = letters.listed(amqp_uri, broker.DEAD_LETTERS)
    assert kept["id"] == poison["id"] and kept["type"] == "toolkit.published"
    assert kept["queue"].startswith("evt-toolkits-toolkit.published--poisoned.")
    assert queue_size(amqp_uri, broker.DEAD_LETTERS) == 1, "listing leaves the dead letters where they are"

    BROKEN["on"] = False  # the bug is fixed
    before = len(SEEN)
    assert letters.replay(amqp_uri, broker.DEAD_LETTERS) == (1, 0)
    wait_until(lambda: len(SEEN) > before, message="the replayed event handled")
    assert SEEN[before:] == [poison["id"]]
    assert queue_size(amqp_uri, broker.DEAD_LETTERS) == 0


def test_an_unrouted_event_is_replayed_to_its_exchange_once_a_consumer_is_bound(start_service, rpc, amqp_uri):
    SEEN.clear()
    BROKEN["on"] = False
    start_service(Publisher)
    early = event(2)
    rpc.toolkits.publish(early)
    wait_until(lambda: queue_size(amqp_uri, broker.UNROUTED) == 1, message="the event kept as unrouted")
    (kept,) = letters.listed(amqp_uri, broker.UNROUTED)
    assert (kept["id"], kept["reason"]) == (early["id"], "unrouted")
    start_service(Poisoned)  # now someone listens
    assert letters.replay(amqp_uri, broker.UNROUTED) == (1, 0)
    wait_until(lambda: SEEN == [early["id"]], message="the replayed event handled")
    assert queue_size(amqp_uri, broker.UNROUTED) == 0


def test_a_kept_message_whose_way_back_is_unknown_stays(amqp_uri):
    with kombu.Connection(amqp_uri) as conn:
        kombu.Producer(conn.default_channel).publish(json.dumps({"type": "no.such.event"}), exchange=broker.UNROUTED,
                                                     routing_key="x", delivery_mode=2)
    wait_until(lambda: queue_size(amqp_uri, broker.UNROUTED) == 1, message="the message kept")
    assert letters.replay(amqp_uri, broker.UNROUTED) == (0, 1)
    assert queue_size(amqp_uri, broker.UNROUTED) == 1


def test_event_handlers_consume_quorum_queues_with_the_delivery_limit(start_service, amqp_uri):
    start_service(Poisoned)
    vhost = broker._parts(amqp_uri)[3]

    def handler_queue():  # the management API fills in a queue's policy a moment after it is declared
        found = [q for q in broker.management_request(amqp_uri, "GET", f"queues/{vhost}") if q["name"].startswith("evt-")]
        return found if found and found[0].get("policy") else None
    (handler,) = wait_until(handler_queue, timeout=30, message="the handler queue with its policy")
    assert handler["type"] == "quorum"
    assert handler["policy"] == broker.DEAD_LETTER_POLICY_NAME
    policy = broker.management_request(amqp_uri, "GET", f"policies/{vhost}/{broker.DEAD_LETTER_POLICY_NAME}")
    assert policy["definition"] == {"dead-letter-exchange": broker.DEAD_LETTERS, "delivery-limit": broker.DELIVERY_LIMIT}


def test_classic_handler_queues_from_before_are_retired_when_empty_and_kept_when_not(amqp_uri):
    import pytest
    with kombu.Connection(amqp_uri) as conn:
        for name in ("evt-toolkits-toolkit.published--old.empty", "evt-toolkits-toolkit.published--old.holding"):
            kombu.Queue(name, durable=True, channel=conn.default_channel).declare()
        kombu.Producer(conn.default_channel).publish("{}", exchange="", routing_key="evt-toolkits-toolkit.published--old.holding",
                                                     delivery_mode=2)
    wait_until(lambda: len(broker._classic_consumer_queues(amqp_uri)) == 2
               and all(q.get("messages") is not None for q in broker._classic_consumer_queues(amqp_uri)),
               timeout=30, message="the management API sees both queues")
    with pytest.raises(broker.BrokerUnavailable, match=r"old.holding \(1 events\).*drain"):
        broker.ensure_definitions(amqp_uri)
    assert [q["name"] for q in broker._classic_consumer_queues(amqp_uri)] == ["evt-toolkits-toolkit.published--old.holding"]
    assert queue_size(amqp_uri, "evt-toolkits-toolkit.published--old.holding") == 1  # nothing lost
