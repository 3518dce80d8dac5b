"""A partner on the bus through the gateway: it subscribes with channel "bus", gets its
queue and credentials once, and the README's consumer example, run as the partner would
run it, reads the ordinance change a staff member made and acknowledges it."""
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.support import PGH, STAFF
from tests.support.gateway import code

pytestmark = pytest.mark.usefixtures("partner_users")

CONSUMER = Path(__file__).resolve().parents[2] / "docs" / "examples" / "partner_consumer.py"
SUBSCRIBE = """mutation($input: EventSubscriptionInput!) { createEventSubscription(input: $input) {
  secret subscription { id channel active bus { host port vhost username queue deadLetterQueue }
  forward { host exchange } } } }"""


def test_the_readme_consumer_reads_a_partners_events(gateway, keys, notifications, toolkits, rpc, amqp_uri):
    made = gateway.data(SUBSCRIBE, {"input": {"channel": "bus", "eventTypes": ["ordinance.status_changed"]}},
                        key=keys["partner"])["createEventSubscription"]
    access = made["subscription"]["bus"]
    assert made["subscription"]["channel"] == "bus" and made["subscription"]["forward"] is None
    assert access["queue"] == f"partner.{made['subscription']['id']}"
    ordinance = rpc.toolkits.record_ordinance({"title": "Sick days", "jurisdiction": PGH,
                                               "issue_area": "paid-sick-leave"}, caller=STAFF)
    gateway.data('mutation($id: ID!) { recordOrdinanceAction(ordinanceId: $id, action: {type: "introduced", '
                 'date: "2015-06-01"}) { status } }', {"id": ordinance["id"]}, key=keys["staff"])
    uri = (f"amqp://{access['username']}:{urllib.parse.quote(made['secret'], safe='')}@{access['host']}:"
           f"{access['port']}/{urllib.parse.quote(access['vhost'], safe='')}")
    out = subprocess.run([sys.executable, str(CONSUMER)], capture_output=True, text=True, timeout=90,
                         env={"CLEARINGHOUSE_AMQP": uri, "CLEARINGHOUSE_QUEUE": access["queue"],
                              "CONSUME_AT_MOST": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"ordinance.status_changed ordinance/{ordinance['id']} ")
    assert '"to": "introduced"' in out.stdout


def test_another_partner_cannot_see_a_bus_subscription_and_the_public_cannot_make_one(gateway, keys, notifications):
    made = gateway.data(SUBSCRIBE, {"input": {"channel": "bus"}}, key=keys["partner"])["createEventSubscription"]
    assert gateway.data("{ eventSubscriptions { id } }", key=keys["other_partner"]) == {"eventSubscriptions": []}
    listed = gateway.data("{ eventSubscriptions { id bus { username } } }", key=keys["partner"])
    assert listed["eventSubscriptions"] == [{"id": made["subscription"]["id"],
                                             "bus": {"username": made["subscription"]["bus"]["username"]}}]
    rotate = "mutation($id: ID!) { rotateSubscriptionSecret(id: $id) { secret } }"
    error = gateway.error(rotate, {"id": made["subscription"]["id"]}, key=keys["other_partner"])
    assert code(error) == "NOT_FOUND"
    assert code(gateway.error(SUBSCRIBE, {"input": {"channel": "bus"}})) == "UNAUTHENTICATED"


def test_a_forward_to_a_private_address_is_refused(gateway, keys, notifications):
    error = gateway.error(SUBSCRIBE, {"input": {"channel": "bus", "forward": {
        "uri": "amqps://user:pw@10.0.0.8/partner", "exchange": "clearinghouse"}}}, key=keys["partner"])
    assert code(error) == "BAD_USER_INPUT" and "not public" in error["message"]
