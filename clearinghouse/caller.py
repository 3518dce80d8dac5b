"""Who is asking: the role and owner every RPC that acts for a client takes as ``caller``.

The gateway authenticates and passes the caller through as a plain dict
(``{"role": "member", "owner_id": "mem_...", "owner_kind": "member"}``); the service that
owns the data decides what that caller may see or do. A missing caller is the public.
"""
from __future__ import annotations

import dataclasses
import re

from .errors import BadInput, Forbidden, Unauthenticated

ROLES = ("public", "member", "partner", "staff")
# Who may read the network's asks: notifications owns them and search finds them, and the
# two must agree, so both read it here.
ASK_READERS = ("member", "partner", "staff")
OWNER_KINDS = ("member", "organization")
_OWNER_ID = re.compile(r"(mem|org)_[0-9a-f]{16}")


@dataclasses.dataclass(frozen=True)
class Caller:
    role: str = "public"
    owner_id: str | None = None
    owner_kind: str | None = None  # member, organization or None (a staff key of no one)

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def is_public(self) -> bool:
        return self.role == "public"

    def owns(self, owner_id: str | None) -> bool:
        """True when this caller is the owner named (never for an absent owner)."""
        return owner_id is not None and self.owner_id == owner_id

    def require(self, roles: tuple[str, ...], action: str):
        """Unauthenticated for the public, Forbidden for a key of a role not in ``roles``."""
        if self.role in roles:
            return
        wanted = " or ".join(r.upper() for r in roles)
        if self.is_public:
            raise Unauthenticated(f"{action} needs a {wanted} API key; send Authorization: Bearer <key>")
        raise Forbidden(f"{action} is for {wanted} keys only; this key is {self.role.upper()}")

    def to_wire(self) -> dict:
        """The dict that crosses RPC."""
        return {"role": self.role, "owner_id": self.owner_id, "owner_kind": self.owner_kind}

    @classmethod
    def of(cls, value) -> "Caller":
        """The caller an RPC was given: None is the public; a dict is checked in full."""
        if value is None:
            return PUBLIC
        if isinstance(value, Caller):
            return value
        if not isinstance(value, dict):
            raise BadInput('caller must be an object like {"role": "member", "owner_id": "mem_..."}, '
                           f"got {type(value).__name__}")
        unknown = set(value) - {"role", "owner_id", "owner_kind"}
        if unknown:
            raise BadInput(f"caller has unknown fields {sorted(unknown)}; use role, owner_id and owner_kind")
        role = value.get("role", "public")
        if role not in ROLES:
            raise BadInput(f"caller role {role!r} is not allowed; use one of: {', '.join(ROLES)}")
        owner_id, owner_kind = value.get("owner_id"), value.get("owner_kind")
        if owner_id is not None and (not isinstance(owner_id, str) or not _OWNER_ID.fullmatch(owner_id)):
            raise BadInput(f"caller owner_id {owner_id!r} is not a member or organisation id "
                           "(mem_0123456789abcdef or org_0123456789abcdef)")
        if owner_kind is not None and owner_kind not in OWNER_KINDS:
            raise BadInput(f"caller owner_kind {owner_kind!r} is not allowed; use member or organization")
        if role == "public" and owner_id is not None:
            raise BadInput("a public caller has no owner; send a role with the owner_id")
        return cls(role=role, owner_id=owner_id, owner_kind=owner_kind)


PUBLIC = Caller()
