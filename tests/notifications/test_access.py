"""Notifications decides what each caller may see and do: a partner only its own
subscriptions and deliveries (another's is NOT_FOUND, worded as a missing one), asks for
members, partners and staff; and it caps what one owner or one ask can grow to."""
import base64
import json

import pytest

from clearinghouse import paging
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.notifications import asks, domain
from tests.support import STAFF, member_caller, partner
from tests.support.notifications import as_staff

OWNER = "org_00000000000000aa"
OTHER = "org_00000000000000bb"
MISSING = "sub_0123456789abcdef"


def email_subscription(address="a@example.org"):
    return {"channel": "email", "email": address}


def test_the_public_may_neither_read_nor_write(notifications, rpc, database):
    sub = as_staff(rpc).create_subscription(OWNER, email_subscription())["subscription"]["id"]
    calls = [
        lambda c: rpc.notifications.create_subscription(None, email_subscription(), **c),
        lambda c: rpc.notifications.list_subscriptions(**c),
        lambda c: rpc.notifications.get_subscription(sub, **c),
        lambda c: rpc.notifications.delete_subscription(sub, **c),
        lambda c: rpc.notifications.list_deliveries(sub, **c),
        lambda c: rpc.notifications.list_asks(**c),
        lambda c: rpc.notifications.get_asks(["ask_0123456789abcdef"], **c),
        lambda c: rpc.notifications.post_ask("mem_0123456789abcdef", {"issue_area": "minimum-wage",
                                                                      "subject": "S", "body": "B"}, **c),
    ]
    for call in calls:
        for caller in ({}, {"caller": None}, {"caller": {"role": "public"}}):  # left out is the public
            with pytest.raises(Unauthenticated, match="API key"):
                call(caller)
    assert database("notifications").subscriptions.count_documents({}) == 1
    assert database("notifications").asks.count_documents({}) == 0


def test_a_partner_owns_what_it_creates_and_cannot_create_for_another(notifications, rpc, database):
    made = rpc.notifications.create_subscription(None, email_subscription(), caller=partner(OWNER))
    assert made["subscription"]["owner_id"] == OWNER
    with pytest.raises(Forbidden, match="leave owner_id out"):
        rpc.notifications.create_subscription(OTHER, email_subscription(), caller=partner(OWNER))
    with pytest.raises(Forbidden, match="belongs to a member or organisation"):
        rpc.notifications.create_subscription(None, email_subscription(), caller={"role": "partner"})
    assert database("notifications").subscriptions.count_documents({}) == 1
    assert as_staff(rpc).create_subscription(OTHER, email_subscription())["subscription"]["owner_id"] == OTHER


def test_another_owners_subscription_is_not_found_in_the_words_of_a_missing_one(notifications, rpc, database):
    sub = rpc.notifications.create_subscription(None, {"channel": "webhook", "url": "http://127.0.0.1:9/h"},
                                                caller=partner(OWNER))["subscription"]["id"]
    other = partner(OTHER)
    attempts = {
        "get_subscription": lambda i: rpc.notifications.get_subscription(i, caller=other),
        "rotate_secret": lambda i: rpc.notifications.rotate_secret(i, caller=other),
        "set_subscription_active": lambda i: rpc.notifications.set_subscription_active(i, False, caller=other),
        "delete_subscription": lambda i: rpc.notifications.delete_subscription(i, caller=other),
        "list_deliveries": lambda i: rpc.notifications.list_deliveries(i, caller=other),
        "replay_deliveries": lambda i: rpc.notifications.replay_deliveries(i, "2020-01-01T00:00:00Z", caller=other),
    }
    for name, attempt in attempts.items():
        with pytest.raises(NotFound) as theirs:
            attempt(sub)
        with pytest.raises(NotFound) as missing:
            attempt(MISSING)
        assert str(theirs.value).replace(sub, "<id>") == str(missing.value).replace(MISSING, "<id>"), name
    stored = database("notifications").subscriptions.find_one({"_id": sub})
    assert stored["version"] == 1 and bool(stored["active"]) is True
    assert rpc.notifications.list_subscriptions(caller=other) == []
    with pytest.raises(Forbidden, match="only your own"):
        rpc.notifications.list_subscriptions(owner_id=OWNER, caller=other)
    assert [s["id"] for s in as_staff(rpc).list_subscriptions(owner_id=OWNER)] == [sub]


def test_an_owner_has_at_most_max_subscriptions(notifications, rpc, database, monkeypatch):
    monkeypatch.setattr(domain, "MAX_SUBSCRIPTIONS", 3)
    for i in range(3):
        rpc.notifications.create_subscription(None, email_subscription(f"a{i}@example.org"), caller=partner(OWNER))
    with pytest.raises(Conflict, match="already has 3 subscriptions.*delete one"):
        rpc.notifications.create_subscription(None, email_subscription(), caller=partner(OWNER))
    with pytest.raises(Conflict):  # staff cannot push an owner past it either
        as_staff(rpc).create_subscription(OWNER, email_subscription())
    assert database("notifications").subscriptions.count_documents({"owner_id": OWNER}) == 3
    rpc.notifications.create_subscription(None, email_subscription(), caller=partner(OTHER))  # others are not held


