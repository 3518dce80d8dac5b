"""The listserv's one-click unsubscribe through the gateway (RFC 8058): the link in an
answer email's List-Unsubscribe header, POSTed as a mail client does, stops the emails
of that ask's answers; a GET changes nothing; a forged or malformed link is a 4xx."""
import urllib.error
import urllib.request

import pytest

from tests.support import STAFF, As, free_port, wait_until
from tests.support.notifications import SmtpServer


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path / "maildir")
    yield server
    server.stop()


@pytest.fixture
def gateway_settings(settings, smtp):
    port = free_port()
    return settings.replace(gateway_port=port, gateway_rpc_timeout=5.0, smtp_url=smtp.url,
                            public_url=f"http://127.0.0.1:{port}")


def post(url, body=b"List-Unsubscribe=One-Click"):
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_one_click_unsubscribe_through_the_gateway_stops_the_answers(gateway, members, toolkits, notifications,
                                                                      rpc, smtp):
    def person(name):
        return rpc.members.create_member({"name": name, "status": "active", "issue_areas": ["plastic-bag-fee"],
                                          "email": f"{name.split()[0].lower()}@example.org"}, caller=STAFF)["id"]
    asker, bea, cy = person("Alex Asker"), person("Bea Follower"), person("Cy Follower")
    staff = As(rpc.notifications, STAFF)
    ask = staff.post_ask(asker, {"issue_area": "plastic-bag-fee", "subject": "Fee level?", "body": "10 cents?"})
    staff.answer_ask(ask["id"], bea, "We set 10 cents.")

    def answers_to(address):
        return [m for m in smtp.messages() if m["To"] == address and str(m["Subject"]).startswith("Re:")]
    link = wait_until(lambda: answers_to("alex@example.org"), message="the answer mailed")[0]["List-Unsubscribe"]
    url = link.strip("<>")
    assert url.startswith(gateway.url.rsplit("/graphql", 1)[0] + "/unsubscribe/")

    with urllib.request.urlopen(url, timeout=20) as page:  # a link scanner's GET unsubscribes nobody
        assert page.status == 200 and 'method="post"' in page.read().decode()
    assert post(url[:-1] + ("0" if url[-1] != "0" else "1"))[0] == 403
    assert post(url.rsplit("/", 1)[0] + "/not-a-token")[0] == 400
    assert post(url, b"x" * 5000)[0] == 413
    status, text = post(url)
    assert status == 200 and "no more emails" in text

    staff.answer_ask(ask["id"], cy, "Ours is 5 cents.")  # Bea hears; the asker unsubscribed
    wait_until(lambda: answers_to("bea@example.org"), message="the second answer mailed to Bea (the sentinel)")
    assert len(answers_to("alex@example.org")) == 1


RESOLVE = """mutation($id: ID!, $n: Int, $slug: String) { resolveAsk(askId: $id, acceptedAnswer: $n, toolkitSlug: $slug) {
  id resolvedAt acceptedAnswer { body author { id } } toolkit { slug } } }"""
QUESTIONS = '{ toolkit(slug: "bag-fee") { slug questions(first: 5) { id subject acceptedAnswer { body } } } }'


def test_an_answered_ask_is_resolved_by_its_asker_and_shown_by_its_toolkit(gateway, keys, members, toolkits,
                                                                         notifications, rpc):
    staff_tk = As(rpc.toolkits, STAFF)
    staff_tk.create_toolkit({"slug": "bag-fee", "title": "Bag fee", "issue_area": "plastic-bag-fee",
                             "summary": "A fee on bags."})
    staff_tk.publish_toolkit("bag-fee")
    staff_tk.create_toolkit({"slug": "bag-draft", "title": "Draft", "issue_area": "plastic-bag-fee",
                             "summary": "Not yet."})
    asker = keys["member_id"]
    other = rpc.members.create_member({"name": "Bea Answerer", "status": "active"}, caller=STAFF)["id"]
    staff = As(rpc.notifications, STAFF)
    ask = staff.post_ask(asker, {"issue_area": "plastic-bag-fee", "subject": "Fee level?", "body": "10 cents?"})
    variables = {"id": ask["id"], "n": 0, "slug": "bag-fee"}
    from tests.support.gateway import code
    assert code(gateway.error(RESOLVE, variables, key=keys["member"])) == "CONFLICT"  # no answer yet
    staff.answer_ask(ask["id"], other, "We set 10 cents.")
    assert code(gateway.error(RESOLVE, variables, key=keys["partner"])) == "FORBIDDEN"
    assert code(gateway.error(RESOLVE, variables)) == "UNAUTHENTICATED"
    for bad in ({"n": 1}, {"n": -1}, {"slug": "bag-draft"}, {"slug": "no\nsuch"}, {"id": "ask_0123456789abcdef"}):
        error = gateway.error(RESOLVE, {**variables, **bad}, key=keys["member"])
        assert code(error) in ("BAD_USER_INPUT", "NOT_FOUND"), (bad, error)
    assert gateway.data(QUESTIONS, key=keys["partner"])["toolkit"]["questions"] == []
    resolved = gateway.data(RESOLVE, variables, key=keys["member"])["resolveAsk"]
    assert resolved["resolvedAt"].endswith("Z") and resolved["toolkit"] == {"slug": "bag-fee"}
    assert resolved["acceptedAnswer"] == {"body": "We set 10 cents.", "author": {"id": other}}
    shown = gateway.data(QUESTIONS, key=keys["partner"])["toolkit"]["questions"]
    assert shown == [{"id": ask["id"], "subject": "Fee level?", "acceptedAnswer": {"body": "We set 10 cents."}}]
    assert code(gateway.error(QUESTIONS)) == "UNAUTHENTICATED"  # asks are for keys, the toolkit is not
