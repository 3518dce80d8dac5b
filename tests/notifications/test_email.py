"""Email subscriptions and daily digests through a real SMTP server (aiosmtpd)."""
import datetime as dt

from tests.conftest import wait_until
from tests.notifications.conftest import as_staff, ordinance_event, toolkit_event

OWNER = "mem_00000000000000aa"
TEMPE = "ocd-division/country:us/state:az/place:tempe"


def to_next_noon(clock):
    """Move the service clock to noon UTC tomorrow, so a test's day never straddles midnight."""
    now = dt.datetime.fromtimestamp(clock.now(), dt.timezone.utc)
    noon = (now + dt.timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    clock.advance(noon.timestamp() - clock.now())
    return noon


def body_of(message):
    return message.get_payload(decode=True).decode()


def test_a_realtime_email_subscription_gets_each_matching_event(notifications, rpc, smtp, publish):
    as_staff(rpc).create_subscription(OWNER, {"channel": "email", "email": "ana@example.org",
                                                  "issue_areas": ["paid-sick-leave"]})
    publish(toolkit_event(issue_area="minimum-wage"))  # not followed
    publish(ordinance_event(to="struck_down", title="Paid Sick Days Act"))
    message = wait_until(lambda: smtp.messages(), message="an email")[0]
    assert message["To"] == "ana@example.org"
    assert "ordinance.status_changed" in message["Subject"]
    text = body_of(message)
    assert "Paid Sick Days Act" in text and "introduced → struck_down" in text and "Pittsburgh, PA" in text
    assert len(smtp.messages()) == 1


def test_a_daily_digest_groups_a_days_events_per_subscriber(notifications, rpc, smtp, publish, clock, courier,
                                                            database):
    noon = to_next_noon(clock)
    day = noon.date().isoformat()
    digest = {"channel": "email", "mode": "daily_digest"}
    as_staff(rpc).create_subscription(OWNER, {**digest, "email": "ana@example.org",
                                                  "issue_areas": ["paid-sick-leave"]})
    as_staff(rpc).create_subscription(OWNER, {**digest, "email": "Ana@example.org", "states": ["pa", "az"]})
    as_staff(rpc).create_subscription("mem_00000000000000bb", {**digest, "email": "bo@example.org",
                                                                   "event_types": ["toolkit.published"]})
    pgh = publish(ordinance_event(title="Paid Sick Days Act"))  # both of Ana's subscriptions match
    tempe = publish(ordinance_event(title="Tempe Wage Ordinance", issue_area="minimum-wage", jurisdiction=TEMPE,
                                    state="az", ordinance_id="ord_00000000000000cc"))
    kit = publish(toolkit_event(issue_area="minimum-wage"))
    publish(ordinance_event(title="Seattle Scheduling", issue_area="fair-scheduling", state="wa",
                            jurisdiction="ocd-division/country:us/state:wa/place:seattle"))
    wait_until(lambda: database("notifications").deliveries.count_documents({}) == 4, message="four matches")

    clock.advance(11 * 3600)  # 23:00, the day is not over
    courier.sweep()
    assert smtp.messages() == []

    clock.advance(3600 + 1)
    courier.wake()
    wait_until(lambda: len(smtp.messages()) == 2, message="two digests")
    messages = {m["To"].lower(): m for m in smtp.messages()}
    ana, bo = body_of(messages["ana@example.org"]), body_of(messages["bo@example.org"])
    assert day in messages["ana@example.org"]["Subject"] and "2 events" in messages["ana@example.org"]["Subject"]
    assert ana.count("Paid Sick Days Act") == 1  # matched twice, listed once
    assert "Tempe Wage Ordinance" in ana and "ordinance.status_changed (2)" in ana
    assert "Seattle" not in ana and "A $15 minimum wage" not in ana
    assert "toolkit.published (1)" in bo and "A $15 minimum wage" in bo and "Paid Sick" not in bo
    assert {pgh["id"], tempe["id"], kit["id"]}

    clock.advance(24 * 3600)
    courier.sweep()
    assert len(smtp.messages()) == 2  # a day's digest goes out once
    statuses = {d["status"] for d in database("notifications").deliveries.find()}
    assert statuses == {"succeeded"}


def test_digests_wait_while_smtp_is_down_and_go_out_when_it_is_back(notifications, rpc, smtp, publish, clock,
                                                                    courier, database):
    to_next_noon(clock)
    as_staff(rpc).create_subscription(OWNER, {"channel": "email", "mode": "daily_digest",
                                                  "email": "ana@example.org"})
    publish(ordinance_event())
    wait_until(lambda: database("notifications").deliveries.count_documents({}) == 1)
    courier.mailer.smtp_url = "smtp://127.0.0.1:9"  # nothing listens there
    clock.advance(13 * 3600)
    courier.sweep()
    d = database("notifications").deliveries.find_one()
    assert d["status"] == "retrying" and "Connection" in d["last_error"]
    courier.mailer.smtp_url = smtp.url
    clock.advance(3600)
    courier.wake()
    wait_until(lambda: len(smtp.messages()) == 1, message="the digest")


def test_sample_data_loads_once(notifications, rpc, container_factory, notifications_settings):
    from services.members import sample as members_sample
    from services.members.service import MembersService
    from services.notifications import sample
    container_factory(MembersService, notifications_settings.nameko_config()).start()
    members_sample.load(rpc)
    sample.load(rpc)
    sample.load(rpc)
    asks = as_staff(rpc).list_asks()["edges"]
    assert len(asks) == 1 and len(asks[0]["node"]["answers"]) == 1
    assert [s["mode"] for s in as_staff(rpc).list_subscriptions()] == ["daily_digest"]
