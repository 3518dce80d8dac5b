"""Typed errors with a code and a message a person can act on.

Raised in domain code, they cross RPC as nameko remote errors (registered below, so an
RPC client gets the same type back) and the gateway maps ``code`` to GraphQL
``extensions.code`` in one place.
"""
from nameko.exceptions import registry


class ClearinghouseError(Exception):
    code = "INTERNAL"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class BadInput(ClearinghouseError):
    code = "BAD_USER_INPUT"


class NotFound(ClearinghouseError):
    code = "NOT_FOUND"


class Conflict(ClearinghouseError):
    code = "CONFLICT"


class Unauthenticated(ClearinghouseError):
    code = "UNAUTHENTICATED"


class Forbidden(ClearinghouseError):
    code = "FORBIDDEN"


class Unavailable(ClearinghouseError):
    code = "UNAVAILABLE"


ERRORS = [BadInput, NotFound, Conflict, Unauthenticated, Forbidden, Unavailable]
CODES = {cls.__name__: cls.code for cls in ERRORS}


def _register():
    # nameko deserializes a remote error into its original class when the class's
    # import path is registered; otherwise the client sees a bare RemoteError.
    for cls in ERRORS:
        registry[f"{cls.__module__}.{cls.__name__}"] = cls


_register()


def code_of_remote(exc_type: str) -> str | None:
    """The error code for a nameko RemoteError's exc_type, or None if it is not ours."""
    return CODES.get(exc_type)
