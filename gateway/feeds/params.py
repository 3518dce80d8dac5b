"""The query parameters of feeds and exports, checked before any RPC: only the names a
route takes, each once, short and free of control characters; issueArea, state and
jurisdiction in the network's vocabularies. Anything else is BadInput (a 400)."""
from __future__ import annotations

import re

from clearinghouse import ocd
from clearinghouse.errors import BadInput
from clearinghouse.issue_areas import check_issue_area

MAX_QUERY = 4096  # characters of the whole query string
MAX_VALUE = 1024  # characters of one value (a cursor is the longest; paging refuses longer ones too)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# query parameter -> the owners' filter key
FILTER_KEYS = {"issueArea": "issue_area", "state": "state", "jurisdiction": "jurisdiction"}
_CHECKS = {"issueArea": lambda x: check_issue_area(x, "issueArea"),
           "state": lambda x: ocd.check_state(x, "state"),
           "jurisdiction": lambda x: ocd.check_division(x, "jurisdiction")}


def read(request, allowed: tuple[str, ...], what: str) -> dict[str, str]:
    """The parameters given, by name, as sent; BadInput for any other name, a repeat, or
    a value too long or with control characters."""
    if len(request.query_string) > MAX_QUERY:
        raise BadInput(f"the query string is over {MAX_QUERY} characters; send fewer or shorter parameters")
    out = {}
    for name, values in request.args.lists():
        if name not in allowed:
            raise BadInput(f"{what} takes no parameter {name[:40]!r}; use {', '.join(allowed) or 'none'}")
        if len(values) > 1:
            raise BadInput(f"{name} is given {len(values)} times; give it once")
        value = values[0]
        if len(value) > MAX_VALUE or _CONTROL.search(value):
            raise BadInput(f"{name} must be at most {MAX_VALUE} characters without control characters")
        out[name] = value
    return out


def filters(given: dict[str, str]) -> dict[str, str]:
    """The owners' filter (issue_area, state, jurisdiction) from the parameters, checked."""
    return {FILTER_KEYS[name]: _CHECKS[name](value) for name, value in given.items() if name in FILTER_KEYS}


def choice(given: dict[str, str], name: str, allowed) -> str | None:
    value = given.get(name)
    if value is not None and value not in allowed:
        raise BadInput(f"{name} {value[:60]!r} is not one of: {', '.join(allowed)}")
    return value


def first(given: dict[str, str], maximum: int, default: int = 20) -> int:
    value = given.get("first")
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:  # not "１" nor "²"
        raise BadInput(f"first must be a whole number from 1 to {maximum}, got {value[:20]!r}")
    return int(value)
