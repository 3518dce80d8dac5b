"""What the toolkits tests share: the running service, calls made as one caller, and a
view of the store."""
import pytest

from services.toolkits.service import ToolkitsService
from tests.conftest import STAFF
from tests.fuzz import snapshot_of
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
    """``snapshot()``: every document toolkits keeps (see tests.fuzz.snapshot_of)."""
    return snapshot_of(database("toolkits"), COLLECTIONS)
