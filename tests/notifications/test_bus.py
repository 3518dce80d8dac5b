"""A bus subscription's broker side on the real RabbitMQ: the partner's credentials read its
own queue and nothing else; removal ends access at once; a full queue dead-letters only its
own messages; reconcile rebuilds what the broker lost; a shovel forwards to another broker
(a second vhost stands in for it)."""
import json
import urllib.parse

import amqp
import pytest

from services.notifications import bus
from services.notifications.domain import new_id
from tests.support import create_vhost, delete_vhost, wait_until


def partner_connection(amqp_uri, username, password):
    parsed = urllib.parse.urlparse(amqp_uri)
    vhost = urllib.parse.unquote(parsed.path[1:])
    conn = amqp.Connection(f"{parsed.hostname}:{parsed.port or 5672}", userid=username, password=password,
                           virtual_host=vhost, connect_timeout=5)
    conn.connect()
    return conn


def platform_channel(amqp_uri):
    parsed = urllib.parse.urlparse(amqp_uri)
    conn = amqp.Connection(f"{parsed.hostname}:{parsed.port or 5672}", userid=parsed.username or "guest",
                           password=parsed.password or "guest",
                           virtual_host=urllib.parse.unquote(parsed.path[1:]), connect_timeout=5)
    conn.connect()
    return conn, conn.channel()


def publish(channel, exchange, routing_key, payload):
    channel.basic_publish(amqp.Message(json.dumps(payload), content_type="application/cloudevents+json"),
                          exchange=exchange, routing_key=routing_key)


class Partner:
    def __init__(self, partner_bus):
        self.id = new_id("sub")
        self.password = bus.new_password()
        self.sub = {"id": self.id, "channel": "bus", "active": True,
                    "password_hash": bus.password_hash(self.password)}
        self.bus = partner_bus

    def provision(self):
        self.bus.provision(self.sub)
        return self

    def connect(self):
        return partner_connection(self.bus.amqp_uri, bus.user_name(self.id), self.password)


@pytest.fixture
def partner_bus(amqp_uri, partner_users):
    return bus.PartnerBus(amqp_uri, queue_limit=3, dead_limit=10)


@pytest.fixture
def platform(amqp_uri):
    conn, channel = platform_channel(amqp_uri)
    yield channel
    conn.close()


def drain(channel, queue):
    got = []
    while (message := channel.basic_get(queue)) is not None:
        got.append(json.loads(message.body))
        channel.basic_ack(message.delivery_tag)
    return got


def test_a_partner_reads_exactly_what_is_published_for_it(partner_bus, platform):
    ours, theirs = Partner(partner_bus).provision(), Partner(partner_bus).provision()
    publish(platform, bus.EXCHANGE, ours.id, {"id": "e1"})
    publish(platform, bus.EXCHANGE, theirs.id, {"id": "e2"})
    publish(platform, bus.EXCHANGE, ours.id, {"id": "e3"})
    conn = ours.connect()
    try:
        channel = conn.channel()
        got = wait_until(lambda: drain(channel, bus.queue_name(ours.id)) or None, message="the partner's events")
        got += drain(channel, bus.queue_name(ours.id))
        assert [e["id"] for e in got] == ["e1", "e3"]
    finally:
        conn.close()


@pytest.mark.parametrize("attempt", [
    "declare a queue", "publish to the partners exchange", "publish an RPC call", "bind its queue",
    "read another partner's queue", "read an internal queue", "delete its own queue",
])
def test_a_partner_may_do_nothing_but_read_its_own_queue(partner_bus, platform, attempt):
    ours, theirs = Partner(partner_bus).provision(), Partner(partner_bus).provision()
    conn = ours.connect()
    try:
        channel = conn.channel()
        with pytest.raises(amqp.exceptions.AccessRefused):
            if attempt == "declare a queue":
                channel.queue_declare("partner.mine", durable=True, auto_delete=False)
            elif attempt == "publish to the partners exchange":
                publish(channel, bus.EXCHANGE, theirs.id, {"id": "forged"})
                channel.basic_get(bus.queue_name(ours.id))  # the refusal closes the channel here
            elif attempt == "publish an RPC call":
                publish(channel, "nameko-rpc", "members.create_member", {"args": []})
                channel.basic_get(bus.queue_name(ours.id))
            elif attempt == "bind its queue":
                channel.queue_bind(bus.queue_name(ours.id), "toolkits.events", "#")
            elif attempt == "read another partner's queue":
                channel.basic_get(bus.queue_name(theirs.id))
            elif attempt == "read an internal queue":
                channel.basic_get("events.unrouted")
            else:
                channel.queue_delete(bus.queue_name(ours.id))
    finally:
        conn.close()
    # nothing reached the other partner
    assert drain(platform, bus.queue_name(theirs.id)) == []


