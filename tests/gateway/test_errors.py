"""One mapping from our errors to extensions.code, and no internals in messages."""
import graphene
import pytest
from graphql import GraphQLError, execute, parse
from nameko.exceptions import RemoteError

from clearinghouse.errors import BadInput, Conflict, Forbidden, NotFound, Unauthenticated, Unavailable
from gateway.errors import code_and_message, format_error, outcome_of


@pytest.mark.parametrize("error, code", [
    (BadInput("name is required"), "BAD_USER_INPUT"),
    (Unauthenticated("send a key"), "UNAUTHENTICATED"),
    (Forbidden("staff only"), "FORBIDDEN"),
    (NotFound("no member mem_0123456789abcdef"), "NOT_FOUND"),
    (Conflict("that slug is taken"), "CONFLICT"),
    (Unavailable("the toolkits service is not running"), "UNAVAILABLE"),
])
def test_our_typed_errors_keep_their_code_and_message(error, code):
    assert code_and_message(error) == (code, error.message)


def test_a_remote_error_of_ours_is_mapped_by_its_type_name():
    assert code_and_message(RemoteError("Conflict", "ordinance already recorded")) == (
        "CONFLICT", "ordinance already recorded")


def test_a_crash_in_a_service_or_the_gateway_names_no_internals():
    code, message = code_and_message(RemoteError("KeyError", "'secret_field' at store.py line 12"))
    assert code == "INTERNAL_SERVER_ERROR"
    assert "KeyError" in message and "store.py" not in message and "secret_field" not in message
    code, message = code_and_message(ZeroDivisionError("division by zero in domain.py"))
    assert code == "INTERNAL_SERVER_ERROR" and "domain.py" not in message


class Query(graphene.ObjectType):
    fail = graphene.String()
    day = graphene.String(on=graphene.Argument(__import__("gateway.scalars", fromlist=["Date"]).Date))

    @staticmethod
    def resolve_fail(root, info):
        raise NotFound("no toolkit 'nope'; list them with toolkits")

    @staticmethod
    def resolve_day(root, info, on=None):
        return on


SCHEMA = graphene.Schema(query=Query).graphql_schema


def test_a_field_error_gets_the_code_and_message_of_its_cause():
    [error] = execute(SCHEMA, parse("{ fail }")).errors
    assert format_error(error) == {"message": "no toolkit 'nope'; list them with toolkits",
                                   "locations": [{"line": 1, "column": 3}], "path": ["fail"],
                                   "extensions": {"code": "NOT_FOUND"}}


@pytest.mark.parametrize("query, variables, fragment", [
    ('{ day(on: "2020-13-01") }', None, "is not a date; use ISO 8601 like 2019-07-17"),
    ("query($d: Date) { day(on: $d) }", {"d": "yesterday"}, "is not a date"),
    ("{ nope }", None, "Cannot query field 'nope'"),
])
def test_document_and_variable_errors_are_bad_user_input(query, variables, fragment):
    from graphql import validate
    document = parse(query)
    errors = validate(SCHEMA, document) or execute(SCHEMA, document, variable_values=variables).errors
    [formatted] = [format_error(e) for e in errors]
    assert formatted["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in formatted["message"]


def test_dates_pass_through_as_iso_strings():
    result = execute(SCHEMA, parse("query($d: Date) { day(on: $d) }"), variable_values={"d": "2019-07-17"})
    assert result.data == {"day": "2019-07-17"}


def test_outcomes_tell_the_callers_mistakes_from_ours():
    assert outcome_of([]) == "ok"
    assert outcome_of([{"extensions": {"code": "NOT_FOUND"}}, {"extensions": {"code": "FORBIDDEN"}}]) == "rejected"
    assert outcome_of([{"extensions": {"code": "BAD_USER_INPUT"}}, {"extensions": {"code": "UNAVAILABLE"}}]) == "error"
    assert outcome_of([GraphQLError("x").formatted | {"extensions": {"code": "INTERNAL_SERVER_ERROR"}}]) == "error"


def test_a_crash_while_checking_the_key_is_a_json_error_without_internals():
    import json

    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    from gateway.endpoint import GraphQLEndpoint
    from gateway.limits import Limits
    from gateway.schema import schema

    class CrashingMembers:
        def call(self, service, method, *args, **kwargs):
            raise RemoteError("KeyError", "'key_hash' in members/store.py")

    environ = EnvironBuilder(method="POST", path="/graphql", data=json.dumps({"query": "{ viewer { role } }"}),
                             headers={"Authorization": "Bearer k"}, content_type="application/json").get_environ()
    response = GraphQLEndpoint(schema, Limits()).handle(Request(environ), CrashingMembers())
    assert response.status_code == 500
    [error] = json.loads(response.get_data())["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "store.py" not in error["message"] and "key_hash" not in error["message"]
