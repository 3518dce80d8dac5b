"""Notifications' rules: subscriptions and their filters, matching an event, the retry
schedule and what an attempt's outcome does to a delivery and its subscription.
Pure functions over plain dicts and epoch seconds; no I/O."""
from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
import urllib.parse
import uuid
from dataclasses import dataclass

from clearinghouse import ocd, validation as v
from clearinghouse.errors import BadInput, Conflict
from clearinghouse.events import CATALOG
from clearinghouse.issue_areas import check_issue_areas
from clearinghouse.statuses import LEGAL_THEORIES

CHANNELS = ("webhook", "email", "bus")
MODES = ("realtime", "daily_digest")
STATUSES = ("pending", "retrying", "succeeded", "parked")
QUEUED = ("pending", "retrying")  # a delivery still to be attempted
SUBSCRIPTION_FIELDS = ("channel", "url", "email", "event_types", "issue_areas", "states", "mode",
                       "legal_theories", "sponsored", "forward")

# Seconds to wait after the n-th failed attempt: about 3.2 days in all before parking.
SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600) + (10 * 3600,) * 7
JITTER = 0.2  # up to 20% added, never taken away, so the schedule still spans 3 days
MAX_RETRY_AFTER = 24 * 3600
DISABLE_AFTER = 5 * 24 * 3600  # an endpoint failing this long without a success is disabled
ROTATION_OVERLAP = 24 * 3600  # the old secret keeps signing this long after a rotation
TIMEOUT = 15.0
MAX_ERROR = 500
MAX_SUBSCRIPTIONS = 50  # per owner: each one is a stream of requests or mail to someone


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    moment = dt.datetime.fromtimestamp(ts, dt.timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day_of(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).date().isoformat()


def end_of_day(day: str) -> float:
    start = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    return (start + dt.timedelta(days=1)).timestamp()


# -- subscriptions -----------------------------------------------------------------------

def check_owner(owner_id, field="owner_id", *, required=True):
    if owner_id is None and not required:
        return None
    if not isinstance(owner_id, str) or not owner_id.startswith(("mem_", "org_")):
        raise BadInput(f"{field} {owner_id!r} must be a member (mem_...) or organisation (org_...) id")
    return v.identifier(owner_id, field, owner_id[:3])


def check_subscription(data) -> dict:
    """Validated subscription fields. The webhook URL's reachability is the guard's job."""
    v.mapping(data, "subscription")
    v.only_keys(data, "subscription", SUBSCRIPTION_FIELDS)
    channel = v.choice(data.get("channel"), "channel", CHANNELS)
    mode = v.choice(data.get("mode") or "realtime", "mode", MODES)
    event_types = v.text_list(data.get("event_types"), "event_types", max_items=len(CATALOG))
    unknown = [t for t in event_types if t not in CATALOG]
    if unknown:
        raise BadInput(f"event_types {unknown} are not events we publish; use any of: {', '.join(CATALOG)}")
    fields = {
        "channel": channel, "mode": mode, "event_types": sorted(set(event_types)),
        "issue_areas": check_issue_areas(data.get("issue_areas"), "issue_areas"),
        "states": sorted({ocd.check_state(s, "states[]") for s in v.list_of(data.get("states"), "states")}),
        "legal_theories": sorted({v.choice(t, "legal_theories[]", LEGAL_THEORIES)
                                  for t in v.list_of(data.get("legal_theories"), "legal_theories")}),
        "sponsored": data.get("sponsored") or False,
        "url": None, "email": None,
    }
    if not isinstance(fields["sponsored"], bool):
        raise BadInput(f"sponsored must be true or false, got {data.get('sponsored')!r}")
    if data.get("forward") is not None and channel != "bus":
        raise BadInput("forward is for bus subscriptions (channel bus): it shovels their queue to your broker")
    if channel == "webhook":
        if data.get("email") is not None:
            raise BadInput("a webhook subscription takes url, not email")
        fields["url"] = v.url(data.get("url"), "url", required=True)
        if mode != "realtime":
            raise BadInput("a webhook subscription is realtime; daily_digest is for email subscriptions")
    elif channel == "bus":
        if data.get("url") is not None or data.get("email") is not None:
            raise BadInput("a bus subscription takes neither url nor email: its queue and credentials are made "
                           "for it (give forward {uri, exchange} to have it shovelled to your own broker)")
        if mode != "realtime":
            raise BadInput("a bus subscription is realtime; daily_digest is for email subscriptions")
        forward = check_forward(data.get("forward"))
        if forward:
            fields["forward"] = forward
    else:
        if data.get("url") is not None:
            raise BadInput("an email subscription takes email, not url")
        fields["email"] = v.email(data.get("email"), "email", required=True)
    return fields


def check_forward(value) -> dict | None:
    """Where a bus subscription's queue is shovelled: an amqps:// URI (its host is checked
    by the SSRF guard, as a webhook's is) and an exchange there."""
    if value is None:
        return None
    v.mapping(value, "forward")
    v.only_keys(value, "forward", ("uri", "exchange"))
    uri = v.line(value.get("uri"), "forward.uri", 2048, required=True)
    if not re.fullmatch(r"amqps?://[^\s/?#]+(/[^\s?#]*)?", uri):
        raise BadInput("forward.uri must be an amqps:// URI of your broker, e.g. amqps://user:pass@mq.example.org/vhost")
    exchange = v.line(value.get("exchange"), "forward.exchange", 255, required=True)
    if not re.fullmatch(r"[A-Za-z0-9_.:-]+", exchange):
        raise BadInput(f"forward.exchange {exchange[:80]!r} may hold only letters, digits and _ . : -")
    return {"uri": uri, "exchange": exchange}


def forward_view(forward: dict | None) -> dict | None:
    """What is shown of a shovel's target: host and exchange, never the URI's credentials."""
    if not forward:
        return None
    return {"host": urllib.parse.urlsplit(forward["uri"]).hostname, "exchange": forward["exchange"]}


def rotate_password(doc: dict, hashed: str) -> dict:
    """A bus subscription's new password (its hash): the old one stops at once."""
    return {**doc, "password_hash": hashed, "version": doc["version"] + 1}


def new_subscription(owner_id: str | None, fields: dict, secret: str, now: float) -> dict:
    if fields.get("sponsored") and not (owner_id or "").startswith("mem_"):
        raise BadInput("sponsored (only events about ordinances you sponsor) is for a member's own subscription")
    return {
        "id": new_id("sub"), "owner_id": owner_id, **fields, "active": True,
        "disabled_reason": None, "failing_since": None, "created_at": iso(now), "created_ts": now,
        "secrets": [{"secret": secret, "expires_ts": None}] if secret else [], "version": 1,
    }


def subscription_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in ("owner_id", "channel", "url", "email", "event_types", "issue_areas",
                                   "states", "mode", "active", "disabled_reason", "created_at")}
    out["legal_theories"] = doc.get("legal_theories") or []
    out["sponsored"] = bool(doc.get("sponsored"))
    out["id"] = doc["id"]
    out["active"] = bool(doc.get("active"))
    if doc.get("channel") == "bus":
        out["forward"] = forward_view(doc.get("forward"))
    return out


