"""The one place where errors become GraphQL errors with ``extensions.code``.

Our typed errors keep their code and message (they cross RPC as themselves, see
clearinghouse.errors); a nameko RemoteError of ours is mapped by its exc_type; document,
variable and scalar errors are BAD_USER_INPUT; anything else is INTERNAL_SERVER_ERROR with
a message that names no internals (the traceback goes to the log only).
"""
import logging

from graphql import GraphQLError
from nameko.exceptions import RemoteError

from clearinghouse.errors import ClearinghouseError, code_of_remote

log = logging.getLogger(__name__)

BAD_USER_INPUT = "BAD_USER_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
CONFLICT = "CONFLICT"
UNAVAILABLE = "UNAVAILABLE"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL = "INTERNAL_SERVER_ERROR"

# Outcomes for metrics: the caller's mistake, or ours.
CLIENT_CODES = {BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT}


def code_and_message(exc: BaseException) -> tuple[str, str]:
    """The extensions.code and the message a person can act on, for any exception."""
    if isinstance(exc, ClearinghouseError):
        return exc.code, exc.message
    if isinstance(exc, RemoteError):
        code = code_of_remote(exc.exc_type)
        if code is not None:
            return code, str(exc.value)
        log.error("remote error from a service: %s %s", exc.exc_type, exc.value)
        return INTERNAL, f"a service failed ({exc.exc_type}); this is a bug on our side, not in your request"
    if isinstance(exc, GraphQLError):
        return BAD_USER_INPUT, exc.message
    log.error("unexpected error in the gateway", exc_info=exc)
    return INTERNAL, f"the gateway failed ({type(exc).__name__}); this is a bug on our side, not in your request"


def log_answer(code: str, message: str, trace_id: str | None = None):
    """A client's mistake (or one request too many) is one INFO line (repeats summarised by
    clearinghouse.logs), an unavailable service a WARNING; INTERNAL was logged with its
    cause where it was made. ``trace_id`` is the request's, as the services' lines of it
    carry (clearinghouse.logs.worker_fields)."""
    if code in CLIENT_CODES or code == RATE_LIMITED:
        level = logging.INFO
    elif code == UNAVAILABLE:
        level = logging.WARNING
    else:
        return
    log.log(level, "gateway.graphql rejected %s: %s", code, message,
            extra={"service": "gateway", "method": "graphql", "code": code, "trace_id": trace_id})


def format_error(error: GraphQLError, trace_id: str | None = None) -> dict:
    """graphql-core's formatted error with our code (and our message for wrapped errors)."""
    formatted = error.formatted
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        code = (error.extensions or {}).get("code") or BAD_USER_INPUT
    elif error.path is None:
        code = BAD_USER_INPUT  # a variable the caller sent did not fit its type
    else:
        code, message = code_and_message(original)
        formatted["message"] = message
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
    log_answer(code, formatted["message"], trace_id)
    return formatted


def request_error(code: str, message: str, trace_id: str | None = None) -> dict:
    """An error about the whole request (body, limits, auth, rate), before execution."""
    log_answer(code, message, trace_id)
    return {"message": message, "extensions": {"code": code}}


def outcome_of(errors: list[dict]) -> str:
    """ok, rejected (the caller's mistake) or error (ours or a service's), for metrics."""
    if not errors:
        return "ok"
    codes = {e.get("extensions", {}).get("code") for e in errors}
    return "rejected" if codes <= CLIENT_CODES else "error"
