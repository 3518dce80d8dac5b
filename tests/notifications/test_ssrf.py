"""The SSRF guard: refused at subscribe time with a clear error, and again on the
address actually connected to (DNS rebinding)."""
import ipaddress

import pytest

from clearinghouse.config import Settings
from clearinghouse.errors import BadInput
from services.notifications.ssrf import Guard, Refused
from tests.support import wait_until
from tests.support.notifications import as_staff, ordinance_event

OWNER = "org_00000000000000aa"

REFUSED = [
    ("http://example.org/hook", "must use https"),
    ("https://127.0.0.1/", "loopback"),
    ("https://localhost:8443/", "localhost resolves to an address that is not public"),
    ("https://10.0.0.5/", "private"),
    ("https://172.16.3.4/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("https://169.254.10.10/", "link-local"),
    ("https://224.0.0.1/", "multicast"),
    ("https://240.0.0.1/", "reserved"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://100.64.0.1/", "not globally routable"),
    ("https://[::1]/", "loopback"),
    ("https://[::]/", "unspecified"),
    ("https://[fe80::1]/", "link-local"),
    ("https://[fc00::1]/", "private"),
    ("https://[ff02::1]/", "multicast"),
    ("https://[::ffff:127.0.0.1]/", "IPv6 form of 127.0.0.1"),
    ("https://[::ffff:a00:1]/", "IPv6 form of 10.0.0.1"),
    ("https://[::ffff:169.254.169.254]/", "cloud metadata"),
    ("https://[2002:7f00:1::]/", "IPv6 form of 127.0.0.1"),
    ("https://2130706433/", "127.0.0.1 (loopback)"),
    ("https://0177.0.0.1/", "127.0.0.1 (loopback)"),
    ("https://017700000001/", "127.0.0.1 (loopback)"),
    ("https://0x7f.0.0.1/", "127.0.0.1 (loopback)"),
    ("https://0x7f000001/", "127.0.0.1 (loopback)"),
    ("https://127.1/", "127.0.0.1 (loopback)"),
    ("https://0xa9fea9fe/", "cloud metadata"),
    ("https://0/", "0.0.0.0 (unspecified)"),
    ("https://example.org:99999/", "invalid port"),
]


@pytest.mark.parametrize("url, fragment", REFUSED)
def test_guard_refuses_every_non_public_target(url, fragment):
    with pytest.raises(Refused) as err:
        Guard(Settings()).addresses(url)
    assert fragment in str(err.value)


def test_guard_accepts_public_addresses_and_names():
    guard = Guard(Settings(), resolve=lambda host, port: [ipaddress.ip_address("93.184.215.14")])
    assert guard.addresses("https://93.184.215.14/hook")[1] == [ipaddress.ip_address("93.184.215.14")]
    assert guard.addresses("https://[2606:4700::1111]/")[1] == [ipaddress.ip_address("2606:4700::1111")]
    assert guard.addresses("https://hooks.partner.example/x")[1] == [ipaddress.ip_address("93.184.215.14")]


def test_a_name_with_any_private_address_is_refused():
    guard = Guard(Settings(), resolve=lambda host, port: [ipaddress.ip_address("93.184.215.14"),
                                                          ipaddress.ip_address("10.1.2.3")])
    with pytest.raises(Refused, match="mixed.example resolves to an address that is not public") as err:
        guard.addresses("https://mixed.example/")
    assert "10.1.2.3" not in str(err.value)  # where a name points is not the caller's to learn


def test_allowed_networks_and_http_are_off_by_default_and_never_open_the_metadata_address():
    assert Settings().webhook_allow_http is False and Settings().webhook_allow_networks == ""
    open_ = Guard(Settings(webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8, 169.254.0.0/16"))
    assert open_.addresses("http://127.0.0.1:8080/")[1] == [ipaddress.ip_address("127.0.0.1")]
    assert open_.addresses("http://[::ffff:127.0.0.1]/")[1]
    with pytest.raises(Refused, match="cloud metadata"):
        open_.addresses("http://169.254.169.254/")
    with pytest.raises(Refused, match="private"):
        open_.addresses("http://10.0.0.1/")


@pytest.mark.parametrize("url, fragment", [
    ("https://127.0.0.2/", "loopback"),  # 127.0.0.1/8 is allowed in these tests, so use an IPv6 form
    ("https://[::1]/", "loopback"),
    ("https://169.254.169.254/", "cloud metadata"),
    ("https://0xa000001/", "private"),
])
def test_subscribing_a_refused_url_is_a_clear_bad_input_that_changes_nothing(
        notifications, rpc, database, url, fragment, courier):
    if url.startswith("https://127."):
        courier.channels.guard.allowed = ()  # prove the loopback rule itself, without the test exemption
    with pytest.raises(BadInput) as err:
        as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": url})
    assert fragment in str(err.value) and "public address" in str(err.value)
    assert database("notifications").subscriptions.count_documents({}) == 0


def test_dns_rebinding_is_refused_at_connect_time(notifications, rpc, receiver, publish, courier):
    answers = {"n": 0}

    def rebinding(host, port):
        answers["n"] += 1
        return [ipaddress.ip_address("93.184.215.14" if answers["n"] == 1 else "10.0.0.7")]

    courier.channels.guard.resolve = rebinding
    sub = as_staff(rpc).create_subscription(
        OWNER, {"channel": "webhook", "url": f"http://rebind.example:{receiver.port}/hook"})["subscription"]["id"]
    publish(ordinance_event())

    def attempted():
        edges = as_staff(rpc).list_deliveries(sub)["edges"]
        return edges and edges[0]["node"]["attempts"] == 1 and edges[0]["node"]
    delivery = wait_until(attempted, message="the first attempt")
    assert delivery["status"] == "retrying"
    assert "refused" in delivery["last_error"] and "resolves to an address that is not public" in delivery["last_error"]
    assert "10.0.0.7" not in delivery["last_error"]
    assert receiver.received() == []


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(notifications, rpc, receiver, publish,
                                                                         courier):
    courier.channels.guard.resolve = lambda host, port: [ipaddress.ip_address("127.0.0.1")]
    as_staff(rpc).create_subscription(
        OWNER, {"channel": "webhook", "url": f"http://hooks.partner.example:{receiver.port}/in?x=1"})
    publish(ordinance_event())
    request = wait_until(lambda: receiver.received(), message="the webhook")[0]
    assert request["headers"]["host"] == f"hooks.partner.example:{receiver.port}"
    assert request["path"] == "/in?x=1"


def test_https_goes_to_the_checked_address_and_verifies_the_certificate_for_the_name(
        notifications, rpc, tls_receiver, publish, courier, certificates):
    courier.channels.guard.resolve = lambda host, port: [ipaddress.ip_address("127.0.0.1")]
    courier.channels.tls.load_verify_locations(certificates / "ca.pem")
    good = as_staff(rpc).create_subscription(
        OWNER, {"channel": "webhook", "url": f"https://hooks.partner.example:{tls_receiver.port}/tls"})
    # the same server reached by another name: its certificate does not match
    bad = as_staff(rpc).create_subscription(
        OWNER, {"channel": "webhook", "url": f"https://other.partner.example:{tls_receiver.port}/tls"})
    publish(ordinance_event())
    request = wait_until(lambda: tls_receiver.received(), message="the webhook over TLS")[0]
    assert request["headers"]["host"] == f"hooks.partner.example:{tls_receiver.port}"

    def failed():
        edges = as_staff(rpc).list_deliveries(bad["subscription"]["id"])["edges"]
        return edges and edges[0]["node"]["attempts"] == 1 and edges[0]["node"]
    delivery = wait_until(failed, message="the mismatched name's attempt")
    assert "certificate" in delivery["last_error"].lower() or "hostname" in delivery["last_error"].lower()
    assert len(tls_receiver.received()) == 1
    assert good["secret"]


METADATA_FORMS = ["169.254.169.254", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "0xa9fea9fe", "2852039166",
                  "0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]",
                  "[fd00:ec2::254]", "100.100.100.200", "169.254.170.2"]


@pytest.mark.parametrize("host", METADATA_FORMS)
def test_metadata_addresses_stay_refused_in_any_form_when_allowed_networks_cover_them(host):
    wide_open = Guard(Settings(webhook_allow_http=True,
                               webhook_allow_networks="169.254.0.0/16, 100.64.0.0/10, ::/0"))
    with pytest.raises(Refused, match="cloud metadata"):
        wide_open.addresses(f"http://{host}/latest/meta-data/")


def test_a_name_that_resolves_to_metadata_is_refused_without_saying_where_it_points():
    guard = Guard(Settings(webhook_allow_networks="169.254.0.0/16"),
                  resolve=lambda host, port: [ipaddress.ip_address("::ffff:169.254.169.254")])
    with pytest.raises(Refused) as err:
        guard.addresses("https://innocent.example/")
    assert "innocent.example resolves to an address that is not public" in str(err.value)
    assert "169.254" not in str(err.value) and "a9fe" not in str(err.value)


@pytest.mark.parametrize("url, fragment", [
    ("https://" + "a" * 64 + ".example/", "not a valid host name"),
    ("https://a..example/", "not a valid host name"),
    ("https://" + "abc." * 70 + "example/", "too long for DNS"),
    ("https://ex\ufffdample.org/", "not a valid host name"),
    ("https://a\u3002\u3002b.org/", "not a valid host name"),
    ("https://ex%00ample.org/", "characters a host name cannot"),
    ("https://[::1/", "not a valid URL"),
])
def test_a_host_name_dns_cannot_carry_is_a_clear_bad_input(notifications, rpc, database, url, fragment):
    with pytest.raises(BadInput) as err:
        as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": url})
    assert fragment in str(err.value)
    assert database("notifications").subscriptions.count_documents({}) == 0


def test_a_non_ascii_host_is_resolved_and_sent_in_its_idna_form(notifications, rpc, receiver, publish, courier):
    asked = []
    courier.channels.guard.resolve = lambda host, port: asked.append(host) or [ipaddress.ip_address("127.0.0.1")]
    as_staff(rpc).create_subscription(OWNER, {"channel": "webhook", "url": f"http://bücher.example:{receiver.port}/in"})
    publish(ordinance_event())
    request = wait_until(lambda: receiver.received(), message="the webhook")[0]
    assert request["headers"]["host"] == f"xn--bcher-kva.example:{receiver.port}"
    assert set(asked) == {"xn--bcher-kva.example"}


def test_every_resolved_address_is_tried_until_one_answers(notifications, rpc, receiver, publish, courier):
    # the receiver listens on 127.0.0.1 only: 127.0.0.2 refuses the connection
    courier.channels.guard.resolve = lambda host, port: [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")]
    sub = as_staff(rpc).create_subscription(
        OWNER, {"channel": "webhook", "url": f"http://two.example:{receiver.port}/two"})["subscription"]["id"]
    publish(ordinance_event())
    wait_until(lambda: receiver.received("/two"), message="the webhook on the second address")
    [delivery] = [e["node"] for e in as_staff(rpc).list_deliveries(sub)["edges"]]
    assert delivery["attempts"] in (0, 1)  # the outcome may still be on its way to the store
