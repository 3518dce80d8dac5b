"""Webhook delivery on a real broker, the embedded store and a real local HTTP receiver.
The service clock is moved forward to live through days of retries without sleeping."""
import base64
import datetime as dt

import pytest
from prometheus_client import REGISTRY
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from clearinghouse.errors import BadInput, Conflict, NotFound
from clearinghouse.events import cloudevent
from services.notifications import domain
from tests.support import partner, wait_until
from tests.support.notifications import as_staff, ordinance_event, toolkit_event

OWNER = "org_00000000000000aa"


def subscribe(rpc, receiver, path="/hook", owner=OWNER, **filters):
    return as_staff(rpc).create_subscription(owner, {"channel": "webhook", "url": receiver.url(path), **filters})


def deliveries(rpc, sub_id, **kw):
    return [e["node"] for e in as_staff(rpc).list_deliveries(sub_id, first=100, **kw)["edges"]]


def ts(value):
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def only_delivery(rpc, sub_id, **expect):
    """Wait until the subscription's single delivery has the expected fields; return it."""
    def check():
        found = deliveries(rpc, sub_id)
        return found and all(found[0][k] == v for k, v in expect.items()) and found[0]
    return wait_until(check, message=f"delivery with {expect}")


def later(clock, courier, seconds):
    clock.advance(seconds)
    courier.wake()


def swept(courier):
    """Sweep now and wait until every chain the webhook lane has started has ended, so a
    count taken after it sees every attempt that was due."""
    courier.sweep()
    courier.scheduler.webhooks.pool.waitall()


def test_delivered_webhook_verifies_with_the_standard_webhooks_library(notifications, rpc, receiver, publish):
    succeeded = REGISTRY.get_sample_value("clearinghouse_deliveries_total",
                                          {"channel": "webhook", "outcome": "succeeded"}) or 0
    created = subscribe(rpc, receiver)
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) >= 24
    event = publish(ordinance_event())
    request = wait_until(lambda: receiver.received(), message="the webhook")[0]
    headers = request["headers"]
    assert headers["webhook-id"] == event["id"]
    assert headers["content-type"] == "application/json"
    assert Webhook(created["secret"]).verify(request["body"], headers) == event
    with pytest.raises(WebhookVerificationError):
        Webhook(as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": receiver.url("/x")})
                ["secret"]).verify(request["body"], headers)
    wait_until(lambda: REGISTRY.get_sample_value("clearinghouse_deliveries_total",
                                                 {"channel": "webhook", "outcome": "succeeded"}) == succeeded + 1,
               message="the delivery counted in the metrics")
    assert REGISTRY.get_sample_value("clearinghouse_delivery_attempt_seconds_count", {"channel": "webhook"}) >= 1


