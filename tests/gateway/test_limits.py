"""Query limits over the real schema, and the request limits of the endpoint (no services:
every request here is refused before any RPC)."""
import json

import pytest
from graphql import parse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.endpoint import DocumentCache, GraphQLEndpoint, OperationNames
from gateway.limits import Limits, check
from gateway.schema import schema

SCHEMA = schema.graphql_schema


def errors_of(query, variables=None, operation_name=None, **limits):
    found = check(SCHEMA, parse(query), operation_name, variables, Limits(**limits))
    return [(e.extensions["code"], e.message) for e in found]


def nested(levels):
    query = "name"
    for _ in range(levels):
        query = f"sponsored {{ sponsors {{ {query} }} }}"
    return f'{{ member(id: "mem_0123456789abcdef") {{ {query} }} }}'


def test_a_query_within_the_limits_passes():
    assert errors_of("{ ordinances(first: 20) { edges { node { title sponsors { name } toolkit { title } } } } }") == []


def test_a_query_deeper_than_the_limit_is_refused_with_its_depth():
    assert errors_of(nested(3), max_depth=10, max_cost=10**9) == []
    [(code, message)] = errors_of(nested(5), max_depth=10, max_cost=10**12)
    assert code == "BAD_USER_INPUT"
    assert "12 levels deep; the limit is 10" in message


def test_depth_counts_through_fragments_and_inline_fragments():
    query = """
      query { member(id: "mem_0123456789abcdef") { ...deep } }
      fragment deep on Member { sponsored { sponsors { sponsored { sponsors { ... on Member { name } } } } } }
    """
    assert errors_of(query, max_depth=5) == [("BAD_USER_INPUT", errors_of(query, max_depth=5)[0][1])]
    assert "6 levels deep" in errors_of(query, max_depth=5)[0][1]
    assert errors_of(query, max_depth=6) == []


def test_cost_multiplies_nested_lists_by_their_first():
    query = "{ members(first: 100) { edges { node { sponsored { sponsors { sponsored { title } } } } } } }"
    [(code, message)] = errors_of(query)
    assert code == "BAD_USER_INPUT"
    assert "about 111301 fields; the limit is 20000" in message
    assert errors_of(query.replace("100", "2")) == []


def test_cost_uses_first_from_variables_and_the_schema_default():
    query = "query($n: Int) { members(first: $n) { edges { node { sponsored { sponsors { name } } } } } }"
    assert errors_of(query, {"n": 100}, max_cost=5000) != []
    assert errors_of(query, {"n": 10}, max_cost=5000) == []
    # without a value, first is the schema's default (20)
    assert errors_of(query, {}, max_cost=20 * 100 + 20 * 2 + 1) == []
    assert errors_of(query, {}, max_cost=100) != []


@pytest.mark.parametrize("first", [101, -1])
def test_first_outside_0_to_100_is_refused_with_the_range(first):
    assert errors_of(f"{{ toolkits(first: {first}) {{ totalCount }} }}") == [
        ("BAD_USER_INPUT", f"first must be from 0 to 100, got {first}; page through longer lists with after: pageInfo.endCursor")]
    assert errors_of("query($f: Int) { asks(first: $f) { totalCount } }", {"f": first})[0][0] == "BAD_USER_INPUT"


def test_introspection_is_refused_when_switched_off_but_typename_is_not():
    query = "{ __schema { queryType { name } } __type(name: \"Member\") { name } }"
    assert errors_of(query) == []
    refused = errors_of(query, introspection=False)
    assert [code for code, _ in refused] == ["FORBIDDEN", "FORBIDDEN"]
    assert "introspection is turned off" in refused[0][1]
    assert errors_of("{ viewer { __typename role } }", introspection=False) == []


def test_only_the_operation_that_runs_is_checked():
    query = "query Small { viewer { role } } query Deep " + nested(5)
    assert errors_of(query, operation_name="Small") == []
    assert errors_of(query, operation_name="Deep") != []


def test_documents_are_parsed_and_validated_once():
    cache = DocumentCache(SCHEMA, size=2)
    first = cache.get("{ viewer { role } }")
    assert cache.get("{ viewer { role } }") is first
    document, errors = cache.get("{ viewer { nope } }")
    assert "Cannot query field 'nope'" in errors[0].message
    document, errors = cache.get("{ viewer ")
    assert document is None and "Syntax Error" in errors[0].message
    assert cache.get("{ viewer { role } }") is not first  # evicted after two others


def test_operation_names_for_metrics_are_bounded_and_cleaned():
    names = OperationNames(max_names=2)
    assert [names.label(n) for n in (None, "Find Toolkits!", "B", "C", "B")] == \
        ["anonymous", "Find_Toolkits_", "B", "other", "B"]


class NoCalls:
    def call(self, *args, **kwargs):
        raise AssertionError("a refused request made an RPC")


def post(endpoint, body: bytes, headers=None):
    environ = EnvironBuilder(method="POST", path="/graphql", data=body, headers=headers or {},
                             content_type="application/json").get_environ()
    response = endpoint.handle(Request(environ), NoCalls())
    return response.status_code, json.loads(response.get_data())


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    endpoint = GraphQLEndpoint(schema, Limits(max_body_bytes=1000))
    status, body = post(endpoint, json.dumps({"query": "{ viewer { role } }" + " " * 2000}).encode())
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "the limit is 1000" in body["errors"][0]["message"]


def test_more_operations_than_allowed_in_one_request_are_refused():
    endpoint = GraphQLEndpoint(schema, Limits(max_operations=2))
    status, body = post(endpoint, json.dumps([{"query": "{ issueAreas { slug } }"}] * 3).encode())
    assert status == 400
    assert "3 operations in one request; the limit is 2" in body["errors"][0]["message"]
    status, body = post(endpoint, json.dumps([{"query": "{ issueAreas { slug } }"}] * 2).encode())
    assert status == 200 and len(body) == 2 and body[1]["data"]["issueAreas"][0]["slug"] == "minimum-wage"


@pytest.mark.parametrize("raw, fragment", [
    (b"{not json", "the body must be JSON"),
    (b'"a string"', "must be a JSON object"),
    (b"[]", "an empty batch"),
])
def test_a_body_that_is_not_a_graphql_request_says_what_to_send(raw, fragment):
    status, body = post(GraphQLEndpoint(schema, Limits()), raw)
    assert status == 400
    assert fragment in body["errors"][0]["message"]


@pytest.mark.parametrize("payload, fragment", [
    ({"query": ""}, "no query given"),
    ({"query": "{ viewer { role } }", "variables": [1]}, "variables must be a JSON object"),
    ({"query": "{ viewer { role }"}, "Syntax Error"),
    ({"query": "{ toolkits(first: 500) { totalCount } }"}, "first must be from 0 to 100"),
])
def test_bad_operations_are_bad_user_input(payload, fragment):
    status, body = post(GraphQLEndpoint(schema, Limits()), json.dumps(payload).encode())
    assert status == 200
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in error["message"]
