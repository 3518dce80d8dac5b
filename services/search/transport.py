"""The HTTP node for the embedded osmem-server, and the client factory that picks it.

The elasticsearch client sends ``application/vnd.elasticsearch+json; compatible-with=8``;
osmem-server answers 406 to those media types, so for that server only we send the plain
JSON types they stand for. A real Elasticsearch gets the client's own node, unchanged.
"""
from __future__ import annotations

import json
import logging
import re
import urllib.request

from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch

log = logging.getLogger(__name__)

_COMPATIBLE = re.compile(r"application/vnd\.elasticsearch\+([a-z-]+)(\s*;\s*compatible-with=\d+)?")


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+x-ndjson; compatible-with=8`` -> ``application/x-ndjson``."""
    return _COMPATIBLE.sub(r"application/\1", value)


class PlainJsonNode(Urllib3HttpNode):
    """urllib3 node that rewrites compatible-with media types to plain JSON."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = plain_media_type(headers[name])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def is_embedded(url: str, timeout: float = 3.0) -> bool:
    """Whether ``url`` is an osmem-server: it says so in its root document."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as resp:
            about = json.loads(resp.read())
    except Exception as exc:  # not answering yet: the client's own node, and say why
        log.warning("could not ask %s what server it is (%s); assuming Elasticsearch", url, exc)
        return False
    return about.get("cluster_name") == "osmem" or about.get("version", {}).get("build_hash") == "osmem"


def client(url: str, *, embedded: bool, timeout: float = 10.0) -> Elasticsearch:
    """The official client for ``url``; ``embedded`` chooses the osmem-server node."""
    # the client logs every request at INFO: noise beside the service's own log
    logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)
    options = {"node_class": PlainJsonNode} if embedded else {}
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False, **options)