def test_during_a_rotation_both_secrets_sign_then_only_the_new_one(notifications, rpc, receiver, publish, clock):
    created = subscribe(rpc, receiver)
    old = created["secret"]
    new = as_staff(rpc).rotate_secret(created["subscription"]["id"])["secret"]
    assert new != old
    publish(ordinance_event())
    first = wait_until(lambda: receiver.received(), message="a webhook")[0]
    assert len(first["headers"]["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(first["body"], first["headers"])
    Webhook(new).verify(first["body"], first["headers"])

    clock.advance(domain.ROTATION_OVERLAP + 60)
    publish(ordinance_event(version=2))
    second = wait_until(lambda: receiver.received()[1:], message="a second webhook")[0]
    assert len(second["headers"]["webhook-signature"].split(" ")) == 1
    headers = {**second["headers"], "webhook-timestamp": str(int(clock.now()))}
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(second["body"], headers)
    # the library checks the timestamp against the real clock, so verify the HMAC itself
    from services.notifications.signing import signature
    assert second["headers"]["webhook-signature"] == signature(
        new, second["headers"]["webhook-id"], int(second["headers"]["webhook-timestamp"]), second["body"])


def test_a_duplicated_event_is_delivered_once_per_subscription(notifications, rpc, receiver, publish, database):
    a = subscribe(rpc, receiver, "/a")["subscription"]["id"]
    b = subscribe(rpc, receiver, "/b")["subscription"]["id"]
    event = ordinance_event()
    for _ in range(3):
        publish(event)
    marker = publish(ordinance_event(version=2))  # arrives after the duplicates
    wait_until(lambda: {r["headers"]["webhook-id"] for r in receiver.received("/b")} >= {marker["id"]},
               message="the marker event")
    wait_until(lambda: database("notifications").events.find_one({"_id": marker["id"]}))
    for sub, path in ((a, "/a"), (b, "/b")):
        ids = [r["headers"]["webhook-id"] for r in receiver.received(path)]
        assert ids.count(event["id"]) == 1
        assert as_staff(rpc).list_deliveries(sub)["total_count"] == 2


def test_filters_on_event_type_issue_area_and_state(notifications, rpc, receiver, publish):
    subscribe(rpc, receiver, "/all")
    subscribe(rpc, receiver, "/types", event_types=["toolkit.published"])
    subscribe(rpc, receiver, "/areas", issue_areas=["minimum-wage"])
    subscribe(rpc, receiver, "/states", states=["az"])
    subscribe(rpc, receiver, "/both", issue_areas=["paid-sick-leave"], states=["pa"])
    subscribe(rpc, receiver, "/members", event_types=["member.joined"], states=["pa"])
    joined = publish(cloudevent("member.joined", "member/mem_0123456789abcdef", {
        "id": "mem_0123456789abcdef", "version": 1, "name": "Deb", "status": "active", "issue_areas": [],
        "offices": [{"jurisdiction": "ocd-division/country:us/state:pa/place:pittsburgh", "end_date": None}]}))
    pa_sick = publish(ordinance_event())
    az_wage = publish(ordinance_event(state=None, issue_area="minimum-wage",
                                      jurisdiction="ocd-division/country:us/state:az/place:tempe"))
    kit = publish(toolkit_event())
    wait_until(lambda: len(receiver.received("/all")) == 4, message="four events on /all")
    wait_until(lambda: len(receiver.received()) == 4 + 1 + 2 + 1 + 1 + 1, message="every match")

    def got(path):
        return sorted(e["id"] for e in receiver.events(path))
    assert got("/types") == [kit["id"]]
    assert got("/areas") == sorted([az_wage["id"], kit["id"]])
    assert got("/states") == [az_wage["id"]]  # the state comes from the jurisdiction
    assert got("/both") == [pa_sick["id"]]
    assert got("/members") == [joined["id"]]  # from the members exchange, state from a current office


def test_failures_retry_on_the_backoff_schedule_with_jitter(notifications, rpc, receiver, publish, clock, courier):
    sub = subscribe(rpc, receiver, "/flaky")["subscription"]["id"]
    failures = 6
    receiver.script("/flaky", *[500] * failures)
    publish(ordinance_event())
    for attempt in range(1, failures + 1):
        d = only_delivery(rpc, sub, attempts=attempt, status="retrying")
        wait = ts(d["next_attempt_at"]) - ts(d["last_attempt_at"])
        base = domain.SCHEDULE[attempt - 1]
        assert base <= wait <= base * (1 + domain.JITTER) + 0.01, (attempt, wait)
        assert d["last_status_code"] == 500
        later(clock, courier, wait / 2)  # not due yet: nothing is attempted
        swept(courier)
        assert len(receiver.received("/flaky")) == attempt
        later(clock, courier, wait / 2 + 1)
        wait_until(lambda: len(receiver.received("/flaky")) == attempt + 1, message=f"attempt {attempt + 1}")
    only_delivery(rpc, sub, attempts=failures + 1, status="succeeded", next_attempt_at=None, last_status_code=200)
    ids = {r["headers"]["webhook-id"] for r in receiver.received("/flaky")}
    assert len(ids) == 1  # the same webhook-id on every retry


def test_the_schedule_spans_at_least_three_days():
    assert sum(domain.SCHEDULE) >= 3 * 24 * 3600
    assert list(domain.SCHEDULE[:6]) == [5, 300, 1800, 7200, 18000, 36000]


def test_retry_after_on_429_and_503_is_honoured(notifications, rpc, receiver, publish, clock, courier):
    sub = subscribe(rpc, receiver, "/busy")["subscription"]["id"]
    receiver.script("/busy", (429, {"Retry-After": "120"}), (503, {"Retry-After": "3600"}))
    publish(ordinance_event())
    d = only_delivery(rpc, sub, attempts=1, status="retrying", last_status_code=429)
    assert ts(d["next_attempt_at"]) - ts(d["last_attempt_at"]) == pytest.approx(120, abs=0.01)
    later(clock, courier, 100)
    swept(courier)
    assert len(receiver.received("/busy")) == 1  # the schedule alone would have retried after 5 s
    later(clock, courier, 21)
    d = only_delivery(rpc, sub, attempts=2, status="retrying", last_status_code=503)
    assert ts(d["next_attempt_at"]) - ts(d["last_attempt_at"]) == pytest.approx(3600, abs=0.01)
    later(clock, courier, 3601)
    only_delivery(rpc, sub, attempts=3, status="succeeded")


def test_410_gone_disables_the_subscription_and_parks_what_was_queued(notifications, rpc, receiver, publish):
    sub = subscribe(rpc, receiver, "/gone")["subscription"]["id"]
    receiver.script("/gone", 410)
    first = publish(ordinance_event())
    wait_until(lambda: as_staff(rpc).get_subscription(sub)["active"] is False, message="disabled")
    got = as_staff(rpc).get_subscription(sub)
    assert "410" in got["disabled_reason"]
    publish(ordinance_event(version=2))  # not matched while disabled
    marker_sub = subscribe(rpc, receiver, "/marker")["subscription"]["id"]
    publish(ordinance_event(version=3))
    wait_until(lambda: receiver.received("/marker"), message="the marker")
    found = deliveries(rpc, sub)
    assert [(d["event_id"], d["status"], d["last_status_code"]) for d in found] == [(first["id"], "parked", 410)]
    assert len(receiver.received("/gone")) == 1
    assert marker_sub


def test_a_redirect_is_a_failure_and_is_not_followed(notifications, rpc, receiver, publish):
    sub = subscribe(rpc, receiver, "/moved")["subscription"]["id"]
    receiver.script("/moved", (302, {"Location": receiver.url("/elsewhere")}))
    publish(ordinance_event())
    d = only_delivery(rpc, sub, status="retrying", last_status_code=302)
    assert "redirect" in d["last_error"]
    assert receiver.received("/elsewhere") == []


def test_an_unreachable_endpoint_is_retried_with_the_error_kept(notifications, rpc, receiver, publish):
    receiver.close()  # nothing listens on its port any more
    sub = subscribe(rpc, receiver, "/down")["subscription"]["id"]
    publish(ordinance_event())
    d = only_delivery(rpc, sub, status="retrying", attempts=1)
    assert d["last_status_code"] is None and "Connection" in d["last_error"]


def test_a_slow_endpoint_times_out(receiver, notifications_settings):
    import eventlet
    from services.notifications import delivery
    from services.notifications.ssrf import Guard

    def slow(*args):
        eventlet.sleep(5)
    import http.server
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Slow", (http.server.BaseHTTPRequestHandler,),
                                                                    {"do_POST": slow, "log_message": slow}))
    eventlet.spawn_n(server.serve_forever)
    try:
        outcome = delivery.post(Guard(notifications_settings), f"http://127.0.0.1:{server.server_address[1]}/",
                                {}, b"{}", 0, timeout=0.3)
    finally:
        server.shutdown()
    assert not outcome.ok and "timed out" in outcome.error
    assert domain.TIMEOUT == 15.0


