"""Opaque cursors and Relay-shaped pages for every list RPC.

A cursor is a position in one list, tagged with the list it belongs to and the type of
each value, so that what a client sends back is checked before it reaches a store query:
only strings, whole numbers, numbers and timestamps come out of it, never an object or a
list that a store would read as an operator.
"""
import base64
import binascii
import datetime as dt
import json
import math

from .errors import BadInput

MAX_FIRST = 100
VERSION = 1
MAX_CURSOR = 1024  # characters; our own cursors are far shorter
MAX_VALUE = 512  # characters of one string value in a position

# One letter per value type in a cursor's "t" tag; bool is refused (it is an int to Python).
_CODES = {str: "s", int: "i", float: "f", dt.datetime: "d"}


def _code(value) -> str:
    if isinstance(value, bool) or type(value) not in _CODES:
        raise TypeError(f"a cursor position holds strings, numbers and timestamps, not {type(value).__name__}")
    return _CODES[type(value)]


def encode(position, kind="list") -> str:
    """The cursor for ``position`` (a sequence of str, int, float or datetime) in list ``kind``."""
    types = "".join(_code(x) for x in position)
    values = [x.isoformat() if isinstance(x, dt.datetime) else x for x in position]
    token = {"v": VERSION, "k": kind, "t": types, "p": values}
    return base64.urlsafe_b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()


def refused(field="after") -> BadInput:
    """The error for a cursor that fails a check (for callers that check more)."""
    return BadInput(f"{field} is not a cursor this server gave; start again without {field}")


def _encodable(text):
    # JSON may carry a lone surrogate, which no store driver can encode
    try:
        text.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _value(code, raw):
    """One position value as the code says it is, or None if it is not that."""
    if code == "s":
        return raw if isinstance(raw, str) and len(raw) <= MAX_VALUE and _encodable(raw) else None
    if code == "i":
        # a store holds 64-bit integers; a larger one would fail in the driver
        return raw if type(raw) is int and -2**63 <= raw < 2**63 else None
    if code == "f":
        return float(raw) if type(raw) in (int, float) and math.isfinite(raw) and abs(raw) < 2**63 else None
    if code == "d" and isinstance(raw, str) and len(raw) <= 40:
        try:
            parsed = dt.datetime.fromisoformat(raw)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    return None


def decode(cursor, kind=None, types=None, field="after"):
    """The position a cursor holds, checked, as a tuple; None for no cursor.

    ``kind`` is the list the cursor must come from and ``types`` the Python type of each
    value (e.g. ``(int, str)``); either left out is not checked. Anything else, a cursor
    of another list or of another shape included, is BadInput: start again.
    """
    if cursor is None:
        return None
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR:
        raise refused(field)
    try:
        token = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (UnicodeError, binascii.Error, ValueError, RecursionError):
        raise refused(field) from None
    if not (isinstance(token, dict) and set(token) == {"v", "k", "t", "p"} and token["v"] == VERSION
            and isinstance(token["k"], str) and isinstance(token["t"], str) and isinstance(token["p"], list)
            and len(token["t"]) == len(token["p"]) > 0):
        raise refused(field)
    if kind is not None and token["k"] != kind:
        raise refused(field)
    codes = token["t"]
    if types is not None:
        wanted = "".join(_CODES[t] for t in types)
        # a whole number where a number is wanted (a timestamp of 1700000000) is still one
        if len(wanted) != len(codes) or any(c != w and (w, c) != ("f", "i") for c, w in zip(codes, wanted)):
            raise refused(field)
        codes = wanted
    position = tuple(_value(c, raw) for c, raw in zip(codes, token["p"]))
    if any(x is None for x in position):
        raise refused(field)
    return position


def check_first(first, field="first", maximum=MAX_FIRST):
    if first is None:
        return min(20, maximum)
    if not isinstance(first, int) or isinstance(first, bool) or not 0 <= first <= maximum:
        raise BadInput(f"{field} must be a whole number from 0 to {maximum}, got {first!r}")
    return first


def check_count(value) -> bool:
    """Whether a list RPC counts its whole filtered list (``count``: the client selected
    totalCount); total_count is None when it does not."""
    if not isinstance(value, bool):
        raise BadInput(f"count must be true or false, got {value!r}")
    return value


def page(nodes, first, total, position_of, kind="list"):
    """Shape the first+1 rows fetched into a page: edges, page_info, total_count.
    ``kind`` names the list in each cursor, so that decode(kind=...) refuses another's."""
    has_next = len(nodes) > first
    nodes = nodes[:first]
    edges = [{"cursor": encode(position_of(n), kind), "node": n} for n in nodes]
    return {
        "edges": edges,
        "page_info": {"has_next_page": has_next, "end_cursor": edges[-1]["cursor"] if edges else None},
        "total_count": total,
    }
