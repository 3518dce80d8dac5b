"""Who may do what in notifications, decided here for every caller (clearinghouse.caller):
a member or partner sees and manages only its own subscriptions and their deliveries,
staff every one; asks are read by members, partners and staff, and asked and answered by
a member as itself (staff for any member). Pure functions; no I/O."""
from __future__ import annotations

from clearinghouse.caller import ASK_READERS, Caller
from clearinghouse.errors import Forbidden, NotFound

SUBSCRIBERS = ("member", "partner", "staff")
ASKERS = ("member", "staff")


def _own(caller: Caller, action: str) -> str:
    if caller.owner_id is None:
        raise Forbidden(f"{action} needs a key that belongs to a member or organisation; "
                        "this key has no owner, so ask staff for one that does")
    return caller.owner_id


def new_subscription_owner(caller: Caller, owner_id: str | None) -> str | None:
    """Whose a new subscription is: the caller's own; staff may name any owner (None: staff's own)."""
    action = "createEventSubscription"
    caller.require(SUBSCRIBERS, action)
    if caller.is_staff:
        return owner_id if owner_id is not None else caller.owner_id
    own = _own(caller, action)
    if owner_id is not None and owner_id != own:
        raise Forbidden("a subscription belongs to the owner of the key that creates it; leave owner_id out")
    return own


def subscriptions_owner(caller: Caller, owner_id: str | None) -> tuple[bool, str | None]:
    """(filtered, owner) for a listing: staff see every owner's unless they name one;
    anyone else sees their own only."""
    action = "eventSubscriptions"
    caller.require(SUBSCRIBERS, action)
    if caller.is_staff:
        return owner_id is not None, owner_id
    own = _own(caller, action)
    if owner_id is not None and owner_id != own:
        raise Forbidden("you can list only your own subscriptions; leave owner_id out")
    return True, own


def subscription(caller: Caller, doc: dict | None, subscription_id: str, action: str) -> dict:
    """The subscription if the caller may see it. Another owner's is NotFound with the
    same message as a missing one, so no one learns which ids exist."""
    caller.require(SUBSCRIBERS, action)
    if doc is None or not (caller.is_staff or caller.owns(doc["owner_id"])):
        raise NotFound(f"no subscription {subscription_id!r}" + ("" if caller.is_staff else " of yours"))
    return doc


def read_asks(caller: Caller, action: str = "asks"):
    caller.require(ASK_READERS, action)


def ask_author(caller: Caller, author_id: str | None, action: str) -> str:
    """Who asks or answers: a member as itself; staff for the member named (or itself)."""
    caller.require(ASKERS, action)
    if caller.is_staff and author_id is not None:
        return author_id
    own = _own(caller, action)
    if author_id is not None and author_id != own:
        raise Forbidden(f"{action}: a member asks and answers as itself; leave author_id out or pass your own id")
    return own
