"""`clearinghouse import openstates` against Open States API v3 answers replayed by a local
HTTP server (tests/toolkits/openstates/, in the documented shape of GET /bills): paging,
the X-API-KEY header, a bad key (401), malformed answers, and the bills reaching the
running toolkits service."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ops import cli
from ops.openstates import OpenStatesClient, OpenStatesError, import_bills
from tests.support import STAFF

RECORDED = Path(__file__).parent / "openstates"
KEY = "test-key-0123"
COLUMBUS = "ocd-division/country:us/state:oh/place:columbus"


class Replay:
    """Answers GET /bills with the recorded page asked for (401 without the right key);
    ``broken`` replaces every answer body; ``requests`` keeps what was asked."""

    def __init__(self):
        self.requests, self.broken = [], None
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = urllib.parse.parse_qs(url.query)
                replay.requests.append((url.path, query, self.headers.get("X-API-KEY")))
                if self.headers.get("X-API-KEY") != KEY:
                    return self.answer(401, (RECORDED / "unauthorized.json").read_bytes())
                if replay.broken is not None:
                    return self.answer(200, replay.broken)
                page = RECORDED / f"bills_page_{query.get('page', ['1'])[0]}.json"
                if url.path != "/bills" or not page.exists():
                    return self.answer(404, b'{"detail": "invalid page"}')
                self.answer(200, page.read_bytes())

            def answer(self, code, body):
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a free port
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replay():
    server = Replay()
    yield server
    server.close()


def test_every_page_is_read_with_the_key_and_the_bills_reach_the_watch(toolkits, rpc, replay):
    sponsor = "mem_00000000000000aa"
    rpc.toolkits.record_ordinance({"title": "Minimum wage", "jurisdiction": COLUMBUS, "issue_area": "minimum-wage",
                                   "sponsor_ids": [sponsor]}, caller=STAFF)
    counts = import_bills(OpenStatesClient(KEY, base_url=replay.url), rpc.toolkits, state="oh",
                          issue_areas=["minimum-wage"], would_void=[{"jurisdiction": COLUMBUS,
                                                                     "issue_area": "minimum-wage"}],
                          session="2025-2026")
    assert counts == {"seen": 3, "recorded": 3, "refused": 0, "refusals": []}
    assert [q["page"] for _, q, _ in replay.requests] == [["1"], ["2"]]
    path, query, key = replay.requests[0]
    assert (path, key, query["jurisdiction"], query["include"], query["per_page"], query["session"]) == (
        "/bills", KEY, ["ocd-jurisdiction/country:us/state:oh/government"], ["actions", "sources"], ["20"],
        ["2025-2026"])
    page = rpc.toolkits.list_bills({"state": "oh"}, caller=STAFF)
    assert {e["node"]["id"]: e["node"]["status"] for e in page["edges"]} == {
        "oh/2025-2026/hb-101": "passed_chamber", "oh/2025-2026/hb-102": "introduced",
        "oh/2025-2026/sb-55": "signed"}
    signed = rpc.toolkits.get_bill("oh/2025-2026/sb-55")
    assert signed["openstates_id"] == "ocd-bill/00000000-0000-4000-8000-000000000003"
    assert signed["source_url"] == "https://openstates.org/oh/bills/2025-2026/SB55/"
    assert [a["classification"] for a in signed["actions"]][-1] == ["executive-signature"]
    assert len(signed["ordinance_ids"]) == 1
    again = import_bills(OpenStatesClient(KEY, base_url=replay.url), rpc.toolkits, state="oh",
                         issue_areas=["minimum-wage"], would_void=[{"jurisdiction": COLUMBUS,
                                                                    "issue_area": "minimum-wage"}])
    assert again["recorded"] == 3 and rpc.toolkits.get_bill("oh/2025-2026/sb-55")["version"] == signed["version"]


def test_a_bad_key_is_refused_with_what_to_do_and_nothing_is_recorded(toolkits, rpc, replay):
    with pytest.raises(OpenStatesError, match=r"refused the API key \(HTTP 401\); check OPENSTATES_API_KEY"):
        import_bills(OpenStatesClient("wrong", base_url=replay.url), rpc.toolkits, state="oh",
                     issue_areas=["minimum-wage"])
    assert rpc.toolkits.list_bills(caller=STAFF)["edges"] == []


@pytest.mark.parametrize("body, message", [
    (b"<html>gateway timeout</html>", "not JSON"),
    (json.dumps({"results": [{"id": "x"}], "pagination": {"page": 1}}).encode(), "pagination.max_page"),
    (json.dumps({"items": []}).encode(), "expected results"),
    (json.dumps({"results": [{"id": "ocd-bill/1", "jurisdiction": {"id": "somewhere"}}],
                 "pagination": {"max_page": 1}}).encode(), "without a state jurisdiction"),
    (json.dumps({"results": ["a string"], "pagination": {"max_page": 1}}).encode(), "not an object"),
])
def test_a_malformed_answer_is_an_error_not_a_crash(toolkits, rpc, replay, body, message):
    replay.broken = body
    with pytest.raises(OpenStatesError, match=message):
        import_bills(OpenStatesClient(KEY, base_url=replay.url), rpc.toolkits, state="oh",
                     issue_areas=["minimum-wage"])
    assert rpc.toolkits.list_bills(caller=STAFF)["edges"] == []


def test_the_command_needs_the_key_and_imports_with_it(toolkits, rpc, replay, amqp_uri, monkeypatch, capsys):
    monkeypatch.setenv("AMQP_URI", amqp_uri)
    monkeypatch.delenv("OPENSTATES_API_KEY", raising=False)
    argv = ["import", "openstates", "--state", "oh", "--issue-area", "minimum-wage", "--base-url", replay.url]
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2 and "OPENSTATES_API_KEY is not set" in capsys.readouterr().err
    monkeypatch.setenv("OPENSTATES_API_KEY", KEY)
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 0, capsys.readouterr()
    assert "3 bills seen, 3 recorded, 0 refused" in capsys.readouterr().out
