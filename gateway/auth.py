"""Who is calling: ``Authorization: Bearer <key>`` resolved by members.authenticate and
remembered briefly, and the role checks resolvers make."""
from __future__ import annotations

import dataclasses
import hashlib
import time

from clearinghouse.errors import Forbidden, Unauthenticated

ROLES = ("public", "member", "partner", "staff")


@dataclasses.dataclass(frozen=True)
class Identity:
    role: str = "public"
    key_id: str | None = None
    owner_id: str | None = None
    owner_kind: str | None = None  # member, organization or None

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def caller(self) -> dict:
        """What the services are told of this caller (clearinghouse.caller.Caller on the wire)."""
        return {"role": self.role, "owner_id": self.owner_id, "owner_kind": self.owner_kind}

    def owner(self, action: str) -> str:
        """The member or organisation whose records this caller's subscriptions and asks
        are. Forbidden for a key that belongs to neither (notifications keeps records by owner)."""
        if self.owner_id:
            return self.owner_id
        raise Forbidden(f"{action} needs a key that belongs to a member or organisation; "
                        "this key has no owner, so ask staff for one that does")

    def subscriber(self, action: str) -> str | None:
        """Who owns a new subscription: the key's owner; None for a staff key without one
        (staff's own, as notifications allows)."""
        return self.owner_id if self.owner_id or self.is_staff else self.owner(action)

    def scope(self, action: str) -> str | None:
        """The owner_id to pass to notifications: None (everything) only for staff."""
        return None if self.is_staff else self.owner(action)


PUBLIC = Identity()


def bearer_key(header: str | None) -> str | None:
    """The key in an Authorization header; None when there is no header."""
    if not header or not header.strip():
        return None
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <api key>'")
    return key.strip()


# How long this process trusts what members said of a key. A revoked key, or the key of
# a member who lapsed or left, keeps working here for at most this long; one RPC per key
# every few seconds is a small price for that.
KEY_TTL_SECONDS = 5.0


class KeyCache:
    """Identities by key hash for ``ttl`` seconds, so most requests need no RPC."""

    def __init__(self, ttl: float = KEY_TTL_SECONDS, max_entries: int = 10_000, clock=time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, tuple[float, Identity]] = {}

    def identity(self, header: str | None, authenticate) -> Identity:
        """``authenticate(key) -> {key_id, role, owner_id, owner_kind}`` is called on a miss;
        its Unauthenticated (or Unavailable) passes through and is not remembered."""
        key = bearer_key(header)
        if key is None:
            return PUBLIC
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = self.clock()
        hit = self._entries.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        found = authenticate(key)
        identity = Identity(role=found["role"], key_id=found.get("key_id"),
                            owner_id=found.get("owner_id"), owner_kind=found.get("owner_kind"))
        if len(self._entries) >= self.max_entries:
            self._entries = {d: e for d, e in self._entries.items() if e[0] > now}
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
        self._entries[digest] = (now + self.ttl, identity)
        return identity


def require(identity: Identity, roles: tuple[str, ...], action: str):
    """Raise Unauthenticated for a caller without a key, Forbidden for a key of another role."""
    if identity.role in roles:
        return
    wanted = " or ".join(r.upper() for r in roles)
    if identity.role == "public":
        raise Unauthenticated(f"{action} needs a {wanted} API key; send Authorization: Bearer <key>")
    raise Forbidden(f"{action} is allowed for {wanted} keys only; this key is {identity.role.upper()}")
