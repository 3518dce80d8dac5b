"""GET and POST /graphql from request to response (the transport rules are in http.py): size and batch limits, the caller's identity,
cached parse and validation, query limits, batched execution, errors with codes, and
request metrics by operation name and outcome."""
from __future__ import annotations

import dataclasses
import json
import re
import time
from collections import OrderedDict

from graphql import GraphQLError, OperationType, execute, parse, validate
from prometheus_client import Counter, Histogram
from werkzeug.wrappers import Response

from . import http
from . import limits as query_limits
from .auth import PUBLIC, KeyCache
from .context import RequestContext
from .errors import BAD_USER_INPUT, INTERNAL, code_and_message, format_error, outcome_of, request_error
from .loaders import BatchingExecutionContext, run_execution
from .persisted import PersistedQueries, Refusal

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


@dataclasses.dataclass
class Admitted:
    """A request that passed its transport checks: what it asked and who asks it."""
    payload: dict | list
    identity: object
    media: str
    method: str


@dataclasses.dataclass
class Refused:
    """An operation that will not run: its response and HTTP status."""
    response: dict
    status: int


class GraphQLEndpoint:
    def __init__(self, schema, limits: query_limits.Limits, key_cache: KeyCache | None = None, rate_limit=None,
                 persisted: PersistedQueries | None = None):
        self.schema = schema
        self.limits = limits
        self.rate_limit = rate_limit  # gateway.ratelimit.RateLimit, or None when GATEWAY_RATE_LIMIT is 0
        self.persisted = persisted  # gateway.persisted.PersistedQueries, or None: no APQ
        self.documents = DocumentCache(schema.graphql_schema, limits=limits)
        self.keys = key_cache or KeyCache()
        self.names = OperationNames()
        self.answers = http.PublicAnswers()
        self.live = None  # gateway.subscriptions.Subscriptions: the streams of this process

    def handle(self, request, calls, trace_id: str | None = None) -> Response:
        """The response to one GET or POST; ``trace_id`` goes on the log lines of its refusals."""
        started = time.perf_counter()
        admitted = self.admit(request, calls, started, trace_id)
        if isinstance(admitted, Response):
            return admitted
        payload, identity, media = admitted.payload, admitted.identity, admitted.media
        if isinstance(payload, list):
            return http.answer(json.dumps([self._one(item, identity, calls, time.perf_counter(), trace_id, media,
                                                     "POST")[0] for item in payload]), 200, media)
        public_get = admitted.method == "GET" and identity is PUBLIC
        key = http.cache_key(payload, media) if public_get else None
        if public_get and not http.revalidate(request):
            kept = self.answers.get(key)
            if kept is not None:
                etag, body, kept_media = kept
                self._measure("cached", "ok", started)
                if http.matches(request.headers.get("If-None-Match"), etag):
                    return http.not_modified(etag, http.public_cache_control())
                return http.answer(body, 200, kept_media, {"ETag": etag, "Cache-Control": http.public_cache_control()})
        result, status = self._one(payload, identity, calls, started, trace_id, media, admitted.method)
        body = json.dumps(result).encode()
        if admitted.method != "GET":
            return http.answer(body, status, media)
        if not public_get:
            return http.answer(body, status, media, {"Cache-Control": http.PRIVATE})
        if status != 200 or result.get("errors"):
            return http.answer(body, status, media, {"Cache-Control": "no-store"})
        etag = http.etag_of(body)
        self.answers.put(key, etag, body, media)
        if http.matches(request.headers.get("If-None-Match"), etag):
            return http.not_modified(etag, http.public_cache_control())
        return http.answer(body, status, media, {"ETag": etag, "Cache-Control": http.public_cache_control()})

    def admit(self, request, calls, started, trace_id, media: str | None = None) -> Admitted | Response:
        """The operation(s) and caller of a request, or the refusal (unreadable request,
        unknown key, over the rate limit) to answer with."""
        if media is None:
            media = http.response_media_type(request.headers.get("Accept"))
            if media is None:
                self._measure("invalid", "rejected", started)
                return json_response({"errors": [request_error(
                    BAD_USER_INPUT, f"this endpoint answers {http.GRAPHQL_RESPONSE} or {http.JSON}; the Accept "
                                    "header allows neither", trace_id)]}, 406)
        if request.method == "GET":
            payload, problem = http.read_query_string(request.args)
            problem = problem and (problem[0], BAD_USER_INPUT, problem[1])
        else:
            payload, problem = self._read(request)
        if problem is not None:
            status, code, message = problem
            self._measure("invalid", "rejected", started)
            return http.answer(json.dumps({"errors": [request_error(code, message, trace_id)]}), status, media)
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
            return http.answer(json.dumps({"errors": errors}), STATUS_OF_CODE.get(code, 500), media)
        limited = self._rate_limited(request, identity, started, trace_id)
        if limited is not None:
            return limited
        return Admitted(payload, identity, media, request.method)

    def _read(self, request):
        """The JSON payload (an operation or a list of them), or (status, code, message)."""
        limit = self.limits.max_body_bytes
        if request.mimetype != "application/json":
            return None, (415, BAD_USER_INPUT, "send the body as JSON with Content-Type: application/json"
                          + (f" (not {request.mimetype[:80]})" if request.mimetype else ""))
        if request.content_length is not None and request.content_length > limit:
            return None, (413, BAD_USER_INPUT, f"the request body is {request.content_length} bytes; "
                                               f"the limit is {limit}. Send a shorter query.")
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            return None, (413, BAD_USER_INPUT, f"the request body is over {limit} bytes; send a shorter query")
        if not body.strip():
            return None, (400, BAD_USER_INPUT, 'the body is empty: send {"query": "...", "variables": {...}}')
        try:
            payload = json.loads(body)
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

    def _one(self, payload, identity, calls, started, trace_id, media=http.JSON, method="POST") -> tuple[dict, int]:
        """Run one operation; its response dict (data and/or errors) and HTTP status."""
        name = payload.get("operationName") if isinstance(payload, dict) else None
        try:
            response, named, status = self._run(payload, identity, calls, trace_id, media, method)
        except Exception as exc:  # noqa: BLE001 -- a bug of ours: a coded error, never a traceback
            response, named, status = {"errors": [request_error(*code_and_message(exc), trace_id)]}, None, 500
        self._measure(self.names.label(name if isinstance(name, str) else named), outcome_of(response.get("errors")),
                      started)
        return response, status

    def prepare(self, payload, identity, trace_id, media=http.JSON, method="POST"):
        """(document, operation, variables) ready to execute, or Refused: bad parameters,
        an unknown persisted query, parse, validation or limit errors."""
        # Parameters the client got wrong: 400 whatever the media type.
        def refused(message, code=BAD_USER_INPUT, status=400):
            return Refused({"errors": [request_error(code, message, trace_id)]}, status)
        # The document did not validate: 200 with application/json, 400 with graphql-response+json.
        not_run = 400 if media == http.GRAPHQL_RESPONSE else 200

        if not isinstance(payload, dict):
            return refused("each operation must be a JSON object with a query")
        try:
            query = self.persisted.query_of(payload, identity) if self.persisted is not None else payload.get("query")
        except Refusal as refusal:
            return refused(refusal.message, refusal.code, not_run if refusal.status == 200 else refusal.status)
        variables = payload.get("variables")
        variables = {} if variables is None else variables
        operation_name = payload.get("operationName")
        if not isinstance(query, str) or not query.strip():
            return refused('no query given: send {"query": "{ viewer { role } }"}')
        if operation_name is not None and not isinstance(operation_name, str):
            return refused("operationName must be a string")
        if not isinstance(variables, dict):
            return refused("variables must be a JSON object")
        problem = query_limits.variables_problem(variables, self.limits)
        if problem:
            return refused(problem)
        document, errors = self.documents.get(query)
        operation = query_limits.select_operation(document, operation_name) if document is not None else None
        if operation is not None and method == "GET" and operation.operation == OperationType.MUTATION:
            return refused("mutations are not run over GET: POST them", status=405)
        if errors:
            return Refused({"errors": [format_error(e, trace_id) for e in errors]}, not_run)
        limit_errors = query_limits.check(self.schema.graphql_schema, document, operation_name, variables,
                                          self.limits)
        if limit_errors:  # cost, depth, page sizes, introspection
            return Refused({"errors": [format_error(e, trace_id) for e in limit_errors]}, not_run)
        return document, operation, variables

    def _run(self, payload, identity, calls, trace_id, media=http.JSON, method="POST") -> tuple[dict, str | None, int]:
        """The response dict, the operation's name in the document (for metrics) and the status."""
        prepared = self.prepare(payload, identity, trace_id, media, method)
        if isinstance(prepared, Refused):
            return prepared.response, None, prepared.status
        document, operation, variables = prepared
        named = operation.name.value if operation is not None and operation.name else None
        if operation is not None and operation.operation == OperationType.SUBSCRIPTION:
            return {"errors": [request_error(BAD_USER_INPUT, "subscriptions are answered as Server-Sent Events: "
                                                             "send Accept: text/event-stream", trace_id)]}, named, 400
        result = self.execute(document, payload.get("operationName"), variables, identity, calls, trace_id)
        if "data" not in result:  # nothing ran: a variable that did not fit, or no operation chosen
            return result, named, 400 if media == http.GRAPHQL_RESPONSE else 200
        return result, named, 200

    def execute(self, document, operation_name, variables, identity, calls, trace_id, root=None) -> dict:
        """Execute a checked document for this caller: {data, errors}, without data when
        execution did not start."""
        context = RequestContext(identity if identity is not None else PUBLIC, calls)
        try:
            result = run_execution(
                execute(self.schema.graphql_schema, document, root_value=root, variable_values=variables,
                        operation_name=operation_name, context_value=context,
                        execution_context_class=BatchingExecutionContext),
                context.scheduler)
        except Exception as exc:  # noqa: BLE001 -- never a stack trace to the client
            code, message = code_and_message(exc)
            return {"data": None, "errors": [request_error(code or INTERNAL, message, trace_id)]}
        response = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(e, trace_id) for e in result.errors]
            if result.data is None and all(e.path is None for e in result.errors):
                del response["data"]
        return response

    def _rate_limited(self, request, identity, started, trace_id) -> Response | None:
        """The 429 when this caller is over GATEWAY_RATE_LIMIT, else None."""
        refusal = self.rate_limit.refusal(request, identity, trace_id) if self.rate_limit is not None else None
        if refusal is not None:
            self._measure("rate_limited", "rejected", started)
        return refusal

    def _measure(self, operation, outcome, started):
        REQUESTS.labels(operation, outcome).inc()
        LATENCY.labels(operation, outcome).observe(time.perf_counter() - started)
