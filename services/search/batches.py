"""Events taken in batches: one worker indexes many events with one bulk request.

nameko's event handler runs one worker per message and acknowledges each on its own. A
``batched_event_handler`` instead puts each message in a bounded buffer shared by every
queue of the same method, and hands the buffer to one worker (the method gets a list of
events) when it holds SIZE events, or LINGER seconds after its first one came, or as soon
as a flush under way ends. Each message is acknowledged only after the worker of its
batch returned (so after the batch is written); a worker that raises puts every message
of its batch back on its queue. A process that dies in between loses nothing: the broker
delivers the unacknowledged messages again, and the index's external versions make the
second write change nothing.

The queues stay the quorum queues of clearinghouse.consumers (dead-lettered past the
delivery limit). The batched handlers consume on a connection of their own whose
prefetch lets each queue hold a whole batch unacknowledged, and a written batch is
acknowledged with one ``basic.ack`` (multiple) rather than one per message: the broker
then takes every delivery up to that tag, so it is sent only up to the newest message
below which all are settled (Settlements).
"""
from __future__ import annotations

import logging
from collections import deque
from functools import partial

import eventlet
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import SharedExtension
from nameko.messaging import QueueConsumer

from clearinghouse.consumers import DurableEventHandler

log = logging.getLogger(__name__)

SIZE = 200  # events per bulk request at most
LINGER = 0.005  # seconds the first event of a batch waits for company
IN_FLIGHT = 2  # batches being written at once; the next one fills meanwhile


class Settlements:
    """The deliveries of one channel not yet settled, in delivery-tag order.

    A batch's messages are acknowledged together with ``basic.ack(multiple)`` on the
    newest tag such that every delivery up to it is settled; a message put back on its
    queue is rejected on its own at once. A batch written while an older one is still
    being written waits for it, so that a multiple ack never takes a message whose batch
    was not written.
    """

    def __init__(self):
        self.channel = None
        self.unsettled = deque()  # [tag, message, settled]

    def received(self, message):
        if message.channel is not self.channel:  # a new connection: the old tags are void
            self.channel, self.unsettled = message.channel, deque()
        self.unsettled.append([message.delivery_tag, message, False])

    def settle(self, messages, requeue: bool):
        entries = {entry[0]: entry for entry in self.unsettled}
        for message in messages:
            entry = entries.get(message.delivery_tag) if message.channel is self.channel else None
            if entry is None or not _alive(message):
                continue  # the broker gave it back when its connection went
            entry[2] = True
            if requeue:
                entry[1] = None  # rejected now: a multiple ack must not name it
                message.requeue()
        newest = None
        while self.unsettled and self.unsettled[0][2]:
            _, message, _ = self.unsettled.popleft()
            newest = message or newest
        if newest is not None and _alive(newest):
            newest.ack(multiple=True)


def _alive(message) -> bool:
    return bool(message.channel is not None and message.channel.connection)


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer with a prefetch of a whole batch per queue, and its
    deliveries settled in batches."""

    def setup(self):
        super().setup()
        self.settlements = Settlements()

    @property
    def prefetch_count(self):
        return SIZE

    def handle_message(self, provider, body, message):
        # here, in the consumer's thread, deliveries come in tag order
        self.settlements.received(message)
        super().handle_message(provider, body, message)

    def settle(self, messages, requeue: bool):
        try:
            self.settlements.settle(messages, requeue)
        except ConnectionError:  # the connection is closing: the broker redelivers them
            pass


class Batches(SharedExtension):
    """The container's buffers, one per batched method."""

    def setup(self):
        self.buffers = {}

    def buffer(self, method_name: str) -> "Buffer":
        if method_name not in self.buffers:
            self.buffers[method_name] = Buffer(self.container)
        return self.buffers[method_name]

    def stop(self):
        for buffer in self.buffers.values():
            buffer.close()

    def kill(self):
        for buffer in self.buffers.values():
            buffer.closed = True


class Buffer:
    def __init__(self, container):
        self.container = container
        self.pending = []  # (handler, body, message)
        self.in_flight = 0
        self.timer = None
        self.closed = False

    def add(self, handler, body, message):
        if self.closed:
            handler.queue_consumer.settle([message], requeue=True)
            return
        self.pending.append((handler, body, message))
        if len(self.pending) >= SIZE:
            self.flush()
        elif self.timer is None:
            self.timer = eventlet.spawn_after(LINGER, self._linger_over)

    def _linger_over(self):
        self.timer = None
        self.flush()

    def flush(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        while self.pending and self.in_flight < IN_FLIGHT:
            batch, self.pending = self.pending[:SIZE], self.pending[SIZE:]
            self._spawn(batch)

    def _spawn(self, batch):
        handler = batch[0][0]
        context_data = handler.unpack_message_headers(batch[0][2])
        self.in_flight += 1
        try:
            self.container.spawn_worker(handler, ([body for _, body, _ in batch],), {},
                                        context_data=context_data,
                                        handle_result=partial(self._done, batch))
        except ContainerBeingKilled:
            self.in_flight -= 1
            self._settle(batch, requeue=True)

    def _done(self, batch, worker_ctx, result=None, exc_info=None):
        self.in_flight -= 1
        self._settle(batch, requeue=exc_info is not None)
        if self.pending and not self.closed:
            self.flush()  # what came in meanwhile goes at once
        return result, exc_info

    @staticmethod
    def _settle(batch, requeue: bool):
        consumer = batch[0][0].queue_consumer if batch else None
        if consumer is not None:
            # every handler of a buffer shares the container's one BatchQueueConsumer
            consumer.settle([message for _, _, message in batch], requeue and batch[0][0].requeue_on_error)

    def close(self):
        """On stop: what was never handed to a worker goes back on its queue."""
        self.closed = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        pending, self.pending = self.pending, []
        self._settle(pending, requeue=True)


class BatchedEventHandler(DurableEventHandler):
    queue_consumer = BatchQueueConsumer()
    batches = Batches()

    def handle_message(self, body, message):
        self.batches.buffer(self.method_name).add(self, body, message)

    def stop(self):
        self.batches.buffer(self.method_name).close()
        super().stop()


def batched_event_handler(source_service: str, event_type: str, **kwargs):
    """As clearinghouse.consumers.event_handler (a durable quorum queue, requeued on
    error), but the method takes a list of events."""
    kwargs.setdefault("reliable_delivery", True)
    kwargs.setdefault("requeue_on_error", True)
    return BatchedEventHandler.decorator(source_service, event_type, **kwargs)
