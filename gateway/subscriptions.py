"""The Subscription type and its entry: ``POST`` or ``GET /graphql`` with
``Accept: text/event-stream`` opens a stream (GraphQL over SSE, distinct connections mode).

What a subscriber may subscribe to is asked of the owner when the stream opens (the
filter, issue area or ask, checked over RPC with the subscriber's caller); what it sees of
each event is the owner's answer for that caller when the event comes (the resolvers below
load the entity), never the event alone.
"""
from __future__ import annotations

import json
import time

import graphene
from graphql import FieldNode, OperationType
from graphql.execution.values import get_argument_values
from werkzeug.wrappers import Response

from clearinghouse import validation
from clearinghouse.errors import NotFound

from . import http, live
from .endpoint import STATUS_OF_CODE, Refused, json_response
from .errors import BAD_USER_INPUT, NOT_FOUND, RATE_LIMITED, UNAUTHENTICATED, code_and_message, request_error
from .inputs import drop_none
from .notifications.types import Ask
from .ratelimit import subject
from .toolkits.loaders import OrdinancesById
from .toolkits.types import Ordinance, OrdinanceFilter, Toolkit, load_toolkit

MAX_EVENT_ID_CHARS = 200


class Subscription(graphene.ObjectType):
    ordinance_changed = graphene.Field(Ordinance, filter=OrdinanceFilter(),
                                       description="An ordinance was recorded or its status changed.")
    toolkit_published = graphene.Field(Toolkit, issue_area=graphene.String(),
                                       description="A toolkit version was published.")
    ask_answered = graphene.Field(Ask, ask_id=graphene.ID(required=True), description="An ask got an answer.")

    # The root is the live.LiveEvent; the owner answers for this subscriber's caller.
    @staticmethod
    def resolve_ordinance_changed(root, info, filter=None):
        wanted = drop_none(filter or {})
        return OrdinancesById.of(info.context).load(root.entity_id).then(
            lambda ordinance: ordinance if live.ordinance_matches(ordinance, wanted) else None)

    @staticmethod
    def resolve_toolkit_published(root, info, issue_area=None):
        return load_toolkit(info.context, root.entity_id)

    @staticmethod
    def resolve_ask_answered(root, info, ask_id):
        ctx = info.context
        return ctx.call("notifications", "get_asks", [root.entity_id], caller=ctx.caller).then(lambda found: found[0])


def owner_check(calls, caller: dict, field: str, arguments: dict):
    """Ask the owner whether this caller may subscribe with these arguments (raises its
    typed error: a bad filter, a missing or hidden ask)."""
    if field == "ordinanceChanged":
        calls.call("toolkits", "list_ordinances", drop_none(arguments.get("filter") or {}), first=0, caller=caller)
    elif field == "toolkitPublished":
        calls.call("toolkits", "list_toolkits", issue_area=arguments.get("issue_area"), first=0, caller=caller)
    elif field == "askAnswered":
        ask_id = validation.identifier(arguments["ask_id"], "askId", "ask")
        if calls.call("notifications", "get_asks", [ask_id], caller=caller)[0] is None:
            raise NotFound(f"there is no ask {ask_id}")


