"""Logs an operator can read: a client's mistake is one line without a traceback, repeats
are summarised, a real failure keeps its traceback, JSON lines carry the known fields and
never a private one."""
import io
import json
import logging

import pytest
import requests
from nameko.exceptions import RemoteError
from pymongo.errors import ServerSelectionTimeoutError

from clearinghouse import logs
from clearinghouse.errors import BadInput, NotFound, Unavailable
from clearinghouse.rpc import rpc
from tests.support import free_port


class Desk:
    """A service whose answers we choose."""
    name = "desk"

    @rpc
    def refuse(self, member_id, caller=None):
        raise BadInput(f"member {member_id} has no e-mail address like someone@example.org")

    @rpc
    def lookup(self, member_id):
        raise NotFound(f"no member with id {member_id!r}")

    @rpc
    def crash(self):
        return {}["no such key"]

    @rpc
    def store_away(self):
        raise ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] Connection refused")


@pytest.fixture
def captured():
    """configure() onto a buffer, without the flusher thread; undone afterwards."""
    made = []

    def capture(fmt="text", window=3600.0):
        stream = io.StringIO()
        handler = logs.configure("test", fmt, stream=stream, window=window, flusher=False)
        made.append(handler)
        return stream, handler
    root = logging.getLogger()
    level = root.level
    yield capture
    for handler in made:
        root.removeHandler(handler)
    root.setLevel(level)


def summary_filter(handler) -> logs.RepeatSummary:
    return next(f for f in handler.filters if isinstance(f, logs.RepeatSummary))


def json_lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# -- the pieces ---------------------------------------------------------------------------
def test_repeats_of_one_kind_pass_once_and_are_counted_when_the_window_ends():
    now = [0.0]
    summary = logs.RepeatSummary(window=10.0, clock=lambda: now[0])
    written = []
    summary.handler = type("H", (), {"handle": lambda self, r: written.append(r.getMessage())})()

    def rejection(message):
        return logging.makeLogRecord({"msg": message, "service": "members", "method": "get_member",
                                      "code": "NOT_FOUND", "levelno": logging.INFO})
    passed = [summary.filter(rejection(f"no member mem_{i}")) for i in range(5)]
    assert passed == [True, False, False, False, False]
    now[0] = 11.0
    assert summary.filter(rejection("no member mem_9")) is True  # a new window
    assert written == ["no member mem_4 ... repeated 4 times in the last 10 s"]


def test_private_values_are_masked_in_any_message():
    line = logs.redact("ann@example.org called +1 (412) 555-0100 with chk_abc-DEF_123 on 2015-07-01")
    assert line == "<email> called <phone> with <api key> on 2015-07-01"
    assert logs.redact("amqp://guest:s3cret@127.0.0.1:5672/") == "amqp://guest:***@127.0.0.1:5672/"


# -- through nameko -----------------------------------------------------------------------
def test_a_burst_of_bad_requests_is_one_line_per_kind_without_a_traceback(start_service, rpc, captured):
    stream, handler = captured()
    start_service(Desk)
    for i in range(25):
        with pytest.raises(BadInput):
            rpc.desk.refuse(f"mem_{i:04d}")
        with pytest.raises(NotFound):
            rpc.desk.lookup("mem_0001")
    summary_filter(handler).flush(force=True)
    out = stream.getvalue()
    assert "Traceback" not in out
    refused = [line for line in out.splitlines() if "desk.refuse rejected BAD_USER_INPUT" in line]
    looked_up = [line for line in out.splitlines() if "desk.lookup rejected NOT_FOUND" in line]
    assert len(refused) == 2 and "repeated 24 times" in refused[1], out
    assert len(looked_up) == 2 and "repeated 24 times" in looked_up[1], out
    assert all(" INFO " in line for line in refused + looked_up)


