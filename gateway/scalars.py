"""The schema's scalars. Dates stay ISO 8601 strings end to end (that is what the services
speak); the gateway only checks them, so a bad date is BAD_USER_INPUT before any RPC."""
import datetime as dt

import graphene
from graphql import GraphQLError, StringValueNode, value_from_ast_untyped

from clearinghouse import validation
from clearinghouse.errors import BadInput


def _checked(check, value, what):
    try:
        return check(value)
    except BadInput as exc:
        raise GraphQLError(f"{what}: {exc.message}") from None


class Date(graphene.Scalar):
    """A calendar date, ISO 8601: 2019-07-17."""

    @staticmethod
    def serialize(value):
        return value.isoformat() if isinstance(value, dt.date) else value

    @staticmethod
    def parse_value(value):
        return _checked(lambda v: validation.date(v, "value"), value, "Date")

    @staticmethod
    def parse_literal(node, _variables=None):
        if not isinstance(node, StringValueNode):
            raise GraphQLError("Date: write dates as strings like \"2019-07-17\"")
        return Date.parse_value(node.value)


class DateTime(graphene.Scalar):
    """A timestamp, ISO 8601 with a zone: 2026-01-31T09:00:00Z."""

    @staticmethod
    def serialize(value):
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
        return value

    @staticmethod
    def parse_value(value):
        parsed = _checked(lambda v: validation.datetime(v, "value"), value, "DateTime")
        return parsed.isoformat().replace("+00:00", "Z")

    @staticmethod
    def parse_literal(node, _variables=None):
        if not isinstance(node, StringValueNode):
            raise GraphQLError("DateTime: write timestamps as strings like \"2026-01-31T09:00:00Z\"")
        return DateTime.parse_value(node.value)


class JSON(graphene.Scalar):
    """Any JSON value (an ordinance's coded provisions, e.g. {"wage_usd": 15})."""

    @staticmethod
    def serialize(value):
        return value

    @staticmethod
    def parse_value(value):
        return value

    @staticmethod
    def parse_literal(node, variables=None):
        return value_from_ast_untyped(node, variables)