class Subscriptions:
    """Opens streams on the hub and renders events for them, through the endpoint's checks."""

    def __init__(self, endpoint, hub: live.Hub):
        self.endpoint = endpoint
        self.hub = hub

    def stream(self, request, calls, trace_id=None) -> Response:
        started = time.perf_counter()
        admitted = self.endpoint.admit(request, calls, started, trace_id, media=http.JSON)
        if isinstance(admitted, Response):
            return admitted
        payload, identity = admitted.payload, admitted.identity
        if not isinstance(payload, dict):
            return refusal(400, BAD_USER_INPUT, "a stream runs one operation, not a batch", trace_id)
        prepared = self.endpoint.prepare(payload, identity, trace_id, http.JSON, "POST")
        if isinstance(prepared, Refused):  # the endpoint's checks: their errors, never with a 200
            return json_response(prepared.response, max(prepared.status, 400))
        document, operation, variables = prepared
        if operation is None:
            return refusal(400, BAD_USER_INPUT, "name the operation to run with operationName", trace_id)
        operation_name = payload.get("operationName")
        if operation.operation != OperationType.SUBSCRIPTION:
            if operation.operation == OperationType.MUTATION and request.method == "GET":
                return refusal(405, BAD_USER_INPUT, "mutations are not run over GET: POST them", trace_id)
            result = self.endpoint.execute(document, operation_name, variables, identity, calls, trace_id)
            return event_stream(request, iter([live.next_frame(result), live.frame("complete")]))
        [node] = operation.selection_set.selections  # validation allows one root field
        if not isinstance(node, FieldNode):
            return refusal(400, BAD_USER_INPUT, "select the subscription's field directly, not in a fragment",
                           trace_id)
        field = node.name.value
        schema = self.endpoint.schema.graphql_schema
        arguments = get_argument_values(schema.subscription_type.fields[field], node, variables)
        try:
            owner_check(calls, identity.caller, field, arguments)
        except Exception as exc:  # noqa: BLE001 -- the owner's refusal, or it is away
            code, message = code_and_message(exc)
            return refusal({**STATUS_OF_CODE, NOT_FOUND: 404}.get(code, 500), code, message, trace_id)
        stream = live.Stream(subject(request, identity), identity, field, arguments, document, operation_name,
                             variables)
        stream.key = node.alias.value if node.alias else field
        stream.authorization = request.headers.get("Authorization")
        try:
            self.hub.open(stream)
        except live.TooManyStreams as exc:
            return refusal(429, RATE_LIMITED, str(exc), trace_id)
        try:
            first = self.resume(stream, request.headers.get("Last-Event-ID"), calls)
        except BaseException:
            self.hub.close(stream)
            raise
        return event_stream(request, live.events_of(self.hub, stream, first))

    def resume(self, stream, last_event_id: str | None, calls) -> list[bytes]:
        """The frames a reconnecting client missed since Last-Event-ID, from the buffer: one
        per entity that changed, or RESUME_GAP when that event is no longer kept."""
        if not last_event_id:
            return []
        missed = self.hub.since(last_event_id[:MAX_EVENT_ID_CHARS]) if len(last_event_id) <= MAX_EVENT_ID_CHARS \
            else None
        if missed is None:
            gap = {"errors": [{"message": f"cannot resume after event {last_event_id[:80]!r}: this server keeps "
                                          f"only its last {self.hub.buffer_size} events; query the current state",
                               "extensions": {"code": "RESUME_GAP"}}]}
            return [live.next_frame(gap)]
        # Each frame shows the entity as its owner shows it now, so the latest missed event
        # of each entity brings the client up to date.
        latest = {e.subject: e for e in missed if live.may_concern(stream.field, stream.arguments, e)}
        frames = [self.render(stream, event, calls) for event in latest.values()]
        return [f for f in frames if f is not None]

    def render(self, stream, event: live.LiveEvent, calls) -> bytes | None:
        """The event's frame for this subscriber, or None when the owner shows it nothing.
        The key is checked again (members' answer is kept for a few seconds, as for
        queries): a revoked key's stream gets the error and ends."""
        try:
            identity = self.endpoint.keys.identity(stream.authorization,
                                                   lambda key: calls.call("members", "authenticate", key))
        except Exception as exc:  # noqa: BLE001 -- the key is no longer good, or members is away
            code, message = code_and_message(exc)
            stream.ended = code == UNAUTHENTICATED
            return live.next_frame({"errors": [request_error(code, message)]}, event.id)
        result = self.endpoint.execute(stream.document, stream.operation_name, stream.variables, identity,
                                       calls, None, root=event)
        if (result.get("data") or {}).get(stream.key) is None and not result.get("errors"):
            return None
        return live.next_frame(result, event.id)

    def deliver(self, body, calls) -> int:
        """A bus event to every stream it concerns; how many were sent it."""
        event = live.LiveEvent.of(body)
        if event is None or not self.hub.record(event):
            return 0
        self.endpoint.answers.clear()  # a kept public answer may show the state before it
        return live.fan_out(self.hub, event, lambda stream, e: self.render(stream, e, calls))


def refusal(status: int, code: str, message: str, trace_id=None) -> Response:
    return Response(json.dumps({"errors": [request_error(code, message, trace_id)]}), status=status,
                    mimetype="application/json")


def event_stream(request, body) -> Response:
    # every event is written as it comes: eventlet's server would otherwise gather 4 KB first
    request.environ["eventlet.minimum_write_chunk_size"] = 0
    return Response(body, mimetype="text/event-stream", direct_passthrough=True,
                    headers={"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"})
