"""What the members tests share: the running service and a view of its store."""
import pytest

from services.members.service import MembersService
from tests.fuzz import snapshot_of

COLLECTIONS = ("members", "organizations", "api_keys")


@pytest.fixture
def members(start_service):
    return start_service(MembersService)


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document members keeps (see tests.fuzz.snapshot_of)."""
    return snapshot_of(database("members"), COLLECTIONS)