def check_room_for_one_more(owner_id: str | None, count: int):
    if count >= MAX_SUBSCRIPTIONS:
        raise Conflict(f"{owner_id or 'staff'} already has {count} subscriptions, the most one owner may have "
                       f"({MAX_SUBSCRIPTIONS}); delete one you no longer use, or widen an existing one's filters")


def rotate(doc: dict, secret: str, now: float) -> dict:
    """A new signing secret; the current one keeps signing for ROTATION_OVERLAP."""
    if doc["channel"] != "webhook":
        raise BadInput(f"subscription {doc['id']} is an {doc['channel']} subscription; only webhooks have a secret")
    kept = [{**s, "expires_ts": s["expires_ts"] or now + ROTATION_OVERLAP}
            for s in doc.get("secrets", []) if s["expires_ts"] is None or s["expires_ts"] > now]
    return {**doc, "secrets": [{"secret": secret, "expires_ts": None}] + kept, "version": doc["version"] + 1}


def signing_secrets(doc: dict, now: float) -> list[str]:
    return [s["secret"] for s in doc.get("secrets", []) if s["expires_ts"] is None or s["expires_ts"] > now]


def set_active(doc: dict, active: bool, now: float, reason: str | None = None) -> dict:
    if not isinstance(active, bool):
        raise BadInput(f"active must be true or false, got {active!r}")
    return {**doc, "active": active, "disabled_reason": None if active else reason,
            "failing_since": None, "version": doc["version"] + 1}


# -- matching ----------------------------------------------------------------------------

def event_issue_areas(event: dict) -> set:
    data = event.get("data") or {}
    areas = set(data.get("issue_areas") or [])
    if data.get("issue_area"):
        areas.add(data["issue_area"])
    return areas


def event_states(event: dict) -> set:
    data = event.get("data") or {}
    states = {data["state"]} if isinstance(data.get("state"), str) else set()
    if isinstance(data.get("states"), list):  # a case over laws in several states
        states |= {s for s in data["states"] if isinstance(s, str)}
    jurisdictions = [data.get("jurisdiction")] + [o.get("jurisdiction") for o in data.get("offices") or []
                                                  if isinstance(o, dict) and not o.get("end_date")]
    for j in jurisdictions:
        if isinstance(j, str) and j.startswith("ocd-division/country:us/state:"):
            states.add(ocd.state_of(j))
    return states


