"""NotificationsRepository's in-memory twin for fast use-case tests: the methods the use
cases and intake call, over tests.support.memory.InMemoryRepository. Documents are kept
as the store keeps them (the real repository's ``stored`` and ``entity`` map them, and
its Records reads and writes subscriptions and asks over the generic write path), and
tests/notifications/test_repository.py holds both to the same checks."""
import copy
import json

from clearinghouse import paging
from clearinghouse.errors import Conflict, NotFound
from services.notifications.domain import QUEUED
from services.notifications.repository import NotificationsRepository, Records, ask_email_key, entity, stored
from tests.support.memory import InMemoryRepository


class InMemoryNotificationsRepository(Records, InMemoryRepository):
    outbox_collections = NotificationsRepository.outbox_collections

    def __init__(self):
        super().__init__()
        self.revision = 0

    def _newest_first(self, collection, query, first, after, field, field_type, kind, count=True):
        position = paging.decode(after, kind=kind, types=(field_type, str))
        rows = sorted(self.documents(collection, query), key=lambda d: (d[field], d["_id"]), reverse=True)
        total = len(rows) if count else None
        if position is not None:
            rows = [d for d in rows if (d[field], d["_id"]) < tuple(position)]
        return self.nodes(collection, paging.page(rows[:first + 1], first, total,
                                                  lambda d: [field_type(d[field]), d["_id"]], kind=kind))

    # -- subscriptions -----------------------------------------------------------------
    def insert_subscription(self, sub):
        self._table("subscriptions")[sub["id"]] = copy.deepcopy(stored(sub))
        self.revision += 1
        return sub

    def subscriptions_revision(self):
        return self.revision

    def subscriptions(self, filtered, owner_id=None):
        docs = self.documents("subscriptions", {"owner_id": owner_id} if filtered else None)
        return [entity(d) for d in sorted(docs, key=lambda d: (d["created_ts"], d["_id"]))]

    def count_subscriptions(self, owner_id):
        return len(self.documents("subscriptions", {"owner_id": owner_id}))

    def active_subscriptions(self):
        return [{k: v for k, v in entity(d).items() if k != "secrets"}
                for d in self.documents("subscriptions", {"active": True})]

    def save_subscription(self, new, read):
        table = self._table("subscriptions")
        if table.get(read["id"], {}).get("version") != read["version"]:
            raise Conflict(f"subscription {read['id']} changed while you edited it; read it again and retry")
        table[read["id"]] = copy.deepcopy(stored(new))
        self.revision += 1
        return new

    def delete_subscription(self, subscription_id):
        if self._table("subscriptions").pop(subscription_id, None) is None:
            raise NotFound(f"no subscription {subscription_id!r}")
        self.revision += 1

    # -- events and deliveries -----------------------------------------------------------
    def record_event(self, event, now):
        events = self._table("events")
        seq = max((d["seq"] for d in events.values()), default=0) + 1
        kept = events.setdefault(event["id"], {"_id": event["id"], "type": event["type"], "seq": seq,
                                               "state": "taking", "received_ts": now,
                                               "body": json.dumps(event, separators=(",", ":"), sort_keys=True)})
        return kept["seq"]

    def event_taken(self, event_id):
        self._table("events")[event_id]["state"] = "taken"

    def event_bodies(self, event_ids):
        return {i: d["body"] for i, d in self.get_many("events", list(set(event_ids))).items()}

    def insert_deliveries(self, deliveries):
        table, added = self._table("deliveries"), 0
        for d in deliveries:
            # the store's unique index: one delivery per subscription and event
            if not self.documents("deliveries", {"subscription_id": d["subscription_id"], "event_id": d["event_id"]}):
                table[d["id"]] = copy.deepcopy(stored(d))
                added += 1
        return added

    def _update(self, collection, predicate, changes):
        changed = 0
        for doc in self._table(collection).values():
            if predicate(doc):
                changed += any(doc.get(k) != v for k, v in changes.items())
                doc.update(copy.deepcopy(changes))
        return changed

    def park_queued(self, subscription_id, reason):
        return self._update("deliveries", lambda d: d["subscription_id"] == subscription_id and d["status"] in QUEUED,
                            {"status": "parked", "due_at": None, "last_error": reason, "lease_until": 0.0})

    def replay(self, subscription_id, since, now):
        return self._update("deliveries", lambda d: d["subscription_id"] == subscription_id
                            and d["created_ts"] >= since and d["status"] in ("succeeded", "parked"),
                            {"status": "pending", "attempts": 0, "due_at": now, "lease_until": 0.0})

    def page_deliveries(self, subscription_id, status, first, after, count=True):
        query = {"subscription_id": subscription_id, **({"status": status} if status else {})}
        return self._newest_first("deliveries", query, first, after, "seq", int, kind="deliveries", count=count)

    # -- asks ------------------------------------------------------------------------------
    def page_asks(self, issue_area, first, after, count=True):
        query = {"issue_area": issue_area} if issue_area else None
        return self._newest_first("asks", query, first, after, "posted_ts", float, kind="asks", count=count)

    def insert_ask_emails(self, records):
        table, added = self._table("ask_emails"), 0
        for r in records:
            key = ask_email_key(r["ask_id"], r["member_id"])
            if key not in table:
                table[key] = copy.deepcopy({"_id": key, **r})
                added += 1
        return added