def test_an_unexpected_exception_still_logs_its_traceback(start_service, rpc, captured):
    stream, _ = captured()
    start_service(Desk)
    with pytest.raises(RemoteError):
        rpc.desk.crash()
    out = stream.getvalue()
    assert "desk.crash failed: KeyError" in out
    assert " ERROR " in out and "Traceback (most recent call last)" in out


def test_a_store_away_is_one_warning_without_a_traceback(start_service, rpc, captured):
    stream, _ = captured()
    start_service(Desk)
    with pytest.raises(Unavailable):
        rpc.desk.store_away()
    out = stream.getvalue()
    assert "Traceback" not in out
    (line,) = [line for line in out.splitlines() if "desk.store_away" in line]
    assert " WARNING " in line and "rejected UNAVAILABLE: ServerSelectionTimeoutError" in line


def test_json_lines_carry_the_known_fields_and_no_private_value(start_service, rpc, captured):
    stream, _ = captured("json")
    start_service(Desk)
    with pytest.raises(BadInput):
        rpc.desk.refuse("mem_0042", caller={"role": "member", "owner_id": "mem_0042"})
    logging.getLogger("clearinghouse.test").warning("written for %s", "ann@example.org",
                                                   extra={"email": "ann@example.org", "phone": "412-555-0100"})
    lines = json_lines(stream)
    rejection = next(line for line in lines if line.get("code") == "BAD_USER_INPUT")
    assert rejection["level"] == "INFO"
    assert (rejection["service"], rejection["method"]) == ("desk", "refuse")
    assert rejection["entity_id"] == "mem_0042" and rejection["caller_role"] == "member"
    assert rejection["trace_id"] and rejection["timestamp"]
    assert "exc_info" not in rejection
    other = next(line for line in lines if line.get("logger") == "clearinghouse.test")
    assert other["service"] == "test" and other["level"] == "WARNING"
    assert "example.org" not in stream.getvalue() and "555" not in stream.getvalue()
    assert not any({"email", "phone"} & set(line) for line in lines)


# -- through the gateway ------------------------------------------------------------------
def test_bad_requests_through_the_gateway_are_summarised_without_a_traceback(start_service, settings, captured):
    from gateway.service import GatewayService
    from services.members.service import MembersService
    stream, handler = captured("json")
    port = free_port()
    config = settings.replace(gateway_port=port, gateway_rpc_timeout=5.0).nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{port}"
    for cls in (MembersService, GatewayService):
        start_service(cls, config)
    url = f"http://127.0.0.1:{port}/graphql"
    with requests.Session() as http:
        for i in range(20):
            bad_id = http.post(url, json={"query": f'{{ member(id: "x{i}") {{ name }} }}'}, timeout=30).json()
            assert bad_id["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            not_json = http.post(url, data=b"{not json", headers={"content-type": "application/json"}, timeout=30)
            assert not_json.status_code == 400
            bad_cursor = http.post(url, json={"query": '{ members(first: 2, after: "bm90IGEgY3Vyc29y") '
                                                       '{ totalCount } }'}, timeout=30).json()
            assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    summary_filter(handler).flush(force=True)
    lines = json_lines(stream)
    assert not any("exc_info" in line or "Traceback" in line["message"] for line in lines), lines
    kinds = {}
    for line in lines:
        if line.get("code"):
            kinds.setdefault((line["service"], line["method"], line["code"]), []).append(line["message"])
    gateway = kinds.pop(("gateway", "graphql", "BAD_USER_INPUT"))
    assert len(gateway) == 2 and "repeated 59 times" in gateway[1], gateway
    access = [line for line in lines if line["logger"] == "nameko.web.server"]
    assert len(access) == 4, access  # 200s and 400s: the first of each, then its count
    assert sum("repeated" in line["message"] for line in access) == 2, access
    # the cursor is refused by members itself: one line there too, summarised
    (service_kind, refused), = kinds.items()
    assert service_kind[0] == "members" and len(refused) == 2 and "repeated 19 times" in refused[1], kinds
