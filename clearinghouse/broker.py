"""RabbitMQ set-up the platform relies on: reachability with a clear message, the
alternate exchange that keeps events no queue was bound to yet, and the dead-letter
exchange that keeps events a consumer failed on too often (clearinghouse.consumers).

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

# Events a consumer failed on DELIVERY_LIMIT times: its queue (a quorum queue, which counts
# deliveries) dead-letters them here instead of handing them out again for ever. High
# enough that an owner or store outage of several minutes, retried with backoff, is not
# mistaken for a poison message.
DEAD_LETTERS = "events.dead"
DELIVERY_LIMIT = 50
CONSUMER_QUEUES = "^evt-"  # nameko's event handler queues
DEAD_LETTER_POLICY_NAME = "clearinghouse-dead-letters"
DEAD_LETTER_POLICY = {"pattern": CONSUMER_QUEUES, "apply-to": "queues",
                      "definition": {"dead-letter-exchange": DEAD_LETTERS, "delivery-limit": DELIVERY_LIMIT},
                      "priority": 0}
POLICIES = {POLICY_NAME: POLICY, DEAD_LETTER_POLICY_NAME: DEAD_LETTER_POLICY}
KEPT = (UNROUTED, DEAD_LETTERS)  # each a fanout exchange with a durable queue of the same name


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


def _apply_policy(amqp_uri: str, name: str, policy: dict):
    host, _, _, vhost = _parts(amqp_uri)
    try:
        management_request(amqp_uri, "PUT", f"policies/{urllib.parse.quote(vhost, safe='')}/{name}", policy)
        return
    except (urllib.error.URLError, OSError):
        pass
    if host in ("127.0.0.1", "localhost", "::1") and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "set_policy", "-p", vhost, "--apply-to", policy["apply-to"],
                        name, policy["pattern"], json.dumps(policy["definition"])],
                       check=True, capture_output=True, timeout=60)
        return
    raise BrokerUnavailable(
        f"could not set the {name} policy on {host}: enable the management plugin "
        "(`rabbitmq-plugins enable rabbitmq_management`) or load deploy/rabbitmq/definitions.json")


def _classic_consumer_queues(amqp_uri: str) -> list[dict]:
    """Event handler queues declared before they were quorum queues (empty list if the
    management API cannot tell)."""
    vhost = urllib.parse.quote(_parts(amqp_uri)[3], safe="")
    try:
        queues = management_request(amqp_uri, "GET", f"queues/{vhost}?columns=name,type,messages")
    except (urllib.error.URLError, OSError):
        return []
    return [q for q in queues if re.match(CONSUMER_QUEUES, q["name"]) and q.get("type", "classic") == "classic"]


def _retire_classic_queues(amqp_uri: str):
    """Delete empty classic handler queues so their consumers can declare them as quorum
    queues; refuse plainly if one still holds events (deleting it would lose them)."""
    vhost = urllib.parse.quote(_parts(amqp_uri)[3], safe="")
    holding = []
    for queue in _classic_consumer_queues(amqp_uri):
        if queue.get("messages"):
            holding.append(f"{queue['name']} ({queue['messages']} events)")
            continue
        try:  # if-empty: the broker refuses if events arrived since the listing
            management_request(amqp_uri, "DELETE",
                               f"queues/{vhost}/{urllib.parse.quote(queue['name'], safe='')}?if-empty=true")
        except urllib.error.HTTPError:
            holding.append(f"{queue['name']} (not empty)")
    if holding:
        raise BrokerUnavailable(
            "these event queues are classic queues that still hold events: " + ", ".join(holding)
            + ". Run the previous version until they drain, then start again (they become quorum queues).")


def ensure_definitions(amqp_uri: str):
    """Declare the unrouted-events and dead-letter exchanges and queues, the policies that
    route to them, and retire handler queues of the classic kind."""
    check_reachable(amqp_uri)
    with kombu.Connection(amqp_uri) as conn:
        for name in KEPT:
            exchange = kombu.Exchange(name, type="fanout", durable=True)
            kombu.Queue(name, exchange=exchange, durable=True)(conn.default_channel).declare()
    for name, policy in POLICIES.items():
        _apply_policy(amqp_uri, name, policy)
    _retire_classic_queues(amqp_uri)



DEFINITIONS_FILE = "deploy/rabbitmq/definitions.json"


def definitions(vhost: str = "/") -> dict:
    """The broker definitions a broker can load at start: the guest user, the
    unrouted-events and dead-letter exchanges and queues, and the policies that route to them."""
    return {
        "vhosts": [{"name": vhost}],
        "users": [{"name": "guest", "password": "guest", "tags": "administrator"}],
        "permissions": [{"user": "guest", "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}],
        "exchanges": [{"name": name, "vhost": vhost, "type": "fanout", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}} for name in KEPT],
        "queues": [{"name": name, "vhost": vhost, "durable": True, "auto_delete": False, "arguments": {}}
                   for name in KEPT],
        "bindings": [{"source": name, "vhost": vhost, "destination": name, "destination_type": "queue",
                      "routing_key": "", "arguments": {}} for name in KEPT],
        "policies": [{"name": name, "vhost": vhost, **policy} for name, policy in POLICIES.items()],
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
