"""Cross-origin requests from browser apps on other origins: an allow-list of origins
(GATEWAY_CORS_ORIGINS, comma-separated; none by default), preflight answers, Vary: Origin.

``*`` lets any origin read public answers but never with credentials (cookies or HTTP
auth): browsers refuse ``*`` with credentials, and so do we, so it is never sent together.
A bearer key in ``Authorization`` is a header, not a credential: listed in Allow-Headers.
"""
from __future__ import annotations

import json
import re

from werkzeug.wrappers import Response

METHODS = ("GET", "POST", "OPTIONS")
# What a browser app may send (lower case): the key, the body's type, caching, tracing, SSE resume.
HEADERS = ("authorization", "content-type", "accept", "if-none-match", "traceparent", "last-event-id")
# What a browser app may read besides the safelisted response headers.
EXPOSED = ("ETag", "traceparent", "Retry-After")
MAX_AGE_SECONDS = 600

ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


def parse_origins(value: str) -> tuple[frozenset[str], bool]:
    """(listed origins, any origin) from GATEWAY_CORS_ORIGINS; ValueError says what to fix."""
    items = [item.strip().lower().rstrip("/") for item in (value or "").split(",") if item.strip()]
    if "*" in items:
        if len(items) > 1:
            raise ValueError("GATEWAY_CORS_ORIGINS is either * (any origin, never with credentials) or a list "
                             f"of origins, not both: got {value!r}")
        return frozenset(), True
    for item in items:
        if not ORIGIN.match(item):
            raise ValueError(f"GATEWAY_CORS_ORIGINS: {item!r} is not an origin; write scheme://host[:port], "
                             "e.g. https://app.example.org")
    return frozenset(items), False


class Cors:
    def __init__(self, origins: str = ""):
        self.origins, self.any_origin = parse_origins(origins)

    def allowed(self, origin: str | None) -> bool:
        if not origin:
            return False
        return self.any_origin or origin.strip().lower() in self.origins

    def _allow(self, headers, origin: str):
        if self.any_origin:
            headers["Access-Control-Allow-Origin"] = "*"
        else:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Credentials"] = "true"

    def apply(self, request, response: Response) -> Response:
        """Response headers for an actual request: allowed origins may read the answer."""
        add_vary(response, "Origin")
        origin = request.headers.get("Origin")
        if self.allowed(origin):
            self._allow(response.headers, origin)
            response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED)
        return response

    def preflight(self, request) -> Response:
        """The answer to OPTIONS: 204 with what may be sent, or 403 saying why not."""
        origin = request.headers.get("Origin")
        method = (request.headers.get("Access-Control-Request-Method") or "").strip().upper()
        wanted = [h.strip().lower() for h in (request.headers.get("Access-Control-Request-Headers") or "").split(",")
                  if h.strip()]
        problem = None
        if not self.allowed(origin):
            problem = (f"the origin {origin[:200]!r} is not allowed to call this API from a browser; an operator "
                       "adds it to GATEWAY_CORS_ORIGINS" if origin else "a preflight needs an Origin header")
        elif method and method not in METHODS:
            problem = f"the method {method[:20]!r} is not allowed; use one of {', '.join(METHODS)}"
        elif any(h not in HEADERS for h in wanted):
            refused = [h[:60] for h in wanted if h not in HEADERS]
            problem = f"the headers {', '.join(refused)} may not be sent; allowed: {', '.join(HEADERS)}"
        vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
        if problem is not None:
            body = {"errors": [{"message": problem, "extensions": {"code": "FORBIDDEN"}}]}
            return Response(json.dumps(body), status=403, mimetype="application/json", headers={"Vary": vary})
        response = Response(status=204, headers={"Vary": vary})
        self._allow(response.headers, origin)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(METHODS)
        response.headers["Access-Control-Allow-Headers"] = ", ".join(HEADERS)
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
        return response


def add_vary(response: Response, *names: str):
    """Add names to the response's Vary header, once each."""
    present = [v.strip() for v in (response.headers.get("Vary") or "").split(",") if v.strip()]
    for name in names:
        if name.lower() not in {p.lower() for p in present}:
            present.append(name)
    response.headers["Vary"] = ", ".join(present)