def test_exhausted_schedule_parks_and_days_of_failure_disable_then_replay_delivers(
        notifications, rpc, receiver, publish, clock, courier):
    sub = subscribe(rpc, receiver, "/dead")["subscription"]["id"]
    receiver.default = 500
    started = clock.now()
    first = publish(ordinance_event())
    for attempt in range(1, len(domain.SCHEDULE) + 1):
        d = only_delivery(rpc, sub, attempts=attempt, status="retrying")
        later(clock, courier, ts(d["next_attempt_at"]) - clock.now() + 1)
    only_delivery(rpc, sub, attempts=len(domain.SCHEDULE) + 1, status="parked", next_attempt_at=None)
    assert clock.now() - started >= 3 * 24 * 3600
    assert as_staff(rpc).get_subscription(sub)["active"] is True  # parked, not yet disabled

    second = publish(ordinance_event(version=2))
    while as_staff(rpc).get_subscription(sub)["active"]:
        d = wait_until(lambda: deliveries(rpc, sub, status="retrying") or
                       not as_staff(rpc).get_subscription(sub)["active"], message="a retry or the end")
        if d is True:
            break
        later(clock, courier, ts(d[0]["next_attempt_at"]) - clock.now() + 1)
        wait_until(lambda: deliveries(rpc, sub)[0]["attempts"] > d[0]["attempts"], message="the next attempt")
    got = as_staff(rpc).get_subscription(sub)
    assert "every attempt failed" in got["disabled_reason"]
    assert clock.now() - started >= domain.DISABLE_AFTER
    assert [d["status"] for d in deliveries(rpc, sub)] == ["parked", "parked"]
    since = domain.iso(started - 60)
    with pytest.raises(Conflict, match="set it active"):
        as_staff(rpc).replay_deliveries(sub, since)

    receiver.default = 200
    failed_so_far = len(receiver.received("/dead"))
    as_staff(rpc).set_subscription_active(sub, True)
    assert as_staff(rpc).replay_deliveries(sub, since) == 2
    wait_until(lambda: as_staff(rpc).list_deliveries(sub, status="succeeded")["total_count"] == 2,
               message="both replayed")
    replayed = [r["headers"]["webhook-id"] for r in receiver.received("/dead")[failed_so_far:]]
    assert replayed == [first["id"], second["id"]]


