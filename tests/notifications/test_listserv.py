"""The listserv by email, with the real members and toolkits services: an ask reaches
followers, sponsors of ordinances in effect and the toolkit's experts, each with their own
reply address; a reply sent over SMTP to the inbound port becomes an answer (quotes and
signature stripped) that is mailed to the thread; forged replies are refused with a 5xx;
the one-click unsubscribe stops the mails."""
import smtplib
from email.message import EmailMessage

import pytest
from nameko.testing.utils import get_extension

from clearinghouse.errors import BadInput, Forbidden
from services.notifications.inbound import InboundMail
from tests.support import PGH, STAFF, As, wait_until
from tests.support.notifications import as_staff

DOMAIN = "reply.clearinghouse.invalid"


def member(rpc, name, issue_areas=(), status="active"):
    return rpc.members.create_member({"name": name, "status": status, "issue_areas": list(issue_areas),
                                      "email": f"{name.split()[0].lower()}@example.org"}, caller=STAFF)["id"]


@pytest.fixture
def inbound_port(notifications):
    return get_extension(notifications, InboundMail).port


def ask_mail_to(smtp, address, subject_part="Accrual"):
    found = [m for m in smtp.messages() if m["To"] == address and subject_part in str(m["Subject"])]
    return found[0] if found else None


def send_reply(port, to, sender, text, message_id=None):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, "Re: your ask"
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(text)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as conn:
        conn.send_message(msg)


def post(rpc, author, area="paid-sick-leave"):
    return as_staff(rpc).post_ask(author, {"issue_area": area, "subject": "Accrual for part-timers?",
                                          "body": "How did you handle accrual for part-time workers?"})


QUOTED = """We accrue one hour per 30 worked, part-timers included.

-- 
Bea Sponsor
Councilmember, Pittsburgh

On Mon, Jan 5, 2026 at 9:00 AM Clearinghouse <notifications@clearinghouse.invalid> wrote:
> Alex Asker asks the network about Paid sick leave:
> How did you handle accrual for part-time workers?
"""


def test_an_ask_reaches_sponsors_and_experts_and_a_reply_by_email_becomes_an_answer_mailed_to_the_asker(
        members, notifications, rpc, smtp, inbound_port):
    staff = As(rpc.toolkits, STAFF)
    asker = member(rpc, "Alex Asker", ["paid-sick-leave"])
    sponsor = member(rpc, "Bea Sponsor")  # follows nothing: reached as a sponsor of a law in effect
    expert = member(rpc, "Cy Expert")  # reached as an expert of the issue's toolkit
    member(rpc, "Dee Draft")  # sponsors only a drafted ordinance: not reached
    drafter = rpc.members.list_members(filter={"name_prefix": "Dee"}, caller=STAFF)["edges"][0]["node"]["id"]
    staff.record_ordinance({"title": "Paid Sick Days Act", "jurisdiction": PGH, "issue_area": "paid-sick-leave",
                            "sponsor_ids": [sponsor], "actions": [{"type": "passed", "date": "2015-08-03"}]})
    staff.record_ordinance({"title": "Sick Days Draft", "jurisdiction": "ocd-division/country:us/state:pa/place:erie",
                            "issue_area": "paid-sick-leave", "sponsor_ids": [drafter],
                            "actions": [{"type": "drafted", "date": "2020-01-01"}]})
    staff.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                          "summary": "Earned sick time.", "expert_ids": [expert]})
    staff.publish_toolkit("paid-sick-days")

    ask = post(rpc, asker)
    wait_until(lambda: ask_mail_to(smtp, "bea@example.org") and ask_mail_to(smtp, "cy@example.org"),
               message="the ask mailed to the sponsor and the expert")
    to_bea = ask_mail_to(smtp, "bea@example.org")
    assert ask_mail_to(smtp, "dee@example.org") is None and ask_mail_to(smtp, "alex@example.org") is None
    reply_to = to_bea["Reply-To"]
    assert reply_to.endswith("@" + DOMAIN) and reply_to != ask_mail_to(smtp, "cy@example.org")["Reply-To"]
    assert to_bea["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert to_bea["List-Unsubscribe"].startswith("<http://localhost:8000/unsubscribe/")

    send_reply(inbound_port, reply_to, "Bea Sponsor <Bea@Example.org>", QUOTED, message_id="<r1@example.org>")
    answers = as_staff(rpc).get_ask(ask["id"])["answers"]
    assert [(a["author_id"], a["body"]) for a in answers] == [
        (sponsor, "We accrue one hour per 30 worked, part-timers included.")]
    told = wait_until(lambda: [m for m in smtp.messages() if m["To"] == "alex@example.org"],
                      message="the answer mailed to the asker")[0]
    assert str(told["Subject"]).startswith("Re: [Ask the network")
    text = told.get_payload(decode=True).decode()
    assert "Bea Sponsor answered" in text and "one hour per 30 worked" in text and "wrote:" not in text
    assert told["Reply-To"].endswith("@" + DOMAIN) and told["List-Unsubscribe"]

    # the mail system delivers the same reply again: it is answered once
    send_reply(inbound_port, reply_to, "bea@example.org", QUOTED, message_id="<r1@example.org>")
    assert len(as_staff(rpc).get_ask(ask["id"])["answers"]) == 1


def refused(port, to, sender, text="An answer"):
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPRecipientsRefused)) as err:
        send_reply(port, to, sender, text)
    code = err.value.smtp_code if isinstance(err.value, smtplib.SMTPDataError) else \
        list(err.value.recipients.values())[0][0]
    return code


