"""Kill -9 the members service in the middle of a burst of writes: every member that
reached the store gets its member.joined event once the service is back."""
import signal

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.chaos.process import answers, spawn_service
from tests.support import STAFF, wait_until

pytestmark = pytest.mark.chaos


def test_killing_the_service_mid_burst_loses_no_event(settings, config, database, event_tap):
    tap = event_tap("members.events", "member.joined")
    proc = spawn_service("members", settings)
    members = database("members").members
    outcomes = []

    def create(i):
        try:
            with ClusterRpcProxy(config, timeout=5) as rpc:
                outcomes.append(rpc.members.create_member({"name": f"Burst {i:03d}"}, caller=STAFF)["id"])
        except Exception as exc:  # the service died under this request
            outcomes.append(exc)

    try:
        with ClusterRpcProxy(config, timeout=30) as rpc:
            wait_until(lambda: answers(lambda: rpc.members.list_members(first=0)),
                       timeout=30, message="members service up")
        pool = eventlet.GreenPool(10)
        for i in range(150):
            pool.spawn_n(create, i)
        wait_until(lambda: members.count_documents({}) >= 40, timeout=30, message="writes under way")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        pool.waitall()
        stored_before_restart = members.count_documents({})
        proc = spawn_service("members", settings)
        stored = wait_until(lambda: _all_published(members, tap), timeout=60,
                            message="an event for every stored member")
    finally:
        proc.kill()
        proc.wait()
    assert stored >= stored_before_restart >= 40
    assert any(isinstance(o, Exception) for o in outcomes), "the kill should have hit requests in flight"


def _all_published(members, tap):
    stored = {d["_id"] for d in members.find({}, {"_id": 1})}
    published = {e["data"]["id"] for e in tap.drain()}
    missing = stored - published
    return len(stored) if stored and not missing and not members.find_one({"outbox_pending": True}) else 0
