"""GET /health/live and /health/ready beside /metrics on each service process's metrics port.

Live: the process answers. Ready: every probe registered in this process passes (each
Store has its unique indexes, the broker answers); otherwise 503 with the reasons, so an
orchestrator sends no work to a replica that would only answer UNAVAILABLE.
"""
from __future__ import annotations

import json
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from . import broker

_probes: dict[tuple, tuple] = {}  # (name, owner id) -> (name, probe() giving None when ready, else why not)


def add_probe(name: str, probe, owner=None):
    _probes[(name, id(owner))] = (name, probe)


def remove_probe(name: str, owner=None):
    _probes.pop((name, id(owner)), None)


def broker_probe(amqp_uri: str):
    """A probe that fails while the broker at ``amqp_uri`` does not answer."""
    def probe():
        try:
            broker.check_reachable(amqp_uri, timeout=2.0)
        except broker.BrokerUnavailable:
            return "the message bus does not answer"
        return None
    return probe


def not_ready() -> list[str]:
    """Why this process is not ready; [] when it is."""
    reasons = []
    for name, probe in list(_probes.values()):
        try:
            reason = probe()
        except Exception as exc:  # noqa: BLE001 -- a probe that fails says not ready, with why
            reason = f"{type(exc).__name__}: {exc}"
        if reason:
            reasons.append(f"{name}: {reason}")
    return reasons


def _json(start_response, status: str, payload: dict):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def app(metrics_app=None):
    """The WSGI app of a metrics port: health routes, and Prometheus metrics elsewhere."""
    metrics_app = metrics_app or make_wsgi_app()

    def serve(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/health/live":
            return _json(start_response, "200 OK", {"status": "live"})
        if path == "/health/ready":
            reasons = not_ready()
            if reasons:
                return _json(start_response, "503 Service Unavailable", {"status": "not ready", "reasons": reasons})
            return _json(start_response, "200 OK", {"status": "ready"})
        return metrics_app(environ, start_response)
    return serve


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # scrapes and probes every few seconds are not news
        pass


def serve(port: int, addr: str = "0.0.0.0"):
    """Serve health and metrics on ``port`` in a background thread."""
    server = make_server(addr, port, app(), _Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name=f"health-{port}").start()
    return server
