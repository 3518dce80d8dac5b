"""Notifications' pure rules: matching, the schedule, outcomes, secrets, digests, asks."""
import datetime as dt
import random

import pytest
from standardwebhooks.webhooks import Webhook

from clearinghouse.errors import BadInput
from clearinghouse.events import cloudevent
from services.notifications import asks, digest, domain, signing
from services.notifications.domain import Outcome

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"


def sub(**fields):
    base = {"id": "sub_0000000000000001", "owner_id": "org_0000000000000001", "channel": "webhook",
            "mode": "realtime", "event_types": [], "issue_areas": [], "states": [], "active": True}
    return {**base, **fields}


def status_changed(state="pa", issue_area="paid-sick-leave", jurisdiction=PGH):
    return cloudevent("ordinance.status_changed", "ordinance/ord_1", {
        "id": "ord_1", "version": 2, "from": "passed", "to": "struck_down", "action": "struck_down",
        "jurisdiction": jurisdiction, "state": state, "issue_area": issue_area, "title": "Paid Sick Days"})


def member_joined(jurisdictions, issue_areas=("minimum-wage",)):
    return cloudevent("member.joined", "member/mem_1", {
        "id": "mem_1", "version": 1, "name": "Ana", "status": "active", "issue_areas": list(issue_areas),
        "offices": [{"jurisdiction": j, "end_date": None} for j in jurisdictions]})


def test_empty_filters_match_everything_and_set_filters_need_a_value():
    event = status_changed()
    assert domain.matches(sub(), event)
    assert domain.matches(sub(event_types=["ordinance.status_changed"], issue_areas=["paid-sick-leave"],
                              states=["pa"]), event)
    assert not domain.matches(sub(event_types=["toolkit.published"]), event)
    assert not domain.matches(sub(issue_areas=["minimum-wage"]), event)
    assert not domain.matches(sub(states=["az"]), event)
    assert not domain.matches(sub(active=False), event)
    left = cloudevent("member.left", "member/mem_1", {"id": "mem_1", "version": 3, "name": "A", "status": "lapsed"})
    assert not domain.matches(sub(issue_areas=["minimum-wage"]), left)  # it names no issue area


def test_states_come_from_the_state_the_jurisdiction_or_current_offices():
    assert domain.event_states(status_changed(state=None)) == {"pa"}
    assert domain.event_states(member_joined([PGH, "ocd-division/country:us/state:az/place:tempe"])) == {"pa", "az"}
    assert domain.matches(sub(states=["az"], issue_areas=["minimum-wage"]),
                          member_joined(["ocd-division/country:us/state:az/place:tempe"]))


def test_backoff_follows_the_schedule_with_only_added_jitter_then_stops():
    rng = random.Random(7)
    for n, base in enumerate(domain.SCHEDULE, start=1):
        for _ in range(20):
            assert base <= domain.backoff(n, rng) <= base * (1 + domain.JITTER)
    assert domain.backoff(len(domain.SCHEDULE) + 1, rng) is None
    assert len({domain.backoff(1, rng) for _ in range(10)}) > 1  # jittered


def delivery(attempts=0):
    return {"attempts": attempts}


def test_outcomes_decide_the_delivery():
    changes, verdict = domain.after_attempt(delivery(), Outcome(200), 1000.0)
    assert verdict == "succeeded" and changes["status"] == "succeeded" and changes["due_at"] is None
    changes, verdict = domain.after_attempt(delivery(), Outcome(500), 1000.0, random.Random(1))
    assert verdict == "retrying" and 1005 <= changes["due_at"] <= 1006
    changes, verdict = domain.after_attempt(delivery(), Outcome(410), 1000.0)
    assert verdict == "gone" and changes["status"] == "parked"
    changes, verdict = domain.after_attempt(delivery(len(domain.SCHEDULE)), Outcome(500), 1000.0)
    assert verdict == "parked" and changes["attempts"] == len(domain.SCHEDULE) + 1
    changes, verdict = domain.after_attempt(delivery(), Outcome(301), 1000.0)
    assert verdict == "retrying" and "redirects are not followed" in changes["last_error"]
    changes, _ = domain.after_attempt(delivery(), Outcome(error="timed out after 15s"), 1000.0)
    assert changes["last_status_code"] is None and changes["last_error"] == "timed out after 15s"


def test_retry_after_is_honoured_within_bounds_and_only_on_429_and_503():
    assert domain.after_attempt(delivery(), Outcome(429, retry_after=600), 0)[0]["due_at"] == 600
    assert domain.after_attempt(delivery(), Outcome(503, retry_after=0), 0)[0]["due_at"] == domain.SCHEDULE[0]
    assert domain.after_attempt(delivery(), Outcome(503, retry_after=10 ** 9), 0)[0]["due_at"] == domain.MAX_RETRY_AFTER
    assert domain.after_attempt(delivery(), Outcome(500, retry_after=600), 0, random.Random(1))[0]["due_at"] < 10


