"""The transactional outbox on the real broker and store: nothing a write promised is
lost when RabbitMQ is away or the service dies between write and publish."""
import json
import urllib.parse

import kombu
import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from clearinghouse import broker
from clearinghouse.metrics import OUTBOX_FAILURES, OUTBOX_PENDING
from clearinghouse.outbox import flush
from services.members import domain
from services.members.service import MembersService
from services.members.repository import MembersRepository as MembersStore
from tests.support import STAFF, wait_until
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def proxied(amqp_uri):
    """(proxy, amqp uri through it) for the test's vhost."""
    parsed = urllib.parse.urlparse(amqp_uri)
    proxy = TcpProxy(parsed.hostname, parsed.port or 5672)
    yield proxy, f"{parsed.scheme}://{parsed.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}{parsed.path}"
    proxy.close()


def write_member_without_publishing(db, name):
    """What a request leaves behind when the process dies after its write, before publish."""
    doc, events = domain.new_member(domain.check_member_fields({"name": name}, partial=False))
    return MembersStore(db).add("members", doc, events), events


def test_flush_keeps_events_while_broker_is_down_and_sends_them_after(event_tap, proxied, database):
    proxy, via_proxy = proxied
    db = database("members")
    tap = event_tap("members.events")
    doc, events = write_member_without_publishing(db, "Ann")
    exchange = get_event_exchange("members", {})
    publisher = Publisher(via_proxy, retry_policy={"max_retries": 0})

    def publish(event):
        publisher.publish(event, exchange=exchange, routing_key=event["type"], declare=[exchange])

    proxy.cut()
    with pytest.raises(Exception):
        flush(db.members, publish)
    assert db.members.find_one({"_id": doc["id"]})["outbox"] == events

    proxy.restore()
    assert flush(db.members, publish) == 1
    assert [e["id"] for e in tap.wait_for(1)] == [events[0]["id"]]
    assert db.members.find_one({"_id": doc["id"]})["outbox"] == []


def test_relay_publishes_events_written_during_an_outage_once_the_broker_is_back(
        start_service, config, proxied, event_tap, database):
    proxy, via_proxy = proxied
    container = start_service(MembersService, {**config, "AMQP_URI": via_proxy})
    tap = event_tap("members.events")
    failures = OUTBOX_FAILURES.labels("members")
    before = failures._value.get()
    proxy.cut()
    doc, events = write_member_without_publishing(database("members"), "Written in the dark")
    wait_until(lambda: failures._value.get() > before, timeout=30, message="a failed publish attempt")
    assert database("members").members.find_one({"_id": doc["id"]})["outbox"] == events
    assert tap.drain() == []
    pending = OUTBOX_PENDING.labels("members")
    wait_until(lambda: pending._value.get() == 1, timeout=30, message="the backlog gauge to show the waiting member")
    proxy.restore()
    received = tap.wait_for(1, timeout=30)
    assert received[0]["id"] == events[0]["id"]
    wait_until(lambda: database("members").members.find_one({"_id": doc["id"]})["outbox"] == [],
               message="outbox cleared")
    wait_until(lambda: pending._value.get() == 0, timeout=30, message="the backlog gauge to fall to zero")
    container.stop()  # while the proxy still stands, or its consumer would reconnect forever


def test_events_left_by_a_crash_are_published_when_the_service_restarts(start_service, event_tap, database):
    tap = event_tap("members.events")
    left = [write_member_without_publishing(database("members"), f"Member {i}")[1][0]["id"] for i in range(5)]
    start_service(MembersService)
    assert sorted(e["id"] for e in tap.wait_for(5)) == sorted(left)


def test_an_event_no_queue_is_bound_to_is_kept_not_dropped(start_service, rpc, amqp_uri):
    start_service(MembersService)
    rpc.members.create_member({"name": "Nobody is listening"}, caller=STAFF)
    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue(broker.UNROUTED)(conn.default_channel)
        message = wait_until(lambda: queue.get(no_ack=True), message="event in events.unrouted")
    event = json.loads(message.body)
    assert event["type"] == "member.joined"
    assert event["data"]["name"] == "Nobody is listening"




def test_the_relay_wakes_after_a_worker_that_wrote_events_not_after_a_read(database):
    from types import SimpleNamespace

    from clearinghouse.outbox import OutboxRelay
    repository = MembersStore(database("members"))
    repository.ensure_indexes()
    relay = OutboxRelay()
    relay.store = SimpleNamespace(repository=repository)  # what start() finds among its siblings
    relay.worker_result(None)  # the first worker: the relay has seen nothing yet
    relay._wake.get_nowait()
    repository.get_many("members", ["mem_none"])
    relay.worker_result(None)
    assert relay._wake.qsize() == 0  # a read: no sweep
    write_member_without_publishing(repository.db, "Ann")  # another repository's write: not this process's
    relay.worker_result(None)
    assert relay._wake.qsize() == 0
    doc, events = domain.new_member(domain.check_member_fields({"name": "Bea"}, partial=False))
    repository.add("members", doc, events)
    relay.worker_result(None)
    assert relay._wake.qsize() == 1
