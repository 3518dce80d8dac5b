"""Query limits over the real schema, and the request limits of the endpoint (no services:
every request here is refused before any RPC)."""
import json
import logging

import pytest
from graphql import GraphQLList, GraphQLObjectType, get_introspection_query, get_nullable_type, parse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.endpoint import DocumentCache, GraphQLEndpoint, OperationNames
from gateway.limits import BOUNDING_ARGUMENTS, FIXED_BOUNDS, Limits, check
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
    assert errors_of(nested(3), max_depth=10, max_cost=10**30) == []
    [(code, message)] = errors_of(nested(5), max_depth=10, max_cost=10**30)
    assert code == "BAD_USER_INPUT"
    assert "11 levels deep; the limit is 10" in message  # stopped at the first level past it


def test_depth_counts_through_fragments_and_inline_fragments():
    query = """
      query { member(id: "mem_0123456789abcdef") { ...deep } }
      fragment deep on Member { sponsored { sponsors { sponsored { sponsors { ... on Member { name } } } } } }
    """
    assert errors_of(query, max_depth=5, max_cost=10**30) == [
        ("BAD_USER_INPUT", errors_of(query, max_depth=5, max_cost=10**30)[0][1])]
    assert "6 levels deep" in errors_of(query, max_depth=5, max_cost=10**30)[0][1]
    assert errors_of(query, max_depth=6, max_cost=10**30) == []
    # a fragment analysed once and spread again still counts its depth where it is spread
    twice = """
      query { member(id: "mem_0123456789abcdef") { ...names sponsored { sponsors { ...names } } } }
      fragment names on Member { sponsored { sponsors { name } } }
    """
    assert errors_of(twice, max_depth=6, max_cost=10**30) == []
    assert "6 levels deep" in errors_of(twice, max_depth=5, max_cost=10**30)[0][1]


def test_cost_multiplies_nested_lists_by_their_first():
    query = "{ members(first: 100) { edges { node { sponsored { sponsors { sponsored { title } } } } } } }"
    # members 1 + 2 edges and nodes 3 each + 2 sponsored 3*2 + 20 sponsors each 3*2*20 + 100 sponsored
    # each 3*2*20*100 + 20 titles each 3*2*20*100*20: a nested list counts by its first, 20 by default
    cost = 1 + 3 + 3 + 3 + 3 * 20 + 3 * 20 * 100 + 3 * 20 * 100 * 20
    query = "{ members(first: 3) { edges { node { sponsored { sponsors { sponsored { title } } } } } } }"
    assert errors_of(query, max_cost=cost) == []
    [(code, message)] = errors_of(query, max_cost=cost - 1)
    assert code == "BAD_USER_INPUT"
    assert f"could return more than {cost - 1} fields (the limit)" in message


def test_cost_uses_first_from_variables_their_defaults_and_the_schema_default():
    query = "query($n: Int) { members(first: $n) { edges { node { name } } } }"  # 1 + 3n
    assert errors_of(query, {"n": 100}, max_cost=100) != []
    assert errors_of(query, {"n": 10}, max_cost=100) == []
    # without a value, first is the schema's default (20)
    assert errors_of(query, {}, max_cost=61) == []
    assert errors_of(query, {}, max_cost=60) != []
    # a default in the document counts like a value sent
    defaulted = "query($n: Int = 100) { members(first: $n) { edges { node { name } } } }"
    assert errors_of(defaulted, {}, max_cost=300) != []
    assert errors_of(defaulted, {}, max_cost=301) == []
    assert errors_of(defaulted, {"n": 10}, max_cost=100) == []
    assert errors_of("query($n: Int = 1000) { members(first: $n) { totalCount } }", {}) == [
        ("BAD_USER_INPUT", "first must be from 0 to 100, got 1000; page through longer lists with after: "
                           "pageInfo.endCursor")]


def test_variables_that_do_not_fit_their_types_are_refused_before_counting():
    [(code, message)] = errors_of("query($n: Int) { members(first: $n) { totalCount } }", {"n": "many"})
    assert code == "BAD_USER_INPUT" and "$n" in message


