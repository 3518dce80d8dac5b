"""Two notifications replicas on one broker vhost and one database: every webhook goes out
once per subscription and event, in event order, through bursts, retries and one replica
being killed; one digest per address and day. The store (not either process) decides."""
import datetime as dt

import eventlet
import pytest
from nameko.testing.utils import get_extension

from clearinghouse.store import connect
from services.notifications import scheduling
from services.notifications.clock import Clock
from services.notifications.courier import Courier
from services.notifications.repository import NotificationsRepository
from services.notifications.service import NotificationsService
from tests.support import wait_until
from tests.support.notifications import as_staff, ordinance_event

OWNER = "org_00000000000000aa"
PATHS = ("/a", "/b", "/c", "/d")


@pytest.fixture
def replicas(start_service):
    return [start_service(NotificationsService) for _ in range(2)]


def clocks(replicas):
    return [get_extension(c, Clock) for c in replicas]


def couriers(replicas):
    return [get_extension(c, Courier) for c in replicas]


def later(replicas, seconds):
    """Move every replica's clock on together (they share one time) and wake their lanes."""
    for clock in clocks(replicas):
        clock.advance(seconds)
    for courier in couriers(replicas):
        courier.wake()


def subscribe_paths(rpc, receiver, paths=PATHS):
    return {p: as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": receiver.url(p)})
            ["subscription"]["id"] for p in paths}


def ids(receiver, path):
    return [r["headers"]["webhook-id"] for r in receiver.received(path)]


def all_in(receiver, sent, paths=PATHS):
    want = {e["id"] for e in sent}
    return all(set(ids(receiver, p)) >= want for p in paths)


def burst(publish, n, start=1):
    return [publish(ordinance_event(version=i, title=f"Ordinance {i}")) for i in range(start, start + n)]


def test_a_burst_reaches_each_subscription_once_and_in_order_from_two_replicas(replicas, rpc, receiver, publish):
    subscribe_paths(rpc, receiver)
    sent = burst(publish, 60)
    wait_until(lambda: all_in(receiver, sent), timeout=60, message="every event at every subscription")
    for path in PATHS:
        assert ids(receiver, path) == [e["id"] for e in sent], path  # once each, in the order published


def test_a_failing_receiver_is_retried_across_replicas_and_keeps_its_order(replicas, rpc, receiver, publish,
                                                                           database):
    subs = subscribe_paths(rpc, receiver, ("/ok", "/flaky"))
    receiver.script("/flaky", 500, 503, 500)
    sent = burst(publish, 10)
    wait_until(lambda: all_in(receiver, sent, ["/ok"]), message="the healthy subscription's events")
    deliveries = database("notifications").deliveries
    while not all_in(receiver, sent, ["/flaky"]):
        head = wait_until(lambda: deliveries.find_one({"subscription_id": subs["/flaky"], "status": "retrying"})
                          or all_in(receiver, sent, ["/flaky"]), message="the flaky head retrying")
        if head is not True:
            # both replicas' timers look for it once it is due; the store's lease lets one take it
            later(replicas, head["due_at"] - clocks(replicas)[0].now() + 1)
            wait_until(lambda: deliveries.find_one({"_id": head["_id"]})["attempts"] > head["attempts"],
                       message="the retry")
    flaky = ids(receiver, "/flaky")
    assert flaky[:3] == [sent[0]["id"]] * 3  # nothing later went while the first was failing
    assert flaky[3:] == [e["id"] for e in sent]  # then each once, in order
    assert ids(receiver, "/ok") == [e["id"] for e in sent]
    wait_until(lambda: deliveries.count_documents({"status": "succeeded"}) == 20, message="all recorded")


