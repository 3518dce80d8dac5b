"""Events the broker kept instead of delivering: dead letters (a consumer failed on them
broker.DELIVERY_LIMIT times) and unrouted events (published while no queue was bound).
An operator lists them and, once the cause is fixed, replays them
(`clearinghouse events dead-letters|unrouted [--replay]`).

A dead letter goes back to the one queue it was taken from (not to its exchange, which
would hand it again to every other consumer); an unrouted event to its exchange."""
from __future__ import annotations

import json

import amqp.exceptions
import kombu

from .broker import DEAD_LETTERS, UNROUTED, BrokerUnavailable, check_reachable
from .events import CATALOG

SKIPPED_HEADERS = ("x-death", "x-delivery-count", "x-first-death-exchange", "x-first-death-queue",
                   "x-first-death-reason")


def _event(message) -> dict:
    try:
        event = json.loads(message.body)
    except (TypeError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def _describe(queue: str, message) -> dict:
    event, death = _event(message), ((message.headers or {}).get("x-death") or [{}])[0]
    return {"id": event.get("id"), "type": event.get("type"), "subject": event.get("subject"),
            "routing_key": message.delivery_info.get("routing_key"),
            "queue": death.get("queue") if queue == DEAD_LETTERS else None,
            "reason": death.get("reason") if queue == DEAD_LETTERS else "unrouted"}


def _target(queue: str, message) -> tuple[str, str] | None:
    """(exchange, routing key) to send a kept message back to, or None if it cannot be told."""
    if queue == DEAD_LETTERS:
        death = ((message.headers or {}).get("x-death") or [{}])[0]
        return ("", death["queue"]) if death.get("queue") else None
    event_type = _event(message).get("type")
    if event_type not in CATALOG:
        return None
    return CATALOG[event_type].exchange, message.delivery_info.get("routing_key") or event_type


def _taken(amqp_uri: str, queue: str, limit: int):
    """Up to ``limit`` messages of ``queue`` on an open channel, not yet acknowledged."""
    check_reachable(amqp_uri)
    conn = kombu.Connection(amqp_uri, transport_options={"confirm_publish": True})
    channel = conn.channel()
    try:
        kombu.Queue(queue, channel=channel).queue_declare(passive=True)
    except amqp.exceptions.NotFound:
        conn.close()
        raise BrokerUnavailable(f"this broker has no {queue} queue yet: apply the definitions with "
                                "`clearinghouse broker setup` (make run does)") from None
    taken = []
    while len(taken) < limit:
        message = kombu.Queue(queue, channel=channel, no_declare=True).get(no_ack=False)
        if message is None:
            break
        taken.append(message)
    return conn, channel, taken


def listed(amqp_uri: str, queue: str, limit: int = 100) -> list[dict]:
    """What ``queue`` (DEAD_LETTERS or UNROUTED) holds, oldest first, left where it is."""
    conn, channel, taken = _taken(amqp_uri, queue, limit)
    try:
        return [_describe(queue, m) for m in taken]
    finally:
        conn.close()  # unacknowledged: the broker puts them back


def replay(amqp_uri: str, queue: str, limit: int = 10_000) -> tuple[int, int]:
    """Send what ``queue`` holds back where it came from; returns (replayed, left). Each
    message is acknowledged only after the broker confirmed its copy, so none is lost; one
    whose way back cannot be told stays."""
    conn, channel, taken = _taken(amqp_uri, queue, limit)
    replayed = left = 0
    try:
        producer = kombu.Producer(channel)
        for message in taken:
            target = _target(queue, message)
            if target is None:
                left += 1
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if k not in SKIPPED_HEADERS}
            producer.publish(message.body, exchange=target[0], routing_key=target[1], headers=headers,
                             content_type=message.content_type, content_encoding=message.content_encoding,
                             delivery_mode=2, serializer=None)
            message.ack()
            replayed += 1
    finally:
        conn.close()
    return replayed, left


__all__ = ["DEAD_LETTERS", "UNROUTED", "listed", "replay"]
