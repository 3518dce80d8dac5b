"""Partners on the bus: what a bus subscription is on RabbitMQ. Each has a quorum queue of
its own (bounded: past its length the oldest message is dead-lettered to the partner's own
dead-letter queue, so a partner who stops reading fills nothing else), a user that may read
those two queues and nothing else (no configure, no write, no other queue), the binding
from the partners exchange that notifications publishes matched events to (routing key:
the subscription id), and optionally a dynamic shovel that moves the queue to the partner's
own broker. All of it is set through the management API; the store is the source of truth
and ``reconcile`` rebuilds the broker side from it.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import urllib.error
import urllib.parse

import eventlet.semaphore
import kombu
from nameko.extensions import DependencyProvider

from clearinghouse import broker
from clearinghouse.config import Settings
from clearinghouse.errors import Unavailable

from . import domain

EXCHANGE = "partners"  # direct: routing key = subscription id
DEAD_EXCHANGE = "partners.dead"
QUEUE_LIMIT = 10_000  # messages a partner may leave unread
DEAD_LIMIT = 1_000
USER_PREFIX = "partner-"
USER_TAG = "clearinghouse-partner"
SHOVEL_PREFIX = "partner-"


def queue_name(sub_id: str) -> str:
    return f"partner.{sub_id}"


def dead_queue_name(sub_id: str) -> str:
    return f"partner.{sub_id}.dead"


def user_name(sub_id: str) -> str:
    return USER_PREFIX + sub_id


def new_password() -> str:
    return secrets.token_urlsafe(24)


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256 form, so the store can recreate the user
    without keeping the password."""
    salt = salt if salt is not None else os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def permissions(sub_id: str) -> dict:
    """Read its own two queues; configure and write nothing (``^$`` matches no name)."""
    own = "^" + re.escape(queue_name(sub_id)) + r"(\.dead)?$"
    return {"configure": "^$", "write": "^$", "read": own}


def _q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


class PartnerBus:
    """The broker side of bus subscriptions on the platform's vhost (AMQP_URI)."""

    def __init__(self, amqp_uri: str, queue_limit: int = QUEUE_LIMIT, dead_limit: int = DEAD_LIMIT):
        self.amqp_uri, self.queue_limit, self.dead_limit = amqp_uri, queue_limit, dead_limit
        parsed = urllib.parse.urlparse(amqp_uri)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 5672
        self.vhost = urllib.parse.unquote(parsed.path[1:]) if len(parsed.path) > 1 else "/"

    def _call(self, method: str, path: str, body=None, missing_ok: bool = False):
        try:
            return broker.management_request(self.amqp_uri, method, path, body)
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return None
            detail = exc.read().decode(errors="replace")[:300]
            raise Unavailable(f"the broker refused {method} {path.split('?')[0]} ({exc.code}: {detail})") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise Unavailable(f"the broker's management API is not reachable ({exc}); "
                              "bus subscriptions need the rabbitmq_management plugin") from exc

    # -- what a partner is told ------------------------------------------------------------
    def access(self, sub_id: str) -> dict:
        return {"host": self.host, "port": self.port, "vhost": self.vhost,
                "username": user_name(sub_id), "queue": queue_name(sub_id),
                "dead_letter_queue": dead_queue_name(sub_id)}

    # -- provisioning ----------------------------------------------------------------------
    def ensure_exchanges(self):
        vhost = _q(self.vhost)
        for name in (EXCHANGE, DEAD_EXCHANGE):
            self._call("PUT", f"exchanges/{vhost}/{_q(name)}",
                       {"type": "direct", "durable": True, "auto_delete": False, "internal": False,
                        "arguments": {}})

    def provision(self, sub: dict):
        """Make the broker hold what ``sub`` (a bus subscription with its ``password_hash``)
        needs; safe to repeat."""
        sub_id, vhost = sub["id"], _q(self.vhost)
        self.ensure_exchanges()
        self._call("PUT", f"queues/{vhost}/{_q(dead_queue_name(sub_id))}",
                   {"durable": True, "auto_delete": False,
                    "arguments": {"x-queue-type": "quorum", "x-max-length": self.dead_limit, "x-overflow": "drop-head"}})
        self._call("PUT", f"queues/{vhost}/{_q(queue_name(sub_id))}",
                   {"durable": True, "auto_delete": False,
                    "arguments": {"x-queue-type": "quorum", "x-max-length": self.queue_limit, "x-overflow": "drop-head",
                                  "x-dead-letter-exchange": DEAD_EXCHANGE, "x-dead-letter-routing-key": sub_id}})
        for exchange, queue in ((EXCHANGE, queue_name(sub_id)), (DEAD_EXCHANGE, dead_queue_name(sub_id))):
            self._call("POST", f"bindings/{vhost}/e/{_q(exchange)}/q/{_q(queue)}",
                       {"routing_key": sub_id, "arguments": {}})
        self.set_password_hash(sub_id, sub["password_hash"])
        self._call("PUT", f"permissions/{vhost}/{_q(user_name(sub_id))}", permissions(sub_id))
        if sub.get("forward"):
            self._shovel(sub_id, sub["forward"])

    def set_password_hash(self, sub_id: str, hashed: str):
        self._call("PUT", f"users/{_q(user_name(sub_id))}",
                   {"password_hash": hashed, "hashing_algorithm": "rabbit_password_hashing_sha256",
                    "tags": USER_TAG})

    def _shovel(self, sub_id: str, forward: dict):
        source = "amqp:///" + _q(self.vhost)  # this node, this vhost
        self._call("PUT", f"parameters/shovel/{_q(self.vhost)}/{_q(SHOVEL_PREFIX + sub_id)}",
                   {"value": {"src-protocol": "amqp091", "src-uri": source, "src-queue": queue_name(sub_id),
                              "dest-protocol": "amqp091", "dest-uri": forward["uri"],
                              "dest-exchange": forward["exchange"], "ack-mode": "on-confirm",
                              "reconnect-delay": 5}})

    def remove(self, sub_id: str):
        """Take away everything of ``sub_id``: the user first, so access ends at once."""
        vhost = _q(self.vhost)
        self._call("DELETE", f"users/{_q(user_name(sub_id))}", missing_ok=True)
        self._call("DELETE", f"parameters/shovel/{vhost}/{_q(SHOVEL_PREFIX + sub_id)}", missing_ok=True)
        for queue in (queue_name(sub_id), dead_queue_name(sub_id)):
            self._call("DELETE", f"queues/{vhost}/{_q(queue)}", missing_ok=True)

    def reconcile(self, subs: list[dict], still_wanted=lambda sub_id: False) -> dict:
        """Make the broker match the store: provision every active bus subscription, remove
        what belongs to no active one (asking ``still_wanted`` first: one made since ``subs``
        was read is kept). Returns the counts."""
        wanted = {s["id"]: s for s in subs if s.get("channel") == "bus" and s.get("active")}
        for sub in wanted.values():
            self.provision(sub)
        removed = set()
        for sub_id in self.provisioned() - set(wanted):
            if not still_wanted(sub_id):
                self.remove(sub_id)
                removed.add(sub_id)
        return {"provisioned": len(wanted), "removed": len(removed)}

    def provisioned(self) -> set:
        """The subscriptions this vhost holds a partner user or queue of (users are broker
        wide: ours are those with permissions on this vhost, so another platform on the same
        broker keeps its own partners)."""
        found = set()
        for perm in self._call("GET", f"vhosts/{_q(self.vhost)}/permissions") or []:
            if perm["user"].startswith(USER_PREFIX):
                found.add(perm["user"][len(USER_PREFIX):])
        for queue in self._call("GET", f"queues/{_q(self.vhost)}?columns=name") or []:
            match = re.fullmatch(r"partner\.(sub_[0-9a-f]+)", queue["name"])
            if match:
                found.add(match.group(1))
        return found