def test_retry_after_parses_seconds_and_http_dates():
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc).timestamp()
    assert domain.parse_retry_after("120", now) == 120
    assert domain.parse_retry_after("Sun, 01 Mar 2026 12:10:00 GMT", now) == 600
    assert domain.parse_retry_after("soon", now) is None
    assert domain.parse_retry_after(None, now) is None


def test_a_subscription_failing_for_days_is_disabled_and_a_success_resets_it():
    s = sub(failing_since=None)
    assert domain.subscription_after(s, "retrying", 100.0) == {"failing_since": 100.0}
    s["failing_since"] = 100.0
    assert domain.subscription_after(s, "retrying", 100.0 + domain.DISABLE_AFTER - 1) is None
    changes = domain.subscription_after(s, "parked", 100.0 + domain.DISABLE_AFTER)
    assert changes["active"] is False and "every attempt failed" in changes["disabled_reason"]
    assert domain.subscription_after(s, "succeeded", 200.0) == {"failing_since": None}
    assert "410" in domain.subscription_after(sub(), "gone", 5.0)["disabled_reason"]


def test_our_signature_is_the_standard_webhooks_signature():
    secret = signing.new_secret()
    when = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    body = b'{"hello":"network"}'
    ours = signing.signature(secret, "msg_1", int(when.timestamp()), body)
    assert ours == Webhook(secret).sign("msg_1", when, body.decode())


def test_rotation_signs_with_both_secrets_until_the_overlap_ends():
    s = domain.new_subscription("org_0000000000000001", {"channel": "webhook"}, "whsec_old", 0.0)
    rotated = domain.rotate(s, "whsec_new", 100.0)
    assert domain.signing_secrets(rotated, 100.0) == ["whsec_new", "whsec_old"]
    assert domain.signing_secrets(rotated, 100.0 + domain.ROTATION_OVERLAP + 1) == ["whsec_new"]
    again = domain.rotate(rotated, "whsec_newer", 100.0 + domain.ROTATION_OVERLAP + 1)
    assert [x["secret"] for x in again["secrets"]] == ["whsec_newer", "whsec_new"]
    real = domain.rotate(domain.new_subscription("org_0000000000000001", {"channel": "webhook"},
                                                 signing.new_secret(), 0.0), signing.new_secret(), 100.0)
    h = signing.headers(domain.signing_secrets(real, 100.0), "id", 5, b"{}").get("webhook-signature")
    assert len(h.split(" ")) == 2 and all(part.startswith("v1,") for part in h.split(" "))


def test_subscription_input_is_checked():
    fields = domain.check_subscription({"channel": "email", "email": "a@example.org", "states": ["PA", "pa"],
                                        "event_types": ["toolkit.published", "toolkit.published"]})
    assert fields["states"] == ["pa"] and fields["event_types"] == ["toolkit.published"]
    with pytest.raises(BadInput, match="takes url, not email"):
        domain.check_subscription({"channel": "webhook", "url": "https://x.example", "email": "a@example.org"})


def test_a_digest_groups_by_type_and_says_what_happened():
    subject, body = digest.digest_message("2026-03-01", [status_changed(), status_changed(state="az"),
                                                         member_joined([PGH])])
    assert subject == "[Clearinghouse] Daily digest for 2026-03-01: 3 events"
    assert "member.joined (1)" in body and "ordinance.status_changed (2)" in body
    assert "Paid Sick Days (passed → struck_down, Pittsburgh, PA, Paid sick leave)" in body


def test_an_ask_goes_to_active_followers_with_an_email_once_and_not_to_its_author():
    people = [{"id": "mem_a", "status": "active", "email": "a@x.org"},
              {"id": "mem_b", "status": "active", "email": "b@x.org"},
              {"id": "mem_c", "status": "active", "email": "B@x.org"},
              {"id": "mem_d", "status": "prospect", "email": "d@x.org"},
              {"id": "mem_e", "status": "active", "email": None}]
    assert [r["member_id"] for r in asks.recipients(people, "mem_a")] == ["mem_b"]


def test_an_unsendable_message_is_parked_at_once_and_says_nothing_of_the_endpoint():
    delivery = {"attempts": 0}
    changes, verdict = domain.after_attempt(delivery, Outcome(error="cannot be built", unsendable=True), 100.0)
    assert verdict == "unsendable" and changes["status"] == "parked" and changes["due_at"] is None
    assert changes["last_error"] == "cannot be built" and changes["attempts"] == 1
    assert domain.subscription_after({"failing_since": None}, "unsendable", 100.0) is None


def test_the_mailer_refuses_a_header_with_a_newline_before_any_smtp():
    from services.notifications.mail import Mailer, Unsendable
    mailer = Mailer(None)  # no SMTP_URL: building must fail before a connection is wanted
    with pytest.raises(Unsendable, match="cannot be built"):
        mailer.send("ana@example.org", "Tip credit?\nBcc: everyone@example.org", "body")
    assert mailer.message("ana@example.org", "Tip credit?", "body")["Subject"] == "Tip credit?"