def member(rpc, name):
    return rpc.members.create_member({"name": name, "status": "active", "email": f"{name.lower()}@example.org",
                                      "issue_areas": ["minimum-wage"]}, caller=STAFF)["id"]


ASK = {"issue_area": "minimum-wage", "subject": "Tip credit?", "body": "Did anyone keep one?"}


def test_a_member_asks_and_answers_as_itself_and_partners_read(members, notifications, rpc, smtp):
    ana, bo = member(rpc, "Ana"), member(rpc, "Bo")
    ask = rpc.notifications.post_ask(None, ASK, caller=member_caller(ana))
    assert ask["author_id"] == ana
    with pytest.raises(Forbidden, match="as itself"):
        rpc.notifications.post_ask(bo, ASK, caller=member_caller(ana))
    with pytest.raises(Forbidden, match="MEMBER or STAFF"):
        rpc.notifications.post_ask(None, ASK, caller=partner(OWNER))
    with pytest.raises(Forbidden, match="as itself"):
        rpc.notifications.answer_ask(ask["id"], ana, "Yes.", caller=member_caller(bo))
    answered = rpc.notifications.answer_ask(ask["id"], None, "We phased it out.", caller=member_caller(bo))
    assert [a["author_id"] for a in answered["answers"]] == [bo]
    assert rpc.notifications.get_asks([ask["id"]], caller=partner(OWNER))[0]["id"] == ask["id"]
    assert rpc.notifications.list_asks(caller=partner(OWNER))["total_count"] == 1


def test_an_ask_keeps_at_most_max_answers(members, notifications, rpc, database, monkeypatch, smtp):
    monkeypatch.setattr(asks, "MAX_ANSWERS", 2)
    ana = member(rpc, "Ana")
    ask = rpc.notifications.post_ask(None, ASK, caller=member_caller(ana))
    for i in range(2):
        rpc.notifications.answer_ask(ask["id"], None, f"answer {i}", caller=member_caller(ana))
    with pytest.raises(Conflict, match="already has 2 answers.*post a new ask"):
        rpc.notifications.answer_ask(ask["id"], None, "one more", caller=member_caller(ana))
    stored = database("notifications").asks.find_one({"_id": ask["id"]})
    assert len(stored["answers"]) == 2 and stored["version"] == 3


@pytest.mark.parametrize("data, fragment", [
    ({**ASK, "subject": "Tip credit?\nBcc: everyone@example.org"}, "control character '\\n'"),
    ({**ASK, "subject": "Tip\rcredit"}, "control character '\\r'"),
    ({**ASK, "subject": "x" * (asks.SUBJECT_MAX + 1)}, f"the limit is {asks.SUBJECT_MAX}"),
    ({**ASK, "body": "x" * (asks.BODY_MAX + 1)}, f"the limit is {asks.BODY_MAX}"),
])
def test_an_ask_subject_is_one_bounded_line_and_its_body_bounded(members, notifications, rpc, database, data,
                                                                  fragment):
    ana = member(rpc, "Ana")
    with pytest.raises(BadInput) as err:
        rpc.notifications.post_ask(None, data, caller=member_caller(ana))
    assert fragment in str(err.value)
    assert database("notifications").asks.count_documents({}) == 0


def forged(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


TAMPERED = [
    forged([{"$gt": 0}, {"$gt": ""}]),  # the old, unchecked shape, with store operators in it
    forged({"v": 1, "k": "deliveries", "t": "is", "p": [{"$gt": 0}, "x"]}),
    forged({"v": 1, "k": "asks", "t": "fs", "p": [{"$ne": None}, "x"]}),
    paging.encode(["x", 1], "deliveries"),  # the right list, the wrong types
    paging.encode([1.5, "x"], "asks"),
    "not base64 at all!",
    "A" * 5000,
]


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_deliveries_cursor_is_bad_input(notifications, rpc, cursor):
    sub = as_staff(rpc).create_subscription(OWNER, email_subscription())["subscription"]["id"]
    with pytest.raises(BadInput, match="cursor"):
        as_staff(rpc).list_deliveries(sub, after=cursor)


@pytest.mark.parametrize("cursor", TAMPERED[:3] + [paging.encode([1, "x"], "deliveries"), TAMPERED[-1]])
def test_a_tampered_asks_cursor_is_bad_input(notifications, rpc, cursor):
    with pytest.raises(BadInput, match="cursor"):
        as_staff(rpc).list_asks(after=cursor)
