"""One webhook attempt over HTTP, to an address the SSRF guard has just checked, and the
delivery metrics the dashboards chart."""
from __future__ import annotations

import http.client
import socket
import ssl
import time

import eventlet
from prometheus_client import Counter, Histogram

from .domain import TIMEOUT, Outcome, parse_retry_after
from .ssrf import Guard, Refused

DELIVERIES = Counter(
    "clearinghouse_deliveries_total",
    "Delivery attempts by channel and verdict (succeeded, retrying, parked, gone, digest)",
    ["channel", "outcome"])
ATTEMPT_SECONDS = Histogram(
    "clearinghouse_delivery_attempt_seconds", "Time one delivery attempt took, by channel", ["channel"],
    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15))
FIRST_ATTEMPT_SECONDS = Histogram(
    "clearinghouse_delivery_first_attempt_seconds",
    "From an event's arrival to its delivery's first attempt, by channel", ["channel"],
    buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
USER_AGENT = "Clearinghouse-Webhooks/1.0"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, **kw)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the URL's name for SNI and certificate checks."""

    def __init__(self, host, port, address, tls=None, **kw):
        super().__init__(host, port, context=tls or ssl.create_default_context(), **kw)
        self._address = address

    def connect(self):
        sock = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(guard: Guard, url: str, headers: dict, body: bytes, now: float, timeout: float = TIMEOUT,
         tls: ssl.SSLContext | None = None) -> Outcome:
    """POST ``body`` once. Never follows a redirect; an error becomes an Outcome."""
    try:
        parts, addresses = guard.addresses(url)
    except Refused as exc:
        return Outcome(error=f"refused: {exc}")
    if parts.scheme == "https":
        conn = _PinnedHTTPSConnection(parts.hostname, parts.port, addresses[0], tls=tls, timeout=timeout)
    else:
        conn = _PinnedHTTPConnection(parts.hostname, parts.port, addresses[0], timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        with eventlet.Timeout(timeout):
            conn.request("POST", path, body=body, headers={
                **headers, "content-type": "application/json", "user-agent": USER_AGENT})
            response = conn.getresponse()
            response.read(64 * 1024)  # drain a little so the connection closes cleanly
            return Outcome(status_code=response.status,
                           retry_after=parse_retry_after(response.getheader("retry-after"), now))
    except eventlet.Timeout:
        return Outcome(error=f"timed out after {timeout:.0f}s")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(error=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def timed(channel: str, attempt):
    started = time.perf_counter()
    try:
        return attempt()
    finally:
        ATTEMPT_SECONDS.labels(channel).observe(time.perf_counter() - started)
