"""The notifications repository over pymongo: subscriptions, the events they matched,
deliveries (one per subscription and event, by a unique key), asks and ask emails."""
from __future__ import annotations

import json

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clearinghouse import paging
from clearinghouse.errors import Conflict, NotFound
from clearinghouse.store import Repository

from .domain import QUEUED

DUPLICATE = 11000


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


class NotificationsStore(Repository):
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

    # -- subscriptions -----------------------------------------------------------------
    def insert_subscription(self, doc: dict) -> dict:
        self.db.subscriptions.insert_one(doc)
        self._changed()
        return doc

    def _changed(self):
        # after every subscription write, so a cache that saw the old revision reloads
        self.db.counters.update_one({"_id": "subscriptions_rev"}, {"$inc": {"value": 1}}, upsert=True)

    def subscriptions_revision(self) -> int:
        doc = self.db.counters.find_one({"_id": "subscriptions_rev"})
        return doc["value"] if doc else 0

    def subscription(self, subscription_id: str) -> dict | None:
        return self.db.subscriptions.find_one({"_id": subscription_id})

    def subscriptions(self, filtered: bool, owner_id: str | None = None) -> list[dict]:
        """Every subscription, or (``filtered``) those of one owner; None is staff's own."""
        query = {"owner_id": owner_id} if filtered else {}
        return list(self.db.subscriptions.find(query).sort([("created_ts", 1), ("_id", 1)]))

    def count_subscriptions(self, owner_id: str | None) -> int:
        return self.db.subscriptions.count_documents({"owner_id": owner_id})

    def active_subscriptions(self) -> list[dict]:
        return list(self.db.subscriptions.find({"active": True}, {"secrets": 0}))

    def subscriptions_by_id(self, ids) -> dict:
        return {d["_id"]: d for d in self.db.subscriptions.find({"_id": {"$in": list(ids)}})}

    def save_subscription(self, new: dict, read: dict) -> dict:
        """Store ``new`` if nobody changed the subscription since we ``read`` it."""
        result = self.db.subscriptions.replace_one({"_id": read["_id"], "version": read["version"]}, new)
        if result.matched_count != 1:
            raise Conflict(f"subscription {read['_id']} changed while you edited it; read it again and retry")
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

    def events(self, event_ids) -> dict:
        return {d["_id"]: d for d in self.db.events.find({"_id": {"$in": list(set(event_ids))}})}

    def insert_deliveries(self, docs: list[dict]) -> int:
        return _insert_ignoring_duplicates(self.db.deliveries, docs)

    def delivery(self, delivery_id: str) -> dict | None:
        return self.db.deliveries.find_one({"_id": delivery_id})

    def due_deliveries(self, now: float, mode: str, limit: int, skip=(), channel: str | None = None) -> list[dict]:
        """Queued deliveries due by ``now`` in arrival order (of one channel if given),
        leaving out subscriptions in ``skip``."""
        query = {"status": {"$in": list(QUEUED)}, "mode": mode, "due_at": {"$lte": now},
                 **({"channel": channel} if channel else {})}
        if skip:
            query["subscription_id"] = {"$nin": sorted(skip)}
        return list(self.db.deliveries.find(query).sort([("seq", 1), ("_id", 1)]).limit(limit))

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

    def page_deliveries(self, subscription_id: str, status: str | None, first: int, after):
        """Newest first, by arrival order, then id."""
        query = {"subscription_id": subscription_id, **({"status": status} if status else {})}
        find = dict(query)
        # checked: only an int and a string come out of a client's cursor
        position = paging.decode(after, kind="deliveries", types=(int, str))
        if position is not None:
            seq, last_id = position
            find["$or"] = [{"seq": {"$lt": seq}}, {"seq": seq, "_id": {"$lt": last_id}}]
        rows = list(self.db.deliveries.find(find).sort([("seq", -1), ("_id", -1)]).limit(first + 1))
        total = self.db.deliveries.count_documents(query)
        return paging.page(rows, first, total, lambda d: [int(d["seq"]), d["_id"]], kind="deliveries")

    # -- asks ------------------------------------------------------------------------------
    def ask(self, ask_id: str) -> dict:
        doc = self.db.asks.find_one({"_id": ask_id})
        if doc is None:
            raise NotFound(f"no ask {ask_id!r}")
        return doc

    def asks(self, ask_ids) -> dict:
        return {d["_id"]: d for d in self.db.asks.find({"_id": {"$in": list(ask_ids)}})}

    def page_asks(self, issue_area: str | None, first: int, after):
        """Newest first."""
        query = {"issue_area": issue_area} if issue_area else {}
        find = dict(query)
        position = paging.decode(after, kind="asks", types=(float, str))
        if position is not None:
            ts, last_id = position
            find["$or"] = [{"posted_ts": {"$lt": ts}}, {"posted_ts": ts, "_id": {"$lt": last_id}}]
        rows = list(self.db.asks.find(find).sort([("posted_ts", -1), ("_id", -1)]).limit(first + 1))
        total = self.db.asks.count_documents(query)
        return paging.page(rows, first, total, lambda d: [float(d["posted_ts"]), d["_id"]], kind="asks")

    def insert_ask_emails(self, docs: list[dict]) -> int:
        return _insert_ignoring_duplicates(self.db.ask_emails, docs)

    def due_ask_emails(self, now: float, limit: int, ask_id: str | None = None) -> list[dict]:
        query = {"status": {"$in": list(QUEUED)}, "due_at": {"$lte": now}, **({"ask_id": ask_id} if ask_id else {})}
        return list(self.db.ask_emails.find(query).limit(limit))

    def claim_ask_email(self, email_id: str, now: float, lease: float) -> bool:
        return self.db.ask_emails.update_one(
            {"_id": email_id, "status": {"$in": list(QUEUED)}, "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease}}).matched_count == 1

    def finish_ask_email(self, email_id: str, changes: dict):
        self.db.ask_emails.update_one({"_id": email_id}, {"$set": changes})
