"""Two search replicas on one broker and one search engine: a rebuild runs once, under a
lease both replicas read in the engine, however many of them are asked at once."""
import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.utils import get_extension

from services.search.lease import Lease
from services.search.rebuild import Rebuilds
from services.search.service import SearchService
from tests.support import wait_until

MEMBERS = 40


@pytest.fixture
def organisers(members, staff):
    return [staff.members.create_member({"name": f"Organiser {n}", "status": "active", "bio": "tenant organiser"})
            for n in range(MEMBERS)]


def ran_here(container):
    """The rebuild this replica ran itself (under way or finished), or None."""
    rebuilds = get_extension(container, Rebuilds)
    return rebuilds.current or rebuilds.last


def settled(replicas):
    return all(get_extension(c, Rebuilds).status()["state"] in ("done", "failed") for c in replicas)


def test_two_replicas_starting_on_an_empty_index_build_it_once(organisers, start_service, rpc, es,
                                                               search_settings):
    replicas = [start_service(SearchService) for _ in range(2)]
    wait_until(lambda: settled(replicas), timeout=30, message="the start-up rebuild")
    assert sum(ran_here(c) is not None for c in replicas) == 1
    statuses = [get_extension(c, Rebuilds).status() for c in replicas]
    assert all(s["state"] == "done" and s["indexed"]["member"] == MEMBERS for s in statuses)
    assert len(es.indices.get_alias(name=search_settings.database_name("search")).body) == 1
    assert rpc.search.query("tenant organiser")["total_count"] == MEMBERS


def test_a_rebuild_asked_of_both_replicas_at_once_runs_once(organisers, start_service, rpc, es, search_settings,
                                                            config):
    replicas = [start_service(SearchService) for _ in range(2)]
    wait_until(lambda: settled(replicas), timeout=30, message="the start-up rebuild")
    for c in replicas:  # forget the start-up rebuild: only what follows is counted
        get_extension(c, Rebuilds).last = None
    alias = search_settings.database_name("search")
    before = set(es.indices.get_alias(name=alias).body)
    started = [eventlet.spawn(lambda c=c: get_extension(c, Rebuilds).begin()) for c in replicas]
    handles = [s.wait() for s in started]
    # the one that did not get the lease reports the other's progress and waits for its end
    assert sorted(h.status().get("elsewhere", False) for h in handles) == [False, True]
    results = [h.done.wait() for h in handles]
    assert [r["state"] for r in results] == ["done", "done"]
    assert results[0]["indexed"] == results[1]["indexed"] and results[0]["indexed"]["member"] == MEMBERS
    assert sum(ran_here(c) is not None for c in replicas) == 1
    after = set(es.indices.get_alias(name=alias).body)
    assert len(after) == 1 and after.isdisjoint(before)  # one new index went live
    # and through RPC, wherever the calls land: two waits, one rebuild
    for c in replicas:
        get_extension(c, Rebuilds).last = None
    def rebuild():
        with ClusterRpcProxy(config, timeout=30) as proxy:  # a proxy each: one connection is one reader
            return proxy.search.rebuild()
    calls = [eventlet.spawn(rebuild) for _ in range(2)]
    assert [c.wait()["indexed"]["member"] for c in calls] == [MEMBERS, MEMBERS]
    assert sum(ran_here(c) is not None for c in replicas) == 1


def test_a_lease_is_one_holders_until_released_or_run_out(es, search_settings):
    index = f"{search_settings.database_name('search')}-leases"
    now = [100.0]
    a, b = (Lease(es, index, "job", 10.0, clock=lambda: now[0]) for _ in range(2))
    assert a.take(note={"step": 1}) and not b.take()
    assert b.read()["note"] == {"step": 1} and b.read()["holder"] == a.holder
    now[0] = 105.0
    assert a.renew(note={"step": 2}) and not b.take()  # renewed until 115
    now[0] = 116.0
    assert b.take()  # ran out: b has it, and a's renewal fails
    assert not a.renew() and not a.held
    b.release(note={"done": True})
    assert a.free(a.read()) and a.read()["note"] == {"done": True}
    assert a.take()
