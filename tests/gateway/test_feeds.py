"""Feeds and exports in pure code: parameter checks, the calendar's events from what an
ordinance holds, Atom entry ids, and CSV cells a spreadsheet would run."""
import csv
import io

import feedparser
import icalendar
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from clearinghouse.errors import BadInput
from gateway import export
from gateway.feeds import atom, calendar, feed_path, params

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
ORDINANCE = {"id": "ord_0123456789abcdef", "title": "Paid Sick Days Act", "jurisdiction": PGH, "state": "pa",
             "issue_area": "paid-sick-leave", "status": "struck_down", "version": 5,
             "updated_at": "2026-01-02T03:04:05.678Z", "source_url": None,
             "provisions": {"effective_date": "2016-01-11", "phase_in_year": 2018},
             "actions": [{"type": "introduced", "date": "2015-06-01", "note": None, "source_url": None},
                         {"type": "effective", "date": "2016-01-11", "note": None, "source_url": None},
                         {"type": "struck_down", "date": "2016-02-01", "note": "Common Pleas", "source_url": None}]}


def request(query: str) -> Request:
    return Request(EnvironBuilder(path="/feeds/ordinances.atom", query_string=query).get_environ())


def test_parameters_are_read_checked_and_mapped_to_the_owners_filters():
    given = params.read(request(f"issueArea=paid-sick-leave&state=PA&jurisdiction={PGH}"),
                        ("issueArea", "state", "jurisdiction"), "a feed")
    assert params.filters(given) == {"issue_area": "paid-sick-leave", "state": "pa", "jurisdiction": PGH}


@pytest.mark.parametrize("query", ["x=1", "state=pa&state=az", "state=p%01a", "after=" + "a" * 1025,
                                   "&".join(f"state{i}=1" for i in range(700))])
def test_unusable_parameters_are_bad_input(query):
    with pytest.raises(BadInput):
        params.read(request(query), ("state", "after"), "a feed")


@pytest.mark.parametrize("value", ["0", "101", "-1", "1.5", "ten", "１"])
def test_first_is_a_whole_number_within_the_page(value):
    with pytest.raises(BadInput):
        params.first({"first": value}, 100)


def test_the_calendar_has_each_dated_event_once_with_uids_named_for_it():
    events = {e["uid"]: (e["kind"], e["date"].isoformat()) for e in calendar.events_of(ORDINANCE)}
    assert events == {
        "ord_0123456789abcdef.hearing.introduced.2015-06-01@clearinghouse": ("hearing", "2015-06-01"),
        "ord_0123456789abcdef.effective.effective.2016-01-11@clearinghouse": ("effective", "2016-01-11"),
        "ord_0123456789abcdef.court.struck_down.2016-02-01@clearinghouse": ("court", "2016-02-01"),
        "ord_0123456789abcdef.phase_in.provision.2018@clearinghouse": ("phase_in", "2018-01-01"),
    }  # the coded effective date is the effective action's: one event, not two
    parsed = icalendar.Calendar.from_ical(calendar.calendar([ORDINANCE], "court"))
    assert [str(e["UID"]) for e in parsed.walk("VEVENT")] == ["ord_0123456789abcdef.court.struck_down.2016-02-01@clearinghouse"]
    assert calendar.calendar([ORDINANCE], None) == calendar.calendar([ORDINANCE], None)  # same bytes, same ETag


def test_an_atom_entry_is_named_for_the_ordinances_version_and_the_feed_pages_on():
    body = atom.ordinances([ORDINANCE], "http://h/feeds/ordinances.atom", "http://h/feeds/ordinances.atom?after=c",
                           "urn:clearinghouse:feed:ordinances.atom?")
    parsed = feedparser.parse(body)
    assert not parsed.bozo and [e.id for e in parsed.entries] == ["urn:clearinghouse:ordinance:ord_0123456789abcdef:v5"]
    assert [link.href for link in parsed.feed.links if link.rel == "next"] == ["http://h/feeds/ordinances.atom?after=c"]
    assert parsed.feed.updated == "2026-01-02T03:04:05.678000+00:00"


