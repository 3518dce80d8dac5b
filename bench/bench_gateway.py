"""The gateway's cost: a representative query (20 ordinances, each with its sponsors and
toolkit) through GraphQL over HTTP, against the same data fetched by direct RPC calls in
the same run (list_ordinances, then get_members and get_toolkits side by side: what a
careful hand-written client would do), and against the naive direct client (one call per
ordinance's sponsors and toolkit: what the gateway's batching saves). Services and the
gateway run in their own processes. The last row is the gateway's fixed cost per request
(HTTP, JSON, GraphQL, no RPC). A last table: the same query on the idle gateway and while
hostile queries (fragment chains, alias floods, token floods, deep nesting, nested JSON)
are sent alongside, as a ratio, both measured in the same run (rate limits off, so what is
measured is the refusal of each hostile query, not the rate limiter's).

    .venv/bin/python bench/bench_gateway.py [--requests 400]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402
from harness import STAFF, Stack, peak_rss_mb, percentiles, wait_for  # noqa: E402
from clearinghouse.rpc import ClusterRpcProxy  # noqa: E402 -- the services' own client options, as the gateway's

QUERY = """query TwentyOrdinances { ordinances(first: 20) { totalCount edges { node {
  id title status jurisdiction { name } sponsors { id name } toolkit { slug title } } } } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(rpc):
    sponsors = [rpc.members.create_member({"name": f"Sponsor {i}", "status": "active"}, caller=STAFF)["id"]
                for i in range(30)]
    rpc.toolkits.create_toolkit({"slug": "paid-sick-days", "title": "Paid Sick Days", "issue_area": "paid-sick-leave",
                                 "summary": "Earned sick time.", "expert_ids": sponsors[:3]}, caller=STAFF)
    rpc.toolkits.publish_toolkit("paid-sick-days", caller=STAFF)
    rpc.toolkits.create_toolkit({"slug": "fair-week", "title": "Fair Workweek", "issue_area": "fair-scheduling",
                                 "summary": "Predictable schedules."}, caller=STAFF)
    rpc.toolkits.publish_toolkit("fair-week", caller=STAFF)
    for i in range(20):
        rpc.toolkits.record_ordinance({
            "title": f"Ordinance {i}", "issue_area": "paid-sick-leave" if i % 2 else "fair-scheduling",
            "jurisdiction": f"ocd-division/country:us/state:pa/place:town_{i:02d}",
            "toolkit_slug": "paid-sick-days" if i % 2 else "fair-week",
            "sponsor_ids": [sponsors[i], sponsors[(i + 7) % 30], sponsors[(i + 13) % 30]]}, caller=STAFF)


def direct_batched(rpc):
    """The same data by direct RPC, batched by hand: three calls, the last two side by side."""
    page = rpc.toolkits.list_ordinances({}, first=20)
    nodes = [e["node"] for e in page["edges"]]
    member_ids = list(dict.fromkeys(i for n in nodes for i in n["sponsor_ids"]))
    slugs = list(dict.fromkeys(n["toolkit_slug"] for n in nodes if n["toolkit_slug"]))
    members = rpc.members.get_members.call_async(member_ids)  # as the public
    toolkits = rpc.toolkits.get_toolkits.call_async(slugs)
    by_id = dict(zip(member_ids, members.result()))
    by_slug = dict(zip(slugs, toolkits.result()))
    return [{**n, "sponsors": [by_id[i] for i in n["sponsor_ids"]], "toolkit": by_slug.get(n["toolkit_slug"])}
            for n in nodes]


def direct_naive(rpc):
    """The N+1 client: per ordinance, one call for its sponsors and one for its toolkit."""
    page = rpc.toolkits.list_ordinances({}, first=20)
    return [{**e["node"], "sponsors": rpc.members.get_members(e["node"]["sponsor_ids"]),
             "toolkit": rpc.toolkits.get_toolkit(e["node"]["toolkit_slug"])} for e in page["edges"]]


def measure(make_client, request, total, concurrency):
    latencies = []
    per_client = total // concurrency

    def run():
        with make_client() as client:
            for _ in range(per_client):
                started = time.perf_counter()
                request(client)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    pool = eventlet.GreenPool(concurrency)
    for _ in range(concurrency):
        pool.spawn(run)
    pool.waitall()
    return latencies, len(latencies) / (time.perf_counter() - started)


class HttpClient:
    def __init__(self, url):
        self.url = url

    def __enter__(self):
        self.session = requests.Session()
        return self

    def __exit__(self, *exc):
        self.session.close()

    def post(self):
        response = self.session.post(self.url, json={"query": QUERY, "operationName": "TwentyOrdinances"}, timeout=30)
        body = response.json()
        assert "errors" not in body and len(body["data"]["ordinances"]["edges"]) == 20, body
        return body

    def viewer(self):
        """The fixed cost: HTTP, JSON and GraphQL with no RPC at all."""
        body = self.session.post(self.url, json={"query": "{ viewer { role } }"}, timeout=30).json()
        assert body == {"data": {"viewer": {"role": "PUBLIC"}}}, body


def hostile_bodies() -> list[bytes]:
    """Requests an attacker would send; the gateway refuses each one with a 4xx or a
    BAD_USER_INPUT error."""
    chain = ["fragment F0 on Ordinance { id title }"] + [
        f"fragment F{i} on Ordinance {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 25)]
    queries = [
        '{ spread(issueArea: "minimum-wage") { ...F24 } }\n' + "\n".join(chain),
        "{ " + " ".join(f'a{i}: spread(issueArea: "minimum-wage", first: 100) {{ id title }}' for i in range(100)) + " }",
        "{ " + " ".join("a: issueAreas { slug }" for _ in range(300)) + " }",
        "{ viewer { " + "role " * 3000 + "} }",
        "{ " + "viewer { member { " * 200 + "name" + " }" * 401,
    ]
    return [json.dumps({"query": q}).encode() for q in queries] + [b"[" * 90_000, b'{"a":' * 19_000]


def hostile_sender(url, bodies, stop, sent):
    with requests.Session() as session:
        while not stop.is_set():
            for body in bodies:
                response = session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)
                assert response.status_code < 500 and response.json()["errors"], response.text
                sent.append(response.status_code)


def under_attack(url, total, senders=4):
    """Latencies of QUERY on the idle gateway, then while ``senders`` clients send hostile
    queries without pause; and how many hostile requests were refused meanwhile."""
    measure(lambda: HttpClient(url), HttpClient.post, 20, 1)  # warm up
    idle, _ = measure(lambda: HttpClient(url), HttpClient.post, total, 1)
    stop, sent = threading.Event(), []
    pool = eventlet.GreenPool(senders)
    for i in range(senders):
        pool.spawn(hostile_sender, url, hostile_bodies()[i::senders] or hostile_bodies(), stop, sent)
    eventlet.sleep(0.5)  # the senders are under way
    attacked, _ = measure(lambda: HttpClient(url), HttpClient.post, total, 1)
    stop.set()
    pool.waitall()
    return idle, attacked, len(sent)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    logging.getLogger("amqp").setLevel(logging.ERROR)  # channel-closing chatter from short-lived proxies
    stack = Stack()
    try:
        port = free_port()
        stack.env["GATEWAY_PORT"] = str(port)
        stack.env["GATEWAY_RATE_LIMIT"] = "0"  # measure the gateway's work, not its rate limiter
        members = stack.spawn("-m", "ops.serve", "members")
        toolkits = stack.spawn("-m", "ops.serve", "toolkits")
        gateway = stack.spawn("-m", "ops.serve", "gateway")
        config = stack.config()
        url = f"http://127.0.0.1:{port}/graphql"
        with ClusterRpcProxy(config, timeout=10) as rpc:
            wait_for(lambda: rpc.members.list_members(first=0))
            wait_for(lambda: rpc.toolkits.list_toolkits(first=0))
            seed(rpc)
            same = direct_batched(rpc)
        with HttpClient(url) as client:
            via_gateway = wait_for(client.post)
        got = [(n["id"], [s["name"] for s in n["sponsors"]], n["toolkit"]["slug"])
               for n in (e["node"] for e in via_gateway["data"]["ordinances"]["edges"])]
        assert got == [(n["id"], [s["name"] for s in n["sponsors"]], n["toolkit"]["slug"]) for n in same], \
            "the gateway and direct RPC disagree"

        cases = {
            "direct RPC, batched by hand": (lambda: ClusterRpcProxy(config, timeout=30), direct_batched),
            "gateway: GraphQL over HTTP": (lambda: HttpClient(url), HttpClient.post),
            "direct RPC, naive (N+1)": (lambda: ClusterRpcProxy(config, timeout=30), direct_naive),
            "gateway: { viewer { role } }": (lambda: HttpClient(url), HttpClient.viewer),
        }
        print(f"query: 20 ordinances with sponsors (3 each) and toolkit; {args.requests} requests per row")
        print(f"{'client':30} {'clients':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 vs direct':>14} "
              f"{'req/s vs direct':>16}")
        for concurrency in (1, 10):
            baseline = None
            for name, (make_client, request) in cases.items():
                measure(make_client, request, 10 * concurrency, concurrency)  # warm up
                latencies, rate = measure(make_client, request, args.requests, concurrency)
                q = percentiles(latencies)
                baseline = baseline or (q["p50"], rate)
                print(f"{name:30} {concurrency:7} {rate:7.0f} {q['p50']:8.2f} {q['p99']:8.2f} "
                      f"{q['p50'] / baseline[0]:13.2f}x {rate / baseline[1]:15.2f}x")
        idle, attacked, refused = under_attack(url, args.requests)
        q_idle, q_attacked = percentiles(idle), percentiles(attacked)
        print(f"\n{QUERY.split()[1]} while hostile queries are sent (4 clients, {refused} hostile requests "
              "refused meanwhile)")
        print(f"{'gateway':30} {'p50 ms':>8} {'p99 ms':>8} {'p50 vs idle':>12} {'p99 vs idle':>12}")
        for name, q in (("idle", q_idle), ("under hostile queries", q_attacked)):
            print(f"{name:30} {q['p50']:8.2f} {q['p99']:8.2f} {q['p50'] / q_idle['p50']:11.2f}x "
                  f"{q['p99'] / q_idle['p99']:11.2f}x")
        print(f"peak RSS MiB: gateway {peak_rss_mb(gateway.pid):.0f}, members {peak_rss_mb(members.pid):.0f}, "
              f"toolkits {peak_rss_mb(toolkits.pid):.0f}, bench client {peak_rss_mb():.0f}")
    finally:
        stack.close()


if __name__ == "__main__":
    main()
