"""What a public API refuses before doing any work: bodies too large or nested too deeply,
too many operations in one request, documents too long to parse or too repetitive to
validate, queries too deep or too costly, pages too long, and (in production)
introspection. Pure checks over the parsed document, each bounded in its own work; the
caller turns the messages into BAD_USER_INPUT (FORBIDDEN for introspection) errors."""
from __future__ import annotations

import dataclasses

import graphene
from graphql import (FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLList, InlineFragmentNode,
                     OperationDefinitionNode, get_named_type, get_nullable_type, specified_rules, value_from_ast)
from graphql.execution.values import get_variable_values
from graphql.pyutils import Undefined
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.validation import OverlappingFieldsCanBeMergedRule

from clearinghouse.events import CATALOG
from clearinghouse.issue_areas import ISSUE_AREAS
from clearinghouse.ocd import STATES
from clearinghouse.statuses import LEGAL_THEORIES


@dataclasses.dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_cost: int = 20_000
    max_first: int = 100             # the services' own page limit
    max_operations: int = 5          # operations in one batched (JSON array) request
    max_body_bytes: int = 100_000
    max_variable_depth: int = 32     # arrays and objects nested in one operation's variables
    max_variable_values: int = 5_000  # values in one operation's variables
    max_tokens: int = 2_000          # the parser's budget for one document: tokens,
    max_comments: int = 200          # comments,
    max_query_chars: int = 20_000    # and characters
    max_merge_checks: int = 10_000   # the validator's budget for comparing same-named fields
    max_analysis_steps: int = 10_000  # selections the cost analysis may visit
    introspection: bool = True       # also serves GraphiQL; off in production


INTROSPECTION_FIELDS = ("__schema", "__type")

DEFAULT_FIRST = 20


def first_argument() -> graphene.Int:
    """The argument of a plain list that can grow: how many of its items to return."""
    return graphene.Int(default_value=DEFAULT_FIRST,
                        description=f"how many to return, from the start (default {DEFAULT_FIRST}, at most 100)")


# Arguments that bound how many items a list field returns; the cost counts by them.
BOUNDING_ARGUMENTS = ("first", "limit")

# Lists whose length their owner caps, counted at that cap. Every other list field of an
# object type takes a bounding argument or is a connection's edges (tests/gateway/
# test_limits.py walks the schema to keep it so).
FIXED_BOUNDS = {
    "Query.issueAreas": len(ISSUE_AREAS),
    "Member.issueAreas": len(ISSUE_AREAS),
    "Organization.issueAreas": len(ISSUE_AREAS),
    "EventSubscription.issueAreas": len(ISSUE_AREAS),
    "EventSubscription.states": len(STATES),
    "EventSubscription.legalTheories": len(LEGAL_THEORIES),
    "EventSubscription.eventTypes": len(CATALOG),
    "Query.preemptions": len(STATES) * len(ISSUE_AREAS),  # one record per state and issue area
    "PassCheck.preemptions": 1,                           # the state's record on the issue
    "PassCheck.peers": 100,               # toolkits.can_pass keeps the nearest 100 (PEERS)
    "Query.statusDefinitions": 21,        # toolkits' status vocabulary (actions.STATUSES)
    "StatusDefinition.nextActions": 21,   # toolkits' action vocabulary (actions.ACTIONS)
    "Ordinance.nextActions": 21,
    "ProvisionComparison.fields": 20,     # an issue area's provision fields (6 today)
    "ProvisionComparison.definitions": 20,
    "Member.offices": 100,                # validation.list_of's cap where the owner stores them
    "Ordinance.sponsors": 100,
    "Toolkit.experts": 100,
    "Toolkit.resources": 100,
    "Toolkit.talkingPoints": 50,
    "SearchResults.facets": 4,            # search's FACETS
    "Facet.buckets": 100,                 # the terms aggregation's size
    "SearchEdge.highlights": 4,           # one title and three body fragments
    "Ask.answers": 200,                   # notifications' MAX_ANSWERS per ask
    "Query.eventSubscriptions": 50,       # notifications' MAX_SUBSCRIPTIONS per owner
}

# A type's lists in introspection: expanding them under another type's lists multiplies
# the answer by the schema's size at each step, so a path may expand only one type.
TYPE_LISTS = ("fields", "inputFields", "interfaces", "possibleTypes", "enumValues")


def validation_rules(limits: Limits) -> list:
    """graphql-core's rules, with our budget for the check that same-named fields merge
    (its default lets one document of repeated fields take seconds)."""
    class BudgetedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context):
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = limits.max_merge_checks

    return [BudgetedOverlappingFieldsRule if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in specified_rules]


def document_errors(errors: list[GraphQLError], limits: Limits) -> list[GraphQLError]:
    """Parse and validation errors, the budget ones said in words a client can act on."""
    return [_budget_error(e, limits) for e in errors]


def parse_options(limits: Limits) -> dict:
    """graphql-core's parse budget: work linear in a document it stops early."""
    return {"max_lexical_tokens": limits.max_tokens, "max_comments": limits.max_comments,
            "max_source_length": limits.max_query_chars}


