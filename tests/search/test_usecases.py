"""search's use cases against in-memory twins of the repository and the owners: what an
event does to the index, what an outage does to the event, and that a refused question
never reaches the engine. Microseconds each; the real engine and broker have their own
tests (test_events.py, test_query.py)."""
import pytest
from eventlet.event import Event

from clearinghouse.errors import BadInput, Unauthenticated, Unavailable
from clearinghouse.events import cloudevent
from services.search import retry, usecases
from tests.search.memory import InMemoryOwners, InMemorySearchRepository

MEMBER_ID = "mem_0123456789abcdef"
MEMBER = "member:" + MEMBER_ID


def member(version, **extra):
    return {"id": MEMBER_ID, "name": "Deb Gross", "status": "active", "version": version, **extra}


def member_event(event_type, version):
    return cloudevent(event_type, f"member/{MEMBER_ID}",
                      {"id": MEMBER_ID, "version": version, "name": "Deb Gross", "status": "active"})


@pytest.fixture
def repo():
    return InMemorySearchRepository()


@pytest.fixture
def owners():
    return InMemoryOwners()


def Patience():
    """The search container's backoff, recording its waits instead of sleeping."""
    slept = []
    backoff = retry.event_backoff(sleep=slept.append)
    backoff.slept = slept
    return backoff


def test_an_event_indexes_its_entity_as_its_owner_shows_it_now(repo, owners):
    owners.entities[("member", MEMBER_ID)] = member(2, name="Deb Gross-Newer")
    assert usecases.apply_event(member_event("member.joined", 1), repo, owners) == "indexed"
    doc = repo.documents[MEMBER]
    assert (doc["version"], doc["title"], doc["visible"]) == (2, "Deb Gross-Newer", True)


def test_a_duplicate_or_older_event_is_stale_and_changes_nothing(repo, owners):
    owners.entities[("member", MEMBER_ID)] = member(3)
    assert usecases.apply_event(member_event("member.updated", 3), repo, owners) == "indexed"
    before = dict(repo.documents[MEMBER])
    owners.entities[("member", MEMBER_ID)] = member(1, name="Older Name")  # as a lagging read would
    assert usecases.apply_event(member_event("member.updated", 3), repo, owners) == "stale"
    assert usecases.apply_event(member_event("member.joined", 1), repo, owners) == "stale"
    assert repo.documents[MEMBER] == before


def test_a_member_who_left_becomes_a_hidden_tombstone(repo, owners):
    owners.entities[("member", MEMBER_ID)] = member(4, status="alumni")
    assert usecases.apply_event(member_event("member.left", 4), repo, owners) == "hidden"
    assert repo.documents[MEMBER] == {"key": MEMBER, "type": "member", "id": MEMBER_ID, "version": 4,
                                      "visible": False}


def test_an_entity_its_owner_no_longer_has_is_hidden_at_the_event_version(repo, owners):
    assert usecases.apply_event(member_event("member.updated", 7), repo, owners) == "hidden"
    assert repo.documents[MEMBER]["version"] == 7 and repo.documents[MEMBER]["visible"] is False


@pytest.mark.parametrize("message", [
    cloudevent("preemption.changed", "preemption/pa/minimum-wage", {"version": 1}),  # not a type search keeps
    {"type": "member.joined", "data": {"id": MEMBER_ID, "version": 1}},  # not a CloudEvent
    "member.joined",
])
def test_what_search_does_not_index_is_ignored(repo, owners, message):
    assert usecases.apply_event(message, repo, owners) == "ignored"
    assert repo.documents == {}


def test_an_outage_sends_the_event_back_after_a_wait_that_grows_and_resets_once_indexed(repo, owners):
    backoff, event = Patience(), member_event("member.joined", 1)
    owners.away = True
    for _ in range(6):
        with pytest.raises(Unavailable):
            usecases.take_event(event, repo, owners, backoff)
    assert backoff.slept == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert repo.documents == {}
    owners.away = False
    repo.away = True  # the index is missing: the same bounded wait, and the event is kept
    with pytest.raises(Unavailable):
        usecases.take_event(event, repo, owners, backoff)
    assert backoff.slept[-1] == 10.0
    repo.away = False
    assert usecases.take_event(event, repo, owners, backoff) == "hidden"
    owners.away = True
    with pytest.raises(Unavailable):
        usecases.take_event(event, repo, owners, backoff)
    assert backoff.slept[-1] == 1.0  # a success started the count again


def test_an_event_that_cannot_be_indexed_for_good_is_dropped_without_a_wait(repo, owners):
    backoff = Patience()
    owners.entities[("member", MEMBER_ID)] = {"id": MEMBER_ID, "version": 1}  # no name: a bug, not an outage
    assert usecases.take_event(member_event("member.joined", 1), repo, owners, backoff) == "failed"
    assert backoff.slept == [] and repo.documents == {}


@pytest.mark.parametrize("call", [
    lambda repo: usecases.query(repo, "x", filters={"colour": "red"}),
    lambda repo: usecases.query(repo, "x", first=101),
    lambda repo: usecases.suggest(repo, " "),
    lambda repo: usecases.suggest(repo, "x", limit=0),
])
def test_a_refused_question_never_reaches_the_engine(repo, call):
    with pytest.raises(BadInput):
        call(repo)
    assert repo.asked == []


def test_asks_are_searched_only_for_members_partners_and_staff(repo):
    with pytest.raises(Unauthenticated):
        usecases.query(repo, "tax", types=["ask"])
    assert repo.asked == []
    usecases.query(repo, "tax")  # the public: every type but asks
    usecases.query(repo, "tax", caller={"role": "partner"})  # every type
    assert [q["types"] for q in repo.asked] == [["member", "toolkit", "ordinance"], []]


class Rebuilds:
    def __init__(self, status):
        self.rebuild = type("Rebuild", (), {"done": Event()})()
        self.rebuild.done.send(status)

    def begin(self):
        return self.rebuild


def test_a_rebuild_answers_what_it_did_or_unavailable_if_it_failed():
    done = {"state": "done", "indexed": {"member": 1}, "skipped": {}, "kept": {}, "seconds": 0.1, "error": None}
    assert usecases.rebuild(Rebuilds(done)) == {"indexed": {"member": 1}, "skipped": {}, "kept": {}, "seconds": 0.1}
    with pytest.raises(Unavailable, match="the old index still answers"):
        usecases.rebuild(Rebuilds({**done, "state": "failed", "error": "boom"}))
