"""Subscriptions, deliveries and asks through the gateway with the real members, toolkits
and notifications services: a partner sees and manages only its own."""
import pytest

from tests.support import PGH, STAFF, wait_until
from tests.support.gateway import code


SUBSCRIBE = """mutation($input: EventSubscriptionInput!) { createEventSubscription(input: $input) {
  secret subscription { id channel url eventTypes issueAreas states mode active disabledReason createdAt } } }"""
DELIVERIES = """query($id: ID!, $status: DeliveryStatus) { deliveries(subscriptionId: $id, status: $status) {
  totalCount edges { node { id eventId eventType status attempts lastAttemptAt lastStatusCode } } } }"""


@pytest.fixture
def subscription(gateway, keys, notifications, receiver):
    made = gateway.data(SUBSCRIBE, {"input": {"channel": "webhook", "url": receiver.url,
                                              "eventTypes": ["ordinance.status_changed"], "states": ["pa"]}},
                        key=keys["partner"])
    return made["createEventSubscription"]


def test_a_partner_subscribes_and_sees_only_its_own_subscriptions(gateway, keys, subscription, receiver):
    sub = subscription["subscription"]
    assert subscription["secret"].startswith("whsec_")
    assert sub["channel"] == "webhook" and sub["url"] == receiver.url and sub["active"] is True
    assert sub["eventTypes"] == ["ordinance.status_changed"] and sub["states"] == ["pa"] and sub["mode"] == "realtime"
    assert sub["createdAt"].endswith("Z")
    query = "{ eventSubscriptions { id } }"
    assert gateway.data(query, key=keys["partner"]) == {"eventSubscriptions": [{"id": sub["id"]}]}
    assert gateway.data(query, key=keys["other_partner"]) == {"eventSubscriptions": []}
    assert gateway.data(query, key=keys["staff"]) == {"eventSubscriptions": [{"id": sub["id"]}]}
    assert code(gateway.error(query)) == "UNAUTHENTICATED"


def test_another_partner_can_neither_see_nor_manage_a_subscription(gateway, keys, subscription, rpc):
    sub_id = subscription["subscription"]["id"]
    attempts = [
        (DELIVERIES, {"id": sub_id}),
        ("mutation($id: ID!) { rotateSubscriptionSecret(id: $id) { secret } }", {"id": sub_id}),
        ("mutation($id: ID!) { setEventSubscriptionActive(id: $id, active: false) { active } }", {"id": sub_id}),
        ("mutation($id: ID!) { deleteEventSubscription(id: $id) }", {"id": sub_id}),
        ('mutation($id: ID!) { replayDeliveries(subscriptionId: $id, since: "2020-01-01T00:00:00Z") }', {"id": sub_id}),
    ]
    for query, variables in attempts:
        error = gateway.error(query, variables, key=keys["other_partner"])
        assert code(error) == "NOT_FOUND", (query, error)
        assert "of yours" in error["message"]
        assert code(gateway.error(query, variables)) == "UNAUTHENTICATED"
    assert rpc.notifications.get_subscription(sub_id, caller=STAFF)["active"] is True


def test_an_ordinance_change_is_delivered_and_can_be_replayed(gateway, keys, subscription, toolkits, rpc, receiver):
    sub_id = subscription["subscription"]["id"]
    ordinance = rpc.toolkits.record_ordinance({"title": "Sick days", "jurisdiction": PGH, "issue_area": "paid-sick-leave"},
                                        caller=STAFF)
    gateway.data('mutation($id: ID!) { recordOrdinanceAction(ordinanceId: $id, action: {type: "introduced", '
                 'date: "2015-06-01"}) { status } }', {"id": ordinance["id"]}, key=keys["staff"])

    def succeeded():
        page = gateway.data(DELIVERIES, {"id": sub_id, "status": "SUCCEEDED"}, key=keys["partner"])["deliveries"]
        # edges, not totalCount: a page reads its rows, then counts, and the delivery may
        # succeed between the two
        return page if page["edges"] else None
    page = wait_until(succeeded, timeout=20, message="the webhook delivery")
    [edge] = page["edges"]
    assert edge["node"]["eventType"] == "ordinance.status_changed"
    assert edge["node"]["attempts"] == 1 and edge["node"]["lastStatusCode"] == 200
    assert b"ordinance.status_changed" in receiver.got[0]
    assert gateway.data(DELIVERIES, {"id": sub_id, "status": "PARKED"}, key=keys["partner"])["deliveries"][
        "totalCount"] == 0
    queued = gateway.data('mutation($id: ID!) { replayDeliveries(subscriptionId: $id, since: "2020-01-01T00:00:00Z") }',
                          {"id": sub_id}, key=keys["partner"])
    assert queued == {"replayDeliveries": 1}
    wait_until(lambda: len(receiver.got) == 2, timeout=20, message="the replayed delivery")
    error = gateway.error('mutation($id: ID!) { replayDeliveries(subscriptionId: $id, since: "yesterday") }',
                          {"id": sub_id}, key=keys["partner"])
    assert code(error) == "BAD_USER_INPUT" and "ISO 8601 with a zone" in error["message"]


