"""Property-based fuzz of the running gateway over real HTTP, every service behind it:
queries and mutations generated from the schema (valid ones and ones with one schema
violation), as PUBLIC and as STAFF, and malformed bodies. Whatever a client sends, the
answer is never a 5xx, always JSON, never a stack trace, and every error carries an
``extensions.code`` that is not INTERNAL_SERVER_ERROR (a client's input is never our bug).

Bounded: about 110 generated requests in all (each query twice), no deadline per example.
"""
from __future__ import annotations

import json

import graphql
import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from tests.fuzz import examples
from tests.support import PGH

FUZZ = settings(deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])


def json_values(max_leaves=12):
    scalars = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=max_leaves)


def _literal(value):
    """A GraphQL value node for a JSON value (for the JSON scalar)."""
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_literal(v) for v in value))
    return nodes.Object([graphql.ObjectFieldNode(name=graphql.NameNode(value=f"k{i}"), value=_literal(v))
                         for i, v in enumerate(value.values())])


# Custom scalars: mostly well-formed values, sometimes anything at all.
CUSTOM_SCALARS = {
    "Date": (st.dates().map(lambda d: d.isoformat()) | st.text(max_size=20)).map(nodes.String),
    "DateTime": (st.datetimes().map(lambda d: d.isoformat() + "Z") | st.text(max_size=30)).map(nodes.String),
    "JSON": json_values(max_leaves=6).map(_literal),
}


def gateway_schema():
    from gateway.schema import schema
    return schema.graphql_schema


def assert_sound(response):
    """No 5xx, JSON, no stack trace, every error coded (and not as our own failure)."""
    text = response.text
    assert response.status_code < 500, (response.status_code, text[:2000])
    assert "Traceback" not in text and 'File "' not in text, text[:2000]
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON ({response.status_code}): {text[:2000]}")
    answers = body if isinstance(body, list) else [body]
    for answer in answers:
        assert isinstance(answer, dict) and ("data" in answer or "errors" in answer), answer
        for error in answer.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert isinstance(code, str) and code, error
            assert code != "INTERNAL_SERVER_ERROR", error
            assert isinstance(error.get("message"), str) and error["message"], error
    if response.status_code == 429:
        assert {(e.get("extensions") or {}).get("code") for a in answers for e in a.get("errors") or []} == \
            {"RATE_LIMITED"}, body
    return body


@pytest.fixture(scope="module")
def staff(platform):
    return platform.staff_key()


@pytest.fixture(scope="module")
def seeded(platform, staff):
    """A few real records, so that generated queries reach past empty lists (best effort:
    the fuzz's own assertions do not depend on them)."""
    gateway = platform.gateway
    made = gateway('mutation { createMember(input: {name: "Fuzz Member", status: "active", '
                   'email: "f@example.org"}) { id } }', key=staff)
    member = ((made.get("data") or {}).get("createMember") or {}).get("id")
    gateway('mutation { createToolkit(input: {slug: "fuzz-kit", title: "Fuzz", issueArea: "minimum-wage", '
            'summary: "S"}) { slug } }', key=staff)
    gateway('mutation { publishToolkit(slug: "fuzz-kit") { slug } }', key=staff)
    gateway('mutation($s: [ID!]) { recordOrdinance(input: {title: "Fuzz wage", jurisdiction: "%s", '
            'issueArea: "minimum-wage", toolkitSlug: "fuzz-kit", sponsorIds: $s, actions: [{type: "introduced", '
            'date: "2020-01-01"}]}) { id } }' % PGH, {"s": [member] if member else []}, key=staff)
    return member


def post_both(platform, staff, body):
    note(f"body: {json.dumps(body)}")
    for key in (None, staff):
        note(f"as {'STAFF' if key else 'PUBLIC'}")
        assert_sound(platform.gateway.post(body, key=key))


@settings(FUZZ, max_examples=examples(35))
@example(query='{ suggest(prefix: "pa", limit: null) { text } }')
@example(query='{ search(query: "wage", first: null) { totalCount } }')
@given(query=queries(gateway_schema(), custom_scalars=CUSTOM_SCALARS))
def test_generated_queries_are_answered_without_our_failures(platform, staff, seeded, query):
    post_both(platform, staff, {"query": query})


@settings(FUZZ, max_examples=examples(20))
@given(mutation=mutations(gateway_schema(), custom_scalars=CUSTOM_SCALARS))
def test_generated_mutations_are_answered_without_our_failures(platform, staff, seeded, mutation):
    post_both(platform, staff, {"query": mutation})


@settings(FUZZ, max_examples=examples(15))
@given(document=queries(gateway_schema(), custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE)
       | mutations(gateway_schema(), custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE))
