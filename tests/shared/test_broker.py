"""The broker set-up derives from the event catalog: the committed definitions file and
the unrouted-events policy cover exactly the exchanges the catalog's services publish on."""
import re
from pathlib import Path

from clearinghouse import broker
from clearinghouse.events import CATALOG, PUBLISHERS, exchange_of

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_broker_definitions_are_what_the_catalog_generates():
    committed = (ROOT / broker.DEFINITIONS_FILE).read_text()
    assert committed == broker.definitions_text(), (
        "deploy/rabbitmq/definitions.json is stale; regenerate it with "
        "`.venv/bin/python -c 'from clearinghouse import broker; broker.write_definitions()'`")


def test_the_unrouted_policy_covers_every_publishing_exchange_and_nothing_else():
    pattern = re.compile(broker.POLICY["pattern"])
    assert {e.exchange for e in CATALOG.values()} == {exchange_of(s) for s in PUBLISHERS}
    assert all(pattern.fullmatch(exchange_of(s)) for s in PUBLISHERS)
    # the alternate exchange itself must not get one, nor a look-alike name
    for other in (broker.UNROUTED, "members.events.x", "xmembers.events", "membersXevents", "nameko-rpc"):
        assert not pattern.search(other), other


def test_every_publisher_in_the_catalog_is_a_source_of_its_events():
    assert PUBLISHERS == ("members", "toolkits", "notifications")
    assert all(e.source == f"/clearinghouse/{e.service}" for e in CATALOG.values())
