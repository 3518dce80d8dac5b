"""Bus subscriptions through the notifications service on the real broker: a partner gets
a queue of its own with credentials shown once, receives exactly the events its filters
match (the catalog's CloudEvents, in order), loses access the moment it pauses or deletes,
and what the broker loses is rebuilt from the store."""
import json

import amqp
import pytest

from clearinghouse.errors import BadInput, NotFound
from services.notifications import bus
from services.notifications.service import NotificationsService
from tests.support import partner, wait_until
from tests.support.notifications import ordinance_event, toolkit_event

from .test_bus import drain, partner_connection

pytestmark = pytest.mark.usefixtures("partner_users")

OWNER = "org_00000000000000bb"
OTHER = "org_00000000000000cc"


def as_partner(rpc, owner=OWNER):
    from tests.support import As
    return As(rpc.notifications, partner(owner))


def subscribe(rpc, owner=OWNER, **fields):
    return as_partner(rpc, owner).create_subscription(None, {"channel": "bus", **fields})


def connect(amqp_uri, created):
    return partner_connection(amqp_uri, created["subscription"]["bus"]["username"], created["secret"])


def received(amqp_uri, created, count):
    """The partner's view: read its queue with its credentials until ``count`` events came."""
    conn = connect(amqp_uri, created)
    try:
        channel, got = conn.channel(), []

        def read():
            while (message := channel.basic_get(created["subscription"]["bus"]["queue"])) is not None:
                assert message.properties["content_type"] == "application/cloudevents+json"
                event = json.loads(message.body)
                assert message.properties["message_id"] == event["id"]
                got.append(event)
                channel.basic_ack(message.delivery_tag)
            return len(got) >= count
        wait_until(read, message=f"{count} events on the partner's queue")
        return got
    finally:
        conn.close()


def test_a_partner_reads_exactly_its_matching_events_in_order(notifications, rpc, publish, amqp_uri):
    wages = subscribe(rpc, issue_areas=["minimum-wage"])
    kits = subscribe(rpc, OTHER, event_types=["toolkit.published"])
    assert wages["secret"] and wages["subscription"]["bus"]["queue"] == bus.queue_name(wages["subscription"]["id"])
    first = publish(ordinance_event(issue_area="minimum-wage", state=None,
                                    jurisdiction="ocd-division/country:us/state:az/place:tempe"))
    publish(ordinance_event())  # paid sick leave: nobody here asked for it
    kit = publish(toolkit_event())  # minimum-wage toolkit in the kit: both match
    second = publish(ordinance_event(issue_area="minimum-wage", state=None,
                                     jurisdiction="ocd-division/country:us/state:az/place:phoenix"))
    got = received(amqp_uri, wages, 3)
    assert [e["id"] for e in got] == [first["id"], kit["id"], second["id"]]
    assert [e["id"] for e in received(amqp_uri, kits, 1)] == [kit["id"]]


def test_pausing_or_deleting_ends_access_at_once_and_resuming_restores_it(notifications, rpc, publish, amqp_uri):
    created = subscribe(rpc)
    sub_id = created["subscription"]["id"]
    as_partner(rpc).set_subscription_active(sub_id, False)
    with pytest.raises(amqp.exceptions.AccessRefused):
        connect(amqp_uri, created)
    as_partner(rpc).set_subscription_active(sub_id, True)
    event = publish(toolkit_event())
    assert [e["id"] for e in received(amqp_uri, created, 1)] == [event["id"]]
    as_partner(rpc).delete_subscription(sub_id)
    with pytest.raises(amqp.exceptions.AccessRefused):
        connect(amqp_uri, created)


def test_a_rotated_password_replaces_the_old_one(notifications, rpc, amqp_uri):
    created = subscribe(rpc)
    rotated = as_partner(rpc).rotate_secret(created["subscription"]["id"])
    assert rotated["secret"] != created["secret"]
    with pytest.raises(amqp.exceptions.AccessRefused):
        connect(amqp_uri, created)
    connect(amqp_uri, {**created, "secret": rotated["secret"]}).close()


def test_another_partner_cannot_see_or_touch_the_subscription(notifications, rpc):
    created = subscribe(rpc)
    sub_id = created["subscription"]["id"]
    for call in (lambda p: p.get_subscription(sub_id), lambda p: p.rotate_secret(sub_id),
                 lambda p: p.delete_subscription(sub_id)):
        with pytest.raises(NotFound):
            call(as_partner(rpc, OTHER))
    assert as_partner(rpc).get_subscription(sub_id)["bus"]["username"] == bus.user_name(sub_id)


def test_a_starting_replica_rebuilds_what_the_broker_lost_and_removes_what_the_store_dropped(
        notifications, rpc, publish, amqp_uri, start_service):
    kept, dropped = subscribe(rpc), subscribe(rpc)
    partners = bus.PartnerBus(amqp_uri)
    partners.remove(kept["subscription"]["id"])  # the broker lost its definitions
    stray = {"id": "sub_00000000000000ff", "channel": "bus", "active": True,
             "password_hash": bus.password_hash("stray")}
    partners.provision(stray)  # on the broker, not in the store
    as_partner(rpc).delete_subscription(dropped["subscription"]["id"])
    start_service(NotificationsService)  # a second replica reconciles as it starts
    wait_until(lambda: partners.provisioned() == {kept["subscription"]["id"]}, message="the broker to match the store")
    event = publish(toolkit_event())
    assert [e["id"] for e in received(amqp_uri, kept, 1)] == [event["id"]]  # the same password


@pytest.mark.parametrize("fields, fragment", [
    ({"url": "https://hooks.example.org/x"}, "neither url nor email"),
    ({"mode": "daily_digest"}, "realtime"),
    ({"forward": {"uri": "amqps://10.1.2.3/partner", "exchange": "events"}}, "not public"),
    ({"forward": {"uri": "amqps://169.254.169.254/", "exchange": "events"}}, "metadata"),
    ({"forward": {"uri": "https://mq.example.org/", "exchange": "events"}}, "amqps://"),
    ({"forward": {"uri": "amqps://mq.example.org/", "exchange": "bad exchange\n"}}, "forward.exchange"),
    ({"forward": {"uri": "amqps://mq.example.org/", "exchange": "e", "queue": "x"}}, "forward"),
    ({"forward": "amqps://mq.example.org/"}, "forward"),
])
def test_a_bad_bus_subscription_is_refused_and_changes_nothing(notifications, rpc, database, amqp_uri,
                                                                fields, fragment):
    with pytest.raises(BadInput, match=fragment):
        subscribe(rpc, **fields)
    assert database("notifications").subscriptions.count_documents({}) == 0
    assert bus.PartnerBus(amqp_uri).provisioned() == set()


def test_forward_is_only_for_bus_subscriptions(notifications, rpc):
    with pytest.raises(BadInput, match="forward is for bus"):
        as_partner(rpc).create_subscription(None, {"channel": "webhook", "url": "http://127.0.0.1:9/x",
                                                   "forward": {"uri": "amqps://mq.example.org/", "exchange": "e"}})
