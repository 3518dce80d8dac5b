"""The floor under a nameko RPC: a raw AMQP request/reply with kombu on the same broker.

``python bench/raw_rpc.py AMQP_URI`` serves: it answers each request on the ``raw-rpc``
queue with an empty JSON reply to its reply_to, under its correlation_id. RawRpcClient
is one client (its own connection and exclusive reply queue), as a nameko proxy has.
"""
import json
import sys
import uuid

import kombu

QUEUE = "raw-rpc"


def serve(amqp_uri):
    with kombu.Connection(amqp_uri) as conn:
        queue = kombu.Queue(QUEUE, durable=False, auto_delete=True)
        producer = conn.Producer(serializer="json")

        def answer(body, message):
            producer.publish({"result": None, "error": None}, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"], exchange="")
            message.ack()
        with conn.Consumer(queue, callbacks=[answer], prefetch_count=10):
            while True:
                conn.drain_events()


class RawRpcClient:
    def __init__(self, amqp_uri):
        self.conn = kombu.Connection(amqp_uri)
        self.reply = kombu.Queue(f"raw-reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.producer = self.conn.Producer(serializer="json")
        self.replies = {}
        self.consumer = self.conn.Consumer(self.reply, callbacks=[self._on_reply], no_ack=True)
        self.consumer.consume()

    def _on_reply(self, body, message):
        self.replies[message.properties["correlation_id"]] = body if isinstance(body, dict) else json.loads(body)

    def call(self, args=()):
        correlation_id = uuid.uuid4().hex
        self.producer.publish({"args": list(args), "kwargs": {}}, routing_key=QUEUE, exchange="",
                              reply_to=self.reply.name, correlation_id=correlation_id)
        while correlation_id not in self.replies:
            self.conn.drain_events(timeout=30)
        return self.replies.pop(correlation_id)

    def close(self):
        self.conn.release()


if __name__ == "__main__":
    serve(sys.argv[1])
