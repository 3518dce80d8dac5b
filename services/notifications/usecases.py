"""Notifications' use cases, each read top to bottom: subscriptions, their deliveries, and
network asks with their answers and emails. Plain code over the repository, the caller
(clearinghouse.caller.Caller) and the service's now; the entrypoints in service.py call
them, and tests run them against an in-memory repository."""
from __future__ import annotations

import logging

from clearinghouse import validation as v
from clearinghouse.caller import Caller
from clearinghouse.errors import NotFound, Unavailable
from clearinghouse.issue_areas import check_issue_area
from clearinghouse.paging import check_count, check_first

from . import access, asks, bus, domain, signing

log = logging.getLogger(__name__)

MEMBERS_PAGE = 100
STAFF = {"role": "staff"}  # the followers' emails are private: notifications reads them as staff


# -- subscriptions -------------------------------------------------------------------------
def create_subscription(repo, guard, caller: Caller, owner_id, data, now: float, partners=None) -> dict:
    owner_id = access.new_subscription_owner(caller, domain.check_owner(owner_id, required=False))
    fields = domain.check_subscription(data)
    domain.check_room_for_one_more(owner_id, repo.count_subscriptions(owner_id))
    secret = ""
    if fields["channel"] == "webhook":
        guard.addresses(fields["url"])  # refused here, not at the first delivery
        secret = signing.new_secret()
    if fields["channel"] == "bus":
        return _create_bus_subscription(repo, guard, partners, owner_id, fields, now)
    sub = repo.insert_subscription(domain.new_subscription(owner_id, fields, secret, now))
    return {"subscription": domain.subscription_view(sub), "secret": secret}


def _create_bus_subscription(repo, guard, partners, owner_id, fields, now) -> dict:
    """Stored first (the store is the source of truth), then provisioned; if the broker
    refuses, the subscription is taken back so nothing is left half made."""
    if fields.get("forward"):
        guard.broker_addresses(fields["forward"]["uri"])
    password = bus.new_password()
    sub = {**domain.new_subscription(owner_id, fields, "", now), "password_hash": bus.password_hash(password)}
    repo.insert_subscription(sub)
    try:
        partners.provision(sub)
    except Exception:
        repo.delete_subscription(sub["id"])
        partners.remove(sub["id"])
        raise
    return {"subscription": bus_view(partners, sub), "secret": password}


def bus_view(partners, sub: dict) -> dict:
    """A subscription's view, with where a bus subscription's queue is read."""
    view = domain.subscription_view(sub)
    if sub["channel"] == "bus" and partners is not None:
        view["bus"] = partners.access(sub["id"])
    return view


def list_subscriptions(repo, caller: Caller, owner_id, partners=None) -> list[dict]:
    filtered, owner_id = access.subscriptions_owner(caller, domain.check_owner(owner_id, required=False))
    return [bus_view(partners, s) for s in repo.subscriptions(filtered, owner_id)]


def subscription(repo, caller: Caller, subscription_id, action: str) -> dict:
    """The subscription if the caller may see it (another owner's is NotFound)."""
    v.identifier(subscription_id, "subscription_id", "sub")
    return access.subscription(caller, repo.subscription(subscription_id), subscription_id, action)


def get_subscription(repo, caller: Caller, subscription_id, partners=None) -> dict:
    return bus_view(partners, subscription(repo, caller, subscription_id, "eventSubscription"))


def rotate_secret(repo, caller: Caller, subscription_id, now: float, partners=None) -> dict:
    sub = subscription(repo, caller, subscription_id, "rotateSubscriptionSecret")
    if sub["channel"] == "bus":  # the broker knows one password a user: the old one stops now
        password = bus.new_password()
        new = repo.save_subscription(domain.rotate_password(sub, bus.password_hash(password)), sub)
        partners.set_password_hash(sub["id"], new["password_hash"])
        return {"subscription": bus_view(partners, new), "secret": password}
    secret = signing.new_secret()
    new = repo.save_subscription(domain.rotate(sub, secret, now), sub)
    return {"subscription": domain.subscription_view(new), "secret": secret}


def set_subscription_active(repo, caller: Caller, subscription_id, active, now: float, partners=None) -> dict:
    sub = subscription(repo, caller, subscription_id, "setEventSubscriptionActive")
    new = repo.save_subscription(domain.set_active(sub, active, now, "paused by its owner"), sub)
    if not new["active"]:
        repo.park_queued(subscription_id, "subscription paused by its owner")
    if new["channel"] == "bus":  # paused: no access at all; resumed: made again
        partners.provision(new) if new["active"] else partners.remove(subscription_id)
    return bus_view(partners, new)