class Publisher:
    """Puts a matched event on a bus subscription's queue: the CloudEvent in the AMQP
    binding's structured mode, confirmed by the broker and mandatory, so a queue the broker
    lost is a failed attempt (retried, and rebuilt by reconcile) rather than a silent drop."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.lock = eventlet.semaphore.Semaphore()  # one channel: one publish at a time
        self.conn = self.producer = None
        self.returned = False

    def _on_return(self, exception, exchange, routing_key, message):
        self.returned = True

    def _producer(self):
        if self.producer is None:
            self.conn = kombu.Connection(self.amqp_uri, transport_options={"confirm_publish": True})
            self.producer = kombu.Producer(self.conn.channel(), exchange=kombu.Exchange(EXCHANGE, type="direct"),
                                           on_return=self._on_return)
        return self.producer

    def publish(self, sub_id: str, body: str, event: dict) -> domain.Outcome:
        with self.lock:
            try:
                self.returned = False
                self._producer().publish(
                    body.encode(), routing_key=sub_id, mandatory=True, delivery_mode=2,
                    content_type="application/cloudevents+json", content_encoding="utf-8",
                    message_id=event.get("id"), type=event.get("type"), retry=False)
            except Exception as exc:  # the broker away: retried on the schedule
                self.close()
                return domain.Outcome(error=f"{type(exc).__name__}: {exc}")
            if self.returned:
                return domain.Outcome(error=f"the broker has no queue for {sub_id} (reconcile rebuilds it)")
            return domain.Outcome(status_code=202)

    def close(self):
        if self.conn is not None:
            try:
                self.conn.release()
            except Exception:  # already gone
                pass
        self.conn = self.producer = None


class Partners(DependencyProvider):
    """The service's PartnerBus on its own vhost (AMQP_URI)."""

    def setup(self):
        self.bus = PartnerBus(Settings.from_nameko(self.container.config).amqp_uri)

    def get_dependency(self, worker_ctx):
        return self.bus
