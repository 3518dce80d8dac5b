"""The notifications repository over pymongo, the only module that speaks MongoDB:
subscriptions, the events they matched, deliveries (one per subscription and event, by a
unique key), asks and ask emails. The rest of the service sees entities with an ``id``;
here an entity's id is its document's ``_id``."""
from __future__ import annotations

import json

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clearinghouse import paging, store
from clearinghouse.errors import Conflict, NotFound
from clearinghouse.store import Entities, Repository

from .domain import QUEUED

DUPLICATE = 11000


def stored(entity: dict) -> dict:
    """The document for an entity."""
    return store.document(entity)


def entity(doc: dict | None) -> dict | None:
    """The entity a document holds, without the store's bookkeeping."""
    out = store.entity(doc)
    if out is None:
        return None
    out["id"] = out.pop("id")  # last, as it always was
    if "active" in out:
        out["active"] = bool(out["active"])  # $set may hand a stored boolean back as 0/1
    return out


def ask_email_key(ask_id: str, member_id: str) -> str:
    # one email per ask and member: a redelivered ask.posted queues nobody twice
    return f"{ask_id}:{member_id}"


def _insert_ignoring_duplicates(collection, docs: list[dict]) -> int:
    if not docs:
        return 0
    try:
        return len(collection.insert_many(docs, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        others = [e for e in exc.details.get("writeErrors", []) if e.get("code") != DUPLICATE]
        if others:
            raise
        return exc.details.get("nInserted", 0)


class Records(Entities):
    """Subscriptions and asks as the service's dicts, over the generic write path of
    Repository or its twin (clearinghouse.store.Entities)."""

    def entity(self, collection: str, doc: dict | None) -> dict | None:
        return entity(doc)

    def missing(self, collection: str, entity_id: str) -> str:
        return f"no {collection[:-1]} {entity_id!r}"

    def subscription(self, subscription_id: str) -> dict | None:
        return self.lookup("subscriptions", subscription_id)

    def subscriptions_by_id(self, ids) -> dict:
        return self.lookup_many("subscriptions", ids)

    def insert_ask(self, ask: dict, events: list[dict]) -> dict:
        return self.add("asks", ask, events)

    def modify_ask(self, ask_id: str, change) -> dict:
        """Apply ``change(ask) -> (new ask, events)`` and store it (read again on a race)."""
        return self.change("asks", ask_id, change)[0]

    def ask(self, ask_id: str) -> dict:
        return self.get("asks", ask_id)

    def asks(self, ask_ids) -> dict:
        return self.lookup_many("asks", ask_ids)


class NotificationsRepository(Records, Repository):
    outbox_collections = ("asks",)

    def ensure_indexes(self):
        super().ensure_indexes()
        self.db.subscriptions.create_index([("owner_id", ASCENDING)])
        self.db.subscriptions.create_index([("active", ASCENDING)])
        # the at-most-once guarantee: one delivery per subscription and event
        self.db.deliveries.create_index([("subscription_id", ASCENDING), ("event_id", ASCENDING)], unique=True)
        self.db.deliveries.create_index([("status", ASCENDING), ("due_at", ASCENDING)])
        self.db.deliveries.create_index([("subscription_id", ASCENDING), ("seq", ASCENDING)])
        self.db.asks.create_index([("issue_area", ASCENDING), ("posted_ts", DESCENDING)])
        self.db.ask_emails.create_index([("status", ASCENDING), ("due_at", ASCENDING)])

    def _newest_first(self, collection: str, query: dict, first: int, after, field: str, field_type, kind: str,
                      count=True):
        """A page by ``field`` then id, newest first (Repository.page reads oldest first
        only); the cursor is checked by paging.decode as there."""
        position = paging.decode(after, kind=kind, types=(field_type, str))
        find = dict(query)
        if position is not None:
            value, last_id = position
            find["$or"] = [{field: {"$lt": value}}, {field: value, "_id": {"$lt": last_id}}]
        rows = list(self.db[collection].find(find).sort([(field, -1), ("_id", -1)]).limit(first + 1))
        total = self.db[collection].count_documents(query) if count else None
        return self.nodes(collection, paging.page(rows, first, total, lambda d: [field_type(d[field]), d["_id"]],
                                                  kind=kind))

    # -- subscriptions -----------------------------------------------------------------
    def insert_subscription(self, sub: dict) -> dict:
        self.db.subscriptions.insert_one(stored(sub))
        self._changed()
        return sub

    def _changed(self):
        # after every subscription write, so a cache that saw the old revision reloads
        self.db.counters.update_one({"_id": "subscriptions_rev"}, {"$inc": {"value": 1}}, upsert=True)

    def subscriptions_revision(self) -> int:
        doc = self.db.counters.find_one({"_id": "subscriptions_rev"})
        return doc["value"] if doc else 0

    def subscriptions(self, filtered: bool, owner_id: str | None = None) -> list[dict]:
        """Every subscription, or (``filtered``) those of one owner; None is staff's own."""
        query = {"owner_id": owner_id} if filtered else {}
        return [entity(d) for d in self.db.subscriptions.find(query).sort([("created_ts", 1), ("_id", 1)])]

    def count_subscriptions(self, owner_id: str | None) -> int:
        return self.db.subscriptions.count_documents({"owner_id": owner_id})

    def active_subscriptions(self) -> list[dict]:
        return [entity(d) for d in self.db.subscriptions.find({"active": True}, {"secrets": 0})]

    def save_subscription(self, new: dict, read: dict) -> dict:
        """Store ``new`` if nobody changed the subscription since we ``read`` it."""
        result = self.db.subscriptions.replace_one({"_id": read["id"], "version": read["version"]}, stored(new))
        if result.matched_count != 1:
            raise Conflict(f"subscription {read['id']} changed while you edited it; read it again and retry")
        self._changed()
        return new

    def update_subscription(self, subscription_id: str, changes: dict):
        matched = self.db.subscriptions.update_one({"_id": subscription_id},
                                                   {"$set": changes, "$inc": {"version": 1}}).matched_count
        self._changed()
        return matched

    def delete_subscription(self, subscription_id: str):
        if self.db.subscriptions.delete_one({"_id": subscription_id}).deleted_count != 1:
            raise NotFound(f"no subscription {subscription_id!r}")
        self._changed()

    # -- events and deliveries -----------------------------------------------------------
    def record_event(self, event: dict, seq: int, now: float) -> int:
        """Keep the event's body once with its place in arrival order; a duplicate keeps
        the place it got the first time, which is returned."""
        body = json.dumps(event, separators=(",", ":"), sort_keys=True)
        try:
            self.db.events.insert_one({"_id": event["id"], "type": event["type"], "seq": seq,
                                       "received_ts": now, "body": body})
        except DuplicateKeyError:
            return self.db.events.find_one({"_id": event["id"]}, {"seq": 1})["seq"]
        return seq

    def event_bodies(self, event_ids) -> dict:
        """Each kept event's body (its JSON), by event id."""
        return {d["_id"]: d["body"] for d in self.db.events.find({"_id": {"$in": list(set(event_ids))}})}

    def insert_deliveries(self, deliveries: list[dict]) -> int:
        return _insert_ignoring_duplicates(self.db.deliveries, [stored(d) for d in deliveries])

    def due_deliveries(self, now: float, mode: str, limit: int, skip=(), channel: str | None = None) -> list[dict]:
        """Queued deliveries due by ``now`` in arrival order (of one channel if given),
        leaving out subscriptions in ``skip``."""
        query = {"status": {"$in": list(QUEUED)}, "mode": mode, "due_at": {"$lte": now},
                 **({"channel": channel} if channel else {})}
        if skip:
            query["subscription_id"] = {"$nin": sorted(skip)}
        return [entity(d) for d in self.db.deliveries.find(query).sort([("seq", 1), ("_id", 1)]).limit(limit)]

    def waiting_heads(self, now: float) -> set:
        """Subscriptions with a delivery waiting for a later retry: nothing queued behind
        it may be attempted first."""
        return set(self.db.deliveries.distinct(
            "subscription_id", {"status": "retrying", "mode": "realtime", "due_at": {"$gt": now}}))

    def claim(self, delivery_id: str, now: float, lease: float) -> bool:
        """Take a delivery for one attempt; False if another worker holds it."""
        return self.db.deliveries.update_one(
            {"_id": delivery_id, "status": {"$in": list(QUEUED)}, "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease}}).matched_count == 1

    def claim_many(self, delivery_ids: list[str], now: float, lease: float, token: str) -> set:
        """Take many deliveries at once; returns the ids this ``token`` now holds."""
        if not delivery_ids:
            return set()
        self.db.deliveries.update_many(
            {"_id": {"$in": delivery_ids}, "status": {"$in": list(QUEUED)}, "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease, "lease_token": token}})
        return {d["_id"] for d in self.db.deliveries.find({"_id": {"$in": delivery_ids}, "lease_token": token},
                                                          {"_id": 1})}

    def renew(self, delivery_ids: list[str], token: str, until: float):
        self.db.deliveries.update_many({"_id": {"$in": delivery_ids}, "lease_token": token},
                                       {"$set": {"lease_until": until}})

    def release(self, delivery_ids: list[str], token: str):
        self.db.deliveries.update_many({"_id": {"$in": delivery_ids}, "lease_token": token},
                                       {"$set": {"lease_until": 0.0}})

    def finish_many_each(self, outcomes: list[tuple[str, dict]]):
        """Record many attempts' outcomes in one round trip."""
        if outcomes:
            self.db.deliveries.bulk_write([UpdateOne({"_id": i}, {"$set": c}) for i, c in outcomes], ordered=False)

    def finish_many(self, delivery_ids: list[str], changes: dict):
        self.db.deliveries.update_many({"_id": {"$in": delivery_ids}}, {"$set": changes})

    def park_queued(self, subscription_id: str, reason: str) -> int:
        return self.db.deliveries.update_many(
            {"subscription_id": subscription_id, "status": {"$in": list(QUEUED)}},
            {"$set": {"status": "parked", "due_at": None, "last_error": reason, "lease_until": 0.0}}).modified_count

    def replay(self, subscription_id: str, since: float, now: float) -> int:
        return self.db.deliveries.update_many(
            {"subscription_id": subscription_id, "created_ts": {"$gte": since},
             "status": {"$in": ["succeeded", "parked"]}},
            {"$set": {"status": "pending", "attempts": 0, "due_at": now, "lease_until": 0.0}}).modified_count

    def page_deliveries(self, subscription_id: str, status: str | None, first: int, after, count=True):
        """Newest first, by arrival order, then id."""
        query = {"subscription_id": subscription_id, **({"status": status} if status else {})}
        return self._newest_first("deliveries", query, first, after, "seq", int, kind="deliveries", count=count)

    # -- asks ------------------------------------------------------------------------------
    def page_asks(self, issue_area: str | None, first: int, after, count=True):
        """Newest first."""
        query = {"issue_area": issue_area} if issue_area else {}
        return self._newest_first("asks", query, first, after, "posted_ts", float, kind="asks", count=count)

    def insert_ask_emails(self, records: list[dict]) -> int:
        docs = [{"_id": ask_email_key(r["ask_id"], r["member_id"]), **r} for r in records]
        return _insert_ignoring_duplicates(self.db.ask_emails, docs)

    def due_ask_emails(self, now: float, limit: int) -> list[dict]:
        query = {"status": {"$in": list(QUEUED)}, "due_at": {"$lte": now}}
        return [entity(d) for d in self.db.ask_emails.find(query).limit(limit)]

    def claim_ask_email(self, email_id: str, now: float, lease: float) -> bool:
        return self.db.ask_emails.update_one(
            {"_id": email_id, "status": {"$in": list(QUEUED)}, "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease}}).matched_count == 1

    def finish_ask_email(self, email_id: str, changes: dict):
        self.db.ask_emails.update_one({"_id": email_id}, {"$set": changes})