def test_forged_replies_are_refused_with_a_5xx_and_change_nothing(members, notifications, rpc, smtp, inbound_port,
                                                                  caplog):
    asker = member(rpc, "Alex Asker", ["minimum-wage"])
    member(rpc, "Bea Follower", ["minimum-wage"])
    ask = post(rpc, asker, "minimum-wage")
    reply_to = wait_until(lambda: ask_mail_to(smtp, "bea@example.org"), message="the ask")["Reply-To"]
    local, _, domain = reply_to.partition("@")
    forged_sig = local[:-4] + ("0000" if not local.endswith("0000") else "1111")
    other_member = local.split("-")
    other_member[2] = "0123456789abcdef"
    caplog.set_level("INFO")
    assert refused(inbound_port, reply_to, "mallory@example.org") == 550  # the wrong sender
    assert refused(inbound_port, f"{forged_sig}@{domain}", "bea@example.org") == 550  # a forged token
    assert refused(inbound_port, "-".join(other_member) + "@" + domain, "bea@example.org") == 550
    assert refused(inbound_port, f"ask-nonsense@{domain}", "bea@example.org") == 550  # unknown token
    assert refused(inbound_port, "someone@elsewhere.example", "bea@example.org") == 550  # no relaying
    assert refused(inbound_port, reply_to, "bea@example.org", "> only a quote\n") == 550
    assert "inbound reply refused" in caplog.text
    assert as_staff(rpc).get_ask(ask["id"])["answers"] == []


def test_oversized_replies_and_too_many_recipients_are_refused(members, notifications, inbound_port):
    with smtplib.SMTP("127.0.0.1", inbound_port, timeout=30) as conn:
        conn.ehlo()
        assert int(conn.esmtp_features["size"]) == 1_000_000
        assert conn.mail("bea@example.org", ["SIZE=2000000"])[0] == 552
        conn.rset()
        conn.mail("bea@example.org")
        codes = [conn.rcpt(f"ask-x{i}@{DOMAIN}")[0] for i in range(7)]
        assert codes[:5] == [250] * 5 and codes[5:] == [452, 452]


def test_the_thread_hears_each_answer_until_one_unsubscribes(members, notifications, rpc, smtp, inbound_port):
    asker = member(rpc, "Alex Asker", ["fair-scheduling"])
    bea = member(rpc, "Bea Follower", ["fair-scheduling"])
    cy = member(rpc, "Cy Follower", ["fair-scheduling"])
    ask = post(rpc, asker, "fair-scheduling")
    staff = as_staff(rpc)
    staff.answer_ask(ask["id"], bea, "First answer.")
    staff.answer_ask(ask["id"], cy, "Second answer.")  # the asker and Bea hear of it

    def answers_to(address):
        return [m for m in smtp.messages() if m["To"] == address and str(m["Subject"]).startswith("Re:")]
    wait_until(lambda: len(answers_to("alex@example.org")) == 2 and answers_to("bea@example.org"),
               message="the answers mailed to the thread")
    assert answers_to("cy@example.org") == []  # Cy answered after the first answer went out
    link = answers_to("bea@example.org")[0]["List-Unsubscribe"].strip("<>")
    token = link.rsplit("/", 1)[1]
    with pytest.raises(Forbidden):
        staff.unsubscribe(token[:-1] + ("0" if token[-1] != "0" else "1"))
    for bad in ("", "x" * 500, "a\nb", 5, None):
        with pytest.raises(BadInput):
            staff.unsubscribe(bad)
    assert staff.unsubscribe(token, caller=None) == {"ask_id": ask["id"], "member_id": bea, "unsubscribed": True}
    staff.answer_ask(ask["id"], asker, "Thanks both.")  # Cy hears; Bea unsubscribed
    wait_until(lambda: answers_to("cy@example.org"), message="the third answer mailed to Cy (the sentinel)")
    assert len(answers_to("bea@example.org")) == 1


