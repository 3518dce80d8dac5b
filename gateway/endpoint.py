"""POST /graphql from body to response: size and batch limits, the caller's identity,
cached parse and validation, query limits, batched execution, errors with codes, and
request metrics by operation name and outcome."""
from __future__ import annotations

import json
import re
import time
from collections import OrderedDict

from graphql import GraphQLError, execute, parse, validate
from prometheus_client import Counter, Histogram
from werkzeug.wrappers import Response

from . import limits as query_limits
from .auth import PUBLIC, KeyCache
from .context import RequestContext
from .errors import BAD_USER_INPUT, INTERNAL, code_and_message, format_error, outcome_of, request_error
from .loaders import BatchingExecutionContext, run_execution

REQUESTS = Counter("clearinghouse_gateway_requests_total",
                   "GraphQL operations by operation name and outcome (ok, rejected, error)",
                   ["operation", "outcome"])
LATENCY = Histogram("clearinghouse_gateway_request_seconds",
                    "GraphQL operation latency by operation name and outcome", ["operation", "outcome"],
                    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))

STATUS_OF_CODE = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "BAD_USER_INPUT": 400, "UNAVAILABLE": 503}


class DocumentCache:
    """Parsed and validated documents by query text (LRU), so a repeated query is neither
    parsed nor validated again; parsing and validation each stop at their budget."""

    def __init__(self, schema, size=500, max_query_chars=20_000, limits: query_limits.Limits | None = None):
        self.schema = schema
        self.limits = limits or query_limits.Limits()
        self.rules = query_limits.validation_rules(self.limits)
        self.size = size
        self.max_query_chars = max_query_chars  # longer ones are checked each time, not kept
        self._entries: OrderedDict[str, tuple] = OrderedDict()

    def get(self, query: str):
        """(document, errors): errors from parsing or validation, [] when valid."""
        hit = self._entries.get(query)
        if hit is not None:
            self._entries.move_to_end(query)
            return hit
        try:
            document = parse(query, **query_limits.parse_options(self.limits))
            entry = (document, query_limits.document_errors(validate(self.schema, document, self.rules), self.limits))
        except GraphQLError as error:
            entry = (None, query_limits.document_errors([error], self.limits))
        if len(query) > self.max_query_chars:
            return entry
        self._entries[query] = entry
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return entry


class OperationNames:
    """Metric labels from client-chosen names, bounded so no client can explode them."""

    def __init__(self, max_names=200):
        self.max_names = max_names
        self._seen: set[str] = set()

    def label(self, name) -> str:
        if not name:
            return "anonymous"
        name = re.sub(r"[^A-Za-z0-9_]", "_", str(name))[:64]
        if name not in self._seen:
            if len(self._seen) >= self.max_names:
                return "other"
            self._seen.add(name)
        return name


