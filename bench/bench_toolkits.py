"""Toolkits RPC round trips per second, sequential and 20 concurrent, against a no-op RPC
on the same broker in the same run. The store is seeded with ordinances on one issue area
so that can_pass and spread read a realistic issue (``--ordinances``, default 300).

    .venv/bin/python bench/bench_toolkits.py [--calls 400] [--ordinances 300]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402

from harness import STAFF, Stack, peak_rss_mb, rpc_table, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

STATES = ["pa", "wa", "ca", "ny", "il", "or", "mn", "nj", "ma", "co"]


def seed(rpc, count):
    ids = []
    for i in range(count):
        jurisdiction = f"ocd-division/country:us/state:{STATES[i % len(STATES)]}/place:town_{i:04d}"
        ids.append(rpc.toolkits.record_ordinance({
            "title": "Minimum wage ordinance", "jurisdiction": jurisdiction, "issue_area": "minimum-wage",
            "provisions": {"wage_usd": 12 + i % 4},
            "actions": [{"type": "introduced", "date": f"{2010 + i % 10}-03-01"},
                        {"type": "passed", "date": f"{2010 + i % 10}-05-01"},
                        {"type": "effective", "date": f"{2010 + i % 10}-07-01"}]}, caller=STAFF)["id"])
    rpc.toolkits.set_preemption({"state": "pa", "issue_area": "minimum-wage", "scope": "full"}, caller=STAFF)
    rpc.toolkits.create_toolkit({"slug": "fifteen", "title": "Fifteen", "issue_area": "minimum-wage",
                                 "summary": "Bench toolkit."}, caller=STAFF)
    rpc.toolkits.publish_toolkit("fifteen", caller=STAFF)
    return ids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--ordinances", type=int, default=300)
    args = parser.parse_args()
    stack = Stack()
    try:
        toolkits = stack.spawn("-m", "ops.serve", "toolkits")
        noop = stack.spawn("-m", "nameko", "run", "--broker", stack.amqp_uri, "bench.noop_service")
        config = stack.config()
        with ClusterRpcProxy(config, timeout=30) as rpc:
            wait_for(lambda: rpc.noop.ping())
            wait_for(lambda: rpc.toolkits.status_definitions())
            ids = seed(rpc, args.ordinances)
        pgh = "ocd-division/country:us/state:pa/place:pittsburgh"

        def record(rpc, i):
            # a new amendment each call: the action is placed, the history replayed, the event queued
            rpc.toolkits.record_action(ids[i % len(ids)], {"type": "amended", "date": "2020-01-01",
                                                           "source_url": f"https://example.org/{i}"}, caller=STAFF)

        cases = {
            "noop.ping": lambda rpc, i: rpc.noop.ping(),
            "toolkits.get_ordinance": lambda rpc, i: rpc.toolkits.get_ordinance(ids[i % len(ids)]),
            "toolkits.record_action": record,
            "toolkits.list_ordinances(first=20)": lambda rpc, i: rpc.toolkits.list_ordinances(first=20),
            "toolkits.list_ordinances(first=20, count=False)": lambda rpc, i: rpc.toolkits.list_ordinances(
                first=20, count=False),
            f"toolkits.can_pass ({args.ordinances} peers)": lambda rpc, i: rpc.toolkits.can_pass(pgh, "minimum-wage"),
            f"toolkits.spread ({args.ordinances})": lambda rpc, i: rpc.toolkits.spread("minimum-wage"),
        }
        rpc_table(config, cases, args.calls)
        print(f"peak RSS MiB: toolkits {peak_rss_mb(toolkits.pid):.0f}, noop {peak_rss_mb(noop.pid):.0f}, "
              f"bench client {peak_rss_mb():.0f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
