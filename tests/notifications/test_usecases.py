"""Notifications' use cases against the in-memory repository, in microseconds: who owns a
subscription, how many one owner and one ask may have, and that whatever is refused
changes nothing. The same paths over the broker and the store are in test_access.py,
test_asks.py and test_webhooks.py."""
import pytest

from clearinghouse.caller import Caller
from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated
from services.notifications import asks, domain, usecases
from services.notifications.ssrf import Refused
from tests.notifications.memory import InMemoryNotificationsRepository
from tests.support import STAFF, member_caller, partner

OWNER = "org_00000000000000aa"
OTHER = "org_00000000000000bb"
ANA, BO = "mem_00000000000000aa", "mem_00000000000000bb"
NOW = 1_767_225_600.0  # 2026-01-01
EMAIL = {"channel": "email", "email": "a@example.org"}


class Guard:
    """The SSRF guard's answer for a URL: refused if its host says so."""

    def addresses(self, url):
        if "internal" in url:
            raise Refused("the address is private")
        return url, []


class Members:
    """The members service as the use cases call it: the members who exist, paged."""

    def __init__(self, *people):
        self.people = {p["id"]: p for p in people}
        self.pages = 0
        self.calls = []

    def get_member(self, member_id):
        self.calls.append(("get_member", member_id))
        if member_id not in self.people:
            raise NotFound(f"no member {member_id!r}")
        return self.people[member_id]

    def get_members(self, ids):
        self.calls.append(("get_members", ids))
        return [self.people.get(i) for i in ids]

    def list_members(self, filter, first, after, caller):
        assert caller == STAFF  # the followers' emails are private
        found = [p for p in self.people.values() if filter["issue_area"] in p["issue_areas"]
                 and p["status"] == filter["status"]]
        start = int(after or 0)
        self.pages += 1
        self.calls.append(("list_members", after))
        return {"edges": [{"node": p} for p in found[start:start + first]],
                "page_info": {"has_next_page": start + first < len(found), "end_cursor": str(start + first)}}


def person(member_id, name, issue_areas=("minimum-wage",), status="active"):
    return {"id": member_id, "name": name, "status": status, "issue_areas": list(issue_areas),
            "email": f"{name.lower()}@example.org"}


@pytest.fixture
def repo():
    return InMemoryNotificationsRepository()


def create(repo, caller, owner_id=None, data=EMAIL):
    return usecases.create_subscription(repo, Guard(), Caller.of(caller), owner_id, data, NOW)


def refused_and_unchanged(repo, error, call, match=None):
    before = repo.snapshot()
    with pytest.raises(error, match=match):
        call()
    assert repo.snapshot() == before


# -- subscriptions -------------------------------------------------------------------------
def test_a_partner_owns_what_it_creates_and_another_partner_sees_a_missing_one(repo):
    made = create(repo, partner(OWNER))
    sub_id = made["subscription"]["id"]
    assert made["subscription"]["owner_id"] == OWNER and made["secret"] == ""
    assert [s["id"] for s in usecases.list_subscriptions(repo, Caller.of(partner(OWNER)), None)] == [sub_id]
    assert usecases.list_subscriptions(repo, Caller.of(partner(OTHER)), None) == []
    missing = "sub_0123456789abcdef"
    for subscription_id in (sub_id, missing):
        with pytest.raises(NotFound) as err:
            usecases.get_subscription(repo, Caller.of(partner(OTHER)), subscription_id)
        assert str(err.value) == f"no subscription {subscription_id!r} of yours"
    assert usecases.get_subscription(repo, Caller.of(STAFF), sub_id)["id"] == sub_id
    refused_and_unchanged(repo, Forbidden, lambda: create(repo, partner(OWNER), OTHER), "leave owner_id out")
    refused_and_unchanged(repo, Forbidden, lambda: usecases.list_subscriptions(repo, Caller.of(partner(OTHER)), OWNER),
                          "only your own")
    refused_and_unchanged(repo, NotFound, lambda: usecases.delete_subscription(repo, Caller.of(partner(OTHER)),
                                                                               sub_id))
    refused_and_unchanged(repo, Unauthenticated, lambda: create(repo, None))


def test_one_owner_may_have_so_many_subscriptions_and_no_more(repo):
    for n in range(domain.MAX_SUBSCRIPTIONS):
        create(repo, partner(OWNER), data={**EMAIL, "email": f"a{n}@example.org"})
    refused_and_unchanged(repo, Conflict, lambda: create(repo, partner(OWNER)), "already has 50 subscriptions")
    refused_and_unchanged(repo, Conflict, lambda: create(repo, STAFF, OWNER), "already has 50 subscriptions")
    assert create(repo, partner(OTHER))["subscription"]["owner_id"] == OTHER  # another owner has room


@pytest.mark.parametrize("data, error, fragment", [
    ({"channel": "pigeon"}, BadInput, "channel 'pigeon' is not allowed"),
    ({"channel": "webhook", "url": "https://hooks.internal.example/h"}, Refused, "private"),
    ({"channel": "email", "email": "a@example.org", "colour": "red"}, BadInput, "unknown fields"),
])
def test_an_invalid_or_refused_subscription_changes_nothing(repo, data, error, fragment):
    refused_and_unchanged(repo, error, lambda: create(repo, STAFF, OWNER, data), fragment)