def test_documents_that_break_the_schema_are_refused_with_a_code(platform, staff, document):
    post_both(platform, staff, {"query": document})


# Variables of any shape for arguments of every kind, cursors included: a tampered or
# foreign cursor is the caller's mistake, never an operator in a store query.
TYPED = [
    "query($v: Int) { members(first: $v) { totalCount } }",
    "query($v: String) { members(after: $v) { totalCount edges { node { id } } } }",
    "query($v: String) { toolkits(after: $v) { totalCount } }",
    "query($v: String) { ordinances(after: $v) { totalCount } }",
    "query($v: String) { organizations(after: $v) { totalCount } }",
    "query($v: String) { asks(after: $v) { totalCount } }",
    "query($v: String) { apiKeys(after: $v) { totalCount } }",
    "query($v: String) { search(query: \"wage\", after: $v) { totalCount } }",
    "query($v: MemberFilter) { members(filter: $v) { totalCount } }",
    "query($v: OrdinanceFilter) { ordinances(filter: $v) { totalCount } }",
    "query($v: [ID!]) { compareProvisions(issueArea: \"minimum-wage\", ordinanceIds: $v) { fields } }",
    "query($v: ID!) { member(id: $v) { name } }",
    "query($v: String!) { toolkit(slug: $v) { title } }",
    "query($v: ID!) { canPass(jurisdiction: $v, issueArea: \"minimum-wage\") { verdict } }",
    "query($v: ID!) { deliveries(subscriptionId: $v) { totalCount } }",
    "mutation($v: EventSubscriptionInput!) { createEventSubscription(input: $v) { secret } }",
    "mutation($v: OrdinanceInput!) { recordOrdinance(input: $v) { id } }",
    "mutation($v: MemberInput!) { createMember(input: $v) { id } }",
    "mutation($v: AskInput!) { postAsk(input: $v) { id } }",
]
SUBSCRIBE = next(q for q in TYPED if "createEventSubscription" in q)
MEMBERS_AFTER = next(q for q in TYPED if "members(after" in q)


def cursors():
    """Strings a client might send as a cursor: anything, and base64 of JSON (what a
    tamperer tries first) with operators in it."""
    import base64
    operators = st.sampled_from([{"$gt": ""}, {"$regex": ".*"}, {"$where": "1"}, [], None, 1, "x"])
    shaped = st.fixed_dictionaries({}, optional={"k": operators, "id": operators, "name_key": operators,
                                                 "after": operators}) | json_values(6)
    encoded = shaped.map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode())
    return st.text(max_size=60) | encoded | encoded.map(lambda s: s.rstrip("="))


@settings(FUZZ, max_examples=examples(25))
@example(query=SUBSCRIBE, value={"channel": "webhook", "url": "https://" + "a" * 300 + ".example.org/hook"})
@example(query=SUBSCRIBE, value={"channel": "webhook", "url": "https://bücher.例え.テスト/hook"})
@example(query=SUBSCRIBE, value={"channel": "webhook", "url": "https://a..b/hook"})
@example(query=SUBSCRIBE, value={"channel": "webhook", "url": "https://[::ffff:169.254.169.254]/hook"})
@example(query=MEMBERS_AFTER, value="eyIkZ3QiOiAiIn0=")
@given(query=st.sampled_from(TYPED), value=json_values() | cursors())
def test_variables_of_any_shape_are_refused_with_a_code(platform, staff, seeded, query, value):
    post_both(platform, staff, {"query": query, "variables": {"v": value}})


@settings(FUZZ, max_examples=examples(20))
@example(body=b"[" * 49_000 + b"]" * 49_000)
@example(body=b'{"query": ' * 9_000 + b"1" + b"}" * 9_000)
@example(body=b'{"query": "{ viewer { role } }", "variables": ' + b"[" * 40_000 + b"]" * 40_000 + b"}")
@example(body=b"\xff\xfe not utf-8")
@example(body=b"")
@given(body=st.one_of(
    json_values().map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({}, optional={"query": json_values(4) | st.text(max_size=80),
                                        "variables": json_values(4), "operationName": json_values(3),
                                        "extensions": json_values(3)}).map(lambda v: json.dumps(v).encode()),
    st.lists(st.fixed_dictionaries({"query": st.just("{ viewer { role } }")},
                                   optional={"variables": json_values(3), "operationName": json_values(2)})
             | json_values(3), min_size=1, max_size=6).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
))
def test_malformed_bodies_get_a_coded_4xx(platform, staff, body):
    note(f"body: {body[:300]!r}")
    for key in (None, staff):
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        response = platform.gateway.http.post(platform.gateway.url, data=body, headers=headers, timeout=30)
        assert_sound(response)
