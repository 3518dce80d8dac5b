"""What the members tests share: the running service, a view of its store, and a sentinel
for checks that something did not happen."""
import pytest

from services.members.service import MembersService
from tests.fuzz import snapshot_of
from tests.support import STAFF

COLLECTIONS = ("members", "organizations", "api_keys")


@pytest.fixture
def members(start_service):
    return start_service(MembersService)


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document members keeps (see tests.fuzz.snapshot_of)."""
    return snapshot_of(database("members"), COLLECTIONS)


class Sentinel:
    """A negative check on the bus, proved rather than waited for: ``settle(n)`` takes the
    n events the setup caused; ``events_before()`` then writes a known organisation, waits
    for its event and returns every event that came before it. The relay publishes in
    write order and sweeps organisations last, so an unwanted event would be among them."""

    def __init__(self, rpc, tap):
        self.rpc, self.tap = rpc, tap

    def settle(self, count=0):
        if count:
            self.tap.wait_for(count)
        self.tap.received.clear()

    def events_before(self):
        known = self.rpc.members.create_organization({"name": "Sentinel", "kind": "other"}, caller=STAFF)["id"]
        seen = self.tap.wait_for(1)
        while not any(e["subject"] == f"organization/{known}" for e in seen):
            seen = self.tap.wait_for(len(seen) + 1)
        return [e for e in seen if e["subject"] != f"organization/{known}"]


@pytest.fixture
def sentinel(members, rpc, event_tap):
    return Sentinel(rpc, event_tap("members.events"))
