"""Two outbox relays on one store (two members replicas): an event may go out twice, never
less than once, and the consumers' side effects (here a partner's webhooks) happen once."""
import eventlet
import pytest
from nameko.testing.utils import get_extension

from clearinghouse.outbox import OutboxRelay
from clearinghouse.store import PENDING
from services.members.service import MembersService
from services.notifications.service import NotificationsService
from tests.shared.test_outbox import write_member_without_publishing
from tests.support import STAFF, wait_until
from tests.support.notifications import Receiver, as_staff

LEFT = 30


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_two_relays_publishing_the_same_outbox_make_each_side_effect_once(start_service, settings, rpc, database,
                                                                          event_tap, receiver):
    start_service(NotificationsService, settings.replace(webhook_allow_http=True,
                                                         webhook_allow_networks="127.0.0.0/8").nameko_config())
    as_staff(rpc).create_subscription("org_00000000000000aa", {"channel": "webhook", "url": receiver.url(),
                                                              "event_types": ["member.joined"]})
    tap = event_tap("members.events")
    db = database("members")
    left = [write_member_without_publishing(db, f"Member {n}")[1][0] for n in range(LEFT)]
    replicas = [start_service(MembersService) for _ in range(2)]
    relays = [get_extension(c, OutboxRelay) for c in replicas]
    # the worst two relays can do: both publish a document's events before either clears them
    for event in left[:LEFT // 2]:
        for relay in relays:
            relay.publish(event)
    # and both sweep the same outbox at the same moment
    sweeps = [eventlet.spawn(relay.sweep) for relay in relays]
    for sweep in sweeps:
        sweep.wait()
    wait_until(lambda: db.members.count_documents({PENDING: True}) == 0, message="the outbox cleared")
    copies = tap.wait_for(LEFT + LEFT // 2)  # every event at least once, the first half twice over
    assert {e["id"] for e in copies} == {e["id"] for e in left}
    # a sentinel written through the service: once its webhook is in, every earlier one is
    sentinel = rpc.members.create_member({"name": "Sentinel"}, caller=STAFF)
    wait_until(lambda: any(sentinel["id"] in r["body"].decode() for r in receiver.received()), timeout=30,
               message="the sentinel's webhook")
    got = [r["headers"]["webhook-id"] for r in receiver.received()]
    assert sorted(got) == sorted([e["id"] for e in left] + [got[-1]])  # once each
    print(f"copies on the bus: {len(tap.drain())} for {LEFT + 1} events; webhooks: {len(got)}")