def test_a_partner_rotates_pauses_and_deletes_its_subscription(gateway, keys, subscription):
    sub_id, partner = subscription["subscription"]["id"], keys["partner"]
    rotated = gateway.data("mutation($id: ID!) { rotateSubscriptionSecret(id: $id) { secret subscription { id } } }",
                           {"id": sub_id}, key=partner)["rotateSubscriptionSecret"]
    assert rotated["secret"] != subscription["secret"] and rotated["subscription"]["id"] == sub_id
    paused = gateway.data("mutation($id: ID!) { setEventSubscriptionActive(id: $id, active: false) { active disabledReason } }",
                          {"id": sub_id}, key=partner)["setEventSubscriptionActive"]
    assert paused == {"active": False, "disabledReason": "paused by its owner"}
    assert gateway.data("mutation($id: ID!) { deleteEventSubscription(id: $id) }", {"id": sub_id}, key=partner) == {
        "deleteEventSubscription": True}
    assert gateway.data("{ eventSubscriptions { id } }", key=partner) == {"eventSubscriptions": []}


def test_a_subscription_is_refused_with_the_services_reason(gateway, keys, notifications):
    error = gateway.error(SUBSCRIBE, {"input": {"channel": "webhook", "url": "https://hooks.example.org/x",
                                                "eventTypes": ["ordinance.vanished"]}}, key=keys["partner"])
    assert code(error) == "BAD_USER_INPUT" and "are not events we publish" in error["message"]
    error = gateway.error(SUBSCRIBE, {"input": {"channel": "email"}}, key=keys["partner"])
    assert code(error) == "BAD_USER_INPUT" and "email" in error["message"]


def test_staff_subscribe_with_a_key_of_their_own_and_see_everyones(gateway, keys, subscription, receiver):
    made = gateway.data(SUBSCRIBE, {"input": {"channel": "webhook", "url": receiver.url}},
                        key=keys["staff"])["createEventSubscription"]
    ids = {s["id"] for s in gateway.data("{ eventSubscriptions { id } }", key=keys["staff"])["eventSubscriptions"]}
    assert ids == {made["subscription"]["id"], subscription["subscription"]["id"]}
    assert gateway.data("{ eventSubscriptions { id } }", key=keys["partner"])["eventSubscriptions"] == [
        {"id": subscription["subscription"]["id"]}]


ASK = """mutation($input: AskInput!) { postAsk(input: $input) { id issueArea subject body postedAt
  author { name } answerConnection { totalCount edges { node { body } } } answers { body } } }"""


