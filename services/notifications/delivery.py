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


def _connect_any(addresses: list, port: int, timeout: float) -> socket.socket:
    """A connection to the first checked address that answers, trying each in turn (a
    name with an IPv6 and an IPv4 address may be reachable on only one)."""
    error = None
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked addresses, whatever the name resolves to now."""

    def __init__(self, host, port, addresses, **kw):
        super().__init__(host, port, **kw)
        self._addresses = addresses

    def connect(self):
        self.sock = _connect_any(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked addresses, with the URL's name for SNI and certificate checks."""

    def __init__(self, host, port, addresses, tls=None, **kw):
        super().__init__(host, port, context=tls or ssl.create_default_context(), **kw)
        self._addresses = addresses

    def connect(self):
        sock = _connect_any(self._addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(guard: Guard, url: str, headers: dict, body: bytes, now: float, timeout: float = TIMEOUT,
         tls: ssl.SSLContext | None = None) -> Outcome:
    """POST ``body`` once. Never follows a redirect; an error becomes an Outcome."""
    try:
        target, addresses = guard.addresses(url)
    except Refused as exc:
        return Outcome(error=f"refused: {exc}")
    pinned = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    extra = {"tls": tls} if target.scheme == "https" else {}
    conn = pinned(target.host, target.port, addresses, timeout=timeout, **extra)
    try:
        with eventlet.Timeout(timeout):
            conn.request("POST", target.path, body=body, headers={
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
