"""Compressed answers for clients that accept them: brotli (Google's ``brotli`` bindings)
when preferred, else gzip, for bodies over MINIMUM_BYTES; never for event streams (each
event must reach the browser when it is written) or answers without a body."""
from __future__ import annotations

import gzip

import brotli

from .cors import add_vary
from .http import accepted

MINIMUM_BYTES = 1024  # below this the headers cost about what compression would save
ENCODINGS = ("br", "gzip")


def chosen(accept_encoding: str | None) -> str | None:
    """The encoding to use for this Accept-Encoding (br first at equal q), or None."""
    offered = dict(accepted(accept_encoding)) if accept_encoding else {}
    if not offered:
        return None
    best = None
    for encoding in ENCODINGS:
        q = offered.get(encoding, offered.get("*", 0))
        if q > 0 and (best is None or q > best[1]):
            best = (encoding, q)
    return best[0] if best else None


def compress(request, response, minimum: int = MINIMUM_BYTES):
    """``response``, compressed in place when the client accepts it and it is worth it."""
    if response.is_streamed or response.direct_passthrough or response.status_code in (204, 304) \
            or response.headers.get("Content-Encoding") or response.mimetype == "text/event-stream":
        return response
    add_vary(response, "Accept-Encoding")
    body = response.get_data()
    if len(body) < minimum:
        return response
    encoding = chosen(request.headers.get("Accept-Encoding"))
    if encoding is None:
        return response
    # quality 5 / level 6: most of the saving for a fraction of the maximum's time
    packed = brotli.compress(body, quality=5) if encoding == "br" else gzip.compress(body, compresslevel=6)
    response.set_data(packed)
    response.headers["Content-Encoding"] = encoding
    etag = response.headers.get("ETag")
    if etag and etag.endswith('"'):
        response.headers["ETag"] = f'{etag[:-1]}-{encoding}"'  # a strong ETag names one encoding
    return response
