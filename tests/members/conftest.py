"""What the members tests share: the running service and a view of its store."""
import pytest

from clearinghouse.store import OUTBOX, PENDING, REV
from services.members.service import MembersService

COLLECTIONS = ("members", "organizations", "api_keys")


@pytest.fixture
def members(container_factory, config):
    container = container_factory(MembersService, config)
    container.start()
    return container


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document members keeps, without the outbox bookkeeping the
    relay changes on its own, so that two snapshots differ only if an RPC wrote."""
    db = database("members")

    def take():
        return {c: sorted(({k: v for k, v in d.items() if k not in (OUTBOX, PENDING, REV)} for d in db[c].find()),
                          key=lambda d: d["_id"]) for c in COLLECTIONS}
    return take
