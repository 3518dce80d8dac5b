"""Member RPC round trips per second, sequential and 20 concurrent, against a no-op RPC on
the same broker in the same run. Services run in their own processes.

    .venv/bin/python bench/bench_members.py [--calls 400]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import time  # noqa: E402

from harness import Stack, peak_rss_mb, percentiles, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402


def measure(config, call, calls, concurrency):
    """Run ``calls`` calls with ``concurrency`` clients; latencies and calls/second."""
    latencies = []
    per_client = calls // concurrency

    def client(index):
        with ClusterRpcProxy(config, timeout=30) as rpc:
            for i in range(per_client):
                started = time.perf_counter()
                call(rpc, index * per_client + i)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    pool = eventlet.GreenPool(concurrency)
    for index in range(concurrency):
        pool.spawn(client, index)
    pool.waitall()
    return latencies, len(latencies) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    stack = Stack()
    try:
        members = stack.spawn("-m", "clearinghouse.serve", "members")
        noop = stack.spawn("-m", "nameko", "run", "--broker", stack.amqp_uri, "bench.noop_service")
        config = stack.config()
        with ClusterRpcProxy(config, timeout=5) as rpc:
            wait_for(lambda: rpc.noop.ping())
            wait_for(lambda: rpc.members.list_members(first=0))
            ids = [rpc.members.create_member({"name": f"Seed {i}"}, caller_role="staff")["id"] for i in range(50)]

        cases = {
            "noop.ping": lambda rpc, i: rpc.noop.ping(),
            "members.get_member": lambda rpc, i: rpc.members.get_member(ids[i % len(ids)], caller_role="member"),
            "members.create_member": lambda rpc, i: rpc.members.create_member({"name": f"Bench {i}"}),
            "members.list_members(first=20)": lambda rpc, i: rpc.members.list_members(first=20),
        }
        print(f"{'call':34} {'clients':>7} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs noop':>8}")
        for concurrency in (1, 20):
            baseline = None
            for name, call in cases.items():
                latencies, rate = measure(config, call, args.calls, concurrency)
                baseline = baseline or rate
                q = percentiles(latencies)
                print(f"{name:34} {concurrency:7} {rate:9.0f} {q['p50']:8.2f} {q['p99']:8.2f} {rate / baseline:8.2f}")
        print(f"peak RSS MiB: members {peak_rss_mb(members.pid):.0f}, noop {peak_rss_mb(noop.pid):.0f}, "
              f"bench client {peak_rss_mb():.0f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
