"""What the members tests share: the running service, a view of its store, and a sentinel
for checks that something did not happen."""
import pytest

from services.members.service import MembersService
from tests.fuzz import snapshot_of
from tests.support.sentinel import Sentinel

COLLECTIONS = ("members", "organizations", "api_keys", "affiliations")


@pytest.fixture
def members(start_service):
    return start_service(MembersService)


@pytest.fixture
def snapshot(database):
    """``snapshot()``: every document members keeps (see tests.fuzz.snapshot_of)."""
    return snapshot_of(database("members"), COLLECTIONS)


@pytest.fixture
def sentinel(members, rpc, event_tap):
    """A negative check on the members events (tests.support.sentinel)."""
    return Sentinel(rpc, event_tap("members.events"))
