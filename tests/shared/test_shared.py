"""The shared pieces' pure logic: configuration, OCD ids, the event envelope, cursors."""
import base64
import datetime
import json

import pytest

from clearinghouse import ocd, paging, validation as v
from clearinghouse.config import Settings
from clearinghouse.errors import BadInput, Forbidden, Unauthenticated
from clearinghouse.events import CATALOG, OWNERS, cloudevent, is_cloudevent


def test_settings_come_from_the_contract_environment_names():
    s = Settings.from_env({"AMQP_URI": "amqp://u:p@h:5672/v", "MONGO_URI": "mongodb://m:27017",
                           "ELASTICSEARCH_URL": "http://e:9200", "GATEWAY_PORT": "9000",
                           "WEBHOOK_ALLOW_HTTP": "1", "WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8"})
    assert (s.amqp_uri, s.mongo_uri, s.elasticsearch_url, s.gateway_port) == (
        "amqp://u:p@h:5672/v", "mongodb://m:27017", "http://e:9200", 9000)
    assert s.webhook_allow_http and s.webhook_allow_networks == "127.0.0.0/8"
    assert Settings.from_nameko(s.nameko_config()) == s


def test_unset_stores_mean_embedded_ones_and_defaults_are_local():
    s = Settings.from_env({})
    assert s.mongo_uri is None and s.elasticsearch_url is None
    assert s.amqp_uri == "amqp://guest:guest@127.0.0.1:5672//" and s.data_dir == "./.data"
    assert not s.webhook_allow_http


@pytest.mark.parametrize("division, name, state", [
    ("ocd-division/country:us/state:pa/place:pittsburgh", "Pittsburgh, PA", "pa"),
    ("ocd-division/country:us/state:in/place:terre_haute", "Terre Haute, IN", "in"),
    ("ocd-division/country:us/state:wa/county:king", "King County, WA", "wa"),
    ("ocd-division/country:us/state:ny", "NY", "ny")])
def test_ocd_ids_name_their_place_and_state(division, name, state):
    assert ocd.check_division(division) == division
    assert (ocd.name_of(division), ocd.state_of(division)) == (name, state)


@pytest.mark.parametrize("bad", [None, "", "pittsburgh", "ocd-division/country:ca/province:on",
                                 "ocd-division/country:us/state:PA/place:x",
                                 "ocd-division/country:us/state:zz/place:x",
                                 "ocd-division/country:us/state:pa/place",
                                 "ocd-division/country:us/state:pa/place:pittsburgh\n",
                                 "ocd-division/country:us/state:pa\n/place:pittsburgh",
                                 "ocd-division/country:us/state:pa/place:" + "x" * 300])
def test_malformed_ocd_ids_are_refused_with_an_example(bad):
    with pytest.raises(BadInput, match="ocd-division|state"):
        ocd.check_division(bad)


def test_every_catalogued_event_is_a_cloudevent_with_a_version():
    for event_type, spec in CATALOG.items():
        event = cloudevent(event_type, "x/1", {"id": "1", "version": 4})
        assert is_cloudevent(event)
        assert event["source"] == f"/clearinghouse/{spec.service}"
    with pytest.raises(ValueError):
        cloudevent("member.teleported", "x/1", {"version": 1})
    with pytest.raises(ValueError):
        cloudevent("member.joined", "x/1", {"id": "1"})


def test_cursors_round_trip_and_garbage_is_refused():
    assert paging.decode(paging.encode(["ann", "mem_1"])) == ("ann", "mem_1")
    with pytest.raises(BadInput, match="after is not a cursor this server gave; start again without after"):
        paging.decode("%%%")
    for bad in (-1, 101, "10", True):
        with pytest.raises(BadInput):
            paging.check_first(bad)


def test_cursors_carry_their_types_and_list():
    when = datetime.datetime(2026, 1, 31, 9, tzinfo=datetime.timezone.utc)
    cursor = paging.encode([when, 7, 0.5, "mem_1"], "deliveries")
    assert paging.decode(cursor, "deliveries", (datetime.datetime, int, float, str)) == (when, 7, 0.5, "mem_1")
    with pytest.raises(BadInput, match="start again without after"):
        paging.decode(cursor, "asks")  # another list's cursor
    with pytest.raises(BadInput, match="start again without after"):
        paging.decode(cursor, "deliveries", (str, int, float, str))  # another shape


def test_a_whole_number_is_taken_where_a_number_is_wanted_but_not_the_other_way():
    assert paging.decode(paging.encode([1700000000, "ask_1"], "asks"), "asks", (float, str)) == (1700000000.0, "ask_1")
    with pytest.raises(BadInput, match="start again without after"):
        paging.decode(paging.encode([0.5, "ask_1"], "asks"), "asks", (int, str))


def _forged(token):
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


