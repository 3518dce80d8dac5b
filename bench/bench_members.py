"""Member RPC round trips per second, sequential and 20 concurrent, in two tables, each
against a baseline from the same run. Services run in their own processes.

The first table is the floor under any RPC: a raw AMQP request/reply with kombu (its
baseline), the same with nameko's default guarantees (durable queue, persistent request,
publisher confirms both ways, acknowledged replies), a no-op through nameko's own client
and entrypoint, through clearinghouse.rpc's (transient requests, unconfirmed replies: how
every service calls and answers), and with the dependency providers every service declares.
The second is the members and toolkits RPCs against members.get_member: lists with and
without totalCount (a count is remembered until the collection's revision moves; one line
shows a count taken right after a write, which is counted again).

    .venv/bin/python bench/bench_members.py [--calls 400] [--members 500] [--ordinances 500]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import time  # noqa: E402

from harness import STAFF, Stack, peak_rss_mb, rpc_table, wait_for  # noqa: E402
from raw_rpc import RawRpcClient  # noqa: E402

from clearinghouse import rpc as clearinghouse_rpc  # noqa: E402


def seed(config, call, count, concurrency=10):
    """``call(rpc, i)`` for i in range(count) from ``concurrency`` clients, each with its own
    proxy (a standalone proxy serves one green thread); the results in order."""
    results = [None] * count

    def client(first):
        with clearinghouse_rpc.ClusterRpcProxy(config, timeout=60) as rpc:
            for i in range(first, count, concurrency):
                results[i] = call(rpc, i)
    pool = eventlet.GreenPool(concurrency)
    for first in range(concurrency):
        pool.spawn(client, first)
    pool.waitall()
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--ordinances", type=int, default=500)
    args = parser.parse_args()
    stack = Stack()
    try:
        members = stack.spawn("-m", "ops.serve", "members")
        toolkits = stack.spawn("-m", "ops.serve", "toolkits")
        noop = stack.spawn("-m", "nameko", "run", "--broker", stack.amqp_uri, "bench.noop_service")
        raw = stack.spawn("bench/raw_rpc.py", stack.amqp_uri)
        raw_durable = stack.spawn("bench/raw_rpc.py", stack.amqp_uri, "--guarantees")
        config = stack.config()
        # per nameko proxy (per bench client), as a proxy has its own; each kept with its proxy,
        # so that a later proxy at the same address does not get a closed one's
        raw_clients, ours = {}, {}

        def per_proxy(made, rpc, key, make):
            if key not in made or made[key][0] is not rpc:
                made[key] = (rpc, make())
            return made[key][1]

        def raw_call(guarantees):
            def call(rpc, i):
                per_proxy(raw_clients, rpc, (id(rpc), guarantees),
                          lambda: RawRpcClient(stack.amqp_uri, guarantees=guarantees)).call()
            return call

        def our(rpc):
            """The bench client's proxy as clearinghouse.rpc's ClusterRpcProxy makes it."""
            return per_proxy(ours, rpc, id(rpc),
                             lambda: clearinghouse_rpc.ClusterProxy(rpc._worker_ctx, rpc._reply_listener))

        wait_for(lambda: RawRpcClient(stack.amqp_uri).call())
        wait_for(lambda: RawRpcClient(stack.amqp_uri, guarantees=True).call())
        with clearinghouse_rpc.ClusterRpcProxy(config, timeout=60) as rpc:
            for service in ("noop", "noop_rpc", "noop_deps"):
                wait_for(lambda: rpc[service].ping())
            wait_for(lambda: rpc.members.list_members(first=0))
            wait_for(lambda: rpc.toolkits.list_toolkits(first=0))
            started = time.perf_counter()
            ids = seed(config, lambda rpc, i: rpc.members.create_member({"name": f"Seed {i}"}, caller=STAFF)["id"],
                       args.members)
            seed(config, lambda rpc, i: rpc.toolkits.record_ordinance({
                "title": f"Ordinance {i}", "issue_area": "paid-sick-leave",
                "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i:05d}"}, caller=STAFF),
                args.ordinances)
            print(f"seeded {args.members} members and {args.ordinances} ordinances "
                  f"in {time.perf_counter() - started:.0f} s")
            # a count right after a write: the revision moved, so it is counted again
            rpc.members.create_member({"name": "One more"}, caller=STAFF)
            for label, kwargs in (("with totalCount", {}), ("again, remembered", {}),
                                  ("without totalCount", {"count": False})):
                started = time.perf_counter()
                rpc.members.list_members(first=20, **kwargs)
                print(f"list_members(first=20) after a write, {label}: "
                      f"{(time.perf_counter() - started) * 1000:.1f} ms")
        ids = ids[:50]

        print("\nthe floor under an RPC (first row: raw AMQP request/reply, the baseline)")
        rpc_table(config, {
            "raw AMQP request/reply (kombu)": raw_call(False),
            "raw, nameko's guarantees": raw_call(True),
            "noop.ping (nameko client+entrypoint)": lambda rpc, i: rpc.noop.ping(),
            "noop_rpc.ping (clearinghouse.rpc)": lambda rpc, i: our(rpc).noop_rpc.ping(),
            "noop_deps.ping (+ service providers)": lambda rpc, i: our(rpc).noop_deps.ping(),
        }, args.calls)
        print("\nmembers and toolkits (first row: members.get_member, the baseline)")
        rpc_table(config, {
            "members.get_member": lambda rpc, i: our(rpc).members.get_member(
                ids[i % len(ids)], caller={"role": "member"}),
            "members.list_members(first=20)": lambda rpc, i: our(rpc).members.list_members(first=20),
            "members.list_members(first=20, count=False)": lambda rpc, i: our(rpc).members.list_members(
                first=20, count=False),
            "toolkits.list_ordinances(first=20)": lambda rpc, i: our(rpc).toolkits.list_ordinances({}, first=20),
            "toolkits.list_ordinances(first=20, count=False)": lambda rpc, i: our(rpc).toolkits.list_ordinances(
                {}, first=20, count=False),
            "members.create_member": lambda rpc, i: our(rpc).members.create_member(
                {"name": f"Bench {i}"}, caller=STAFF),
        }, args.calls)
        print(f"peak RSS MiB: members {peak_rss_mb(members.pid):.0f}, toolkits {peak_rss_mb(toolkits.pid):.0f}, "
              f"noop {peak_rss_mb(noop.pid):.0f}, raw servers {peak_rss_mb(raw.pid):.0f}/"
              f"{peak_rss_mb(raw_durable.pid):.0f}, bench client {peak_rss_mb():.0f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
