"""Live updates: GraphQL subscriptions as Server-Sent Events (the GraphQL over SSE
protocol, "distinct connections" mode), fed by the bus.

Each gateway process binds one auto-delete queue of its own (``BusEvents``) to the events
exchanges. An event is kept in a bounded buffer (for ``Last-Event-ID`` resume) and handed
to the streams whose subscription it may concern; for each, the subscription's document is
executed with the event as root and the subscriber's own caller, so the owning service
decides over RPC what that subscriber sees (nothing is sent when it sees nothing).

A stream is a generator run by the web server's greenthread for its connection: it waits on
its own queue (a heartbeat comment when nothing came), and leaves the hub when the client
goes (the next write fails and the server closes the generator). No greenthread or consumer
of its own outlives it.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import time
import uuid
from collections import Counter, OrderedDict, deque

import eventlet
from eventlet.queue import Empty, LightQueue, Full
from kombu import Exchange, Queue, binding
from nameko.messaging import Consumer
from prometheus_client import Gauge
from pymongo.errors import PyMongoError

from clearinghouse.events import CATALOG, exchange_of

log = logging.getLogger(__name__)

OPEN_STREAMS = Gauge("clearinghouse_gateway_live_streams", "Server-Sent Event streams open on this process")

# The subscription fields, the event types that feed each, and the argument a cheap check
# against the event's public data can rule out (the owner's answer decides the rest).
FIELDS = {
    "ordinanceChanged": ("ordinance.recorded", "ordinance.status_changed"),
    "toolkitPublished": ("toolkit.published",),
    "askAnswered": ("ask.answered",),
}
EVENT_TYPES = tuple(dict.fromkeys(t for types in FIELDS.values() for t in types))
COMPLETE = object()


@dataclasses.dataclass(frozen=True)
class LiveEvent:
    """One bus event as the subscriptions see it (its public data only)."""
    id: str
    type: str
    subject: str
    data: dict

    @property
    def entity_id(self) -> str:
        return self.subject.partition("/")[2]

    @classmethod
    def of(cls, body) -> "LiveEvent | None":
        if not isinstance(body, dict) or body.get("type") not in EVENT_TYPES:
            return None
        event_id, subject, data = body.get("id"), body.get("subject"), body.get("data")
        if not isinstance(event_id, str) or not isinstance(subject, str) or not isinstance(data, dict):
            return None
        return cls(event_id, body["type"], subject, data)


def may_concern(field: str, arguments: dict, event: LiveEvent) -> bool:
    """Whether an event can matter to a subscription, judged on its public data alone."""
    if event.type not in FIELDS[field]:
        return False
    data = event.data
    if field == "ordinanceChanged":
        wanted = arguments.get("filter") or {}
        status = data.get("to") or data.get("status")
        for name, have in (("state", data.get("state")), ("jurisdiction", data.get("jurisdiction")),
                           ("issue_area", data.get("issue_area")), ("status", status)):
            if wanted.get(name) is not None and have is not None and wanted[name] != have:
                return False
        return True
    if field == "toolkitPublished":
        return arguments.get("issue_area") in (None, data.get("issue_area"))
    if field == "askAnswered":
        return arguments.get("ask_id") == event.entity_id
    return False


def ordinance_matches(ordinance: dict | None, wanted: dict | None) -> bool:
    """The owner's view of an ordinance against an ordinanceChanged filter."""
    if ordinance is None:
        return False
    for name, value in (wanted or {}).items():
        if value is None:
            continue
        if name == "sponsor_id":
            if value not in (ordinance.get("sponsor_ids") or []):
                return False
        elif ordinance.get(name) != value:
            return False
    return True


class TooManyStreams(Exception):
    pass


class StreamLeases:
    """The streams every gateway process holds, counted per owner in the gateway's store
    (collection ``live_streams``): one lease per open stream, renewed at each heartbeat and
    dropped when it closes, so a process that dies frees its streams' places once their
    leases run out. While the store is away each process counts only its own (logged)."""

    COLLECTION = "live_streams"

    def __init__(self, collection, lease_seconds: float, clock=time.time):
        self.collection = collection
        self.lease_seconds = lease_seconds
        self.clock = clock

    def take(self, lease_id: str, owner: str, limit: int) -> bool:
        """Whether ``owner`` may hold one more stream (the lease is then held)."""
        now = self.clock()
        try:
            self.collection.delete_many({"owner": owner, "expires_at": {"$lte": now}})
            self.collection.insert_one({"_id": lease_id, "owner": owner, "expires_at": now + self.lease_seconds})
            if self.collection.count_documents({"owner": owner, "expires_at": {"$gt": now}}) <= limit:
                return True
            self.collection.delete_one({"_id": lease_id})
            return False
        except PyMongoError as exc:
            log.warning("stream caps are per process while the store is away: %s", exc)
            return True

    def renew(self, lease_id: str):
        try:
            self.collection.update_one({"_id": lease_id}, {"$set": {"expires_at": self.clock() + self.lease_seconds}})
        except PyMongoError as exc:
            log.info("stream lease %s not renewed: %s", lease_id, exc)

    def drop(self, lease_id: str):
        try:
            self.collection.delete_one({"_id": lease_id})
        except PyMongoError as exc:
            log.info("stream lease %s not dropped (it runs out by itself): %s", lease_id, exc)


class Stream:
    """One subscriber's open stream: what it subscribed to and the queue it reads."""

    _ids = itertools.count(1)

    def __init__(self, owner: str, identity, field: str, arguments: dict, document, operation_name, variables,
                 capacity: int = 100):
        self.id = next(self._ids)
        self.owner, self.identity = owner, identity
        self.field, self.arguments = field, arguments
        self.document, self.operation_name, self.variables = document, operation_name, variables
        self.queue = LightQueue(capacity)
        self.key = field  # the field's name in the answer (its alias when it has one)
        self.authorization = None  # the Authorization header it opened with, checked again per event
        self.ended = False  # set by a render whose frame is the stream's last (a revoked key)

    def offer(self, item) -> bool:
        """Queue an item; False when the subscriber reads too slowly to keep up (it is closed)."""
        try:
            self.queue.put_nowait(item)
            return True
        except Full:
            return False


