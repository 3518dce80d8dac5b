"""Who is calling: ``Authorization: Bearer <key>`` resolved by members.authenticate and
remembered briefly. What a caller may see or do is decided by the service that owns the data."""
from __future__ import annotations

import dataclasses
import hashlib
import time

from clearinghouse.errors import Unauthenticated

@dataclasses.dataclass(frozen=True)
class Identity:
    role: str = "public"
    key_id: str | None = None
    owner_id: str | None = None
    owner_kind: str | None = None  # member, organization or None

    @property
    def caller(self) -> dict:
        """What the services are told of this caller (clearinghouse.caller.Caller on the wire)."""
        return {"role": self.role, "owner_id": self.owner_id, "owner_kind": self.owner_kind}


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
