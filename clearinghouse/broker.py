"""RabbitMQ set-up the platform relies on: reachability with a clear message, and the
alternate exchange that keeps events no queue was bound to yet.

The policy covers every publishing service's exchange in the event catalog. docker
compose loads it from deploy/rabbitmq/definitions.json, which ``write_definitions()``
generates; here it is applied to a running broker through the management API, or with
rabbitmqctl when the broker runs on this machine without the management plugin.
"""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import kombu

from .events import PUBLISHERS, exchange_of

UNROUTED = "events.unrouted"
POLICY_NAME = "clearinghouse-unrouted-events"
POLICY_PATTERN = "^(" + "|".join(re.escape(exchange_of(s)) for s in PUBLISHERS) + ")$"
POLICY = {"pattern": POLICY_PATTERN, "apply-to": "exchanges",
          "definition": {"alternate-exchange": UNROUTED}, "priority": 0}


class BrokerUnavailable(RuntimeError):
    pass


def advice(amqp_uri: str) -> str:
    return (
        f"RabbitMQ is not reachable at AMQP_URI={amqp_uri}.\n"
        "Start it locally with `rabbitmq-server -detached` (Debian: `apt-get install rabbitmq-server`),\n"
        "or with Docker: `docker compose up -d rabbitmq`, or point AMQP_URI at a running broker."
    )


def check_reachable(amqp_uri: str, timeout: float = 3.0):
    try:
        with kombu.Connection(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        raise BrokerUnavailable(advice(amqp_uri) + f"\n({type(exc).__name__}: {exc})") from exc


def _parts(amqp_uri: str):
    url = urllib.parse.urlparse(amqp_uri)
    vhost = urllib.parse.unquote(url.path[1:]) if len(url.path) > 1 else "/"
    return url.hostname or "127.0.0.1", url.username or "guest", url.password or "guest", vhost


def management_request(amqp_uri: str, method: str, path: str, body=None, port: int = 15672):
    host, user, password, _ = _parts(amqp_uri)
    req = urllib.request.Request(
        f"http://{host}:{port}/api/{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json",
                 "authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read()
    return json.loads(text) if text else None


def _apply_policy(amqp_uri: str):
    host, _, _, vhost = _parts(amqp_uri)
    try:
        management_request(amqp_uri, "PUT", f"policies/{urllib.parse.quote(vhost, safe='')}/{POLICY_NAME}", POLICY)
        return
    except (urllib.error.URLError, OSError):
        pass
    if host in ("127.0.0.1", "localhost", "::1") and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "set_policy", "-p", vhost, "--apply-to", "exchanges",
                        POLICY_NAME, POLICY_PATTERN, json.dumps(POLICY["definition"])],
                       check=True, capture_output=True, timeout=60)
        return
    raise BrokerUnavailable(
        f"could not set the {POLICY_NAME} policy on {host}: enable the management plugin "
        "(`rabbitmq-plugins enable rabbitmq_management`) or load deploy/rabbitmq/definitions.json")


def ensure_definitions(amqp_uri: str):
    """Declare the unrouted-events exchange and queue, and the policy that routes to them."""
    check_reachable(amqp_uri)
    with kombu.Connection(amqp_uri) as conn:
        exchange = kombu.Exchange(UNROUTED, type="fanout", durable=True)
        queue = kombu.Queue(UNROUTED, exchange=exchange, durable=True)
        queue(conn.default_channel).declare()
    _apply_policy(amqp_uri)



DEFINITIONS_FILE = "deploy/rabbitmq/definitions.json"


def definitions(vhost: str = "/") -> dict:
    """The broker definitions docker compose loads: the guest user, the unrouted-events
    exchange and queue, and the policy that routes to them."""
    return {
        "vhosts": [{"name": vhost}],
        "users": [{"name": "guest", "password": "guest", "tags": "administrator"}],
        "permissions": [{"user": "guest", "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}],
        "exchanges": [{"name": UNROUTED, "vhost": vhost, "type": "fanout", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}}],
        "queues": [{"name": UNROUTED, "vhost": vhost, "durable": True, "auto_delete": False, "arguments": {}}],
        "bindings": [{"source": UNROUTED, "vhost": vhost, "destination": UNROUTED, "destination_type": "queue",
                      "routing_key": "", "arguments": {}}],
        "policies": [{"name": POLICY_NAME, "vhost": vhost, **POLICY}],
    }


def definitions_text() -> str:
    """The definitions as JSON, one object a line, as the committed file holds them."""
    sections = [f'  "{name}": [\n' + ",\n".join("    " + json.dumps(item) for item in items) + "\n  ]"
                for name, items in definitions().items()]
    return "{\n" + ",\n".join(sections) + "\n}\n"


def write_definitions(path: str = DEFINITIONS_FILE) -> str:
    """Regenerate deploy/rabbitmq/definitions.json from the catalog."""
    with open(path, "w") as f:
        f.write(definitions_text())
    return path
