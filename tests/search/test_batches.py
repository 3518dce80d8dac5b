"""Settlements: a batch's messages are acknowledged with one multiple ack, never past a
delivery whose batch is not written yet; a message put back is rejected on its own."""
from services.search.batches import Settlements


class Channel:
    connection = True

    def __init__(self):
        self.sent = []  # ("ack", tag, multiple) or ("requeue", tag)


class Message:
    def __init__(self, channel, tag):
        self.channel, self.delivery_tag = channel, tag

    def ack(self, multiple=False):
        self.channel.sent.append(("ack", self.delivery_tag, multiple))

    def requeue(self):
        self.channel.sent.append(("requeue", self.delivery_tag))


def delivered(settlements, channel, tags):
    messages = [Message(channel, tag) for tag in tags]
    for message in messages:
        settlements.received(message)
    return messages


def test_a_written_batch_is_acknowledged_with_one_multiple_ack():
    channel, settlements = Channel(), Settlements()
    batch = delivered(settlements, channel, range(1, 6))
    settlements.settle(batch, requeue=False)
    assert channel.sent == [("ack", 5, True)]


def test_a_later_batch_waits_for_an_earlier_one_still_being_written():
    channel, settlements = Channel(), Settlements()
    first, second = delivered(settlements, channel, [1, 2, 3]), delivered(settlements, channel, [4, 5])
    settlements.settle(second, requeue=False)
    assert channel.sent == []  # an ack of 5 (multiple) would take 1-3, not written yet
    settlements.settle(first, requeue=False)
    assert channel.sent == [("ack", 5, True)]


def test_a_batch_put_back_is_rejected_message_by_message_and_never_acknowledged():
    channel, settlements = Channel(), Settlements()
    first, second = delivered(settlements, channel, [1, 2]), delivered(settlements, channel, [3, 4])
    settlements.settle(first, requeue=True)
    assert channel.sent == [("requeue", 1), ("requeue", 2)]
    settlements.settle(second, requeue=False)
    assert channel.sent[2:] == [("ack", 4, True)]
    third = delivered(settlements, channel, [5, 6])
    settlements.settle(third[1:], requeue=False)
    settlements.settle(third[:1], requeue=True)
    # 5 rejected; 6 acknowledged with a multiple ack that covers only settled tags
    assert channel.sent[3:] == [("requeue", 5), ("ack", 6, True)]


def test_deliveries_of_a_closed_connection_are_left_to_the_broker():
    old, new, settlements = Channel(), Channel(), Settlements()
    stale = delivered(settlements, old, [1, 2])
    fresh = delivered(settlements, new, [1])  # a reconnection starts the tags again
    settlements.settle(stale, requeue=False)
    assert old.sent == []
    settlements.settle(fresh, requeue=False)
    assert new.sent == [("ack", 1, True)]
