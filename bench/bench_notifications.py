"""Webhook fan-out: event-to-first-attempt latency and deliveries per second to a local
receiver that answers 200 at once, with 1,000 subscriptions; against raw HTTP POSTs to the
same receiver from this process, measured in the same run. The service runs in its own
process on the local RabbitMQ and an embedded store.

    .venv/bin/python bench/bench_notifications.py [--events 200] [--burst 500]
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()

import argparse  # noqa: E402
import http.client  # noqa: E402
import http.server  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

from harness import STAFF, Stack, peak_rss_mb, percentiles, wait_for  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402

from clearinghouse.events import cloudevent  # noqa: E402

# the standalone dispatcher closes its channel before late publisher confirms; amqp says so per event
logging.getLogger("amqp").setLevel(logging.ERROR)

SUBSCRIPTIONS = 1000
AREAS = ["minimum-wage", "paid-sick-leave", "paid-family-leave", "fair-scheduling", "freelancer-protection",
         "wage-theft", "inclusionary-zoning", "rent-stabilization", "plastic-bag-fee", "municipal-broadband"]
STATES = ["pa", "az", "wa", "ca", "ny", "il", "tx", "mn", "or", "in"]
CONCURRENCY = 64  # the courier's pool size, used for the concurrent baseline too


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024  # the default backlog of 5 refuses bursts of webhooks
    daemon_threads = True


class Receiver:
    """Answers 200 at once and notes when each (subscription path, event) arrived."""

    def __init__(self):
        self.arrivals = {}
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                now = time.time()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()
                key = (self.path, self.headers.get("webhook-id") or body[:16])
                receiver.arrivals.setdefault(key, now)

            def log_message(self, *args):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        eventlet.spawn_n(self.server.serve_forever)


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (from /proc): what a burst cost it, whatever
    else the machine was running."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def event(area, state, i):
    jurisdiction = f"ocd-division/country:us/state:{state}/place:bench_{i}"
    return cloudevent("ordinance.status_changed", f"ordinance/ord_{i:016x}", {
        "id": f"ord_{i:016x}", "version": 1, "title": f"Bench ordinance {i}", "from": "introduced", "to": "passed",
        "action": "passed", "jurisdiction": jurisdiction, "state": state, "issue_area": area})


def raw_posts(port, count, concurrency):
    """The baseline: POST a CloudEvent-sized body ``count`` times, new connection each."""
    body = json.dumps(event("minimum-wage", "pa", 0)).encode()
    latencies = []

    def one(i):
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        conn.request("POST", f"/raw/{concurrency}", body=body,
                     headers={"content-type": "application/json", "webhook-id": f"raw-{concurrency}-{i}"})
        conn.getresponse().read()
        conn.close()
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    pool = eventlet.GreenPool(concurrency)
    for i in range(count):
        pool.spawn_n(one, i)
    pool.waitall()
    return latencies, count / (time.perf_counter() - started)


def wait_arrivals(receiver, keys, timeout=300):
    deadline = time.monotonic() + timeout
    while not all(k in receiver.arrivals for k in keys):
        if time.monotonic() > deadline:
            missing = sum(k not in receiver.arrivals for k in keys)
            raise SystemExit(f"{missing} of {len(keys)} deliveries did not arrive within {timeout}s")
        eventlet.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200, help="spaced events for the latency run")
    parser.add_argument("--burst", type=int, default=500, help="events published at once for throughput")
    args = parser.parse_args()
    receiver = Receiver()
    stack = Stack()
    stack.env.update(WEBHOOK_ALLOW_HTTP="1", WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8")
    try:
        service = stack.spawn("-m", "ops.serve", "notifications")
        config = stack.config()
        with ClusterRpcProxy(config, timeout=30) as rpc:
            wait_for(lambda: rpc.notifications.list_subscriptions(caller=STAFF))

        def subscribe(i):
            with ClusterRpcProxy(config, timeout=30) as rpc:
                for j in range(i, SUBSCRIPTIONS, 20):
                    rpc.notifications.create_subscription(f"org_{j:016x}", {
                        "channel": "webhook", "url": f"http://127.0.0.1:{receiver.port}/s/{j}",
                        "event_types": ["ordinance.status_changed"], "issue_areas": [AREAS[j % 10]],
                        "states": [STATES[(j // 10) % 10]]}, caller=STAFF)
        pool = eventlet.GreenPool(20)
        for i in range(20):
            pool.spawn_n(subscribe, i)
        pool.waitall()
        # each (issue area, state) pair is followed by 10 of the 1,000 subscriptions
        followers = {}
        for j in range(SUBSCRIPTIONS):
            followers.setdefault((AREAS[j % 10], STATES[(j // 10) % 10]), []).append(f"/s/{j}")
        dispatch = event_dispatcher(config)

        # warm-up: connections, indexes, first matches
        warm = event(AREAS[0], STATES[0], 10 ** 6)
        dispatch("toolkits", warm["type"], warm)
        wait_arrivals(receiver, [(p, warm["id"]) for p in followers[(AREAS[0], STATES[0])]])

        # latency: one event every 50 ms, each matching 10 subscriptions
        published, keys = {}, []
        for i in range(args.events):
            area, state = AREAS[i % 10], STATES[(i // 10) % 10]
            e = event(area, state, i)
            published[e["id"]] = time.time()
            dispatch("toolkits", e["type"], e)
            keys += [(p, e["id"]) for p in followers[(area, state)]]
            eventlet.sleep(0.05)
        wait_arrivals(receiver, keys)
        latency = [receiver.arrivals[k] - published[k[1]] for k in keys]

        # throughput: a burst of events, each matching 10 subscriptions
        burst, burst_keys = [], []
        for i in range(args.burst):
            area, state = AREAS[i % 10], STATES[(i // 10) % 10]
            e = event(area, state, 10 ** 5 + i)
            burst.append(e)
            burst_keys += [(p, e["id"]) for p in followers[(area, state)]]
        cpu_before = cpu_seconds(stack.mongo.proc.pid), cpu_seconds(service.pid)
        started = time.time()
        for e in burst:
            dispatch("toolkits", e["type"], e)
        wait_arrivals(receiver, burst_keys)
        burst_rate = len(burst_keys) / (max(receiver.arrivals[k] for k in burst_keys) - started)
        burst_latency = [receiver.arrivals[k] - started for k in burst_keys]
        store_cpu, service_cpu = (cpu_seconds(stack.mongo.proc.pid) - cpu_before[0],
                                  cpu_seconds(service.pid) - cpu_before[1])

        raw_seq, raw_seq_rate = raw_posts(receiver.port, 1000, 1)
        raw_conc, raw_conc_rate = raw_posts(receiver.port, 5000, CONCURRENCY)

        q, qb = percentiles(latency), percentiles(burst_latency)
        qs, qc = percentiles(raw_seq), percentiles(raw_conc)
        print(f"{SUBSCRIPTIONS} webhook subscriptions; each event matches 10; receiver answers 200 at once")
        print(f"{'case':52} {'count':>6} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs raw':>7}")
        print(f"{'raw POST, 1 client (baseline)':52} {len(raw_seq):6} {raw_seq_rate:8.0f} {qs['p50']:8.2f} "
              f"{qs['p99']:8.2f} {1:7.2f}")
        print(f"{f'raw POST, {CONCURRENCY} clients (baseline)':52} {len(raw_conc):6} {raw_conc_rate:8.0f} "
              f"{qc['p50']:8.2f} {qc['p99']:8.2f} {raw_conc_rate / raw_conc_rate:7.2f}")
        print(f"{'event -> first attempt, events 50 ms apart':52} {len(latency):6} {'':>8} {q['p50']:8.2f} "
              f"{q['p99']:8.2f} {q['p50'] / qs['p50']:7.1f}")
        print(f"{f'burst of {args.burst} events -> deliveries':52} {len(burst_keys):6} {burst_rate:8.0f} "
              f"{qb['p50']:8.2f} {qb['p99']:8.2f} {burst_rate / raw_conc_rate:7.2f}")
        print("(vs raw: latency p50 as a multiple of one raw POST; "
              "burst rate as a fraction of the concurrent raw rate)")
        print(f"CPU a burst delivery cost: store {store_cpu / len(burst_keys) * 1000:.2f} ms, "
              f"notifications {service_cpu / len(burst_keys) * 1000:.2f} ms (less load-dependent than the rates)")
        print(f"peak RSS MiB: notifications {peak_rss_mb(service.pid):.0f}, bench process {peak_rss_mb():.0f}")
    finally:
        stack.close()
        receiver.server.shutdown()


if __name__ == "__main__":
    main()
