"""What a public API refuses before doing any work: bodies too large, too many operations
in one request, queries too deep or too costly, pages too long, and (in production)
introspection. Pure checks over the parsed document; the caller turns the messages into
BAD_USER_INPUT (FORBIDDEN for introspection) errors."""
from __future__ import annotations

import dataclasses

from graphql import (FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLList, InlineFragmentNode,
                     OperationDefinitionNode, get_named_type, get_nullable_type, value_from_ast)
from graphql.pyutils import Undefined


@dataclasses.dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_cost: int = 20_000
    max_first: int = 100            # the services' own page limit
    max_operations: int = 5         # operations in one batched (JSON array) request
    max_body_bytes: int = 100_000
    introspection: bool = True      # also serves GraphiQL; off in production
    list_size: int = 10             # what a list without `first` is assumed to hold


INTROSPECTION_FIELDS = ("__schema", "__type")


def select_operation(document, operation_name):
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        return next((o for o in operations if o.name and o.name.value == operation_name), None)
    return operations[0] if len(operations) == 1 else None


def check(schema, document, operation_name, variables, limits: Limits) -> list[GraphQLError]:
    """Errors for the operation that would run; [] when it is within the limits."""
    operation = select_operation(document, operation_name)
    if operation is None:
        return []  # graphql-core reports a missing or ambiguous operation itself
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]
    walk = _Walk(schema, document, variables or {}, limits)
    walk.selections(operation.selection_set, root, depth=1, multiplier=1)
    if walk.depth > limits.max_depth:
        walk.errors.append(GraphQLError(
            f"the query is {walk.depth} levels deep; the limit is {limits.max_depth}. "
            "Ask for fewer nested levels, or fetch the deeper part in a second query.",
            operation, extensions={"code": "BAD_USER_INPUT"}))
    if walk.cost > limits.max_cost:
        walk.errors.append(GraphQLError(
            f"the query could return about {walk.cost} fields; the limit is {limits.max_cost}. "
            "Ask for smaller pages (first) or fewer nested lists, and page with after.",
            operation, extensions={"code": "BAD_USER_INPUT"}))
    return walk.errors


class _Walk:
    """Depth, cost (every field counts once per parent it may appear under; a list field
    multiplies its children by its ``first``, or by ``list_size`` when it has none) and
    ``first`` bounds, with fragments expanded."""

    def __init__(self, schema, document, variables, limits):
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables
        self.limits = limits
        self.depth = 0
        self.cost = 0
        self.errors: list[GraphQLError] = []
        self._expanding: set[str] = set()

    def selections(self, selection_set, parent_type, depth, multiplier):
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent_type, depth, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                target = self._type(selection.type_condition, parent_type)
                self.selections(selection.selection_set, target, depth, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self._expanding:
                    continue  # validation reports unknown and cyclic fragments
                self._expanding.add(name)
                self.selections(fragment.selection_set, self._type(fragment.type_condition, parent_type),
                                depth, multiplier)
                self._expanding.discard(name)

    def _type(self, condition, parent_type):
        if condition is None:
            return parent_type
        return self.schema.get_type(condition.name.value) or parent_type

    def field(self, node, parent_type, depth, multiplier):
        name = node.name.value
        if name.startswith("__"):
            if name in INTROSPECTION_FIELDS and not self.limits.introspection:
                self.errors.append(GraphQLError(
                    "introspection is turned off on this server; use the published schema "
                    "(schema.graphql) instead", node, extensions={"code": "FORBIDDEN"}))
            return  # introspection is not counted: it is off where limits matter
        fields = getattr(parent_type, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return  # validation reports unknown fields
        self.depth = max(self.depth, depth)
        self.cost += multiplier
        first = self._first(node, definition)
        field_type = get_nullable_type(definition.type)
        if first is not None:
            multiplier *= max(first, 1)
        elif isinstance(field_type, GraphQLList) and not _is_page_edges(parent_type, name):
            multiplier *= self.limits.list_size
        if node.selection_set:
            self.selections(node.selection_set, get_named_type(definition.type), depth + 1, multiplier)

    def _first(self, node, definition):
        if "first" not in definition.args:
            return None
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        if argument is None:
            value = definition.args["first"].default_value
        else:
            value = value_from_ast(argument.value, definition.args["first"].type, self.variables)
        if value is Undefined or value is None:
            return None if value is Undefined else definition.args["first"].default_value
        if not 0 <= value <= self.limits.max_first:
            self.errors.append(GraphQLError(
                f"first must be from 0 to {self.limits.max_first}, got {value}; "
                "page through longer lists with after: pageInfo.endCursor",
                node, extensions={"code": "BAD_USER_INPUT"}))
            return min(max(value, 0), self.limits.max_first)
        return value


def _is_page_edges(parent_type, field_name) -> bool:
    # A page's edges hold `first` items; the field that took `first` already counted them.
    return field_name == "edges" and "pageInfo" in getattr(parent_type, "fields", {})
