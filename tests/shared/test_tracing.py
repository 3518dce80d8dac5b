"""W3C trace context: what a valid traceparent is, and that events carry the trace of the
worker that made them (and only then)."""
import eventlet
import pytest

from clearinghouse import tracing
from clearinghouse.events import cloudevent


def test_new_traceparents_are_valid_and_differ():
    made = {tracing.new_traceparent() for _ in range(100)}
    assert len(made) == 100 and all(tracing.valid(t) for t in made)


@pytest.mark.parametrize("bad", [None, 7, "", "00-abc-def-01", "01-" + "a" * 32 + "-" + "b" * 16 + "-01",
                                 "00-" + "0" * 32 + "-" + "b" * 16 + "-01", "00-" + "a" * 32 + "-" + "0" * 16 + "-01",
                                 "00-" + "A" * 32 + "-" + "b" * 16 + "-01", "00-" + "a" * 32 + "-" + "b" * 16 + "-01\n"])
def test_anything_else_is_not_a_traceparent(bad):
    assert not tracing.valid(bad) and tracing.trace_id(bad) is None


def test_an_event_carries_the_trace_of_its_green_thread_only():
    event = lambda: cloudevent("member.updated", "member/mem_1", {"version": 2})  # noqa: E731
    assert "traceparent" not in event()

    class Worker:
        data = {}

    traceparent = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"

    def traced():
        tracing.begin(Worker(), traceparent)
        eventlet.sleep(0.01)  # another green thread runs meanwhile
        return event()

    def untraced():
        return event()

    first, second = eventlet.spawn(traced), eventlet.spawn(untraced)
    assert first.wait()["traceparent"] == traceparent
    assert "traceparent" not in second.wait()
    assert tracing.trace_id(traceparent) == "a" * 32
