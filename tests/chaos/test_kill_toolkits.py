"""Kill -9 the toolkits service in the middle of a burst of ordinance actions: every status
change that reached the store gets its ordinance.status_changed event once the service is
back, with the version the store holds."""
import signal

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.chaos.process import answers, spawn_service
from tests.support import STAFF, wait_until

pytestmark = pytest.mark.chaos

ORDINANCES = 240


def _spawn_all(config, call, count, outcomes):
    def one(i):
        try:
            with ClusterRpcProxy(config, timeout=5) as rpc:
                outcomes.append(call(rpc, i))
        except Exception as exc:  # the service died under this request
            outcomes.append(exc)

    pool = eventlet.GreenPool(10)
    for i in range(count):
        pool.spawn_n(one, i)
    return pool


def test_killing_the_service_mid_burst_loses_no_status_change(settings, config, database, event_tap):
    proc = spawn_service("toolkits", settings)
    ordinances = database("toolkits").ordinances
    tap = event_tap("toolkits.events", "ordinance.status_changed")
    try:
        with ClusterRpcProxy(config, timeout=30) as rpc:
            wait_until(lambda: answers(lambda: rpc.toolkits.status_definitions()),
                       timeout=30, message="toolkits service up")
        seeded = []
        _spawn_all(config, lambda rpc, i: rpc.toolkits.record_ordinance({
            "title": "Paid Sick Days Act", "issue_area": "paid-sick-leave",
            "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i:03d}",
            "actions": [{"type": "introduced", "date": "2015-07-01"}]}, caller=STAFF)["id"], ORDINANCES, seeded).waitall()
        ids = [s for s in seeded if isinstance(s, str)]
        assert len(ids) == ORDINANCES

        outcomes = []
        pool = _spawn_all(config, lambda rpc, i: rpc.toolkits.record_action(
            ids[i], {"type": "passed", "date": "2015-08-03"}, caller=STAFF), ORDINANCES, outcomes)
        wait_until(lambda: ordinances.count_documents({"status": "passed"}) >= 30, timeout=30,
                   message="actions under way")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        pool.waitall()
        passed_before_restart = ordinances.count_documents({"status": "passed"})
        proc = spawn_service("toolkits", settings)
        passed = wait_until(lambda: _all_published(ordinances, tap), timeout=60,
                            message="a status_changed event for every stored change")
    finally:
        proc.kill()
        proc.wait()
    assert passed >= passed_before_restart >= 30
    assert any(isinstance(o, Exception) for o in outcomes), "the kill should have hit requests in flight"


def _all_published(ordinances, tap):
    stored = {d["_id"]: d["version"] for d in ordinances.find({"status": "passed"}, {"version": 1})}
    published = {e["data"]["id"]: e["data"]["version"] for e in tap.drain() if e["data"]["to"] == "passed"}
    complete = stored and all(published.get(i) == v for i, v in stored.items())
    return len(stored) if complete and not ordinances.find_one({"outbox_pending": True}) else 0
