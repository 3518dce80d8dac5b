"""What the toolkits tests share: the running service, calls made as one caller, and a
view of the store."""
import pytest

from clearinghouse.store import OUTBOX, PENDING, REV
from services.toolkits.service import ToolkitsService

STAFF = {"role": "staff"}
MEMBER = {"role": "member", "owner_id": "mem_0123456789abcdef", "owner_kind": "member"}
PARTNER = {"role": "partner", "owner_id": "org_0123456789abcdef", "owner_kind": "organization"}
COLLECTIONS = ("toolkits", "ordinances", "preemptions")


class As:
    """``rpc.toolkits`` with every call made as ``caller``."""

    def __init__(self, proxy, caller):
        self.proxy, self.caller = proxy, caller

    def __getattr__(self, method):
        return lambda *args, **kwargs: getattr(self.proxy, method)(*args, caller=self.caller, **kwargs)


@pytest.fixture
def toolkits(container_factory, config):
    container = container_factory(ToolkitsService, config)
    container.start()
    return container


@pytest.fixture
def staff(rpc):
    return As(rpc.toolkits, STAFF)


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document toolkits keeps, without the outbox bookkeeping the
    relay changes on its own, so that two snapshots differ only if an RPC wrote."""
    db = database("toolkits")

    def take():
        return {c: sorted(({k: v for k, v in d.items() if k not in (OUTBOX, PENDING, REV)} for d in db[c].find()),
                          key=lambda d: d["_id"]) for c in COLLECTIONS}
    return take
