"""Event handlers on quorum queues, so that an event that keeps failing is not requeued
for ever: the broker counts each delivery and, past broker.DELIVERY_LIMIT, dead-letters it
to events.dead (the policy in broker.py), where an operator lists and replays it
(`clearinghouse events dead-letters [--replay]`)."""
from nameko.events import EventHandler


class DurableEventHandler(EventHandler):
    def setup(self):
        super().setup()
        # the broker counts deliveries (x-delivery-count) only on quorum queues
        self.queue.queue_arguments = {**(self.queue.queue_arguments or {}), "x-queue-type": "quorum"}


def event_handler(source_service: str, event_type: str, **kwargs):
    """nameko's event_handler on a durable quorum queue, requeued on error by default
    (the delivery limit bounds how often)."""
    kwargs.setdefault("reliable_delivery", True)
    kwargs.setdefault("requeue_on_error", True)
    if not kwargs["reliable_delivery"]:
        raise ValueError("a quorum queue is durable: reliable_delivery must stay on")
    return DurableEventHandler.decorator(source_service, event_type, **kwargs)