def chain(links, field="spread(issueArea: \"minimum-wage\")"):
    """~25 fragments in 1 KB, each spreading the one before twice: 2^links ids once expanded."""
    fragments = ["fragment F0 on Ordinance { id title }"] + [
        f"fragment F{i} on Ordinance {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, links)]
    return f"{{ {field} {{ ...F{links - 1} }} }}\n" + "\n".join(fragments)


def test_a_chain_of_fragments_is_counted_once_per_fragment_not_once_per_spread():
    query = chain(25)
    assert len(query) < 1200
    # its real cost, 1 + 20 ordinances * 2^25 fields, counted visiting each fragment once
    exact = 1 + 20 * 2 ** 25
    assert errors_of(query, max_cost=exact, max_analysis_steps=80) == []
    assert errors_of(query, max_cost=exact - 1, max_analysis_steps=80)[0][1].startswith(
        f"the query could return more than {exact - 1} fields")
    [(code, message)] = errors_of(query)
    assert code == "BAD_USER_INPUT" and "more than 20000 fields" in message


def test_the_analysis_stops_after_its_step_budget():
    query = "{ viewer { " + " ".join(f"r{i}: role" for i in range(30)) + " } }"
    assert errors_of(query, max_analysis_steps=31) == []
    [(code, message)] = errors_of(query, max_analysis_steps=30)
    assert code == "BAD_USER_INPUT"
    assert "more than 30 selections to analyse" in message


def test_aliases_of_the_same_field_each_count():
    one = 'a{}: spread(issueArea: "minimum-wage", first: 100) {{ id title }}'  # 1 + 100 * 2
    assert errors_of("{ " + " ".join(one.format(i) for i in range(99)) + " }") == []  # 19,899
    [(code, message)] = errors_of("{ " + " ".join(one.format(i) for i in range(100)) + " }")  # 20,100
    assert code == "BAD_USER_INPUT" and "more than 20000 fields" in message


@pytest.mark.parametrize("query, cost", [
    ('{ spread(issueArea: "minimum-wage") { id } }', 1 + 20),
    ('{ spread(issueArea: "minimum-wage", first: 3) { id actions { type } } }', 1 + 3 * (2 + 20)),
    ('{ ordinance(id: "ord_0123456789abcdef") { sponsors { name } } }', 1 + 1 + 100),
    ('{ issueAreas { slug } }', 1 + len(__import__("clearinghouse.issue_areas").issue_areas.ISSUE_AREAS)),
    ('{ suggest(prefix: "pa", limit: 5) { text } }', 1 + 5),
])
def test_lists_count_by_their_bounding_argument_or_their_owners_cap(query, cost):
    assert errors_of(query, max_cost=cost) == []
    assert errors_of(query, max_cost=cost - 1) != []


def test_every_list_field_has_a_bound():
    """A list field of an object type that can grow takes first (or limit), or is a
    connection's edges; the others are capped by their owner and listed in FIXED_BOUNDS."""
    unbounded = []
    for type_name, graphql_type in SCHEMA.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if not isinstance(get_nullable_type(field.type), GraphQLList):
                continue
            connection_edges = field_name == "edges" and "pageInfo" in graphql_type.fields
            bounded = any(a in field.args for a in BOUNDING_ARGUMENTS) or connection_edges
            if not bounded and f"{type_name}.{field_name}" not in FIXED_BOUNDS:
                unbounded.append(f"{type_name}.{field_name}")
    assert unbounded == [], "give these lists first: Int (gateway.limits.first_argument) or a known cap"
    for name in FIXED_BOUNDS:
        type_name, field_name = name.split(".")
        assert field_name in SCHEMA.type_map[type_name].fields, f"FIXED_BOUNDS names a field that is gone: {name}"


@pytest.mark.parametrize("field", [
    'spread(issueArea: "minimum-wage", first: 101)',
    'ordinance(id: "ord_0123456789abcdef") { actions(first: 500) { type } }',
])
def test_first_of_a_plain_list_is_in_range_too(field):
    query = f"{{ {field} }}" if "{" in field else f"{{ {field} {{ id }} }}"
    assert [code for code, _ in errors_of(query)] == ["BAD_USER_INPUT"]
    assert "first must be from 0 to 100" in errors_of(query)[0][1]


def test_graphiqls_introspection_passes_and_a_type_expanded_inside_another_is_refused():
    assert errors_of(get_introspection_query(descriptions=True)) == []
    [(code, message)] = errors_of("{ __schema { types { fields { type { fields { name } } } } } }")
    assert code == "BAD_USER_INPUT"
    assert "inside another type's lists; ask for the nested type by name with __type" in message
    assert errors_of('{ __type(name: "Member") { fields { name type { name ofType { name } } } } }') == []


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


def test_a_refused_query_is_logged_with_the_request_trace_id(caplog):
    endpoint = GraphQLEndpoint(schema, Limits(max_depth=3))
    environ = EnvironBuilder(method="POST", path="/graphql", data=json.dumps({"query": nested(2)}),
                             content_type="application/json").get_environ()
    with caplog.at_level(logging.INFO, logger="gateway"):
        response = endpoint.handle(Request(environ), NoCalls(), trace_id="gateway.graphql.t2")
    assert response.status_code == 200 and "levels deep" in json.loads(response.get_data())["errors"][0]["message"]
    [line] = [r for r in caplog.records if getattr(r, "code", None) == "BAD_USER_INPUT"]
    assert line.trace_id == "gateway.graphql.t2" and "levels deep" in line.getMessage()


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


# Parameters that cannot be used are 400 (GraphQL over HTTP); a document that does not
# validate is 200 under application/json (400 under application/graphql-response+json).
@pytest.mark.parametrize("payload, fragment, expected", [
    ({"query": ""}, "no query given", 400),
    ({"query": "{ viewer { role } }", "variables": [1]}, "variables must be a JSON object", 400),
    ({"query": "{ viewer { role }"}, "Syntax Error", 200),
    ({"query": "{ toolkits(first: 500) { totalCount } }"}, "first must be from 0 to 100", 200),
])
def test_bad_operations_are_bad_user_input(payload, fragment, expected):
    status, body = post(GraphQLEndpoint(schema, Limits()), json.dumps(payload).encode())
    assert status == expected
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in error["message"]


def test_a_document_over_the_token_budget_is_refused_by_the_parser():
    cache = DocumentCache(SCHEMA, limits=Limits(max_tokens=40))
    short = "{ viewer { " + " ".join(f"r{i}: role" for i in range(10)) + " } }"  # 35 tokens
    assert cache.get(short)[1] == []
    document, [error] = cache.get(short.replace("} }", " r10: role r11: role r12: role r13: role r14: role } }"))
    assert document is None and error.extensions["code"] == "BAD_USER_INPUT"
    assert error.message.startswith("the query is over 40 tokens (names, punctuation and values), the limit")


@pytest.mark.parametrize("query", [
    "{ " + " ".join("a: issueAreas { slug }" for _ in range(300)) + " }",
    "{ viewer { " + " ".join("... on Viewer { role }" for _ in range(300)) + " } }",
    "{ viewer { " + " ".join(f"...F{i}" for i in range(200)) + " } }\n" +
    "\n".join(f"fragment F{i} on Viewer {{ role }}" for i in range(200)),
])
def test_a_document_too_repetitive_to_validate_is_refused_at_the_validation_budget(query):
    assert DocumentCache(SCHEMA, limits=Limits(max_merge_checks=10**7)).get(query)[1] == []
    document, [error] = DocumentCache(SCHEMA, limits=Limits(max_tokens=5000)).get(query)
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert "repeats fields or fragments too often to be checked (over 10000 comparisons)" in error.message


def test_a_body_of_deeply_nested_json_is_a_400_not_a_crash():
    status, body = post(GraphQLEndpoint(schema, Limits()), b"[" * 100_000)
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nests arrays or objects too deeply to read" in body["errors"][0]["message"]


def test_variables_nested_too_deeply_or_too_many_are_refused_before_they_are_read():
    deep = "x"
    for _ in range(40):
        deep = [deep]
    query = "query($f: OrdinanceFilter) { ordinances(filter: $f) { totalCount } }"
    status, body = post(GraphQLEndpoint(schema, Limits()), json.dumps({"query": query, "variables": {"f": deep}}).encode())
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than 32 levels deep, the limit" in error["message"]
    many = {"query": "query($ids: [ID!]) { compareProvisions(issueArea: \"minimum-wage\", ordinanceIds: $ids) "
                     "{ fields } }", "variables": {"ids": [1] * 6000}}
    status, body = post(GraphQLEndpoint(schema, Limits()), json.dumps(many).encode())
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than 5000 values, the limit" in error["message"]


@pytest.mark.parametrize("query, said", [
    ("{ viewer { role } }\n#a\n#b\n#c", "the query is over 2 comments, the limit"),
    ("{ viewer { role } }" + " " * 400, "the query is over 300 characters, the limit"),
    ("{ " + "viewer { member { " * 150 + "name" + " }" * 301, "the query nests far deeper than the limit of 10"),
])
def test_a_document_over_the_parsers_other_budgets_says_which(query, said):
    cache = DocumentCache(SCHEMA, limits=Limits(max_comments=2, max_query_chars=300 if "  " in query else 20_000))
    document, [error] = cache.get(query)
    assert document is None and error.extensions["code"] == "BAD_USER_INPUT"
    assert error.message.startswith(said)
