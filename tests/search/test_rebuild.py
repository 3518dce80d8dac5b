"""Rebuilding the index from the owners over RPC, behind an alias swap."""
import eventlet

from services.search import index
from services.toolkits.service import ToolkitsService
from tests.support import PGH, wait_until
from tests.support.search import ordinance, seed


def ids(result):
    return [edge["node"]["id"] for edge in result["edges"]]


def test_an_empty_index_is_rebuilt_from_the_owners_on_start(members, start_service, rpc, staff):
    from services.search.service import SearchService
    start_service(ToolkitsService)
    member = staff.members.create_member({"name": "Early Bird", "status": "active"})
    staff.toolkits.create_toolkit({"slug": "early", "title": "Early toolkit", "issue_area": "minimum-wage",
                                 "summary": "Published before search ran."})
    staff.toolkits.publish_toolkit("early")
    staff.toolkits.create_toolkit({"slug": "drafty", "title": "Draft toolkit", "issue_area": "minimum-wage",
                                 "summary": "Never published."})
    law = staff.toolkits.record_ordinance({"title": "Early ordinance", "jurisdiction": PGH, "issue_area": "minimum-wage"})
    # search starts after all of that: its queues did not exist, so only a rebuild can know
    start_service(SearchService)
    status = wait_until(lambda: (s := rpc.search.rebuild_status())["state"] == "done" and s, timeout=30,
                        message="the start-up rebuild")
    # toolkits hands a rebuild (the public) only published toolkits: the draft never reaches search
    assert status["indexed"] == {"member": 1, "toolkit": 1, "ordinance": 1, "ask": 0}
    assert set(status["skipped"]) == {"ask"}  # notifications is not running in this test
    assert set(ids(rpc.search.query("early"))) == {member["id"], "early", law["id"]}
    assert ids(rpc.search.query("draft toolkit")) == []  # a draft-only toolkit is not searchable


def test_queries_keep_answering_while_the_index_is_rebuilt(members, search, rpc, es, search_settings, staff):
    for n in range(150):
        staff.members.create_member({"name": f"Organiser {n}", "status": "active", "bio": "tenant organiser"})
    wait_until(lambda: rpc.search.query("tenant organiser")["total_count"] == 150, timeout=30,
               message="every member indexed")
    alias = search_settings.database_name("search")
    before = set(es.indices.get_alias(name=alias).body)
    answers = []
    rpc.search.start_rebuild()
    while True:
        state = rpc.search.rebuild_status()["state"]
        answers.append((state, rpc.search.query("tenant organiser", first=1)["total_count"]))
        if state != "running":
            break
        eventlet.sleep(0)
    assert state == "done"
    assert ("running", 150) in answers  # asked during the rebuild, and answered in full
    assert all(total == 150 for _, total in answers)
    after = set(es.indices.get_alias(name=alias).body)
    assert after and after.isdisjoint(before)  # the alias moved to a new index
    assert not any(es.indices.exists(index=name) for name in before)  # the old one is gone
    assert rpc.search.rebuild_status()["indexed"]["member"] == 150


def test_a_rebuild_skips_an_owner_that_does_not_answer_and_keeps_what_it_had(members, search, raw_index, rpc):
    seed(raw_index, [("ordinance", ordinance(1, "Paid sick days", PGH, "paid-sick-leave", "passed"))])
    result = rpc.search.rebuild()
    assert set(result["skipped"]) == {"toolkit", "ordinance", "ask"}
    assert "toolkits service is not running" in result["skipped"]["ordinance"]
    assert result["kept"]["ordinance"] == 1
    assert ids(rpc.search.query("paid sick days")) == ["ord_0000000000000001"]


def test_writes_during_a_rebuild_reach_the_new_index(search, raw_index, rpc):
    new = raw_index.new_index(raw_index.building)
    member = {"id": "mem_00000000000000cc", "name": "Mid Rebuild", "status": "active", "version": 1}
    assert raw_index.write(index.document("member", member, member["id"], 1), 1)
    raw_index.swap(new)
    assert raw_index.indices(raw_index.alias) == [new]
    assert ids(rpc.search.query("mid rebuild")) == [member["id"]]


def test_a_batch_written_during_a_rebuild_reaches_the_new_index_in_one_request(search, raw_index, rpc, es):
    def member(i, version=1):
        entity = {"id": f"mem_{i:016x}", "name": f"Batch Rebuild{i}", "status": "active", "version": version}
        return index.document("member", entity, entity["id"], version), version
    requests = []
    bulk = es.bulk
    es.bulk = lambda **kwargs: requests.append(kwargs) or bulk(**kwargs)
    try:
        # no rebuild under way: the live index only (its building twin's items are passed over)
        assert raw_index.write_many([member(1)]) == {member(1)[0]["key"]: True}
        new = raw_index.new_index(raw_index.building)
        assert raw_index.write_many([member(2), member(3), member(1)]) == {
            member(2)[0]["key"]: True, member(3)[0]["key"]: True, member(1)[0]["key"]: False}
    finally:
        del es.bulk
    assert len(requests) == 2  # one request a batch, rebuild or not
    raw_index.swap(new)
    assert raw_index.indices(raw_index.alias) == [new]
    # the new index got the whole batch written during the rebuild, member 1 included (a
    # duplicate in the live index, new to the building one)
    assert sorted(ids(rpc.search.query("batch rebuild", first=10))) == sorted(f"mem_{i:016x}" for i in (1, 2, 3))


def test_the_command_line_rebuild_shows_progress(members, search, rpc, search_settings, capsys, staff):
    from ops import cli
    staff.members.create_member({"name": "Cli Member", "status": "active"})
    code = cli.search_rebuild(search_settings, None)
    out, err = capsys.readouterr()
    assert code == 0
    assert "member" in err and "100%" in err
    assert "indexed: member 1" in out and "skipped: toolkit" in out


def test_a_rebuild_left_half_done_is_dropped_by_the_next(members, search, raw_index, rpc, es, staff):
    stray = raw_index.new_index(raw_index.building)  # as if a search process died mid-rebuild
    staff.members.create_member({"name": "After Crash", "status": "active"})
    result = rpc.search.rebuild()
    assert result["indexed"]["member"] == 1
    assert not es.indices.exists(index=stray)
    assert raw_index.indices(raw_index.building) == []
    assert rpc.search.query("after crash")["total_count"] == 1


def test_an_event_written_while_the_rebuild_swaps_is_in_the_new_index(search, raw_index, rpc):
    # The rebuild read its owners before this member existed; its event arrives just as the
    # rebuild swaps, between the event's two writes.
    new = raw_index.new_index(raw_index.building)
    doc = index.document("member", {"id": "mem_00000000000000bb", "name": "Late Arrival", "status": "active",
                                    "version": 1}, "mem_00000000000000bb", 1)
    write_once = raw_index._write
    swapped = []

    def write_then_swap(alias, *args, **kwargs):
        applied = write_once(alias, *args, **kwargs)
        if not swapped:
            swapped.append(raw_index.swap(new))
        return applied

    raw_index._write = write_then_swap
    raw_index.write(doc, 1)
    assert swapped
    assert ids(rpc.search.query("late arrival")) == ["mem_00000000000000bb"]
