"""Network asks with the real members service: an ask reaches exactly the active members
who follow its issue area, answers are kept with it, and its events go out."""
from email.header import decode_header, make_header

import pytest

from clearinghouse.errors import BadInput, NotFound
from services.notifications import usecases
from tests.support import STAFF, wait_until
from tests.support.notifications import as_staff


@pytest.fixture
def tap(notifications, event_tap):
    return event_tap("notifications.events")


def member(rpc, name, issue_areas, status="active", email=True):
    data = {"name": name, "status": status, "issue_areas": issue_areas}
    if email:
        data["email"] = f"{name.split()[0].lower()}@example.org"
    return rpc.members.create_member(data, caller=STAFF)["id"]


def test_an_ask_reaches_exactly_the_members_who_follow_its_issue_area(
        members, notifications, rpc, smtp, database, monkeypatch):
    monkeypatch.setattr(usecases, "MEMBERS_PAGE", 2)  # make the follower list span pages
    author = member(rpc, "Alex Asker", ["paid-sick-leave"])
    followers = [member(rpc, f"{n} Follower", ["paid-sick-leave", "minimum-wage"]) for n in ("Bea", "Cy", "Dee")]
    member(rpc, "Eve Elsewhere", ["minimum-wage"])
    member(rpc, "Fay Prospect", ["paid-sick-leave"], status="prospect")
    member(rpc, "Gus Lapsed", ["paid-sick-leave"], status="lapsed")
    member(rpc, "Hal Noemail", ["paid-sick-leave"], email=False)
    ask = as_staff(rpc).post_ask(author, {"issue_area": "paid-sick-leave", "subject": "Accrual for part-timers?",
                                              "body": "How did you handle accrual for part-time workers?"})
    wait_until(lambda: len(smtp.messages()) >= 3, message="three emails")
    emails = database("notifications").ask_emails
    wait_until(lambda: emails.count_documents({"status": "succeeded"}) == 3, message="three sent")
    assert emails.count_documents({}) == 3
    got = sorted(m["To"] for m in smtp.messages())
    assert got == ["bea@example.org", "cy@example.org", "dee@example.org"]
    assert {e["member_id"] for e in emails.find()} == set(followers)
    message = smtp.messages()[0]
    subject = " ".join(str(make_header(decode_header(message["Subject"]))).split())
    assert subject == "[Ask the network | Paid sick leave] Accrual for part-timers?"
    body = message.get_payload(decode=True).decode()
    assert "Alex Asker asks the network" in body and "part-time workers" in body and ask["id"] in body


def test_answers_are_kept_with_the_ask_and_events_go_out(members, notifications, rpc, tap, smtp):
    author = member(rpc, "Alex Asker", ["minimum-wage"])
    answerer = member(rpc, "Bea Answerer", ["minimum-wage"])
    ask = as_staff(rpc).post_ask(author, {"issue_area": "minimum-wage", "subject": "Tip credit?",
                                              "body": "Did anyone keep a tip credit?"})
    assert ask["answers"] == [] and ask["version"] == 1 and ask["author_id"] == author
    answered = as_staff(rpc).answer_ask(ask["id"], answerer, "We phased it out over three years.")
    assert answered["version"] == 2
    assert [(a["author_id"], a["body"]) for a in answered["answers"]] == [
        (answerer, "We phased it out over three years.")]
    assert as_staff(rpc).get_ask(ask["id"]) == answered
    events = tap.wait_for(2)
    assert [e["type"] for e in events] == ["ask.posted", "ask.answered"]
    assert events[0]["data"]["subject"] == "Tip credit?" and events[0]["data"]["author_id"] == author
    assert events[1]["data"]["answer_count"] == 1 and events[1]["subject"] == f"ask/{ask['id']}"


