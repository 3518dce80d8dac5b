"""What a browser app on another origin, a CDN and a frontend's client libraries get over
real HTTP: CORS, queries over GET with Cache-Control and ETags, persisted queries (APQ)
shared by every gateway process, and compressed answers."""
import gzip
import hashlib
import json

import brotli
import pytest
import requests

from gateway.service import GatewayService
from tests.support import free_port
from tests.support.gateway import code

APP = "http://app.example:3000"
STATUSES = "{ statusDefinitions { status } }"
INTROSPECTION = "{ __schema { types { name description } } }"


@pytest.fixture
def gateway_settings(gateway_settings):
    return gateway_settings.replace(gateway_cors_origins=f"{APP}, https://other-app.example.org")


@pytest.fixture
def url(gateway, members, toolkits):
    return gateway.url


def sha(query):
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(digest):
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def post(url, body, headers=None, **kwargs):
    return requests.post(url, data=json.dumps(body), timeout=10,
                         headers={"Content-Type": "application/json", **(headers or {})}, **kwargs)


# -- CORS --------------------------------------------------------------------------------------

def test_a_preflight_from_an_allowed_origin_says_what_may_be_sent_and_for_how_long(url):
    response = requests.options(url, timeout=10, headers={
        "Origin": APP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].split(", ")
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Origin" in response.headers["Vary"]


# Cases of one test each (one gateway started for all of them keeps the suite short).
REFUSED_PREFLIGHTS = [
    ({"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}, "is not allowed"),
    ({"Origin": APP, "Access-Control-Request-Method": "DELETE"}, "method 'DELETE' is not allowed"),
    ({"Origin": APP, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-forged"},
     "x-forged may not be sent"),
    ({"Access-Control-Request-Method": "POST"}, "needs an Origin"),
    ({"Origin": APP + "\u0000" * 3, "Access-Control-Request-Method": "POST"}, "is not allowed"),
]


def test_a_preflight_from_another_origin_or_for_other_methods_or_headers_is_refused(url):
    for headers, said in REFUSED_PREFLIGHTS:
        try:
            response = requests.options(url, timeout=10, headers=headers)
        except (requests.exceptions.InvalidHeader, ValueError):
            continue  # a control character never leaves the client: nothing to refuse
        assert response.status_code == 403, headers
        assert "Access-Control-Allow-Origin" not in response.headers, headers
        assert said in response.json()["errors"][0]["message"], headers


def test_only_an_allowed_origin_may_read_an_answer_and_every_answer_varies_by_origin(url):
    allowed = post(url, {"query": "{ viewer { role } }"}, {"Origin": APP})
    assert allowed.headers["Access-Control-Allow-Origin"] == APP
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = post(url, {"query": "{ viewer { role } }"}, {"Origin": "http://app.example:3001"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in allowed.headers["Vary"] and "Origin" in other.headers["Vary"]


# -- GET and caching ---------------------------------------------------------------------------

def test_a_public_get_is_cacheable_and_answered_304_while_its_etag_matches(url, gateway_calls):
    first = requests.get(url, params={"query": STATUSES}, timeout=10)
    assert first.status_code == 200 and first.json()["data"]["statusDefinitions"]
    assert first.headers["Cache-Control"] == "public, max-age=5"
    etag = first.headers["ETag"]
    responses = []
    made = gateway_calls.during(lambda: responses.append(
        requests.get(url, params={"query": STATUSES}, headers={"If-None-Match": etag}, timeout=10)))
    assert responses[0].status_code == 304 and responses[0].content == b""
    assert responses[0].headers["ETag"] == etag
    assert made["toolkits"] == 0  # answered from what this process kept
    # a client asking for a fresh answer gets the query run again, and the same ETag
    again = gateway_calls.during(lambda: responses.append(requests.get(
        url, params={"query": STATUSES}, headers={"If-None-Match": etag, "Cache-Control": "no-cache"}, timeout=10)))
    assert again["toolkits"] == 1 and responses[1].status_code == 304


def test_a_get_with_a_key_is_never_cached(url, keys):
    response = requests.get(url, params={"query": "{ viewer { role } }"}, timeout=10,
                            headers={"Authorization": f"Bearer {keys['member']}"})
    assert response.status_code == 200 and response.json()["data"]["viewer"]["role"] == "MEMBER"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_a_get_with_variables_and_an_operation_name_in_the_url_runs_that_operation(url):
    query = "query A { viewer { role } } query B($n: Int!) { toolkits(first: $n) { totalCount } }"
    response = requests.get(url, params={"query": query, "operationName": "B", "variables": '{"n": 1}'}, timeout=10)
    assert response.status_code == 200 and response.json()["data"] == {"toolkits": {"totalCount": 0}}


REFUSED_GETS = [
    ({"query": "mutation { revokeApiKey(keyId: \"k\") { id } }"}, 405, "mutations are not run over GET"),
    ({"query": "{ viewer { role } }", "variables": "{not json"}, 400, "variables in the URL must be URL-encoded JSON"),
    ({"query": "{ viewer { role } }", "variables": "[1]"}, 400, "variables must be a JSON object"),
    ({"query": "{ viewer { role } }", "variables": "[" * 2000}, 400, "variables"),
    ({"query": "{ viewer { role } }", "extensions": "\"x\""}, 400, "extensions must be a JSON object"),
    ({"query": ["{ a }", "{ b }"]}, 400, "query is given 2 times"),
]


def test_a_get_that_cannot_run_gets_a_4xx_that_says_why(url):
    for params, status, said in REFUSED_GETS:
        response = requests.get(url, params=params, timeout=10)
        assert response.status_code == status, params
        [error] = response.json()["errors"]
        assert code(error) == "BAD_USER_INPUT" and said in error["message"], params


def test_a_huge_query_string_is_refused_before_it_is_read(url):
    response = requests.get(url, params={"query": "{ viewer { " + "role " * 20_000 + "} }"}, timeout=10)
    assert response.status_code == 414


def test_a_post_without_a_json_content_type_is_refused(url):
    bare = requests.post(url, data=b'{"query": "{ viewer { role } }"}', timeout=10)
    assert bare.status_code == 415
    form = requests.post(url, data=b'query={viewer{role}}', timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415 and "Content-Type: application/json" in form.json()["errors"][0]["message"]


def test_the_graphql_response_media_type_gets_400_for_a_document_that_does_not_validate(url):
    response = post(url, {"query": "{ nope }"}, {"Accept": "application/graphql-response+json"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/graphql-response+json; charset=utf-8"
    assert "data" not in response.json()
    plain = post(url, {"query": "{ nope }"}, {"Accept": "application/json"})
    assert plain.status_code == 200 and plain.headers["Content-Type"].startswith("application/json")
    assert post(url, {"query": "{ nope }"}, {"Accept": "text/csv"}).status_code == 406


# -- persisted queries (APQ) -------------------------------------------------------------------

def test_an_unknown_hash_is_not_found_then_registered_then_run_by_hash_alone_on_any_gateway(
        url, start_service, gateway_config):
    query = "{ statusDefinitions { status meaning } }"
    missing = post(url, {"extensions": persisted(sha(query))})
    assert missing.status_code == 200
    [error] = missing.json()["errors"]
    assert error["message"] == "PersistedQueryNotFound" and code(error) == "PERSISTED_QUERY_NOT_FOUND"
    registered = post(url, {"query": query, "extensions": persisted(sha(query))})
    assert registered.status_code == 200 and registered.json()["data"]["statusDefinitions"]
    hit = post(url, {"extensions": persisted(sha(query))})
    assert hit.json()["data"] == registered.json()["data"]
    # over GET too (cacheable), and on another gateway process sharing the store
    second_port = free_port()
    start_service(GatewayService, {**gateway_config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{second_port}"})
    other = requests.get(f"http://127.0.0.1:{second_port}/graphql", timeout=10,
                         params={"extensions": json.dumps(persisted(sha(query)))})
    assert other.status_code == 200 and other.json()["data"] == registered.json()["data"]
    assert other.headers["Cache-Control"] == "public, max-age=5"


FORGED_HASHES = [
    (persisted(sha("{ viewer { role } }")), "is not the SHA-256 of the query"),  # a forged hash
    (persisted("ZZ" * 32), "64 hex digits"),
    (persisted("a" * 10_000), "64 hex digits"),
    ({"persistedQuery": {"version": 2, "sha256Hash": sha("{ __typename }")}}, "version must be 1"),
    ({"persistedQuery": "abc"}, "must be an object"),
]


def test_a_forged_or_malformed_hash_is_refused_and_registers_nothing(url):
    query = "{ statusDefinitions { status } }"
    for extensions, said in FORGED_HASHES:
        response = post(url, {"query": query, "extensions": extensions})
        assert response.status_code == 400, extensions
        [error] = response.json()["errors"]
        assert code(error) == "BAD_USER_INPUT" and said in error["message"], extensions
    forged = FORGED_HASHES[0][0]["persistedQuery"]["sha256Hash"]
    assert post(url, {"extensions": persisted(forged)}).json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert post(url, {"extensions": persisted(sha(query))}).json()["errors"][0]["message"] == "PersistedQueryNotFound"


class TestPersistedOnly:
    @pytest.fixture
    def gateway_settings(self, gateway_settings):
        return gateway_settings.replace(gateway_persisted_only=True)

    def test_only_queries_staff_registered_are_run(self, url, keys):
        query = "{ statusDefinitions { status } }"
        refused = post(url, {"query": query})
        assert refused.status_code == 403 and code(refused.json()["errors"][0]) == "PERSISTED_QUERY_REQUIRED"
        by_member = post(url, {"query": query, "extensions": persisted(sha(query))},
                         {"Authorization": f"Bearer {keys['member']}"})
        assert by_member.status_code == 403
        assert post(url, {"extensions": persisted(sha(query))}).json()["errors"][0]["message"] == \
            "PersistedQueryNotFound"
        by_staff = post(url, {"query": query, "extensions": persisted(sha(query))},
                        {"Authorization": f"Bearer {keys['staff']}"})
        assert by_staff.status_code == 200 and by_staff.json()["data"]["statusDefinitions"]
        assert post(url, {"extensions": persisted(sha(query))}).json()["data"] == by_staff.json()["data"]
        assert post(url, {"query": query}).status_code == 200  # its text is the registered query


# -- compression -------------------------------------------------------------------------------

def test_a_large_answer_is_compressed_as_the_client_accepts(url):
    plain = post(url, {"query": INTROSPECTION}, {"Accept-Encoding": "identity"}, stream=True)
    size = len(plain.raw.read(decode_content=False))
    for accept, encoding, unpack in (("gzip", "gzip", gzip.decompress),
                                     ("gzip, deflate, br", "br", brotli.decompress),
                                     ("br;q=0.5, gzip;q=0.9", "gzip", gzip.decompress)):
        response = post(url, {"query": INTROSPECTION}, {"Accept-Encoding": accept}, stream=True)
        assert response.headers["Content-Encoding"] == encoding, accept
        assert "Accept-Encoding" in response.headers["Vary"]
        raw = response.raw.read(decode_content=False)
        assert len(raw) < size / 3, accept
        assert json.loads(unpack(raw))["data"]["__schema"]["types"]


def test_a_small_answer_or_one_the_client_cannot_unpack_is_sent_as_it_is(url):
    for query, accept in (("{ viewer { role } }", "gzip, br"), (INTROSPECTION, "identity"),
                          (INTROSPECTION, "gzip;q=0, br;q=0")):
        response = post(url, {"query": query}, {"Accept-Encoding": accept}, stream=True)
        assert "Content-Encoding" not in response.headers, (query, accept)
        assert json.loads(response.raw.read(decode_content=False))["data"]


# -- the schema for tooling --------------------------------------------------------------------

def test_the_sdl_is_served_for_codegen_tools_and_builds_the_same_schema(url):
    from graphql import build_schema

    response = requests.get(url + "/schema.graphql", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    served = build_schema(response.text)
    assert served.subscription_type.fields.keys() >= {"ordinanceChanged", "toolkitPublished", "askAnswered"}
    assert "ordinance" in served.query_type.fields
    again = requests.get(url + "/schema.graphql", headers={"If-None-Match": response.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


class TestIntrospectionOff:
    @pytest.fixture
    def gateway_settings(self, gateway_settings):
        return gateway_settings.replace(gateway_graphiql=False)

    def test_the_sdl_is_not_served(self, url):
        assert requests.get(url + "/schema.graphql", timeout=10).status_code == 404
