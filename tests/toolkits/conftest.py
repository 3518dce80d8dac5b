"""What the toolkits tests share: the running service, calls made as STAFF, and a view of
the store."""
import pytest

from services.toolkits.service import ToolkitsService
from tests.fuzz import snapshot_of
from tests.support import STAFF, As

COLLECTIONS = ("toolkits", "ordinances", "preemptions", "cases", "bills")


@pytest.fixture
def toolkits(start_service):
    return start_service(ToolkitsService)


@pytest.fixture
def staff(rpc):
    return As(rpc.toolkits, STAFF)


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document toolkits keeps (see tests.fuzz.snapshot_of)."""
    return snapshot_of(database("toolkits"), COLLECTIONS)
