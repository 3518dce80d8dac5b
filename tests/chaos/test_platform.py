"""The platform runner under kill -9: nothing it started outlives it and a new run on the
same data starts; a store killed under it comes back by itself, with nothing lost. And a
burst of bad requests leaves no traceback in any process's log."""
import json
import os
import signal
from pathlib import Path

import pytest

from tests.chaos.platform import Platform, alive, children
from tests.support import wait_until

pytestmark = pytest.mark.chaos

CREATE = "mutation($input: MemberInput!) { createMember(input: $input) { id name } }"
READ = "query($id: ID!) { member(id: $id) { id name } }"
SEARCH = 'query($q: String!) { search(query: $q, types: [MEMBER], first: 50) { totalCount } }'


def _kill_leftovers(pids):
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_nothing_outlives_a_killed_runner_and_a_new_run_on_the_same_data_starts(amqp_uri, tmp_path):
    first = Platform(tmp_path / "data", amqp_uri, tmp_path / "run.log").start()
    started = {}
    try:
        first.wait_running()
        _bad_requests_leave_no_traceback(first)
        started = children(first.proc.pid)
        assert any("nx-27017" in cmd for cmd in started.values())
        assert sum("ops.serve" in cmd for cmd in started.values()) >= 4
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait()
        wait_until(lambda: not any(alive(pid) for pid in started), timeout=60, interval=0.2,
                   message=f"every child of the killed runner gone: {started}")
        second = Platform(tmp_path / "data", amqp_uri, tmp_path / "run.log")
        second.env["GATEWAY_PORT"] = first.env["GATEWAY_PORT"]  # the same port is free again
        second.start()
        try:
            second.wait_running(runs=2)
            assert "sample data loaded" not in second.output().split("clearinghouse.platform: running: ")[1]
        finally:
            second.stop()
        assert second.proc.returncode == 0
    finally:
        first.stop()
        _kill_leftovers(started)


def _bad_requests_leave_no_traceback(platform):
    quiet = len(platform.output())
    for i in range(20):
        assert platform.graphql(f'{{ member(id: "x{i}") {{ name }} }}')["errors"]
        assert platform.graphql('{ members(first: 2, after: "bm90IGEgY3Vyc29y") { totalCount } }')["errors"]
        assert platform.http.post(platform.url, data=b"{not json", headers={"content-type": "application/json"},
                                  timeout=30).status_code == 400
    wait_until(lambda: "members.list_members rejected BAD_USER_INPUT" in platform.output()[quiet:],
               message="the members service's line about the bad cursor")
    burst = platform.output()[quiet:]
    assert "Traceback" not in burst
    assert 1 <= burst.count("gateway.graphql rejected BAD_USER_INPUT") < 20  # summarised, not 60 lines


def test_a_second_runner_on_the_same_data_is_refused_plainly(running_platform, tmp_path):
    first = running_platform
    second = Platform(Path(first.env["DATA_DIR"]), first.env["AMQP_URI"], tmp_path / "second.log")
    second.env["LOG_FORMAT"] = "json"
    assert second.start().proc.wait(60) == 1
    (line,) = [json.loads(line) for line in second.output().splitlines()]
    assert line["level"] == "ERROR" and line["service"] == "runner"
    assert f"(pid {first.proc.pid}) uses" in line["message"]
    assert first.proc.poll() is None


def test_killed_stores_come_back_under_a_running_platform_with_nothing_lost(running_platform):
    platform = running_platform
    key = platform.staff_key()

    def create(name):
        answer = platform.graphql(CREATE, {"input": {"name": name}}, key)
        return None if answer.get("errors") else answer["data"]["createMember"]["id"]

    before = [create(f"Quill Before {i}") for i in range(5)]
    assert all(before)

    mongo = platform.child("nx-27017")
    os.kill(mongo, signal.SIGKILL)
    wait_until(lambda: create("Quill After Mongo"), timeout=60, interval=0.5,
               message="a write through the gateway after nx-27017 was killed")
    assert platform.child("nx-27017") != mongo
    for member_id in before:
        assert platform.graphql(READ, {"id": member_id})["data"]["member"]["id"] == member_id

    search = platform.child("osmem-server")
    os.kill(search, signal.SIGKILL)
    wait_until(lambda: create("Quill After Search"), timeout=60, interval=0.5,
               message="a write through the gateway after osmem-server was killed")

    def everyone_found():
        answer = platform.graphql(SEARCH, {"q": "Quill"})
        return not answer.get("errors") and answer["data"]["search"]["totalCount"] == 7
    # osmem-server keeps nothing: the runner has search rebuild it from the owners
    wait_until(everyone_found, timeout=60, interval=0.5, message="every member found by search again")
    assert platform.child("osmem-server") != search
    out = platform.output()
    assert "nx-27017 (embedded MongoDB) restarted" in out and "osmem-server (embedded search) restarted" in out