def json_response(payload, status=200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


class GraphQLEndpoint:
    def __init__(self, schema, limits: query_limits.Limits, key_cache: KeyCache | None = None, rate_limit=None):
        self.schema = schema
        self.limits = limits
        self.rate_limit = rate_limit  # gateway.ratelimit.RateLimit, or None when GATEWAY_RATE_LIMIT is 0
        self.documents = DocumentCache(schema.graphql_schema, limits=limits)
        self.keys = key_cache or KeyCache()
        self.names = OperationNames()

    def handle(self, request, calls, trace_id: str | None = None) -> Response:
        """The response to one POST; ``trace_id`` goes on the log lines of its refusals."""
        started = time.perf_counter()
        payload, problem = self._read(request)
        if problem is not None:
            status, code, message = problem
            self._measure("invalid", "rejected", started)
            return json_response({"errors": [request_error(code, message, trace_id)]}, status)
        try:
            identity = self.keys.identity(request.headers.get("Authorization"),
                                          lambda key: calls.call("members", "authenticate", key))
        except Exception as exc:  # noqa: BLE001 -- a bad key, members away, or a crash there
            code, message = code_and_message(exc)
            # A key that did not authenticate counts against the address: guessing keys is throttled too.
            limited = self._rate_limited(request, None, started, trace_id)
            if limited is not None:
                return limited
            errors = [request_error(code, message, trace_id)]
            self._measure("auth", outcome_of(errors), started)
            return json_response({"errors": errors}, STATUS_OF_CODE.get(code, 500))
        limited = self._rate_limited(request, identity, started, trace_id)
        if limited is not None:
            return limited
        if isinstance(payload, list):
            return json_response([self._one(item, identity, calls, time.perf_counter(), trace_id)
                                  for item in payload])
        return json_response(self._one(payload, identity, calls, started, trace_id))

    def _read(self, request):
        """The JSON payload (an operation or a list of them), or (status, code, message)."""
        limit = self.limits.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return None, (413, BAD_USER_INPUT, f"the request body is {request.content_length} bytes; "
                                               f"the limit is {limit}. Send a shorter query.")
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            return None, (413, BAD_USER_INPUT, f"the request body is over {limit} bytes; send a shorter query")
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return None, (400, BAD_USER_INPUT, 'the body must be JSON: {"query": "...", "variables": {...}}')
        except RecursionError:  # brackets nested deeper than the JSON parser's stack
            return None, (400, BAD_USER_INPUT, "the body nests arrays or objects too deeply to read; send "
                                               '{"query": "...", "variables": {...}} with flat variables')
        if isinstance(payload, list):
            if not payload:
                return None, (400, BAD_USER_INPUT, "an empty batch: send one or more operations")
            if len(payload) > self.limits.max_operations:
                return None, (400, BAD_USER_INPUT, f"{len(payload)} operations in one request; the limit is "
                                                   f"{self.limits.max_operations}. Send them in several requests.")
        elif not isinstance(payload, dict):
            return None, (400, BAD_USER_INPUT, 'the body must be a JSON object: {"query": "...", "variables": {...}}')
        return payload, None

    def _one(self, payload, identity, calls, started, trace_id) -> dict:
        """Run one operation; its response dict (data and/or errors)."""
        name = payload.get("operationName") if isinstance(payload, dict) else None
        try:
            response, named = self._run(payload, identity, calls, trace_id)
        except Exception as exc:  # noqa: BLE001 -- a bug of ours: a coded error, never a traceback
            response, named = {"errors": [request_error(*code_and_message(exc), trace_id)]}, None
        self._measure(self.names.label(name or named), outcome_of(response.get("errors")), started)
        return response

    def _run(self, payload, identity, calls, trace_id) -> tuple[dict, str | None]:
        """The response dict and the operation's name in the document (for metrics)."""
        def refused(message):
            return {"errors": [request_error(BAD_USER_INPUT, message, trace_id)]}, None

        if not isinstance(payload, dict):
            return refused("each operation must be a JSON object with a query")
        query, variables = payload.get("query"), payload.get("variables") or {}
        operation_name = payload.get("operationName")
        if not isinstance(query, str) or not query.strip():
            return refused('no query given: send {"query": "{ viewer { role } }"}')
        if not isinstance(variables, dict):
            return refused("variables must be a JSON object")
        problem = query_limits.variables_problem(variables, self.limits)
        if problem:
            return refused(problem)
        document, errors = self.documents.get(query)
        if errors:
            return {"errors": [format_error(e, trace_id) for e in errors]}, None
        operation = query_limits.select_operation(document, operation_name)
        named = operation.name.value if operation is not None and operation.name else None
        limit_errors = query_limits.check(self.schema.graphql_schema, document, operation_name, variables,
                                          self.limits)
        if limit_errors:  # cost, depth, page sizes, introspection
            return {"errors": [format_error(e, trace_id) for e in limit_errors]}, named
        context = RequestContext(identity if identity is not None else PUBLIC, calls)
        try:
            result = run_execution(
                execute(self.schema.graphql_schema, document, variable_values=variables,
                        operation_name=operation_name, context_value=context,
                        execution_context_class=BatchingExecutionContext),
                context.scheduler)
        except Exception as exc:  # noqa: BLE001 -- never a stack trace to the client
            code, message = code_and_message(exc)
            return {"errors": [request_error(code or INTERNAL, message, trace_id)]}, named
        response = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(e, trace_id) for e in result.errors]
        return response, named

    def _rate_limited(self, request, identity, started, trace_id) -> Response | None:
        """The 429 when this caller is over GATEWAY_RATE_LIMIT, else None."""
        refusal = self.rate_limit.refusal(request, identity, trace_id) if self.rate_limit is not None else None
        if refusal is not None:
            self._measure("rate_limited", "rejected", started)
        return refusal

    def _measure(self, operation, outcome, started):
        REQUESTS.labels(operation, outcome).inc()
        LATENCY.labels(operation, outcome).observe(time.perf_counter() - started)
