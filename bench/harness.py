"""What the benchmarks share: a vhost on the local RabbitMQ, an embedded store, service
processes, percentiles and peak memory. Run benchmarks from the repo root with the venv."""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clearinghouse import broker  # noqa: E402
from clearinghouse.config import DEFAULT_AMQP_URI  # noqa: E402
from clearinghouse.embedded import EmbeddedMongo  # noqa: E402

STAFF = {"role": "staff"}  # seeding is an operator's act (clearinghouse.caller)

# A benchmark stopped with SIGTERM (timeout, kill) unwinds like Ctrl-C, so each Stack's
# close() in its finally stops the services and embedded stores instead of orphaning them.
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


class Stack:
    """A throwaway vhost and embedded MongoDB, and service processes on them."""

    def __init__(self):
        base = os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI
        self.vhost = f"bench-{uuid.uuid4().hex[:8]}"
        broker.management_request(base, "PUT", f"vhosts/{self.vhost}")
        user = urllib.parse.urlparse(base).username or "guest"
        broker.management_request(base, "PUT", f"permissions/{self.vhost}/{user}",
                                  {"configure": ".*", "write": ".*", "read": ".*"})
        parsed = urllib.parse.urlparse(base)
        self.base = base
        self.amqp_uri = f"{parsed.scheme}://{parsed.netloc}/{self.vhost}"
        broker.ensure_definitions(self.amqp_uri)
        self.tmp = tempfile.TemporaryDirectory()
        self.mongo = EmbeddedMongo(Path(self.tmp.name) / "mongo").start()
        self.procs = []
        self.env = {**os.environ, "AMQP_URI": self.amqp_uri, "MONGO_URI": self.mongo.uri,
                    "CLEARINGHOUSE_NO_METRICS": "1", "DATA_DIR": self.tmp.name}

    def config(self):
        return {"AMQP_URI": self.amqp_uri, "serializer": "json"}

    def spawn(self, *args) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def close(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait()
        self.mongo.stop()
        broker.management_request(self.base, "DELETE", f"vhosts/{self.vhost}")
        self.tmp.cleanup()


def wait_for(call, timeout=180):  # a loaded machine starts services slowly
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def percentiles(samples):
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": qs[49] * 1000, "p99": qs[98] * 1000}


def peak_rss_mb(pid=None) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_rpc(config, call, calls, concurrency):
    """Run ``calls`` calls of ``call(rpc, i)`` from ``concurrency`` clients (green threads,
    each with its own proxy); returns latencies and calls/second."""
    import eventlet
    from nameko.standalone.rpc import ClusterRpcProxy
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


def rpc_table(config, cases: dict, calls: int, concurrencies=(1, 20)):
    """Print each case's rate and latency, sequential and concurrent, with its rate as a
    fraction of the first case's (the baseline) at the same concurrency."""
    print(f"{'call':46} {'clients':>7} {'calls/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs first':>8}"
          f" {'p50 x first':>11}")
    for concurrency in concurrencies:
        baseline = first_p50 = None
        for name, call in cases.items():
            latencies, rate = measure_rpc(config, call, calls, concurrency)
            q = percentiles(latencies)
            baseline, first_p50 = baseline or rate, first_p50 or q["p50"]
            print(f"{name:46} {concurrency:7} {rate:9.0f} {q['p50']:8.2f} {q['p99']:8.2f} {rate / baseline:8.2f}"
                  f" {q['p50'] / first_p50:11.2f}")
