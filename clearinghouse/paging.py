"""Opaque cursors and Relay-shaped pages for every list RPC."""
import base64
import json

from .errors import BadInput

MAX_FIRST = 100


def encode(position) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def decode(cursor, field="after"):
    if cursor is None:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        raise BadInput(f"{field} {cursor!r} is not a cursor from this API; pass an endCursor you were given")


def check_first(first, field="first"):
    if first is None:
        return 20
    if not isinstance(first, int) or isinstance(first, bool) or not 0 <= first <= MAX_FIRST:
        raise BadInput(f"{field} must be a whole number from 0 to {MAX_FIRST}, got {first!r}")
    return first


def page(nodes, first, total, position_of):
    """Shape the first+1 rows fetched into a page: edges, page_info, total_count."""
    has_next = len(nodes) > first
    nodes = nodes[:first]
    edges = [{"cursor": encode(position_of(n)), "node": n} for n in nodes]
    return {
        "edges": edges,
        "page_info": {"has_next_page": has_next, "end_cursor": edges[-1]["cursor"] if edges else None},
        "total_count": total,
    }
