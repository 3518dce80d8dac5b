"""Email subscriptions and daily digests through a real SMTP server (aiosmtpd)."""
import datetime as dt
import socket
import threading

import pytest

from services.notifications import scheduling
from tests.support import TEMPE, wait_until
from tests.support.notifications import as_staff, ordinance_event, toolkit_event
from tests.support.tcp_proxy import TcpProxy

OWNER = "mem_00000000000000aa"


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
    # the sentinel, matched and later in the same chain: once it is in, the toolkit event would be too
    publish(ordinance_event(title="Sentinel Ordinance", version=2))
    wait_until(lambda: len(smtp.messages()) >= 2, message="the sentinel's email")
    assert len(smtp.messages()) == 2 and not any("toolkit" in m["Subject"] for m in smtp.messages())


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
    courier.channels.mailer.smtp_url = "smtp://127.0.0.1:9"  # nothing listens there
    clock.advance(13 * 3600)
    courier.sweep()
    d = database("notifications").deliveries.find_one()
    assert d["status"] == "retrying" and "Connection" in d["last_error"]
    courier.channels.mailer.smtp_url = smtp.url
    clock.advance(3600)
    courier.wake()
    wait_until(lambda: len(smtp.messages()) == 1, message="the digest")


def test_sample_data_loads_once(notifications, members, rpc):
    from services.members import sample as members_sample
    from services.notifications import sample
    members_sample.load(rpc)
    sample.load(rpc)
    sample.load(rpc)
    asks = as_staff(rpc).list_asks()["edges"]
    assert len(asks) == 1 and len(asks[0]["node"]["answers"]) == 1
    assert [s["mode"] for s in as_staff(rpc).list_subscriptions()] == ["daily_digest"]


class StalledSmtp:
    """A mail server that takes connections and never says a word, as an overloaded one does."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"smtp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def stalled_smtp(notifications):
    server = StalledSmtp()
    yield server
    server.close()  # before the service stops: its mail worker lets go


def test_a_stalled_smtp_server_never_holds_up_a_webhook(notifications, rpc, receiver, publish, clock, courier,
                                                        database, stalled_smtp):
    courier.channels.mailer.smtp_url = stalled_smtp.url
    courier.channels.mailer.timeout = 600  # the mail worker waits on it for the whole test
    to_next_noon(clock)
    as_staff(rpc).create_subscription(OWNER, {"channel": "email", "mode": "daily_digest", "email": "ana@example.org",
                                              "event_types": ["ordinance.status_changed"]})
    as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": receiver.url("/hook"),
                                              "event_types": ["toolkit.published"]})
    publish(ordinance_event())
    wait_until(lambda: database("notifications").deliveries.count_documents({}) == 1, message="the digest's delivery")
    clock.advance(13 * 3600)  # the day is over: its digest is due
    courier.wake()
    wait_until(lambda: stalled_smtp.held, message="the digest's SMTP connection")
    publish(toolkit_event())
    wait_until(lambda: receiver.received("/hook"), message="the webhook while SMTP is stalled")
    assert stalled_smtp.held  # still held: the digest has not gone, and the webhook went anyway
    digest = database("notifications").deliveries.find_one({"channel": "email"})
    assert digest["status"] == "pending" and digest["attempts"] == 0


def test_an_email_that_can_never_be_built_is_parked_at_once_and_the_next_one_goes(notifications, rpc, smtp,
                                                                                   publish, database):
    sub = as_staff(rpc).create_subscription(OWNER, {"channel": "email", "email": "ana@example.org"})
    bad = publish(ordinance_event(title="Paid Sick Days\nBcc: everyone@example.org"))  # old data, a header breaker
    publish(ordinance_event(title="Fair Workweek", version=2))
    message = wait_until(lambda: smtp.messages(), message="the next email")[0]
    assert "Fair Workweek" in message["Subject"]
    parked = database("notifications").deliveries.find_one({"event_id": bad["id"]})
    assert parked["status"] == "parked" and parked["attempts"] == 1 and parked["due_at"] is None
    assert "cannot be built" in parked["last_error"] and "linefeed" in parked["last_error"]
    assert bool(as_staff(rpc).get_subscription(sub["subscription"]["id"])["active"])  # the address is fine


def ask_email(n, subject="[Ask the network | Minimum wage] Tip credit?"):
    return {"_id": f"ask_00000000000000aa:mem_{n:016x}", "ask_id": "ask_00000000000000aa",
            "member_id": f"mem_{n:016x}", "email": f"m{n}@example.org", "subject": subject, "body": "Body",
            "status": "pending", "attempts": 0, "due_at": 0.0, "lease_until": 0.0}


def test_an_ask_email_with_a_broken_header_is_parked_with_its_reason_and_the_others_go(notifications, smtp,
                                                                                     courier, database):
    emails = database("notifications").ask_emails
    emails.insert_many([ask_email(1, subject="Tip credit?\r\nBcc: everyone@example.org"), ask_email(2)])
    courier.sweep()
    assert [m["To"] for m in wait_until(lambda: smtp.messages(), message="the good email")] == ["m2@example.org"]
    bad = emails.find_one({"member_id": f"mem_{1:016x}"})
    assert bad["status"] == "parked" and bad["attempts"] == 1 and "cannot be built" in bad["last_error"]
    courier.sweep()
    assert emails.find_one({"_id": bad["_id"]})["attempts"] == 1  # never tried again


def test_the_mail_timer_sends_what_came_due_with_nothing_to_wake_it(notifications, smtp, database):
    from nameko.testing.services import entrypoint_waiter
    sent = []

    def both_sent(worker_ctx, result, exc_info):
        sent.append(result or 0)
        return sum(sent) >= 2
    with entrypoint_waiter(notifications, "sweep_mail", callback=both_sent):
        database("notifications").ask_emails.insert_many([ask_email(1), ask_email(2)])  # no wake
    assert sorted(m["To"] for m in smtp.messages()) == ["m1@example.org", "m2@example.org"]


def test_emails_reuse_their_smtp_connections(notifications, smtp, courier, database):
    proxy = TcpProxy("127.0.0.1", smtp.port)
    try:
        courier.channels.mailer.smtp_url = f"smtp://127.0.0.1:{proxy.port}"
        emails = database("notifications").ask_emails
        emails.insert_many([ask_email(n) for n in range(1, 13)])
        courier.sweep()
        emails.insert_many([ask_email(n) for n in range(13, 17)])
        courier.sweep()
        wait_until(lambda: len(smtp.messages()) == 16, message="sixteen emails")
        # the outcome is stored just after the server took the message
        wait_until(lambda: emails.count_documents({"status": "succeeded"}) == 16, message="sixteen outcomes")
        assert len(smtp.messages()) == 16
        assert len(proxy.sockets) // 2 <= scheduling.MAIL_CONCURRENCY  # one connection a mail worker at most
    finally:
        proxy.close()
