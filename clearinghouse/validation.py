"""Checks at the edge of every RPC: each returns the clean value or raises BadInput."""
import datetime as dt
import re

from .errors import BadInput

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Control characters (C0, DEL, C1) and the Unicode line/paragraph separators: any of them
# breaks a one-line value (a mail header, a log line, a CSV cell).
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def text(value, field, *, required=True, max_len=10_000):
    if value is None:
        if required:
            raise BadInput(f"{field} is required")
        return None
    if not isinstance(value, str):
        raise BadInput(f"{field} must be a string, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise BadInput(f"{field} must not be empty")
    if len(value) > max_len:
        raise BadInput(f"{field} is {len(value)} characters long; the limit is {max_len}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (JSON "\ud800"): no store can keep it
        raise BadInput(f"{field} is not valid Unicode text at position {exc.start}; send UTF-8 text") from None
    return value or None


def line(value, field, max_len=300, *, required=True):
    """Text that must stay on one line: no newline, tab, CR or other control character."""
    # Checked before text() strips, so a trailing newline is refused rather than hidden.
    bad = _NOT_ONE_LINE.search(value) if isinstance(value, str) else None
    if bad:
        raise BadInput(f"{field} contains the control character {bad.group()!r} at position {bad.start()}; "
                       "it must be one line of text without newlines, tabs or other control characters")
    return text(value, field, required=required, max_len=max_len)


def choice(value, field, options, *, required=True):
    if value is None and not required:
        return None
    if value not in options:
        raise BadInput(f"{field} {value!r} is not allowed; use one of: {', '.join(options)}")
    return value


def date(value, field, *, required=True):
    """An ISO 8601 calendar date (YYYY-MM-DD), returned as that string."""
    if value is None:
        if required:
            raise BadInput(f"{field} is required (a date like 2019-07-17)")
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise BadInput(f"{field} {value!r} is not a date; use ISO 8601 like 2019-07-17")


def datetime(value, field):
    """An ISO 8601 timestamp with a zone; returned as an aware datetime in UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise BadInput(f"{field} {value!r} is not a timestamp; use ISO 8601 with a zone like 2026-01-31T09:00:00Z")
    return parsed.astimezone(dt.timezone.utc)


def email(value, field="email", *, required=False):
    value = text(value, field, required=required, max_len=320)
    if value is not None and not _EMAIL.fullmatch(value):
        raise BadInput(f"{field} {value!r} is not an email address")
    return value


def url(value, field, *, required=False):
    value = line(value, field, 2048, required=required)
    if value is not None and not re.fullmatch(r"https?://[^\s/]+\S*", value):
        raise BadInput(f"{field} {value!r} is not an http(s) URL")
    return value


def text_list(value, field, *, max_items=100, max_len=2000):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise BadInput(f"{field} must be a list of strings")
    if len(value) > max_items:
        raise BadInput(f"{field} has {len(value)} items; the limit is {max_items}")
    return [text(v, f"{field}[{i}]", max_len=max_len) for i, v in enumerate(value)]


def list_of(value, field, *, max_items=100):
    """A list of anything (its items are checked by the caller)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise BadInput(f"{field} must be a list")
    if len(value) > max_items:
        raise BadInput(f"{field} has {len(value)} items; the limit is {max_items}")
    return list(value)


def mapping(value, field, *, required=True):
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise BadInput(f"{field} must be an object")
    return value


def identifier(value, field, prefix):
    if not isinstance(value, str) or not re.fullmatch(rf"{prefix}_[0-9a-f]{{16}}", value):
        raise BadInput(f"{field} {value!r} is not a valid id; ids look like {prefix}_0123456789abcdef")
    return value


def only_keys(data, field, allowed):
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise BadInput(f"{field} has unknown fields {unknown}; allowed: {sorted(allowed)}")
