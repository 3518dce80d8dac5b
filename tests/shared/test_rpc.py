"""The one RPC call every caller makes (gateway, search, notifications): a deadline, and a
service or bus that is away answered as Unavailable. The real broker cases are in
tests/e2e/test_unavailable_e2e.py, tests/search/test_rebuild.py and
tests/notifications/test_asks.py; here, what the mapping does with each failure."""
import eventlet
import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService

from clearinghouse.errors import NotFound, Unavailable
from clearinghouse.rpc import call


class Proxy:
    """A service proxy whose one method does what it is told."""
    service_name = "members"

    def __init__(self, behave):
        self.get_member = behave


def raising(exc):
    def behave(*args, **kwargs):
        raise exc
    return behave


def test_an_answer_and_the_arguments_pass_through():
    assert call(Proxy(lambda *a, **k: (a, k)), "get_member", "mem_1", caller=None, timeout=1) == \
        (("mem_1",), {"caller": None})


@pytest.mark.parametrize("failure, message", [
    (UnknownService("members"), "the members service is not running"),
    (OperationalError("connection refused"), "the message bus is unreachable (OperationalError)"),
    (ConnectionResetError(), "the message bus is unreachable (ConnectionResetError)"),
    (RpcTimeout(1), "the members service did not answer get_member within 1s"),
])
def test_a_service_or_bus_that_is_away_is_unavailable(failure, message):
    with pytest.raises(Unavailable, match="try again shortly") as err:
        call(Proxy(raising(failure)), "get_member", "mem_1", timeout=1)
    assert message in str(err.value)


def test_a_service_that_does_not_answer_in_time_is_unavailable():
    with pytest.raises(Unavailable, match=r"members service did not answer get_member within 0.05s"):
        call(Proxy(lambda *a: eventlet.sleep(5)), "get_member", "mem_1", timeout=0.05)


def test_the_services_own_errors_and_an_outer_deadline_pass_on():
    with pytest.raises(NotFound):
        call(Proxy(raising(NotFound("no member"))), "get_member", "mem_1", timeout=1)
    with pytest.raises(eventlet.Timeout):
        with eventlet.Timeout(0.05):
            call(Proxy(lambda *a: eventlet.sleep(5)), "get_member", "mem_1", timeout=5)
