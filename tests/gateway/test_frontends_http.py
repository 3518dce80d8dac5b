"""The transport rules of frontends, without a server: CORS configuration, Accept and
Accept-Encoding negotiation, ETag matching, the public answer cache, and the persisted-query
registry's bound on the real store."""
import uuid

import pymongo
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway import compression, http
from gateway.auth import Identity
from gateway.cors import Cors, parse_origins
from gateway.persisted import PersistedQueries, Refusal, sha256


def request(**headers):
    return Request(EnvironBuilder(method="OPTIONS", headers=headers).get_environ())


@pytest.mark.parametrize("value, problem", [
    ("*, https://app.example.org", "not both"),
    ("javascript:alert(1)", "is not an origin"),
    ("https://app.example.org/path", "is not an origin"),
    ("https://app.example.org\r\nSet-Cookie: a", "is not an origin"),
])
def test_a_cors_setting_that_is_not_a_list_of_origins_is_refused_at_start(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_origins(value)


def test_no_origin_is_allowed_by_default():
    cors = Cors("")
    assert not cors.allowed("http://localhost:3000")
    assert cors.preflight(request(Origin="http://localhost:3000", **{"Access-Control-Request-Method": "GET"})) \
        .status_code == 403


def test_any_origin_is_never_allowed_with_credentials():
    cors = Cors("*")
    answer = cors.preflight(request(Origin="http://a.example", **{"Access-Control-Request-Method": "POST"}))
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer.headers
    listed = Cors("http://a.example").preflight(request(Origin="http://a.example",
                                                        **{"Access-Control-Request-Method": "POST"}))
    assert listed.headers["Access-Control-Allow-Origin"] == "http://a.example"
    assert listed.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("accept, media", [
    (None, http.JSON), ("*/*", http.JSON), ("application/json", http.JSON),
    ("application/graphql-response+json, application/json;q=0.9", http.GRAPHQL_RESPONSE),
    ("application/graphql-response+json;q=0.1, application/json", http.JSON),
    ("text/html", None), ("application/json;q=0", None), ("a" * 100_000, None),
])
def test_the_answer_is_in_the_media_type_the_client_prefers(accept, media):
    assert http.response_media_type(accept) == media


@pytest.mark.parametrize("header, encoding", [
    ("gzip", "gzip"), ("br, gzip", "br"), ("gzip;q=1, br;q=0.2", "gzip"), ("*", "br"),
    ("identity", None), ("br;q=0, gzip;q=0", None), ("", None), (None, None),
])
def test_the_encoding_is_chosen_from_accept_encoding(header, encoding):
    assert compression.chosen(header) == encoding


def test_an_event_stream_is_never_compressed():
    req = Request(EnvironBuilder(headers={"Accept-Encoding": "gzip"}).get_environ())
    stream = compression.compress(req, Response((b"x" * 10 for _ in range(500)), mimetype="text/event-stream"))
    assert "Content-Encoding" not in stream.headers


@pytest.mark.parametrize("header, matched", [
    ('"abc"', True), ('W/"abc"', True), ('"abc-gzip"', True), ('"x", "abc"', True), ("*", True),
    ('"abd"', False), (None, False), ('"' + "a" * 10_000 + '"', False),
])
def test_if_none_match_names_the_entity_in_any_encoding(header, matched):
    assert http.matches(header, '"abc"') is matched


def test_a_public_answer_is_kept_for_its_max_age_and_the_cache_is_bounded():
    now = [0.0]
    answers = http.PublicAnswers(max_entries=2, max_age=5, clock=lambda: now[0])
    answers.put("a", '"1"', b"{}", http.JSON)
    answers.put("b", '"2"', b"{}", http.JSON)
    answers.put("c", '"3"', b"{}", http.JSON)
    assert answers.get("a") is None and answers.get("c")[0] == '"3"'
    now[0] = 5.0
    assert answers.get("c") is None


@pytest.fixture
def registry_collection(mongo_server):
    client = pymongo.MongoClient(mongo_server)
    name = f"t{uuid.uuid4().hex[:10]}_gateway"
    yield client[name]["persisted_queries"]
    client.drop_database(name)
    client.close()


STAFF, PUBLIC = Identity(role="staff"), Identity()


def register(registry, query, identity=PUBLIC):
    return registry.query_of({"query": query, "extensions": {"persistedQuery": {"version": 1,
                                                                                 "sha256Hash": sha256(query)}}},
                             identity)


def by_hash(registry, query, identity=PUBLIC):
    return registry.query_of({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}},
                             identity)


def test_the_registry_keeps_at_most_its_bound_dropping_the_oldest_client_queries_first(registry_collection):
    clock = iter(range(100))
    registry = PersistedQueries(registry_collection, max_entries=3, clock=lambda: next(clock))
    register(registry, "{ a0: __typename }", STAFF)
    for i in range(1, 6):
        register(registry, f"{{ a{i}: __typename }}")
    assert registry.count() == 3
    fresh = PersistedQueries(registry_collection, max_entries=3)  # another process: nothing kept locally
    assert by_hash(fresh, "{ a0: __typename }") == "{ a0: __typename }"  # staff's stays
    assert by_hash(fresh, "{ a5: __typename }") == "{ a5: __typename }"
    with pytest.raises(Refusal) as missing:
        by_hash(fresh, "{ a1: __typename }")
    assert missing.value.code == "PERSISTED_QUERY_NOT_FOUND"


def test_a_client_registration_never_downgrades_a_staff_one(registry_collection):
    register(PersistedQueries(registry_collection), "{ __typename }", STAFF)
    register(PersistedQueries(registry_collection), "{ __typename }", PUBLIC)
    only = PersistedQueries(registry_collection, persisted_only=True)
    assert by_hash(only, "{ __typename }") == "{ __typename }"


def test_the_frontend_settings_come_from_their_environment_names():
    from clearinghouse.config import Settings

    s = Settings.from_env({"GATEWAY_CORS_ORIGINS": "https://app.example.org", "GATEWAY_PERSISTED_ONLY": "1",
                           "GATEWAY_SSE_HEARTBEAT": "2.5", "GATEWAY_SSE_STREAMS_PER_KEY": "3"})
    assert (s.gateway_cors_origins, s.gateway_persisted_only, s.gateway_sse_heartbeat,
            s.gateway_sse_streams_per_key) == ("https://app.example.org", True, 2.5, 3)
    default = Settings.from_env({})
    assert (default.gateway_cors_origins, default.gateway_persisted_only) == ("", False)


def test_a_stream_lease_runs_out_when_its_process_is_gone(registry_collection):
    from gateway.live import StreamLeases

    now = [100.0]
    leases = StreamLeases(registry_collection.database["live_streams"], lease_seconds=30, clock=lambda: now[0])
    assert leases.take("a:1", "key:x", 2) and leases.take("b:1", "key:x", 2)
    assert not leases.take("a:2", "key:x", 2)
    assert leases.take("a:3", "key:y", 2)  # another owner
    now[0] += 20
    leases.renew("a:1")  # a:1's process still beats; b:1's died
    now[0] += 15
    assert leases.take("a:4", "key:x", 2) and not leases.take("a:5", "key:x", 2)
