"""The in-memory repository keeps to the real one's word: the same writes are applied or
refused as stale by both (the real one on the embedded search server)."""
import pytest

from services.search import index
from tests.search.memory import InMemorySearchRepository

MEMBER_ID = "mem_00000000000000ab"


@pytest.fixture(params=["in memory", "on the engine"])
def repo(request):
    if request.param == "in memory":
        return InMemorySearchRepository()
    real = request.getfixturevalue("raw_index")
    real.ensure()  # the live index, as the service makes it on start
    return real


def doc(version, **extra):
    member = {"id": MEMBER_ID, "name": "Ann Contract", "status": "active", "version": version, **extra}
    return index.document("member", member, MEMBER_ID, version)


def test_a_write_is_applied_only_at_a_newer_version(repo):
    assert repo.write(doc(2), 2) is True
    assert repo.write(doc(2), 2) is False  # a duplicate
    assert repo.write(doc(1), 1) is False  # a late, older one
    assert repo.write(doc(3, status="alumni"), 3) is True  # a hidden tombstone is a write like any
    assert repo.write(doc(2), 2) is False  # and keeps an older state from coming back
    assert repo.write(doc(4), 4) is True
