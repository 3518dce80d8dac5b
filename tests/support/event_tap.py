"""A test's view of the bus: a queue bound to an events exchange that collects what is
published, read over AMQP."""
import json

import kombu

from tests.support import wait_until


class EventTap:
    def __init__(self, amqp_uri, exchange, routing_key="#"):
        self.conn = kombu.Connection(amqp_uri)
        self.exchange = kombu.Exchange(exchange, type="topic", durable=True)
        self.queue = kombu.Queue(exclusive=True, exchange=self.exchange, routing_key=routing_key)
        self.bound = self.queue(self.conn.channel())
        self.bound.declare()
        self.received = []

    def drain(self):
        while True:
            message = self.bound.get(no_ack=True)
            if message is None:
                return self.received
            body = message.body
            self.received.append(json.loads(body) if isinstance(body, (bytes, str)) else body)

    def wait_for(self, count, timeout=15.0):
        return wait_until(lambda: len(self.drain()) >= count and self.received, timeout,
                          message=f"{count} events on {self.exchange.name}")

    def close(self):
        self.conn.release()