def delete_subscription(repo, caller: Caller, subscription_id, partners=None) -> bool:
    sub = subscription(repo, caller, subscription_id, "deleteEventSubscription")
    repo.delete_subscription(subscription_id)
    repo.park_queued(subscription_id, "subscription deleted")
    if sub["channel"] == "bus":
        partners.remove(subscription_id)
    return True


def reconcile_partners(repo, partners) -> dict | None:
    """The broker's partner users, queues and shovels made to match the store (None, and
    said once a period, while the broker's management API is away: the next run repairs)."""
    try:
        return partners.reconcile(repo.subscriptions(False), still_wanted=lambda sub_id: _active_bus(repo, sub_id))
    except Unavailable as exc:
        log.warning("partner queues not reconciled: %s", exc)
        return None


def _active_bus(repo, sub_id) -> bool:
    sub = repo.subscription(sub_id)
    return bool(sub and sub["channel"] == "bus" and sub["active"])


def list_deliveries(repo, caller: Caller, subscription_id, status, first, after, count=True) -> dict:
    subscription(repo, caller, subscription_id, "deliveries")
    status = v.choice(status.lower() if isinstance(status, str) else status, "status", domain.STATUSES,
                      required=False)
    page = repo.page_deliveries(subscription_id, status, check_first(first), after, check_count(count))
    for edge in page["edges"]:
        edge["node"] = domain.delivery_view(edge["node"])
    return page


def replay_deliveries(repo, caller: Caller, subscription_id, since, now: float) -> int:
    sub = subscription(repo, caller, subscription_id, "replayDeliveries")
    since_ts = v.datetime(since, "since").timestamp()
    domain.check_replayable(sub)
    return repo.replay(subscription_id, since_ts, now)


# -- asks --------------------------------------------------------------------------------
def post_ask(repo, members, caller: Caller, author_id, data, now: float) -> dict:
    author_id = access.ask_author(caller, author_id, "postAsk")
    author_id = asks.check_member_id(author_id, "author_id")
    fields = asks.check_ask(data)
    author = _check_member(members, author_id)
    ask, events = asks.new_ask(author_id, fields, now, author["name"])
    return asks.ask_view(repo.insert_ask(ask, events))


def answer_ask(repo, members, caller: Caller, ask_id, author_id, body, now: float) -> dict:
    v.identifier(ask_id, "ask_id", "ask")
    author_id = asks.check_member_id(access.ask_author(caller, author_id, "answerAsk"), "author_id")
    body = asks.check_body(body)
    _check_member(members, author_id)
    return asks.ask_view(repo.modify_ask(ask_id, lambda ask: asks.answer(ask, author_id, body, now)))


def get_ask(repo, caller: Caller, ask_id) -> dict:
    access.read_asks(caller, "ask")
    v.identifier(ask_id, "ask_id", "ask")
    return asks.ask_view(repo.ask(ask_id))


def get_asks(repo, caller: Caller, ask_ids) -> list:
    access.read_asks(caller, "asks")
    ids = asks.check_ask_ids(ask_ids)
    found = repo.asks(ids)
    return [asks.ask_view(found.get(i)) for i in ids]


def list_asks(repo, caller: Caller, issue_area, first, after, count=True) -> dict:
    access.read_asks(caller, "asks")
    if issue_area is not None:
        check_issue_area(issue_area, "issue_area")
    page = repo.page_asks(issue_area, check_first(first), after, check_count(count))
    for edge in page["edges"]:
        edge["node"] = asks.ask_view(edge["node"])
    return page


def queue_ask_emails(repo, members, posted: dict, now: float, also=None, headers=None) -> int:
    """Queue the email of an ask (ask.posted's data: the ask with its author's name) to
    every active member who follows its issue area (and those ``also(issue_area)`` names:
    the listserv's sponsors and experts), each with ``headers(ask_id, member_id)``; returns
    how many were new. The event carries all the email needs: neither the ask nor its
    author is read back."""
    reached = _followers(members, posted["issue_area"]) + (also(posted["issue_area"]) if also else [])
    records = asks.ask_emails(posted, posted.get("author_name"), reached, now)
    for record in records if headers else ():
        record["headers"] = headers(posted["id"], record["member_id"])
    return repo.insert_ask_emails(records)


def _check_member(members, member_id) -> dict:
    try:
        return members.get_member(member_id)
    except NotFound:
        asks.refuse_unknown_author(member_id)


def _followers(members, issue_area) -> list[dict]:
    """Every active member who follows ``issue_area``, page by page (staff sees emails)."""
    followers, after = [], None
    while True:
        page = members.list_members(filter={"issue_area": issue_area, "status": "active"},
                                    first=MEMBERS_PAGE, after=after, caller=STAFF)
        followers += [edge["node"] for edge in page["edges"]]
        if not page["page_info"]["has_next_page"]:
            return followers
        after = page["page_info"]["end_cursor"]
