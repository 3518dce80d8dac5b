"""GraphQL over HTTP (the GraphQL-over-HTTP spec): which media type answers, what a GET
carries in its URL, and the caching of PUBLIC GET answers (Cache-Control, ETag, 304).

A GET answer for the public (no key) says ``public, max-age=5``; this process keeps it as
long, so a repeated GET, or one whose If-None-Match still matches, is answered without
running the query again (a stale answer is at most as old as any HTTP cache could keep it).
A request that sent a key is ``private, no-store``: answers that depend on a key are never
kept, here or anywhere between.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict

from werkzeug.wrappers import Response

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
EVENT_STREAM = "text/event-stream"

PUBLIC_MAX_AGE = 5
PRIVATE = "private, no-store"


def accepted(accept: str | None) -> list[tuple[str, float]]:
    """(media type, q) pairs of an Accept header, best first; a missing header is */*."""
    out = []
    for index, part in enumerate((accept or "*/*").split(",")[:50]):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            out.append((media.lower(), q, -index))
    return [(m, q) for m, q, _ in sorted(out, key=lambda t: (t[1], t[2]), reverse=True)]


def response_media_type(accept: str | None) -> str | None:
    """application/graphql-response+json or application/json as the client prefers
    (application/json for */* or no Accept); None when it accepts neither."""
    for media, _ in accepted(accept):
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON, "application/*", "*/*"):
            return JSON
    return None


def wants_event_stream(accept: str | None) -> bool:
    return any(media == EVENT_STREAM for media, _ in accepted(accept))


def read_query_string(args) -> tuple[dict | None, tuple[int, str] | None]:
    """The operation of a GET: query, variables and extensions (URL-encoded JSON) and
    operationName; or (status, message) when a parameter cannot be used."""
    payload = {}
    for name in ("query", "operationName"):
        values = args.getlist(name)
        if len(values) > 1:
            return None, (400, f"{name} is given {len(values)} times; give it once")
        if values:
            payload[name] = values[0]
    for name in ("variables", "extensions"):
        raw = args.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            return None, (400, f"{name} in the URL must be URL-encoded JSON, e.g. {name}="
                               + "%7B%22id%22%3A%22...%22%7D")
        except RecursionError:
            return None, (400, f"{name} nests arrays or objects too deeply to read")
        if not isinstance(value, dict):
            return None, (400, f"{name} must be a JSON object")
        payload[name] = value
    return payload, None


def answer(body: bytes | str, status: int, media: str, headers: dict | None = None) -> Response:
    """A GraphQL answer in the media type the client asked for (always utf-8)."""
    return Response(body, status=status, content_type=f"{media}; charset=utf-8", headers=headers)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match names this entity (weak comparison; a compressed variant's
    suffix, as compression.py adds it, names the same entity)."""
    if not if_none_match:
        return False
    bare = etag.strip('"')
    for tag in if_none_match.split(",")[:50]:
        tag = tag.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/").strip('"')
        if tag == bare or tag.split("-")[0] == bare:
            return True
    return False


def not_modified(etag: str, cache_control: str) -> Response:
    return Response(status=304, headers={"ETag": etag, "Cache-Control": cache_control})


def cache_key(payload: dict, media: str) -> str:
    """One public GET answer's key: its operation, variables and media type (bounded size:
    the URL that carried them is)."""
    return hashlib.sha256(json.dumps([payload.get("query"), payload.get("variables"), payload.get("operationName"),
                                      payload.get("extensions"), media], sort_keys=True).encode()).hexdigest()


class PublicAnswers:
    """Recent public GET answers by cache_key, each for PUBLIC_MAX_AGE seconds (LRU, bounded)."""

    def __init__(self, max_entries: int = 1000, max_age: float = PUBLIC_MAX_AGE, clock=time.monotonic):
        self.max_entries = max_entries
        self.max_age = max_age
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, str, bytes, str]] = OrderedDict()

    def get(self, key: str) -> tuple[str, bytes, str] | None:
        """(etag, body, media) while fresh."""
        hit = self._entries.get(key)
        if hit is None:
            return None
        if hit[0] <= self.clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return hit[1:]

    def put(self, key: str, etag: str, body: bytes, media: str):
        self._entries[key] = (self.clock() + self.max_age, etag, body, media)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self):
        self._entries.clear()


def revalidate(request) -> bool:
    """The client asked for a fresh answer (Cache-Control: no-cache, or Pragma: no-cache)."""
    control = (request.headers.get("Cache-Control") or "").lower()
    return "no-cache" in control or "max-age=0" in control or "no-cache" in (request.headers.get("Pragma") or "")


def public_cache_control() -> str:
    return f"public, max-age={PUBLIC_MAX_AGE}"
