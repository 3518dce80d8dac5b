"""search's use cases against an in-memory twin of the repository: what a batch of events
does to the index, what an outage does to the batch, and that a refused question
never reaches the engine. Microseconds each; the real engine and broker have their own
tests (test_events.py, test_query.py)."""
import pytest
from eventlet.event import Event

from clearinghouse.errors import BadInput, Unauthenticated, Unavailable
from clearinghouse.events import cloudevent
from services.search import retry, usecases
from tests.search.memory import InMemorySearchRepository

MEMBER_ID = "mem_0123456789abcdef"
MEMBER = "member:" + MEMBER_ID


def member_event(event_type, version, **view):
    return cloudevent(event_type, f"member/{MEMBER_ID}",
                      {"id": MEMBER_ID, "version": version, "name": "Deb Gross", "status": "active", **view})


@pytest.fixture
def repo():
    return InMemorySearchRepository()


def Patience():
    """The search container's backoff, recording its waits instead of sleeping."""
    slept = []
    backoff = retry.event_backoff(sleep=slept.append)
    backoff.slept = slept
    return backoff


def test_an_event_indexes_the_public_view_it_carries(repo):
    event = member_event("member.joined", 1, bio="Paid sick days in Pittsburgh.")
    assert usecases.apply_events([event], repo) == ["indexed"]
    doc = repo.documents[MEMBER]
    assert doc["version"] == 1 and doc["node"]["name"] == "Deb Gross" and "Pittsburgh" in doc["body"]


def test_duplicate_and_out_of_order_events_in_one_batch_change_nothing(repo):
    newest = member_event("member.updated", 3, name="Deb Gross-Newer")
    batch = [member_event("member.updated", 2, name="Older"), newest, newest,
             member_event("member.joined", 1, name="Oldest")]
    assert usecases.apply_events(batch, repo) == ["stale", "indexed", "stale", "stale"]
    assert repo.bulks == 1 and repo.documents[MEMBER]["node"]["name"] == "Deb Gross-Newer"
    # and the same events again, in another batch, find a version at least as new there
    assert usecases.apply_events(list(reversed(batch)), repo) == ["stale"] * 4
    assert repo.documents[MEMBER]["version"] == 3 and repo.documents[MEMBER]["node"]["name"] == "Deb Gross-Newer"


def test_a_member_who_left_becomes_a_hidden_tombstone(repo):
    usecases.apply_events([member_event("member.joined", 1)], repo)
    assert usecases.apply_events([member_event("member.left", 4, status="alumni")], repo) == ["hidden"]
    assert repo.documents[MEMBER] == {"key": MEMBER, "type": "member", "id": MEMBER_ID, "version": 4,
                                      "visible": False}


@pytest.mark.parametrize("message", [
    {"hello": "world"}, "not even a dict",
    cloudevent("preemption.changed", "preemption/pa/minimum-wage", {"id": "pa/minimum-wage", "version": 1}),
])
def test_what_search_does_not_index_is_ignored(repo, message):
    assert usecases.apply_events([message], repo) == ["ignored"]
    assert repo.documents == {}


def test_an_outage_sends_the_batch_back_after_a_wait_that_grows_and_resets_once_indexed(repo):
    backoff = Patience()
    repo.away = True
    batch = [member_event("member.joined", 1), member_event("member.updated", 2)]
    for _ in range(3):
        with pytest.raises(Unavailable):
            usecases.take_events(batch, repo, backoff)
    assert backoff.slept == [1.0, 2.0, 4.0] and repo.documents == {}
    repo.away = False
    assert usecases.take_events(batch, repo, backoff) == ["stale", "indexed"]
    repo.away = True
    with pytest.raises(Unavailable):
        usecases.take_events(batch, repo, backoff)
    assert backoff.slept[-1] == 1.0  # a success started the count again


def test_an_event_that_cannot_be_indexed_for_good_is_dropped_and_the_rest_of_its_batch_indexed(repo):
    backoff = Patience()
    broken = cloudevent("member.joined", "member/mem_00000000000000ff", {"id": "mem_00000000000000ff", "version": 1})
    assert usecases.take_events([broken, member_event("member.joined", 1)], repo, backoff) == ["failed", "indexed"]
    assert backoff.slept == [] and list(repo.documents) == [MEMBER]


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
