"""A partner's consumer of its Clearinghouse bus subscription: connect with the credentials
createEventSubscription returned (channel "bus"), read the CloudEvents from the queue of your
own, and acknowledge each one once it is handled. Needs only kombu (pip install kombu).

    CLEARINGHOUSE_AMQP=amqps://partner-sub_...:PASSWORD@mq.example.org:5671/%2F \
    CLEARINGHOUSE_QUEUE=partner.sub_... python partner_consumer.py
"""
import json
import os

import kombu


def handle(event: dict):
    # The body is a CloudEvent (structured mode): id, source, type, subject, time, data.
    # id is stable across redeliveries: skip ids you have already handled.
    print(event["type"], event["subject"], json.dumps(event["data"], sort_keys=True), flush=True)


def main():
    limit = int(os.environ.get("CONSUME_AT_MOST", "0"))  # 0: for ever
    seen = 0
    with kombu.Connection(os.environ["CLEARINGHOUSE_AMQP"], heartbeat=30) as conn:
        # passive: the queue is made for you; your user may read it and nothing else
        queue = kombu.Queue(os.environ["CLEARINGHOUSE_QUEUE"], no_declare=True)

        def on_message(body, message):
            nonlocal seen
            handle(json.loads(body) if isinstance(body, (str, bytes)) else body)
            message.ack()  # only after it is handled: an unacknowledged event comes again
            seen += 1
        with conn.Consumer(queue, callbacks=[on_message], accept=["application/cloudevents+json", "json"],
                           prefetch_count=50):
            while not limit or seen < limit:
                conn.drain_events(timeout=60)


if __name__ == "__main__":
    main()
