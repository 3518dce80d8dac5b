"""A negative check on the bus, proved rather than waited for (the members tests' sentinel)."""
from tests.support import STAFF


class Sentinel:
    """``settle(n)`` takes the n events the setup caused; ``events_before()`` then writes a
    known organisation, waits for its event and returns every event that came before it. The
    relay publishes in write order and sweeps organisations last, so an unwanted event would
    be among them."""

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