def test_members_ask_the_network_and_answer_and_partners_read(gateway, keys, notifications, rpc):
    member = keys["member"]
    asked = gateway.data(ASK, {"input": {"issueArea": "paid-sick-leave", "subject": "Small employers?",
                                         "body": "Did anyone exempt businesses under 5 employees?"}},
                         key=member)["postAsk"]
    assert asked["author"] == {"name": "Deb Gross"} and asked["answerConnection"] == {"totalCount": 0, "edges": []} \
        and asked["answers"] == [] and asked["postedAt"].endswith("Z")
    answered = gateway.data("mutation($id: ID!) { answerAsk(askId: $id, body: \"We did, in 2015.\") { "
                            "answerConnection { edges { node { body author { name } postedAt } } } } }", {"id": asked["id"]},
                            key=member)["answerAsk"]
    [answer] = [edge["node"] for edge in answered["answerConnection"]["edges"]]
    assert answer["body"] == "We did, in 2015." and answer["author"] == {"name": "Deb Gross"}
    listed = gateway.data('{ asks(issueArea: "paid-sick-leave") { totalCount edges { node { subject author { name } } } } }',
                          key=keys["partner"])["asks"]
    assert listed == {"totalCount": 1, "edges": [{"node": {"subject": "Small employers?", "author": {"name": "Deb Gross"}}}]}
    one = gateway.data(f'{{ ask(id: "{asked["id"]}") {{ subject }} }}', key=keys["staff"])
    assert one == {"ask": {"subject": "Small employers?"}}
    assert code(gateway.error("{ asks { totalCount } }")) == "UNAUTHENTICATED"
    error = gateway.error(ASK, {"input": {"issueArea": "paid-sick-leave", "subject": "s", "body": "b"}},
                          key=keys["partner"])
    assert code(error) == "FORBIDDEN" and "MEMBER or STAFF" in error["message"]
    error = gateway.error(ASK, {"input": {"issueArea": "free-ponies", "subject": "s", "body": "b"}}, key=member)
    assert code(error) == "BAD_USER_INPUT" and "not a known issue area" in error["message"]


ANSWERS = """query($id: ID!, $first: Int, $after: String) { ask(id: $id) { answerConnection(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { body author { name } } } } } }"""


def test_an_asks_answers_page_as_a_bounded_connection(gateway, keys, notifications, rpc):
    asked = gateway.data(ASK, {"input": {"issueArea": "minimum-wage", "subject": "Tip credit?", "body": "Kept it?"}},
                         key=keys["member"])["postAsk"]
    for n in range(3):
        gateway.data("mutation($id: ID!, $body: String!) { answerAsk(askId: $id, body: $body) { id } }",
                     {"id": asked["id"], "body": f"answer {n}"}, key=keys["member"])
    first = gateway.data(ANSWERS, {"id": asked["id"], "first": 2}, key=keys["partner"])["ask"]["answerConnection"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["body"] for e in first["edges"]] == ["answer 0", "answer 1"]
    assert first["edges"][0]["node"]["author"] == {"name": "Deb Gross"}
    rest = gateway.data(ANSWERS, {"id": asked["id"], "first": 2, "after": first["pageInfo"]["endCursor"]},
                        key=keys["partner"])["ask"]["answerConnection"]
    assert [e["node"]["body"] for e in rest["edges"]] == ["answer 2"] and rest["pageInfo"]["hasNextPage"] is False
    plain = gateway.data('query($id: ID!) { ask(id: $id) { all: answers { body } two: answers(first: 2) { body } } }',
                         {"id": asked["id"]}, key=keys["partner"])["ask"]
    assert len(plain["all"]) == 3 and [a["body"] for a in plain["two"]] == ["answer 0", "answer 1"]
    error = gateway.error('query($id: ID!) { ask(id: $id) { answers(first: 201) { body } } }', {"id": asked["id"]},
                          key=keys["partner"])
    assert code(error) == "BAD_USER_INPUT"
    for variables in ({"first": 101}, {"first": 2, "after": "eyJ2IjoxfQ=="}):
        error = gateway.error(ANSWERS, {"id": asked["id"], **variables}, key=keys["partner"])
        assert code(error) == "BAD_USER_INPUT", error


def test_an_ask_subject_with_a_newline_is_refused_through_the_gateway(gateway, keys, notifications, rpc):
    error = gateway.error(ASK, {"input": {"issueArea": "minimum-wage", "subject": "Tip\nBcc: all@example.org",
                                          "body": "b"}}, key=keys["member"])
    assert code(error) == "BAD_USER_INPUT" and "control character" in error["message"]
    assert gateway.data("{ asks { totalCount } }", key=keys["staff"]) == {"asks": {"totalCount": 0}}