@pytest.mark.parametrize("token", [
    ["ann", "mem_1"],  # the old untagged shape
    {"v": 1, "k": "members.name_key", "t": "ss", "p": [{"$gt": ""}, "mem_1"]},  # an operator
    {"v": 1, "k": "members.name_key", "t": "ss", "p": [{"$regex": ".*"}, {"$ne": None}]},
    {"v": 1, "k": "members.name_key", "t": "ss", "p": [["a"], "mem_1"]},
    {"v": 1, "k": "members.name_key", "t": "ss", "p": [1, "mem_1"]},  # a number said to be text
    {"v": 1, "k": "members.name_key", "t": "ii", "p": [True, 2 ** 70]},  # a bool; too large for a store
    {"v": 1, "k": "members.name_key", "t": "f", "p": ["NaN"]},
    {"v": 1, "k": "members.name_key", "t": "d", "p": ["2026-01-31T09:00:00"]},  # a timestamp without zone
    {"v": 1, "k": "members.name_key", "t": "x", "p": [1]},  # an unknown type
    {"v": 1, "k": "members.name_key", "t": "ss", "p": ["ann"]},  # types and values disagree
    {"v": 1, "k": "members.name_key", "t": "", "p": []},
    {"v": 2, "k": "members.name_key", "t": "ss", "p": ["ann", "mem_1"]},  # another version
    {"v": 1, "k": {"$ne": 1}, "t": "ss", "p": ["ann", "mem_1"]},
    {"v": 1, "k": "members.name_key", "t": "ss", "p": ["ann", "mem_1"], "extra": 1},
])
def test_tampered_cursors_are_refused_before_any_query(token):
    with pytest.raises(BadInput, match="after is not a cursor this server gave; start again without after"):
        paging.decode(_forged(token))


@pytest.mark.parametrize("bad", [17, ["x"], {"$gt": ""}, "x" * 5000, "é", "\ud800",
                                 _forged({"v": 1, "k": "l", "t": "s", "p": ["\ud800"]})])
def test_cursors_that_are_not_text_or_not_ours_are_refused(bad):
    with pytest.raises(BadInput, match="start again without first_after"):
        paging.decode(bad, field="first_after")


@pytest.mark.parametrize("value", ["2019-02-30", "2019-2-3", "yesterday", 20190203, "2019-02-03T00:00:00"])
def test_dates_must_be_iso_calendar_dates(value):
    with pytest.raises(BadInput, match="ISO 8601"):
        v.date(value, "date")


@pytest.mark.parametrize("bad", ["Paid\nsick days", "Paid sick days\n", "tab\there", "cr\rhere",
                                 "nul\x00", "del\x7f", "c1\x85", "sep\u2028"])
def test_a_line_refuses_control_characters_with_where_they_are(bad):
    with pytest.raises(BadInput, match="title contains the control character .* one line"):
        v.line(bad, "title")


@pytest.mark.parametrize("check", [lambda x: v.text(x, "title"), lambda x: v.line(x, "title"),
                                   lambda x: v.text_list([x], "title")])
def test_text_that_no_store_can_keep_is_refused(check):
    with pytest.raises(BadInput, match="not valid Unicode text at position 1"):
        check("a\ud800b")


def test_a_line_is_trimmed_text_with_a_length_limit():
    assert v.line("  Paid sick days — a model  ", "title") == "Paid sick days — a model"
    assert v.line(None, "title", required=False) is None
    with pytest.raises(BadInput, match="limit is 5"):
        v.line("abcdef", "title", 5)
    with pytest.raises(BadInput, match="must be a string"):
        v.line(["a"], "title")


@pytest.mark.parametrize("bad", ["mem_0123456789abcdef\n", "mem_0123456789abcdef\r", " mem_0123456789abcdef",
                                 "mem_0123456789abcdefX", "MEM_0123456789abcdef", {"$ne": None}])
def test_identifiers_match_in_full(bad):
    assert v.identifier("mem_0123456789abcdef", "id", "mem") == "mem_0123456789abcdef"
    with pytest.raises(BadInput, match="not a valid id"):
        v.identifier(bad, "id", "mem")


@pytest.mark.parametrize("bad", ["https://example.org/a\nb", "https://example.org/\x00", "https://exa mple.org",
                                 "javascript:alert(1)", "https://"])
def test_urls_are_one_line_http_urls_in_full(bad):
    assert v.url("https://example.org/a?b=c", "sourceUrl") == "https://example.org/a?b=c"
    with pytest.raises(BadInput):
        v.url(bad, "sourceUrl")


def test_emails_match_in_full():
    assert v.email("ann@example.org") == "ann@example.org"
    with pytest.raises(BadInput):
        v.email("ann@example.org\nBcc: x@y.z")


def test_the_published_asyncapi_document_is_the_catalog():
    from pathlib import Path

    import yaml

    from clearinghouse.asyncapi import document
    published = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml").read_text())
    assert published == yaml.safe_load(yaml.safe_dump(document())), \
        "docs/asyncapi.yaml is stale: run `clearinghouse docs asyncapi`"


def test_a_caller_of_the_wrong_role_is_told_which_roles_may():
    from clearinghouse.caller import PUBLIC, Caller
    Caller("staff").require(("staff",), "creating a member")
    with pytest.raises(Unauthenticated, match="creating a member needs a STAFF API key"):
        PUBLIC.require(("staff",), "creating a member")
    with pytest.raises(Forbidden, match="is for MEMBER or STAFF keys only; this key is PARTNER"):
        Caller("partner").require(("member", "staff"), "posting an ask")


def test_every_entity_the_events_are_about_has_one_owner():
    assert all(OWNERS[e.entity] == e.service for e in CATALOG.values())
    assert OWNERS["ask"] == "notifications" and OWNERS["ordinance"] == "toolkits"


def test_a_backoff_doubles_to_its_ceiling_and_starts_again_after_a_success():
    from clearinghouse.backoff import Backoff
    backoff = Backoff(first=0.5, ceiling=3.0)
    assert [backoff.failed() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    for _ in range(200):  # a long outage never overflows
        backoff.failed()
    backoff.succeeded()
    assert backoff.failed() == 0.5