def test_a_webhook_gets_a_secret_that_a_rotation_replaces_and_pausing_parks_its_queue(repo):
    made = create(repo, partner(OWNER), data={"channel": "webhook", "url": "https://hooks.partner.example/h"})
    sub_id, caller = made["subscription"]["id"], Caller.of(partner(OWNER))
    assert made["secret"].startswith("whsec_")
    rotated = usecases.rotate_secret(repo, caller, sub_id, NOW + 1)
    assert rotated["secret"] != made["secret"]
    assert domain.signing_secrets(repo.subscription(sub_id), NOW + 2) == [rotated["secret"], made["secret"]]
    sub = repo.subscription(sub_id)
    repo.insert_deliveries([domain.new_delivery(sub, {"id": "evt_1", "type": "toolkit.published"}, 1, NOW)])
    assert usecases.set_subscription_active(repo, caller, sub_id, False, NOW + 3)["active"] is False
    page = usecases.list_deliveries(repo, caller, sub_id, "PARKED", 10, None)
    assert [e["node"]["last_error"] for e in page["edges"]] == ["subscription paused by its owner"]
    refused_and_unchanged(repo, Conflict, lambda: usecases.replay_deliveries(repo, caller, sub_id,
                                                                             "2020-01-01T00:00:00Z", NOW),
                          "set it active before replaying")
    usecases.set_subscription_active(repo, caller, sub_id, True, NOW + 4)
    assert usecases.replay_deliveries(repo, caller, sub_id, "2020-01-01T00:00:00Z", NOW + 5) == 1
    refused_and_unchanged(repo, BadInput, lambda: usecases.list_deliveries(repo, caller, sub_id, "lost", 10, None),
                          "status")
    refused_and_unchanged(repo, BadInput, lambda: usecases.set_subscription_active(repo, caller, sub_id, "no",
                                                                                   NOW), "true or false")


# -- asks ----------------------------------------------------------------------------------
def test_a_member_asks_as_itself_and_an_unknown_author_is_refused(repo):
    members = Members(person(ANA, "Ana"))
    ask = usecases.post_ask(repo, members, Caller.of(member_caller(ANA)), None,
                            {"issue_area": "minimum-wage", "subject": "Tip credit?", "body": "Did you keep one?"}, NOW)
    assert ask["author_id"] == ANA and ask["answers"] == [] and ask["version"] == 1
    assert [e["type"] for e in repo.outbox("asks", ask["id"])] == ["ask.posted"]
    data = {"issue_area": "minimum-wage", "subject": "S", "body": "B"}
    refused_and_unchanged(repo, Forbidden, lambda: usecases.post_ask(repo, members, Caller.of(member_caller(ANA)),
                                                                     BO, data, NOW), "as itself")
    refused_and_unchanged(repo, BadInput, lambda: usecases.post_ask(repo, members, Caller.of(STAFF), BO, data, NOW),
                          "not a member of the network")
    refused_and_unchanged(repo, BadInput, lambda: usecases.post_ask(repo, members, Caller.of(STAFF), ANA,
                                                                    {**data, "subject": "a\nb"}, NOW))
    assert usecases.get_asks(repo, Caller.of(partner(OWNER)), [ask["id"], "ask_0123456789abcdef"]) == [ask, None]


def test_an_ask_keeps_so_many_answers_and_no_more(repo):
    members = Members(person(ANA, "Ana"), person(BO, "Bo"))
    ask = usecases.post_ask(repo, members, Caller.of(member_caller(ANA)), None,
                            {"issue_area": "minimum-wage", "subject": "Tip credit?", "body": "B"}, NOW)
    full = {**repo.ask(ask["id"]), "answers": [{"author_id": BO, "body": "x", "posted_at": "2026-01-01T00:00:00.000Z"}]
            * asks.MAX_ANSWERS}
    repo.modify_ask(ask["id"], lambda a: (full, []))
    refused_and_unchanged(repo, Conflict, lambda: usecases.answer_ask(repo, members, Caller.of(member_caller(BO)),
                                                                      ask["id"], None, "One more", NOW),
                          "already has 200 answers")
    refused_and_unchanged(repo, BadInput, lambda: usecases.answer_ask(repo, members, Caller.of(member_caller(BO)),
                                                                      ask["id"], None, "", NOW))


def test_an_ask_is_emailed_once_to_each_active_follower_but_its_author(repo, monkeypatch):
    monkeypatch.setattr(usecases, "MEMBERS_PAGE", 2)  # the followers span pages
    members = Members(person(ANA, "Ana"), *[person(f"mem_{n:016x}", f"F{n}") for n in range(3)],
                      person("mem_00000000000000ee", "Elsewhere", ["paid-sick-leave"]),
                      person("mem_00000000000000ff", "Lapsed", status="lapsed"))
    ask = usecases.post_ask(repo, members, Caller.of(STAFF), ANA,
                            {"issue_area": "minimum-wage", "subject": "Tip credit?", "body": "B"}, NOW)
    [posted] = [e["data"] for e in repo.outbox("asks", ask["id"])]
    reads = len(members.calls)
    assert usecases.queue_ask_emails(repo, members, posted, NOW) == 3 and members.pages == 2
    assert usecases.queue_ask_emails(repo, members, posted, NOW) == 0  # a redelivered ask.posted
    # one trip: the event carried the ask and its author's name; only the followers are read
    assert {name for name, _ in members.calls[reads:]} == {"list_members"}
    emails = repo.documents("ask_emails")
    assert sorted(e["email"] for e in emails) == ["f0@example.org", "f1@example.org", "f2@example.org"]
    assert all(e["subject"] == "[Ask the network | Minimum wage] Tip credit?" for e in emails)
    assert all(e["body"].startswith("Ana asks the network") for e in emails)