def test_a_receiver_down_for_a_day_gets_everything_afterwards_in_order(notifications, rpc, receiver, publish, clock,
                                                                        courier):
    sub = subscribe(rpc, receiver, "/outage")["subscription"]["id"]
    receiver.default = 503
    sent = [publish(ordinance_event(version=i)) for i in range(1, 6)]
    wait_until(lambda: as_staff(rpc).list_deliveries(sub)["total_count"] == 5, message="five deliveries")
    outage_ends = clock.now() + 24 * 3600
    while clock.now() < outage_ends:
        head = wait_until(lambda: deliveries(rpc, sub, status="retrying"), message="the head retrying")
        assert len(head) == 1
        head = head[0]
        later(clock, courier, ts(head["next_attempt_at"]) - clock.now() + 1)
        wait_until(lambda: deliveries(rpc, sub, status="retrying")[-1]["attempts"] > head["attempts"],
                   message="the next attempt")
    receiver.default = 200
    head = deliveries(rpc, sub, status="retrying")[0]
    later(clock, courier, ts(head["next_attempt_at"]) - clock.now() + 1)
    wait_until(lambda: as_staff(rpc).list_deliveries(sub, status="succeeded")["total_count"] == 5,
               message="everything delivered")
    order = [r["headers"]["webhook-id"] for r in receiver.received("/outage")]
    first_seen = list(dict.fromkeys(order))
    assert first_seen == [e["id"] for e in sent]
    # while the first was failing nothing later was attempted
    assert set(order[:order.index(sent[1]["id"])]) == {sent[0]["id"]}
    assert order.count(sent[0]["id"]) > 5


def test_deliveries_are_private_to_their_owner(notifications, rpc, receiver, publish):
    sub = subscribe(rpc, receiver)["subscription"]["id"]
    other = partner("org_00000000000000bb")
    with pytest.raises(NotFound):
        rpc.notifications.list_deliveries(sub, caller=other)
    with pytest.raises(NotFound):
        rpc.notifications.replay_deliveries(sub, "2026-01-01T00:00:00Z", caller=other)
    assert rpc.notifications.list_subscriptions(caller=other) == []
    assert [s["id"] for s in rpc.notifications.list_subscriptions(caller=partner(OWNER))] == [sub]
    assert [s["id"] for s in as_staff(rpc).list_subscriptions(owner_id=OWNER)] == [sub]
    staffs = subscribe(rpc, receiver, owner=None)["subscription"]  # staff's own, no owner
    assert staffs["owner_id"] is None
    with pytest.raises(NotFound):
        rpc.notifications.get_subscription(staffs["id"], caller=partner(OWNER))
    assert [s["id"] for s in as_staff(rpc).list_subscriptions()] == [sub, staffs["id"]]