class Hub:
    """The streams of this process, the recent events, and the caps."""

    def __init__(self, per_owner: int = 5, max_streams: int = 1000, buffer_size: int = 500,
                 heartbeat: float = 15.0, leases: StreamLeases | None = None):
        self.per_owner = per_owner
        self.leases = leases  # the count shared by every gateway process, when there is a store
        self.max_streams = max_streams
        self.heartbeat = heartbeat
        self.streams: dict[int, Stream] = {}
        self.owners: Counter = Counter()
        self.recent: OrderedDict[str, LiveEvent] = OrderedDict()
        self.buffer_size = buffer_size
        self.instance = uuid.uuid4().hex[:8]

    def open(self, stream: Stream) -> Stream:
        if self.owners[stream.owner] >= self.per_owner:
            raise TooManyStreams(f"{self.per_owner} streams are open for this API key (or address) already; "
                                 "close one, or subscribe to several things on one page with fewer streams")
        if len(self.streams) >= self.max_streams:
            raise TooManyStreams("this server has as many streams open as it takes; retry in a while")
        if self.leases is not None and not self.leases.take(self.lease_id(stream), stream.owner, self.per_owner):
            raise TooManyStreams(f"{self.per_owner} streams are open for this API key (or address) already, on "
                                 "this gateway and its replicas; close one first")
        self.streams[stream.id] = stream
        self.owners[stream.owner] += 1
        OPEN_STREAMS.inc()
        return stream

    def lease_id(self, stream: Stream) -> str:
        return f"{self.instance}:{stream.id}"

    def renew(self, stream: Stream):
        if self.leases is not None and stream.id in self.streams:
            self.leases.renew(self.lease_id(stream))

    def close(self, stream: Stream):
        if self.streams.pop(stream.id, None) is not None:
            if self.leases is not None:
                self.leases.drop(self.lease_id(stream))
            self.owners[stream.owner] -= 1
            if self.owners[stream.owner] <= 0:
                del self.owners[stream.owner]
            OPEN_STREAMS.dec()

    def record(self, event: LiveEvent) -> bool:
        """Keep an event for resume; False when it was seen already (a redelivery)."""
        if event.id in self.recent:
            return False
        self.recent[event.id] = event
        while len(self.recent) > self.buffer_size:
            self.recent.popitem(last=False)
        return True

    def listeners(self, event: LiveEvent) -> list[Stream]:
        return [s for s in list(self.streams.values()) if may_concern(s.field, s.arguments, event)]

    def since(self, last_id: str) -> list[LiveEvent] | None:
        """The events after ``last_id``, or None when it is not among the kept ones."""
        if last_id not in self.recent:
            return None
        ids = list(self.recent)
        return [self.recent[i] for i in ids[ids.index(last_id) + 1:]]


def frame(event: str, data: str = "", event_id: str | None = None) -> bytes:
    """One Server-Sent Event; data lines never carry a bare newline (JSON escapes them)."""
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {data}")
    return ("\n".join(lines) + "\n\n").encode()


def next_frame(result: dict, event_id: str | None = None) -> bytes:
    return frame("next", json.dumps(result), event_id)


def events_of(hub: Hub, stream: Stream, first: list[bytes]):
    """The body of a stream's response: what was ready before it opened, then its events
    as they come, heartbeats in between; the stream leaves the hub however it ends."""
    try:
        yield b": connected\n\n"
        for chunk in first:
            yield chunk
        while True:
            try:
                item = stream.queue.get(timeout=hub.heartbeat)
            except Empty:
                yield b": heartbeat\n\n"
                hub.renew(stream)
                continue
            if item is COMPLETE:
                yield frame("complete")
                return
            yield item
    finally:
        hub.close(stream)


class BusEvents(Consumer):
    """An entrypoint fed by this process's own auto-delete queue, bound to the live event
    types on their exchanges; gone with the process (or its connection)."""

    def __init__(self, **kwargs):
        bindings = [binding(Exchange(exchange_of(CATALOG[t].service), type="topic", durable=True), routing_key=t)
                    for t in EVENT_TYPES]
        queue = Queue(f"gateway-live-{uuid.uuid4().hex}", bindings=bindings, durable=False, auto_delete=True,
                      exclusive=True)
        super().__init__(queue=queue, requeue_on_error=False, **kwargs)


bus_events = BusEvents.decorator


def end(hub: Hub, stream: Stream):
    """Complete a stream after what it was given (or at once when it cannot keep up)."""
    hub.close(stream)
    if not stream.offer(COMPLETE):
        stream.queue = LightQueue(1)  # the reader takes its queue afresh on each get
        stream.queue.put_nowait(COMPLETE)


def fan_out(hub: Hub, event: LiveEvent, render, pool_size: int = 20):
    """Give an event to every stream it concerns: ``render(stream, event)`` is its frame,
    or None when the owner shows this subscriber nothing. Streams that cannot keep up are
    completed (their client reconnects and resumes from Last-Event-ID)."""
    streams = hub.listeners(event)
    if not streams:
        return 0
    pool = eventlet.GreenPool(pool_size)
    sent = 0
    for stream, chunk in zip(streams, pool.imap(lambda s: render(s, event), streams)):
        if chunk is None:
            continue
        if not stream.offer(chunk) or stream.ended:
            end(hub, stream)
            continue
        sent += 1
    return sent