def _budget_error(error: GraphQLError, limits: Limits) -> GraphQLError:
    over = {"tokens.": f"over {limits.max_tokens} tokens (names, punctuation and values)",
            "comments.": f"over {limits.max_comments} comments",
            "code points.": f"over {limits.max_query_chars} characters"}
    said = next((words for end, words in over.items()
                 if "more than" in error.message and error.message.endswith(f"{end} Parsing aborted.")), None)
    if said is not None:
        return GraphQLError(f"the query is {said}, the limit; send a shorter query, and pass long values as "
                            "variables", extensions={"code": "BAD_USER_INPUT"})
    if "nested too deeply" in error.message:
        return GraphQLError(f"the query nests far deeper than the limit of {limits.max_depth} levels; ask for "
                            "fewer nested levels", extensions={"code": "BAD_USER_INPUT"})
    if error.message == "Validation aborted.":
        return GraphQLError(
            f"the query repeats fields or fragments too often to be checked (over {limits.max_merge_checks} "
            "comparisons); ask for each field once under one parent and spread each fragment once",
            extensions={"code": "BAD_USER_INPUT"})
    return error


def json_shape(value, max_depth: int, max_values: int) -> tuple[int, int]:
    """(depth, values) of parsed JSON, counting stopped once either passes its maximum;
    iterative, so no value can exhaust the stack here."""
    if not isinstance(value, (dict, list)):
        return 0, 1
    stack, depth, values = [(value, 1)], 0, 1
    while stack and depth <= max_depth and values <= max_values:
        item, level = stack.pop()
        depth = max(depth, level)
        values += len(item)
        if values <= max_values:
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return depth, values


def variables_problem(variables: dict, limits: Limits) -> str | None:
    """Why these variables are refused before they are read (coercing them walks every
    value, recursively), or None."""
    depth, values = json_shape(variables, limits.max_variable_depth, limits.max_variable_values)
    if depth > limits.max_variable_depth:
        return (f"the variables nest arrays or objects more than {limits.max_variable_depth} levels deep, "
                "the limit; send flatter values")
    if values > limits.max_variable_values:
        return (f"the variables hold more than {limits.max_variable_values} values, the limit; "
                "send fewer ids or items per request")
    return None


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
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):  # variables that do not fit their types: execution would refuse them too
        return [GraphQLError(e.message, e.nodes, extensions={"code": "BAD_USER_INPUT"}) for e in coerced]
    root = {"query": schema.query_type, "mutation": schema.mutation_type,
            "subscription": schema.subscription_type}[operation.operation.value]
    analysis = _Analysis(schema, document, coerced, limits)
    try:
        analysis.selections(operation.selection_set, root, depth=1, multiplier=1, expanded=False)
    except _Refused as refused:
        analysis.errors.append(refused.error(operation))
    return analysis.errors