def test_two_replicas_share_the_port_and_the_key_and_every_reply_is_answered_once(
        members, start_service, notifications_settings, rpc, smtp, database):
    from services.notifications.service import NotificationsService
    from tests.support import free_port
    config = notifications_settings.replace(smtp_inbound_port=free_port()).nameko_config()
    replicas = [start_service(NotificationsService, config) for _ in range(2)]
    ports = {get_extension(r, InboundMail).port for r in replicas}
    assert len(ports) == 1  # SO_REUSEPORT: both listen, the kernel spreads the connections
    port = ports.pop()
    asker = member(rpc, "Alex Asker", ["minimum-wage"])
    names = ["Bea", "Cy", "Dee", "Eve", "Fay", "Gus"]
    for name in names:
        member(rpc, f"{name} Follower", ["minimum-wage"])
    ask = post(rpc, asker, "minimum-wage")
    addresses = [f"{n.lower()}@example.org" for n in names]
    mails = wait_until(lambda: [ask_mail_to(smtp, a) for a in addresses] if all(
        ask_mail_to(smtp, a) for a in addresses) else None, message="the ask mailed to every follower")
    import eventlet
    pool = eventlet.GreenPool()
    for name, mail in zip(names, mails):
        pool.spawn(send_reply, port, mail["Reply-To"], mail["To"], f"{name} says yes.", f"<{name}@example.org>")
    pool.waitall()
    answers = as_staff(rpc).get_ask(ask["id"])["answers"]
    assert sorted(a["body"] for a in answers) == sorted(f"{n} says yes." for n in names)
    assert database("notifications").keys.count_documents({}) == 1
    wait_until(lambda: len([m for m in smtp.messages() if m["To"] == "alex@example.org"]) == len(names),
               message="every answer mailed to the asker")


def test_malformed_replies_get_a_clear_smtp_answer_never_a_crash(members, notifications, rpc, smtp, inbound_port):
    asker = member(rpc, "Alex Asker", ["inclusionary-zoning"])
    member(rpc, "Bea Follower", ["inclusionary-zoning"])
    ask = post(rpc, asker, "inclusionary-zoning")
    reply_to = wait_until(lambda: ask_mail_to(smtp, "bea@example.org"), message="the ask")["Reply-To"]

    def raw(headers: bytes, body: bytes):
        message = b"From: bea@example.org\r\nTo: " + reply_to.encode() + b"\r\n" + headers + b"\r\n" + body
        with smtplib.SMTP("127.0.0.1", inbound_port, timeout=30) as conn:
            try:
                conn.sendmail("bea@example.org", [reply_to], message)
                return 250
            except smtplib.SMTPDataError as exc:
                if exc.smtp_code == 550:
                    assert exc.smtp_error.startswith(b"5.7.1 "), exc.smtp_error  # our words, not a crash
                return exc.smtp_code
    assert raw(b"Content-Type: image/png\r\n", b"iVBORw0KGgo=\r\n") == 550  # no text at all
    assert raw(b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n",
               b"!!!not base64!!!\r\n") == 250  # decoded leniently
    assert raw(b"Content-Type: text/plain; charset=x-unknown-charset\r\n", b"Hola\r\n") == 550  # "send it as UTF-8"
    assert raw(b"Content-Type: text/plain; charset=utf-8\r\n", (b"x" * 78 + b"\r\n") * 200) == 550  # > 10,000
    assert raw(b"", b"x" * 5000 + b"\r\n") == 500  # aiosmtpd's own bound: a line is at most 1,000 bytes
    assert raw(b"Content-Type: multipart/mixed; boundary=\"b\"\r\n", b"--b\r\nbroken") == 250  # read leniently:
    assert as_staff(rpc).get_ask(ask["id"])["answers"][-1]["body"] == "broken"  # a part without headers is text
    assert raw(b"Content-Type: text/plain; charset=utf-8\r\n", b"Bad bytes \xff\xfe kept as text\r\n") == 250
    kept = as_staff(rpc).get_ask(ask["id"])["answers"]
    assert kept and kept[-1]["body"].startswith("Bad bytes") and kept[-1]["author_id"]
