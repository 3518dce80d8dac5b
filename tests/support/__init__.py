"""What tests share that is not a fixture: the broker they run on, waiting for a condition,
free ports, places, callers, and an RPC proxy that makes every call as one caller.
(Fixtures live in the conftest files; the gateway's and notifications' kits are in
tests.support.gateway and tests.support.notifications, the event tap in
tests.support.event_tap, the sentinel for negative checks in tests.support.sentinel, service
containers for fixtures wider than a test in tests.support.containers, the broker-cutting
proxy in tests.support.tcp_proxy.)"""
import os
import time
import urllib.parse
import uuid

from clearinghouse import broker, embedded
from clearinghouse.config import DEFAULT_AMQP_URI

BASE_AMQP_URI = os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI
free_port = embedded.free_port  # a port nothing listens on yet

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
PHL = "ocd-division/country:us/state:pa/place:philadelphia"
TEMPE = "ocd-division/country:us/state:az/place:tempe"

STAFF = {"role": "staff"}  # the caller of setup writes and operator calls (clearinghouse.caller)
MEMBER = {"role": "member", "owner_id": "mem_0123456789abcdef", "owner_kind": "member"}
PARTNER = {"role": "partner", "owner_id": "org_0123456789abcdef", "owner_kind": "organization"}


def partner(owner_id):
    """The caller dict a partner organisation's key crosses RPC as."""
    return {"role": "partner", "owner_id": owner_id, "owner_kind": "organization"}


def member_caller(member_id):
    return {"role": "member", "owner_id": member_id, "owner_kind": "member"}


class As:
    """An RPC service proxy with one caller on every call (a call may pass its own)."""

    def __init__(self, proxy, caller):
        self.proxy, self.caller = proxy, caller

    def __getattr__(self, method):
        def call(*args, **kwargs):
            kwargs.setdefault("caller", self.caller)
            return getattr(self.proxy, method)(*args, **kwargs)
        return call


class AsStaff:
    """``rpc`` with every call to a service made as STAFF (setup writes)."""

    def __init__(self, rpc):
        self.rpc = rpc

    def __getattr__(self, service):
        return As(getattr(self.rpc, service), STAFF)


def wait_until(predicate, timeout=30.0, interval=0.02, message="condition"):
    """Poll ``predicate`` until it returns a truthy value (returned) or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def create_vhost() -> str:
    """A fresh vhost on the test broker with the project's broker definitions; its AMQP URI."""
    vhost = f"test-{uuid.uuid4().hex[:10]}"
    quoted = urllib.parse.quote(vhost, safe="")
    user = urllib.parse.urlparse(BASE_AMQP_URI).username or "guest"
    broker.management_request(BASE_AMQP_URI, "PUT", f"vhosts/{quoted}")
    broker.management_request(BASE_AMQP_URI, "PUT", f"permissions/{quoted}/{user}",
                              {"configure": ".*", "write": ".*", "read": ".*"})
    parsed = urllib.parse.urlparse(BASE_AMQP_URI)
    uri = f"{parsed.scheme}://{parsed.netloc}/{quoted}"
    broker.ensure_definitions(uri)
    return uri


def delete_vhost(uri: str):
    """Delete the vhost ``create_vhost`` made (its queues and exchanges go with it)."""
    broker.management_request(BASE_AMQP_URI, "DELETE", f"vhosts/{urllib.parse.urlparse(uri).path[1:]}")