class _Refused(Exception):
    """Stops the analysis at the first limit passed: nothing after it can change the answer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def error(self, node) -> GraphQLError:
        return GraphQLError(self.message, node, extensions={"code": "BAD_USER_INPUT"})


class _Analysis:
    """Depth and cost of an operation in one pass over its document. Every field counts
    once per item of each list above it; a list counts by its bounding argument (first,
    limit, or the schema's default), a connection's edges by the connection's first, and
    a plain list by its owner's cap (FIXED_BOUNDS). A fragment is analysed once per type
    it is read as, as a cost per unit of multiplier and a depth, and reused wherever it is
    spread, so repeated spreads cost no work. The analysis stops at the first limit passed
    and after ``max_analysis_steps`` selections."""

    def __init__(self, schema, document, variables, limits: Limits):
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables
        self.limits = limits
        self.cost = 0  # fields counted so far, over the whole operation
        self.steps = 0
        self.errors: list[GraphQLError] = []
        # by (fragment, type read as, under an expanded introspection type): (unit cost, levels)
        self._fragments: dict[tuple, tuple[int, int]] = {}
        self._in_progress: set[tuple] = set()
        self._checked_bounds: set[int] = set()  # nodes whose first was already checked

    def selections(self, selection_set, parent_type, depth, multiplier, expanded) -> tuple[int, int]:
        """(cost per unit of multiplier, levels of fields) of ``selection_set`` whose fields
        sit at ``depth``; adds ``multiplier`` times that cost to ``self.cost``."""
        unit, levels = 0, 0
        for selection in selection_set.selections:
            self._step()
            if isinstance(selection, FieldNode):
                cost, below = self.field(selection, parent_type, depth, multiplier, expanded)
            elif isinstance(selection, InlineFragmentNode):
                target = self._type(selection.type_condition, parent_type)
                cost, below = self.selections(selection.selection_set, target, depth, multiplier, expanded)
            elif isinstance(selection, FragmentSpreadNode):
                cost, below = self.spread(selection, parent_type, depth, multiplier, expanded)
            else:
                continue
            unit, levels = unit + cost, max(levels, below)
        return unit, levels

    def spread(self, node, parent_type, depth, multiplier, expanded) -> tuple[int, int]:
        fragment = self.fragments.get(node.name.value)
        if fragment is None:
            return 0, 0  # validation reports unknown fragments
        target = self._type(fragment.type_condition, parent_type)
        key = (node.name.value, target.name, expanded)
        known = self._fragments.get(key)
        if known is not None:
            unit, levels = known
            self._deep(depth - 1 + levels)
            self._count(multiplier * unit)
            return known
        if key in self._in_progress:
            return 0, 0  # validation reports cyclic fragments
        self._in_progress.add(key)
        try:
            known = self.selections(fragment.selection_set, target, depth, multiplier, expanded)
        finally:
            self._in_progress.discard(key)
        self._fragments[key] = known
        return known

    def field(self, node, parent_type, depth, multiplier, expanded) -> tuple[int, int]:
        name = node.name.value
        if name in INTROSPECTION_FIELDS and not self.limits.introspection:
            self.errors.append(GraphQLError(
                "introspection is turned off on this server; use the published schema "
                "(schema.graphql) instead", node, extensions={"code": "FORBIDDEN"}))
            return 0, 0
        definition = self._definition(parent_type, name)
        if definition is None:
            return 0, 0  # __typename, or an unknown field (validation reports those)
        self._count(multiplier)
        introspection = name in INTROSPECTION_FIELDS or parent_type.name.startswith("__")
        if introspection:
            # The schema's size bounds it, as long as one type's lists expand per path; its
            # levels are not counted (GraphiQL's own query nests its type references deep).
            expanded = self._introspection(node, parent_type, expanded)
            factor = 1
        else:
            self._deep(depth)
            factor = self._factor(node, parent_type, definition)
        unit, levels = 0, 0
        if node.selection_set:
            unit, levels = self.selections(node.selection_set, get_named_type(definition.type), depth + 1,
                                           multiplier * factor, expanded)
        return 1 + factor * unit, 0 if introspection else 1 + levels

    def _definition(self, parent_type, name):
        if parent_type is self.schema.query_type and name in INTROSPECTION_FIELDS:
            return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        return (getattr(parent_type, "fields", None) or {}).get(name)

    def _introspection(self, node, parent_type, expanded) -> bool:
        if parent_type.name == "__Type" and node.name.value in TYPE_LISTS and node.selection_set:
            if expanded:
                raise _Refused(
                    f"introspection lists a type's {node.name.value} inside another type's lists; "
                    "ask for the nested type by name with __type(name: ...) instead")
            return True
        return expanded

    def _factor(self, node, parent_type, definition) -> int:
        """How many times the field's selections may be answered per parent item."""
        bound = next((a for a in BOUNDING_ARGUMENTS if a in definition.args), None)
        if bound is not None:
            # A plain list whose owner caps it (Ask.answers) may be asked up to that cap.
            ceiling = FIXED_BOUNDS.get(f"{parent_type.name}.{node.name.value}", self.limits.max_first)
            return max(self._bound(node, definition, bound, max(ceiling, self.limits.max_first)), 1)
        if not isinstance(get_nullable_type(definition.type), GraphQLList) or _is_page_edges(parent_type, node):
            return 1
        return FIXED_BOUNDS.get(f"{parent_type.name}.{node.name.value}", self.limits.max_first)

    def _bound(self, node, definition, name, ceiling) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        value = Undefined if argument is None else value_from_ast(argument.value, definition.args[name].type,
                                                                  self.variables)
        if value is Undefined:  # left out, or a variable with neither a value nor a default
            value = definition.args[name].default_value
        if not isinstance(value, int) or isinstance(value, bool):
            return ceiling  # null: the field's own check refuses it; count the most
        if name == "first" and not 0 <= value <= ceiling and id(node) not in self._checked_bounds:
            self._checked_bounds.add(id(node))
            self.errors.append(GraphQLError(
                f"first must be from 0 to {ceiling}, got {value}; "
                "page through longer lists with after: pageInfo.endCursor",
                node, extensions={"code": "BAD_USER_INPUT"}))
        return min(max(value, 0), ceiling)

    def _type(self, condition, parent_type):
        if condition is None:
            return parent_type
        return self.schema.get_type(condition.name.value) or parent_type

    def _step(self):
        self.steps += 1
        if self.steps > self.limits.max_analysis_steps:
            raise _Refused(f"the query has more than {self.limits.max_analysis_steps} selections to analyse; "
                           "send a shorter query, with each fragment spread once")

    def _deep(self, depth):
        if depth > self.limits.max_depth:
            raise _Refused(f"the query is {depth} levels deep; the limit is {self.limits.max_depth}. "
                           "Ask for fewer nested levels, or fetch the deeper part in a second query.")

    def _count(self, cost):
        self.cost += cost
        if self.cost > self.limits.max_cost:
            raise _Refused(f"the query could return more than {self.limits.max_cost} fields (the limit); "
                           "ask for smaller pages (first) or fewer nested lists, and page with after")


def _is_page_edges(parent_type, node) -> bool:
    # A page's edges hold `first` items; the field that took `first` already counted them.
    return node.name.value == "edges" and "pageInfo" in getattr(parent_type, "fields", {})
