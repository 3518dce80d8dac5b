"""What feeds and exports share over HTTP: who is calling (the GraphQL endpoint's key
cache), errors as JSON with a code and a status, and conditional GET (ETag,
If-None-Match, Cache-Control)."""
from __future__ import annotations

import hashlib
import json

from werkzeug.wrappers import Response

from ..errors import code_and_message, request_error

STATUS_OF_CODE = {"BAD_USER_INPUT": 400, "UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
                  "UNAVAILABLE": 503}


class Limited(Exception):
    """This caller is over GATEWAY_RATE_LIMIT: ``response`` is the gateway's 429."""

    def __init__(self, response: Response):
        super().__init__("rate limited")
        self.response = response


def admitted(service, request):
    """The caller of this request, as GraphQL knows it (Unauthenticated for a bad key),
    within the same rate limit as GraphQL (Limited with the 429 when over it)."""
    endpoint, trace_id = service.graphql_endpoint, service.services.trace_id

    def limit(identity):
        refusal = endpoint.rate_limit.refusal(request, identity, trace_id) if endpoint.rate_limit else None
        if refusal is not None:
            raise Limited(refusal)

    try:
        identity = endpoint.keys.identity(request.headers.get("Authorization"),
                                          lambda key: service.services.call("members", "authenticate", key))
    except Exception:
        limit(None)  # a key that did not authenticate counts against the address, as in GraphQL
        raise
    limit(identity)
    return identity


def refusal(exc: BaseException, trace_id: str | None = None) -> Response:
    """Any error as ``{"errors": [{"message", "extensions": {"code"}}]}`` with its status."""
    if isinstance(exc, Limited):
        return exc.response
    code, message = code_and_message(exc)
    body = {"errors": [request_error(code, message, trace_id)]}
    response = Response(json.dumps(body), status=STATUS_OF_CODE.get(code, 500), mimetype="application/json")
    if code == "UNAUTHENTICATED":
        response.headers["WWW-Authenticate"] = 'Bearer realm="clearinghouse"'
    return response


def conditional(request, body: bytes, mimetype: str, private: bool, max_age: int = 60) -> Response:
    """200 with the body, or 304 when the client's If-None-Match holds its ETag. A private
    answer (one that depends on the key) is never kept by shared caches."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age={max_age}"
    response.headers["Vary"] = "Authorization"
    return response
