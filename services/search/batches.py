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
prefetch lets each queue hold a whole batch unacknowledged.
"""
from __future__ import annotations

import logging
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


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer with a prefetch of a whole batch per queue."""

    @property
    def prefetch_count(self):
        return SIZE


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
            handler.queue_consumer.requeue_message(message)
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
        for handler, _, message in batch:
            if requeue and handler.requeue_on_error:
                handler.queue_consumer.requeue_message(message)
            else:
                handler.queue_consumer.ack_message(message)

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