def test_asks_list_newest_first_by_issue_area(members, notifications, rpc, smtp):
    author = member(rpc, "Alex Asker", ["minimum-wage"])
    made = [as_staff(rpc).post_ask(author, {"issue_area": area, "subject": f"Q{i}", "body": "?"})["id"]
            for i, area in enumerate(["minimum-wage", "paid-sick-leave", "minimum-wage", "minimum-wage"])]
    page = as_staff(rpc).list_asks(issue_area="minimum-wage", first=2)
    assert page["total_count"] == 3 and page["page_info"]["has_next_page"]
    rest = as_staff(rpc).list_asks(issue_area="minimum-wage", first=2, after=page["page_info"]["end_cursor"])
    assert [e["node"]["id"] for e in page["edges"] + rest["edges"]] == [made[3], made[2], made[0]]
    assert [a and a["id"] for a in as_staff(rpc).get_asks([made[1], "ask_0123456789abcdef"])] == [made[1], None]


def test_ask_events_reach_subscriptions_that_filter_on_them(members, notifications, rpc, receiver, smtp):
    as_staff(rpc).create_subscription("org_00000000000000aa", {
        "channel": "webhook", "url": receiver.url("/asks"), "event_types": ["ask.posted"],
        "issue_areas": ["paid-sick-leave"]})
    author = member(rpc, "Alex Asker", ["paid-sick-leave"])
    ask = as_staff(rpc).post_ask(author, {"issue_area": "paid-sick-leave", "subject": "S", "body": "B"})
    event = wait_until(lambda: receiver.events("/asks"), message="the ask webhook")[0]
    assert event["type"] == "ask.posted" and event["data"]["id"] == ask["id"]


@pytest.mark.parametrize("author, data, fragment", [
    ("mem_0123456789abcdef", {"issue_area": "minimum-wage", "subject": "S", "body": "B"}, "not a member"),
    ("someone", {"issue_area": "minimum-wage", "subject": "S", "body": "B"}, "not a valid id"),
    (None, {"issue_area": "free-ponies", "subject": "S", "body": "B"}, "not a known issue area"),
    (None, {"issue_area": "minimum-wage", "subject": "", "body": "B"}, "subject must not be empty"),
    (None, {"issue_area": "minimum-wage", "subject": "S"}, "body is required"),
    (None, {"issue_area": "minimum-wage", "subject": "S", "body": "B", "cc": "all"}, "unknown fields ['cc']"),
])
def test_invalid_asks_are_refused_and_change_nothing(members, notifications, rpc, database, author, data, fragment):
    author = author or member(rpc, "Alex Asker", ["minimum-wage"])
    with pytest.raises(BadInput) as err:
        as_staff(rpc).post_ask(author, data)
    assert fragment in str(err.value)
    assert database("notifications").asks.count_documents({}) == 0


def test_answering_a_missing_ask_is_not_found(members, notifications, rpc):
    author = member(rpc, "Alex Asker", ["minimum-wage"])
    with pytest.raises(NotFound):
        as_staff(rpc).answer_ask("ask_0123456789abcdef", author, "hello")
    with pytest.raises(BadInput, match="body must not be empty"):
        as_staff(rpc).answer_ask("ask_0123456789abcdef", author, "  ")


def test_posting_an_ask_while_members_is_down_is_unavailable_and_stores_nothing(
        notifications, rpc, database, monkeypatch, amqp_uri):
    from clearinghouse.errors import Unavailable
    import kombu
    # the members queue exists (declared once) but nobody consumes it: a call would wait for ever
    with kombu.Connection(amqp_uri) as conn:
        kombu.Queue("rpc-members", kombu.Exchange("nameko-rpc", type="topic", durable=True),
                    routing_key="members.*", durable=True)(conn.default_channel).declare()
    from clearinghouse.rpc import ServiceRpc
    from nameko.testing.utils import get_extension
    monkeypatch.setattr(get_extension(notifications, ServiceRpc), "timeout", 0.5)
    with pytest.raises(Unavailable, match="members service did not answer"):
        as_staff(rpc).post_ask("mem_0123456789abcdef", {"issue_area": "minimum-wage", "subject": "S", "body": "B"})
    assert database("notifications").asks.count_documents({}) == 0