def test_feed_paths_carry_their_filters():
    assert feed_path("ordinances.atom", jurisdiction=PGH, state=None) == \
        "/feeds/ordinances.atom?jurisdiction=ocd-division%2Fcountry%3Aus%2Fstate%3Apa%2Fplace%3Apittsburgh"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_text_is_escaped_in_csv(text):
    assert export.cell(text) == "'" + text


def test_plain_values_are_written_as_they_are():
    assert [export.cell(v) for v in ("a=b", 3, -2.5, True, False, None)] == ["a=b", 3, -2.5, "true", "false", ""]


def test_csv_chunks_are_one_header_then_one_chunk_per_page():
    pages = iter([[{**ORDINANCE, "title": "=evil()"}], [ORDINANCE]])
    chunks = list(export.csv_chunks(export.ORDINANCE_COLUMNS, pages))
    assert len(chunks) == 3
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert [r["title"] for r in rows] == ["'=evil()", "Paid Sick Days Act"]
    assert rows[0]["latest_action_type"] == "struck_down" and rows[0]["action_count"] == "3"


def test_keyset_pages_reads_the_first_page_at_once_and_the_rest_on_demand():
    asked = []

    def fetch(after):
        asked.append(after)
        n = 0 if after is None else int(after)
        return {"edges": [{"node": {"n": n}}], "page_info": {"has_next_page": n < 2, "end_cursor": str(n + 1)}}

    pages = export.keyset_pages(fetch)
    assert asked == [None]  # a refusal is raised before any byte goes out
    assert [p[0]["n"] for p in pages] == [0, 1, 2] and asked == [None, "1", "2"]


class Refusing:
    """A rate limit that refuses every request after the first ``allowed``, and notes who it counted."""

    def __init__(self, allowed):
        self.allowed, self.counted = allowed, []

    def refusal(self, request, identity, trace_id=None):
        self.counted.append(identity)
        if len(self.counted) > self.allowed:
            from werkzeug.wrappers import Response
            return Response("{}", status=429)
        return None


def service_with(rate_limit, authenticate):
    from types import SimpleNamespace

    from gateway.auth import KeyCache
    calls = SimpleNamespace(trace_id=None, call=lambda service, method, key: authenticate(key))
    return SimpleNamespace(graphql_endpoint=SimpleNamespace(keys=KeyCache(), rate_limit=rate_limit), services=calls)


def test_feeds_are_rate_limited_as_graphql_a_bad_key_counting_against_the_address():
    from clearinghouse.errors import Unauthenticated
    from gateway.feeds import http

    def authenticate(key):
        if key != "good":
            raise Unauthenticated("no such key")
        return {"role": "member", "key_id": "key_1", "owner_id": None, "owner_kind": None}

    limit = Refusing(allowed=2)
    service = service_with(limit, authenticate)
    keyed = Request(EnvironBuilder(headers={"Authorization": "Bearer good"}).get_environ())
    assert http.admitted(service, keyed).role == "member"
    with pytest.raises(Unauthenticated):
        http.admitted(service, Request(EnvironBuilder(headers={"Authorization": "Bearer bad"}).get_environ()))
    assert limit.counted[1] is None  # the address, not a key
    with pytest.raises(http.Limited) as refused:
        http.admitted(service, keyed)
    assert http.refusal(refused.value).status_code == 429
    assert http.admitted(service_with(None, authenticate), keyed).role == "member"  # GATEWAY_RATE_LIMIT=0


def test_the_export_view_carries_exactly_what_the_jsonl_codebook_describes():
    from services.toolkits import domain
    assert set(domain.EXPORT_FIELDS) == {name for name, _, _ in export.ORDINANCE_JSONL}
    assert set(domain.export_view({**ORDINANCE, "toolkit_slug": None, "sponsor_ids": [], "notes": None})) == \
        set(domain.EXPORT_FIELDS)
