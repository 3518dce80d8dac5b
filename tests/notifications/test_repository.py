"""The notifications repository's contract: the same checks against the real
NotificationsRepository (the embedded store over the wire, or MONGO_URI's) and its
in-memory twin, so the fast use-case tests stand on a twin that behaves like the store."""
import pytest

from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.events import cloudevent
from services.notifications import asks, domain
from services.notifications.repository import NotificationsRepository
from tests.notifications.memory import InMemoryNotificationsRepository

OWNER = "org_00000000000000aa"
AUTHOR = "mem_00000000000000aa"


@pytest.fixture(params=["memory", "mongo"])
def repo(request):
    if request.param == "memory":
        return InMemoryNotificationsRepository()
    real = NotificationsRepository(request.getfixturevalue("database")("notifications"))
    real.ensure_indexes()
    return real


def subscription(repo, now, owner=OWNER, **data):
    fields = domain.check_subscription({"channel": "email", "email": "a@example.org", **data})
    return repo.insert_subscription(domain.new_subscription(owner, fields, "", now))


def event(n):
    return cloudevent("toolkit.published", f"toolkit/kit-{n}", {"slug": f"kit-{n}", "version": n})


def walk(read, first):
    """Every node of a list, page by page."""
    seen, after = [], None
    while True:
        page = read(first, after)
        seen += [e["node"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            return seen, page["total_count"]
        after = page["page_info"]["end_cursor"]


def test_a_subscription_comes_back_as_it_went_in_and_a_stale_save_is_refused(repo):
    first = subscription(repo, 100.0)
    second = subscription(repo, 50.0, owner=None)
    assert repo.subscription(first["id"]) == first and repo.subscription("sub_0000000000000000") is None
    assert [s["id"] for s in repo.subscriptions(False)] == [second["id"], first["id"]]  # oldest first
    assert [s["id"] for s in repo.subscriptions(True, None)] == [second["id"]]  # staff's own
    assert repo.count_subscriptions(OWNER) == 1
    revision = repo.subscriptions_revision()
    paused = repo.save_subscription(domain.set_active(first, False, 200.0, "paused"), first)
    assert repo.subscriptions_revision() != revision
    assert repo.subscription(first["id"]) == paused and paused["active"] is False
    assert [s["id"] for s in repo.active_subscriptions()] == [second["id"]]
    with pytest.raises(Conflict, match="changed while you edited it"):
        repo.save_subscription(domain.set_active(first, True, 300.0), first)
    repo.delete_subscription(first["id"])
    with pytest.raises(NotFound):
        repo.delete_subscription(first["id"])
    assert repo.subscriptions_by_id([first["id"], second["id"]]) == {second["id"]: second}


def test_an_event_matched_twice_makes_one_delivery_and_keeps_its_first_place(repo):
    sub = subscription(repo, 1.0)
    e = event(1)
    first = repo.record_event(e, 1.0)
    assert repo.record_event(e, 2.0) == first
    assert repo.record_event(event(2), 2.0) == first + 1  # the next place
    assert repo.insert_deliveries([domain.new_delivery(sub, e, first, 1.0)]) == 1
    assert repo.insert_deliveries([domain.new_delivery(sub, e, first, 2.0)]) == 0
    assert repo.page_deliveries(sub["id"], None, 10, None)["total_count"] == 1
    assert '"slug":"kit-1"' in repo.event_bodies([e["id"], e["id"]])[e["id"]]


def test_deliveries_page_newest_first_park_and_replay(repo):
    sub = subscription(repo, 1.0)
    sent = [event(n) for n in range(5)]
    repo.insert_deliveries([domain.new_delivery(sub, e, 100 + n, float(n)) for n, e in enumerate(sent)])
    nodes, total = walk(lambda first, after: repo.page_deliveries(sub["id"], None, first, after), 2)
    assert [d["event_id"] for d in nodes] == [e["id"] for e in reversed(sent)] and total == 5
    assert all(set(d) >= {"id", "status", "attempts"} and "_id" not in d for d in nodes)
    assert repo.park_queued(sub["id"], "subscription paused") == 5
    assert repo.page_deliveries(sub["id"], "pending", 10, None)["total_count"] == 0
    parked = repo.page_deliveries(sub["id"], "parked", 10, None)["edges"][0]["node"]
    assert parked["last_error"] == "subscription paused" and parked["due_at"] is None
    assert repo.replay(sub["id"], 2.0, 50.0) == 3  # created at 2, 3 and 4
    assert repo.page_deliveries(sub["id"], "pending", 10, None)["total_count"] == 3
    asks_cursor = repo.page_asks(None, 1, None)["page_info"]["end_cursor"]
    with pytest.raises(BadInput, match="not a cursor"):
        repo.page_deliveries(sub["id"], None, 1, asks_cursor or "bogus")


def test_an_ask_keeps_its_answers_and_events_and_pages_newest_first(repo):
    made = []
    for n, area in enumerate(["minimum-wage", "paid-sick-leave", "minimum-wage"]):
        ask, events = asks.new_ask(AUTHOR, {"issue_area": area, "subject": f"S{n}", "body": "B"}, 1000.0 + n)
        made.append(repo.insert_ask(ask, events))
    assert made[0] == repo.ask(made[0]["id"]) and "_id" not in made[0]
    answered = repo.modify_ask(made[0]["id"], lambda a: asks.answer(a, AUTHOR, "An answer", 2000.0))
    assert answered == repo.ask(made[0]["id"]) and answered["version"] == 2
    assert [a["body"] for a in answered["answers"]] == ["An answer"]
    assert repo.asks([made[1]["id"], "ask_0000000000000000"]) == {made[1]["id"]: made[1]}
    with pytest.raises(NotFound):
        repo.ask("ask_0000000000000000")
    with pytest.raises(NotFound):
        repo.modify_ask("ask_0000000000000000", lambda a: asks.answer(a, AUTHOR, "x", 1.0))
    nodes, total = walk(lambda first, after: repo.page_asks(None, first, after), 1)
    assert [a["subject"] for a in nodes] == ["S2", "S1", "S0"] and total == 3
    wage = repo.page_asks("minimum-wage", 10, None)
    assert [e["node"]["subject"] for e in wage["edges"]] == ["S2", "S0"] and wage["total_count"] == 2


def test_an_asks_email_is_queued_once_per_member(repo):
    ask, _ = asks.new_ask(AUTHOR, {"issue_area": "minimum-wage", "subject": "S", "body": "B"}, 1.0)
    followers = [{"id": f"mem_{n:016x}", "status": "active", "email": f"m{n}@example.org"} for n in range(3)]
    records = asks.ask_emails(ask, "Ana", followers, 1.0)
    assert repo.insert_ask_emails(records) == 3
    assert repo.insert_ask_emails(records) == 0


def test_one_read_shows_due_and_waiting_heads_and_one_read_after_claiming_shows_heads_and_holdings(database):
    repo = NotificationsRepository(database("notifications"))
    repo.ensure_indexes()
    now, e1, e2, e3 = 100.0, event(1), event(2), event(3)
    a, b = ({"id": s, "owner_id": OWNER, "channel": "webhook", "mode": "realtime"} for s in ("sub_a", "sub_b"))
    waiting = {**domain.new_delivery(a, e1, 1, now), "status": "retrying", "attempts": 1, "due_at": now + 100}
    b1, behind, b3 = domain.new_delivery(b, e1, 2, now), domain.new_delivery(a, e2, 3, now), \
        domain.new_delivery(b, e3, 4, now)
    repo.insert_deliveries([waiting, behind, b1, b3])
    read = repo.queued_deliveries(10, "webhook")
    assert [(d["subscription_id"], d["seq"]) for d in read] == [("sub_a", 1), ("sub_b", 2), ("sub_a", 3), ("sub_b", 4)]
    assert read[0]["due_at"] > now  # the lane sees the head waits
    assert [d["id"] for d in repo.queued_deliveries(10, "webhook", skip={"sub_a"}, below=4)] == [b1["id"]]
    assert repo.queued_deliveries(10, "email") == []
    repo.claim_many([behind["id"], b1["id"], b3["id"], waiting["id"]], now, 30.0, "tok")
    heads, claimed = repo.claimed_heads({"sub_a", "sub_b"}, "tok", 4)
    assert heads == {"sub_a": 1, "sub_b": 2}  # sub_a's chain may not start at 3
    assert claimed == {behind["id"], b1["id"], b3["id"]}  # not the head that is not due yet
    repo.claim_many([b1["id"]], now, 30.0, "other")
    assert repo.claimed_heads({"sub_b"}, "other", 4) == ({"sub_b": 2}, set())  # held by "tok"
