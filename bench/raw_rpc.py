"""The floor under a nameko RPC: a raw AMQP request/reply with kombu on the same broker.

``python bench/raw_rpc.py AMQP_URI`` serves: it answers each request on the ``raw-rpc``
queue with an empty JSON reply to its reply_to, under its correlation_id.
``python bench/raw_rpc.py AMQP_URI --guarantees`` serves the ``raw-rpc-durable`` queue the
way nameko's defaults do (durable queue, replies published with confirms), for
``RawRpcClient(uri, guarantees=True)``, which sends as nameko's defaults do (persistent,
mandatory, confirmed) and acknowledges each reply: the floor with the same guarantees.
RawRpcClient is one client (its own connection and exclusive reply queue), as a nameko
proxy has. Both serve with prefetch 10 (nameko's max_workers) and JSON (nameko's serializer).
"""
import json
import sys
import uuid

import kombu

QUEUE = "raw-rpc"
DURABLE_QUEUE = "raw-rpc-durable"


def serve(amqp_uri, guarantees=False):
    # replies on a connection of their own, as nameko's are: a confirm awaited on the
    # consuming connection would take in (and answer) the next request inside the wait
    with kombu.Connection(amqp_uri) as conn, \
            kombu.Connection(amqp_uri, transport_options={"confirm_publish": guarantees}) as replies:
        if guarantees:
            queue = kombu.Queue(DURABLE_QUEUE, durable=True)
        else:
            queue = kombu.Queue(QUEUE, durable=False, auto_delete=True)
        producer = replies.Producer(serializer="json")

        def answer(body, message):
            producer.publish({"result": None, "error": None}, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"], exchange="")
            message.ack()
        with conn.Consumer(queue, callbacks=[answer], prefetch_count=10):
            while True:
                conn.drain_events()


class RawRpcClient:
    def __init__(self, amqp_uri, guarantees=False):
        self.conn = kombu.Connection(amqp_uri, transport_options={"confirm_publish": guarantees})
        self.guarantees = guarantees
        self.reply = kombu.Queue(f"raw-reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.producer = self.conn.Producer(serializer="json")
        self.replies = {}
        self.consumer = self.conn.Consumer(self.reply, callbacks=[self._on_reply], no_ack=not guarantees)
        self.consumer.consume()

    def _on_reply(self, body, message):
        if self.guarantees:
            message.ack()
        self.replies[message.properties["correlation_id"]] = body if isinstance(body, dict) else json.loads(body)

    def call(self, args=()):
        correlation_id = uuid.uuid4().hex
        if self.guarantees:
            options = {"routing_key": DURABLE_QUEUE, "delivery_mode": 2, "mandatory": True}
        else:
            options = {"routing_key": QUEUE}
        self.producer.publish({"args": list(args), "kwargs": {}}, exchange="", reply_to=self.reply.name,
                              correlation_id=correlation_id, **options)
        while correlation_id not in self.replies:
            self.conn.drain_events(timeout=30)
        return self.replies.pop(correlation_id)

    def close(self):
        self.conn.release()


if __name__ == "__main__":
    serve(sys.argv[1], guarantees="--guarantees" in sys.argv[2:])