def test_killing_a_replica_mid_burst_loses_nothing_and_doubles_nothing(replicas, rpc, receiver, publish, database):
    subs = subscribe_paths(rpc, receiver)
    sent = burst(publish, 120)
    wait_until(lambda: min(len(ids(receiver, p)) for p in PATHS) >= 10, message="the burst under way")
    # the replica taking the events (its queues have one active consumer) dies mid-burst
    taking = [c for c in replicas if get_extension(c, Courier).intake._subscriptions[0] is not None]
    victim = taking[0] if taking else replicas[0]
    survivor = next(c for c in replicas if c is not victim)
    victim.kill()
    deliveries = database("notifications").deliveries
    # what was held when it died (by it, or by the survivor): the only attempts that may be made twice
    held = {(d["subscription_id"], d["event_id"]) for d in deliveries.find(
        {"status": {"$in": ["pending", "retrying"]}, "lease_until": {"$gt": clocks([survivor])[0].now()}})}
    # the dead replica's leases run out on the shared clock; the survivor takes over
    later([survivor], scheduling.LEASE + 1)
    wait_until(lambda: all_in(receiver, sent), timeout=60, message="every event after the kill")
    wait_until(lambda: deliveries.count_documents({"status": "succeeded"}) == len(sent) * len(PATHS),
               message="every delivery recorded as succeeded, once")
    # one order every replica shares: the places the store gave the events
    placed = [d["_id"] for d in database("notifications").events.find({}, {"_id": 1}).sort("seq", 1)]
    assert sorted(placed) == sorted(e["id"] for e in sent)
    resent = 0
    for path in PATHS:
        got = ids(receiver, path)
        assert list(dict.fromkeys(got)) == placed, path  # nothing lost, in the shared order
        again = [key for n, key in enumerate(got) if key in got[:n]]
        # an attempt the dead replica had made but not recorded is made again once its lease
        # runs out, with the same webhook-id (Standard Webhooks' idempotency key); nothing else is
        assert {(subs[path], key) for key in again} <= held, path
        resent += len(again)
    print(f"attempts made again after the kill (same webhook-id): {resent} of {len(held)} held at the kill")


def test_two_replicas_sweeping_at_once_send_one_digest_per_address_and_day(replicas, rpc, smtp, publish, database):
    now = dt.datetime.fromtimestamp(clocks(replicas)[0].now(), dt.timezone.utc)
    noon = (now + dt.timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    later(replicas, noon.timestamp() - clocks(replicas)[0].now())
    for address in ("ana@example.org", "bo@example.org"):
        as_staff(rpc).create_subscription("mem_00000000000000aa",
                                          {"channel": "email", "mode": "daily_digest", "email": address})
    burst(publish, 5)
    deliveries = database("notifications").deliveries
    wait_until(lambda: deliveries.count_documents({}) == 10, message="ten digest deliveries")
    later(replicas, 13 * 3600)  # the day is over on both
    # both replicas look for due digests at the same moment (and their timers too)
    sweeps = [eventlet.spawn(c.sweep) for c in couriers(replicas)]
    for sweep in sweeps:
        sweep.wait()
    wait_until(lambda: deliveries.count_documents({"status": "succeeded"}) == 10, message="the digests sent")
    for c in couriers(replicas):  # and once more, after: nothing is due any more
        c.sweep()
    messages = smtp.messages()
    assert sorted(m["To"] for m in messages) == ["ana@example.org", "bo@example.org"]
    assert all("5 events" in m["Subject"] for m in messages)


def test_places_handed_out_by_the_store_are_unique_and_hold_lanes_back(settings):
    client = connect(settings.mongo_uri)
    try:
        db = client[settings.database_name("notifications")]
        repos = [NotificationsRepository(db), NotificationsRepository(db)]
        repos[0].ensure_indexes()
        events = [ordinance_event(version=i) for i in range(40)]
        pool = eventlet.GreenPool(8)
        places = list(pool.imap(lambda n: repos[n % 2].record_event(events[n], 100.0), range(40)))
        assert sorted(places) == list(range(1, 41))  # one place each, none skipped
        assert repos[1].record_event(events[0], 200.0) == places[0]  # a redelivery keeps its place
        assert repos[0].intake_floor(150.0) == 1  # all still taking
        for e in events[:10]:
            repos[1].event_taken(e["id"])
        assert repos[0].intake_floor(150.0) == min(places[10:])
        assert repos[0].intake_floor(100.0 + 61) is None  # takers silent this long have died
        # a period is claimed once across replicas, and never again for an earlier one
        assert [r.claim_period("job", 7) for r in repos] == [True, False]
        assert repos[1].claim_period("job", 6) is False and repos[1].claim_period("job", 8) is True
        # a lease is one holder's until it runs out or is dropped
        assert repos[0].take_lease("k", "A", 10.0, 5.0) and not repos[1].take_lease("k", "B", 12.0, 5.0)
        assert repos[0].take_lease("k", "A", 12.0, 5.0)  # renewed by its holder
        assert repos[1].take_lease("k", "B", 17.5, 5.0)  # run out
        repos[1].drop_lease("k", "B")
        assert repos[0].take_lease("k", "A", 18.0, 5.0)
    finally:
        client.close()