def matches(sub: dict, event: dict) -> bool:
    """An empty filter lets everything through; a set filter needs the event to name a value."""
    if not sub.get("active"):
        return False
    if sub["event_types"] and event["type"] not in sub["event_types"]:
        return False
    if sub["issue_areas"] and not event_issue_areas(event) & set(sub["issue_areas"]):
        return False
    if sub["states"] and not event_states(event) & set(sub["states"]):
        return False
    data = event.get("data") or {}
    if sub.get("legal_theories") and not set(data.get("legal_theories") or []) & set(sub["legal_theories"]):
        return False
    # sponsored: only events naming the subscriber among the sponsors (of an ordinance, or of
    # those a ruling or a bill affects)
    if sub.get("sponsored") and sub["owner_id"] not in (data.get("sponsor_ids") or []):
        return False
    return True


def new_delivery(sub: dict, event: dict, seq: int, now: float) -> dict:
    digest = sub["mode"] == "daily_digest"
    return {
        "id": new_id("dlv"), "subscription_id": sub["id"], "owner_id": sub["owner_id"],
        "channel": sub["channel"], "mode": sub["mode"], "event_id": event["id"], "event_type": event["type"],
        "seq": seq, "status": "pending", "attempts": 0, "created_ts": now, "created_at": iso(now),
        # a digest delivery waits for its day to end; a realtime one is due at once
        "digest_day": day_of(now) if digest else None,
        "due_at": end_of_day(day_of(now)) if digest else now,
        "lease_until": 0.0, "last_attempt_at": None, "last_status_code": None, "last_error": None,
    }


def delivery_view(doc: dict) -> dict:
    out = {k: doc.get(k) for k in ("subscription_id", "event_id", "event_type", "status", "attempts",
                                   "last_attempt_at", "last_status_code", "last_error")}
    out["id"] = doc["id"]
    out["next_attempt_at"] = iso(doc.get("due_at")) if doc["status"] in QUEUED else None
    return out


# -- attempts and the schedule -------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What one attempt got back: a status code, or an error before any answer."""
    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds, from a 429/503's Retry-After
    unsendable: bool = False  # the message can never be built (a bad header): retrying cannot help

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410

    def describe(self) -> str | None:
        if self.ok:
            return None
        if self.error:
            return self.error[:MAX_ERROR]
        if self.status_code is not None and 300 <= self.status_code < 400:
            return f"HTTP {self.status_code}: redirects are not followed; subscribe the final URL"
        return f"HTTP {self.status_code}"


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - now)


def backoff(failed_attempts: int, rng=random) -> float | None:
    """Seconds before the next attempt after ``failed_attempts`` failures; None when the
    schedule is exhausted."""
    if failed_attempts > len(SCHEDULE):
        return None
    return SCHEDULE[failed_attempts - 1] * (1 + rng.random() * JITTER)


def after_attempt(delivery: dict, outcome: Outcome, now: float, rng=random) -> tuple[dict, str]:
    """The delivery's changes after an attempt and the verdict: succeeded, retrying,
    parked (schedule exhausted), gone (410: the endpoint asked to be dropped) or
    unsendable (parked at once: the message itself is bad, not the endpoint)."""
    attempts = delivery["attempts"] + 1
    changes = {"attempts": attempts, "last_attempt_at": iso(now), "last_status_code": outcome.status_code,
               "last_error": outcome.describe(), "lease_until": 0.0}
    if outcome.ok:
        return {**changes, "status": "succeeded", "due_at": None}, "succeeded"
    if outcome.gone:
        return {**changes, "status": "parked", "due_at": None}, "gone"
    if outcome.unsendable:
        return {**changes, "status": "parked", "due_at": None}, "unsendable"
    delay = backoff(attempts, rng)
    if delay is None:
        return {**changes, "status": "parked", "due_at": None}, "parked"
    if outcome.retry_after is not None and outcome.status_code in (429, 503):
        delay = min(max(outcome.retry_after, SCHEDULE[0]), MAX_RETRY_AFTER)
    return {**changes, "status": "retrying", "due_at": now + delay}, "retrying"


def subscription_after(sub: dict, verdict: str, now: float) -> dict | None:
    """The subscription's changes after an attempt's verdict, or None for none."""
    if verdict == "succeeded":
        return {"failing_since": None} if sub.get("failing_since") is not None else None
    if verdict == "unsendable":  # says nothing about the endpoint
        return None
    if verdict == "gone":
        return {"active": False, "failing_since": None,
                "disabled_reason": f"the endpoint answered 410 Gone at {iso(now)}; "
                                   "fix it and set the subscription active"}
    since = sub.get("failing_since") or now
    if now - since >= DISABLE_AFTER:
        return {"active": False, "failing_since": None,
                "disabled_reason": f"every attempt failed from {iso(since)} to {iso(now)}; "
                                   "fix the endpoint, set the subscription active and replay"}
    return None if sub.get("failing_since") is not None else {"failing_since": since}


def check_replayable(sub: dict):
    if not sub["active"]:
        raise Conflict(f"subscription {sub['id']} is disabled ({sub.get('disabled_reason') or 'by its owner'}); "
                       "set it active before replaying")