def test_removal_ends_access_at_once_and_leaves_nothing(partner_bus, amqp_uri):
    ours = Partner(partner_bus).provision()
    conn = ours.connect()
    partner_bus.remove(ours.id)
    wait_until(lambda: not conn.connected or _closed(conn), message="the partner's connection to be closed")
    with pytest.raises(amqp.exceptions.AccessRefused):
        ours.connect()
    queues = [q["name"] for q in partner_bus._call("GET", f"queues/{bus._q(partner_bus.vhost)}?columns=name")]
    assert bus.queue_name(ours.id) not in queues and bus.dead_queue_name(ours.id) not in queues


def _closed(conn):
    try:
        conn.drain_events(timeout=0.05)
    except (OSError, amqp.exceptions.ConnectionForced, amqp.exceptions.RecoverableConnectionError):
        return True
    except Exception:  # a timeout: still open
        return False
    return False


def test_a_full_queue_dead_letters_its_oldest_without_touching_another(partner_bus, platform):
    slow, other = Partner(partner_bus).provision(), Partner(partner_bus).provision()
    for n in range(5):
        publish(platform, bus.EXCHANGE, slow.id, {"id": f"s{n}"})
    publish(platform, bus.EXCHANGE, other.id, {"id": "o0"})
    kept = wait_until(lambda: _depth(partner_bus, bus.dead_queue_name(slow.id)) == 2 or None,
                      message="two dead letters")
    assert kept
    assert [e["id"] for e in drain(platform, bus.queue_name(slow.id))] == ["s2", "s3", "s4"]
    assert [e["id"] for e in drain(platform, bus.dead_queue_name(slow.id))] == ["s0", "s1"]
    assert [e["id"] for e in drain(platform, bus.queue_name(other.id))] == ["o0"]


def _depth(partner_bus, queue):
    info = partner_bus._call("GET", f"queues/{bus._q(partner_bus.vhost)}/{bus._q(queue)}", missing_ok=True)
    return (info or {}).get("messages")


def test_reconcile_rebuilds_what_the_broker_lost_and_removes_what_the_store_dropped(partner_bus, platform):
    kept, dropped = Partner(partner_bus).provision(), Partner(partner_bus).provision()
    partner_bus.remove(kept.id)  # the broker lost it
    counts = partner_bus.reconcile([kept.sub, {**dropped.sub, "active": False}])
    assert partner_bus.provisioned() == {kept.id}
    assert counts == {"provisioned": 1, "removed": 1}
    publish(platform, bus.EXCHANGE, kept.id, {"id": "after"})
    conn = kept.connect()  # the same password: the store kept its hash
    try:
        channel = conn.channel()
        got = wait_until(lambda: drain(channel, bus.queue_name(kept.id)) or None, message="the event")
        assert [e["id"] for e in got] == ["after"]
    finally:
        conn.close()
    with pytest.raises(amqp.exceptions.AccessRefused):
        dropped.connect()


def test_a_shovel_forwards_the_queue_to_the_partners_own_broker(partner_bus, platform):
    theirs = create_vhost()  # stands in for the partner's broker
    try:
        conn, channel = platform_channel(theirs)
        channel.exchange_declare("ordinances", "topic", durable=True, auto_delete=False)
        channel.queue_declare("inbox", durable=True, auto_delete=False)
        channel.queue_bind("inbox", "ordinances", "#")
        forwarding = Partner(partner_bus)
        forwarding.sub["forward"] = {"uri": theirs, "exchange": "ordinances"}
        forwarding.provision()
        publish(platform, bus.EXCHANGE, forwarding.id, {"id": "far"})
        got = wait_until(lambda: drain(channel, "inbox") or None, timeout=30, message="the shovelled event")
        assert [e["id"] for e in got] == ["far"]
        conn.close()
        partner_bus.remove(forwarding.id)
    finally:
        delete_vhost(theirs)