def test_deliveries_page_newest_first_without_gaps(notifications, rpc, receiver, publish):
    sub = subscribe(rpc, receiver)["subscription"]["id"]
    sent = [publish(ordinance_event(version=i)) for i in range(7)]
    wait_until(lambda: as_staff(rpc).list_deliveries(sub, status="succeeded")["total_count"] == 7)
    seen, after = [], None
    while True:
        page = as_staff(rpc).list_deliveries(sub, first=3, after=after)
        seen += [e["node"]["event_id"] for e in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            break
        after = page["page_info"]["end_cursor"]
    assert seen == [e["id"] for e in reversed(sent)]


@pytest.mark.parametrize("data, fragment", [
    ({"channel": "pigeon"}, "channel 'pigeon' is not allowed"),
    ({"channel": "webhook"}, "url is required"),
    ({"channel": "webhook", "url": "ftp://x.example"}, "not an http(s) URL"),
    ({"channel": "email", "email": "nope"}, "not an email address"),
    ({"channel": "email", "email": "a@example.org", "event_types": ["ordinance.eaten"]}, "not events we publish"),
    ({"channel": "email", "email": "a@example.org", "issue_areas": ["free-ponies"]}, "not a known issue area"),
    ({"channel": "email", "email": "a@example.org", "states": ["zz"]}, "is not a state"),
    ({"channel": "email", "email": "a@example.org", "mode": "hourly"}, "mode 'hourly' is not allowed"),
    ({"channel": "webhook", "url": "https://example.org/h", "mode": "daily_digest"}, "webhook subscription is realtime"),
    ({"channel": "email", "email": "a@example.org", "colour": "red"}, "unknown fields ['colour']"),
])
def test_invalid_subscription_is_refused_and_changes_nothing(notifications, rpc, database, data, fragment):
    with pytest.raises(BadInput) as err:
        as_staff(rpc).create_subscription(OWNER, data)
    assert fragment in str(err.value)
    assert database("notifications").subscriptions.count_documents({}) == 0


def test_bad_ids_and_times_are_refused(notifications, rpc):
    with pytest.raises(BadInput, match="member .* or organisation"):
        as_staff(rpc).create_subscription("someone", {"channel": "email", "email": "a@example.org"})
    with pytest.raises(BadInput, match="not a valid id"):
        as_staff(rpc).get_subscription("sub_nope")
    with pytest.raises(NotFound):
        as_staff(rpc).get_subscription("sub_0123456789abcdef")
    sub = as_staff(rpc).create_subscription(OWNER, {"channel": "email", "email": "a@example.org"})
    assert sub["secret"] == ""  # email is not signed
    with pytest.raises(BadInput, match="not a timestamp"):
        as_staff(rpc).replay_deliveries(sub["subscription"]["id"], "yesterday")
    with pytest.raises(BadInput, match="only webhooks have a secret"):
        as_staff(rpc).rotate_secret(sub["subscription"]["id"])
    with pytest.raises(BadInput, match="status"):
        as_staff(rpc).list_deliveries(sub["subscription"]["id"], status="lost")


def test_operators_replay_from_the_command_line(notifications, rpc, receiver, publish, notifications_settings, capsys):
    import argparse
    from ops.cli import deliveries_replay
    sub = subscribe(rpc, receiver)["subscription"]["id"]
    event = publish(ordinance_event())
    only_delivery(rpc, sub, status="succeeded")
    code = deliveries_replay(notifications_settings, argparse.Namespace(subscription=sub, since="2000-01-01T00:00:00Z"))
    assert code == 0 and f"queued 1 deliveries of {sub}" in capsys.readouterr().out
    wait_until(lambda: len(receiver.received()) == 2, message="the replayed webhook")
    assert {r["headers"]["webhook-id"] for r in receiver.received()} == {event["id"]}
    assert deliveries_replay(notifications_settings, argparse.Namespace(subscription="sub_x", since="x")) == 2


def test_a_partner_down_with_a_backlog_does_not_hold_up_the_others(notifications, rpc, receiver, publish, monkeypatch):
    from services.notifications import scheduling
    monkeypatch.setattr(scheduling, "BATCH", 5)  # a backlog longer than one read
    down = subscribe(rpc, receiver, "/down", event_types=["ordinance.status_changed"])["subscription"]["id"]
    receiver.script("/down", (429, {"Retry-After": "3600"}))
    for v in range(12):
        publish(ordinance_event(version=v))
    wait_until(lambda: as_staff(rpc).list_deliveries(down)["total_count"] == 12, message="twelve deliveries")
    only = wait_until(lambda: deliveries(rpc, down, status="retrying"), message="the head retrying")
    assert len(only) == 1 and as_staff(rpc).list_deliveries(down)["total_count"] == 12
    up = subscribe(rpc, receiver, "/up", event_types=["toolkit.published"])["subscription"]["id"]
    publish(toolkit_event())
    only_delivery(rpc, up, status="succeeded")
    assert len(receiver.received("/down")) == 1
