"""What frontends get from the gateway, measured in one run on its own processes:

1. a PUBLIC GET query (20 ordinances with sponsors and toolkit) answered from the ETag path
   (If-None-Match matching the answer this process kept: 304, no RPC) against the full path
   (the same GET with Cache-Control: no-cache: run again, answered 200 or 304 by its ETag);
2. the time from a staff mutation (recordOrdinance over GraphQL) to its Server-Sent Event
   on an open ordinanceChanged subscription, p50/p99, against the mutation's own round trip.

    .venv/bin/python bench/bench_frontends.py [--requests 300] [--events 100]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402
from harness import STAFF, Stack, percentiles, wait_for  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from bench_gateway import QUERY, seed  # noqa: E402

RECORD = "mutation($input: OrdinanceInput!) { recordOrdinance(input: $input) { id } }"
SUBSCRIPTION = 'subscription { ordinanceChanged(filter: {state: "ny"}) { id status } }'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(session, n, request):
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        request(session)
        latencies.append(time.perf_counter() - t0)
    return latencies, n / (time.perf_counter() - started)


def get_paths(url, n):
    """(full path, ETag path) latencies and rates for the public GET query."""
    params = {"query": QUERY}
    session = requests.Session()
    first = session.get(url, params=params, timeout=30)
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public"), first.text
    etag = first.headers["ETag"]

    def full(s):
        response = s.get(url, params=params, headers={"Cache-Control": "no-cache"}, timeout=30)
        assert response.status_code == 200 and response.json()["data"]["ordinances"]["totalCount"] == 20

    def by_etag(s):
        response = s.get(url, params=params, headers={"If-None-Match": etag}, timeout=30)
        if response.status_code == 200:  # the kept answer expired (max-age): this one ran and is kept again
            return
        assert response.status_code == 304

    def fixed_cost(s):
        assert s.post(url, json={"query": "{ __typename }"}, timeout=30).status_code == 200

    rows = {}
    for name, request in (("full path (no-cache, runs the query)", full), ("ETag path (If-None-Match -> 304)", by_etag),
                          ("for scale: POST { __typename } (no RPC)", fixed_cost)):
        timed(session, 20, request)  # warm up
        rows[name] = timed(session, n, request)
    session.close()
    return rows


def sse_latency(url, staff_key, n):
    """(mutation round trips, mutation -> event latencies) for n recorded ordinances."""
    arrived = {}
    stream = requests.get(url, params={"query": SUBSCRIPTION}, headers={"Accept": "text/event-stream"},
                          stream=True, timeout=(5, 60))
    assert stream.status_code == 200, stream.text

    def read():
        for line in stream.iter_lines(chunk_size=1):
            if line.startswith(b"data: {"):
                changed = json.loads(line[6:])["data"]["ordinanceChanged"]
                arrived[changed["id"]] = time.perf_counter()

    reader = eventlet.spawn(read)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {staff_key}"}
    round_trips, latencies = [], []
    for i in range(n):
        t0 = time.perf_counter()
        response = session.post(url, json={"query": RECORD, "variables": {"input": {
            "title": f"Ordinance {i}", "issueArea": "paid-sick-leave",
            "jurisdiction": f"ocd-division/country:us/state:ny/place:town_{i:03d}"}}}, headers=headers, timeout=30)
        round_trips.append(time.perf_counter() - t0)
        ordinance = response.json()["data"]["recordOrdinance"]["id"]
        deadline = time.monotonic() + 30
        while ordinance not in arrived:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no event for {ordinance} within 30 s")
            eventlet.sleep(0.0005)  # yield to the reader greenthread
        latencies.append(arrived[ordinance] - t0)
    reader.kill()
    stream.close()
    session.close()
    return round_trips, latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--events", type=int, default=100)
    args = parser.parse_args()
    logging.getLogger("amqp").setLevel(logging.ERROR)
    stack = Stack()
    try:
        port = free_port()
        stack.env["GATEWAY_PORT"] = str(port)
        stack.env["GATEWAY_RATE_LIMIT"] = "0"  # measure the paths, not the rate limiter
        for service in ("members", "toolkits", "gateway"):
            stack.spawn("-m", "ops.serve", service)
        url = f"http://127.0.0.1:{port}/graphql"
        with ClusterRpcProxy(stack.config(), timeout=10) as rpc:
            wait_for(lambda: rpc.members.list_members(first=0))
            wait_for(lambda: rpc.toolkits.list_toolkits(first=0))
            seed(rpc)
            staff_key = rpc.members.create_api_key("staff", caller=STAFF)["key"]
        wait_for(lambda: requests.get(url, params={"query": "{ __typename }"}, timeout=5).raise_for_status())

        print(f"PUBLIC GET: 20 ordinances with sponsors and toolkit, {args.requests} requests per row, one client")
        print(f"{'path':40} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 vs full':>12} {'req/s vs full':>14}")
        baseline = None
        for name, (latencies, rate) in get_paths(url, args.requests).items():
            q = percentiles(latencies)
            baseline = baseline or (q["p50"], rate)
            print(f"{name:40} {rate:7.0f} {q['p50']:8.2f} {q['p99']:8.2f} {q['p50'] / baseline[0]:11.2f}x "
                  f"{rate / baseline[1]:13.2f}x")

        round_trips, latencies = sse_latency(url, staff_key, args.events)
        q_trip, q_event = percentiles(round_trips), percentiles(latencies)
        print(f"\nstaff mutation -> SSE event ({args.events} recordOrdinance mutations, one open subscription)")
        print(f"{'measure':40} {'p50 ms':>8} {'p99 ms':>8} {'p50 vs mutation':>16}")
        print(f"{'mutation round trip (baseline)':40} {q_trip['p50']:8.2f} {q_trip['p99']:8.2f} {1:15.2f}x")
        print(f"{'mutation sent -> event received':40} {q_event['p50']:8.2f} {q_event['p99']:8.2f} "
              f"{q_event['p50'] / q_trip['p50']:15.2f}x")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
