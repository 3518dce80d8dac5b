"""Prometheus metrics: every entrypoint's count and latency, served at /metrics.

Each service process serves its registry on its own port (Settings.metrics_port: one per replica), with
/health/live and /health/ready (clearinghouse.health); the gateway serves /metrics beside /graphql.
"""
import time

from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Gauge, Histogram

from . import health
from .config import Settings
from .errors import ClearinghouseError

ENTRYPOINT_CALLS = Counter(
    "clearinghouse_entrypoint_calls_total", "Entrypoint calls by service, method and outcome",
    ["service", "method", "outcome"])
ENTRYPOINT_SECONDS = Histogram(
    "clearinghouse_entrypoint_seconds", "Entrypoint latency by service and method",
    ["service", "method"], buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
OUTBOX_PUBLISHED = Counter(
    "clearinghouse_outbox_published_total", "Events published by the outbox relay", ["service"])

OUTBOX_PENDING = Gauge(
    "clearinghouse_outbox_pending_documents",
    "Documents whose events the relay has not published yet (grows while RabbitMQ is away; counted up to 10,000 per collection)",
    ["service"])

OUTBOX_FAILURES = Counter(
    "clearinghouse_outbox_publish_failures_total",
    "Outbox sweeps that could not publish (broker or store away); events stay pending", ["service"])

_served_ports = set()


def serve(port: int):
    """Serve this process's registry and its health on ``port`` once (several containers may ask)."""
    if port and port not in _served_ports:
        health.serve(port)
        _served_ports.add(port)


def outcome_of(exc_info) -> str:
    if exc_info is None:
        return "ok"
    return "rejected" if isinstance(exc_info[1], ClearinghouseError) else "error"


class Metrics(DependencyProvider):
    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        if settings.metrics:
            serve(settings.metrics_port(self.container.service_name))
            health.add_probe("broker", health.broker_probe(settings.amqp_uri))
        self._started = {}

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(worker_ctx, None)
        service, method = self.container.service_name, worker_ctx.entrypoint.method_name
        ENTRYPOINT_CALLS.labels(service, method, outcome_of(exc_info)).inc()
        if started is not None:
            ENTRYPOINT_SECONDS.labels(service, method).observe(time.perf_counter() - started)
