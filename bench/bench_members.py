"""Member RPC round trips per second, sequential and 20 concurrent, against a no-op RPC on
the same broker in the same run. Services run in their own processes.

    .venv/bin/python bench/bench_members.py [--calls 400]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402

from harness import STAFF, Stack, peak_rss_mb, rpc_table, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from raw_rpc import RawRpcClient  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    stack = Stack()
    try:
        members = stack.spawn("-m", "ops.serve", "members")
        noop = stack.spawn("-m", "nameko", "run", "--broker", stack.amqp_uri, "bench.noop_service")
        raw = stack.spawn("bench/raw_rpc.py", stack.amqp_uri)
        config = stack.config()
        raw_clients = {}  # one raw client per nameko proxy (per bench client), as a proxy has its own

        def raw_call(rpc, i):
            if id(rpc) not in raw_clients:
                raw_clients[id(rpc)] = RawRpcClient(stack.amqp_uri)
            raw_clients[id(rpc)].call()
        wait_for(lambda: RawRpcClient(stack.amqp_uri).call())
        with ClusterRpcProxy(config, timeout=5) as rpc:
            wait_for(lambda: rpc.noop.ping())
            wait_for(lambda: rpc.members.list_members(first=0))
            ids = [rpc.members.create_member({"name": f"Seed {i}"}, caller=STAFF)["id"] for i in range(50)]

        # the first case is each table's baseline: a raw AMQP request/reply (kombu), the floor
        # under any RPC; noop.ping over it is what nameko adds (goal <= 1.3x its latency)
        cases = {
            "raw AMQP request/reply (kombu)": raw_call,
            "noop.ping": lambda rpc, i: rpc.noop.ping(),
            "members.get_member": lambda rpc, i: rpc.members.get_member(ids[i % len(ids)], caller={"role": "member"}),
            "members.create_member": lambda rpc, i: rpc.members.create_member({"name": f"Bench {i}"}, caller=STAFF),
            "members.list_members(first=20)": lambda rpc, i: rpc.members.list_members(first=20),
            "members.list_members(first=20, count=False)": lambda rpc, i: rpc.members.list_members(
                first=20, count=False),
        }
        rpc_table(config, cases, args.calls)
        print(f"peak RSS MiB: members {peak_rss_mb(members.pid):.0f}, noop {peak_rss_mb(noop.pid):.0f}, "
              f"raw server {peak_rss_mb(raw.pid):.0f}, "
              f"bench client {peak_rss_mb():.0f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
