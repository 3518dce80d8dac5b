"""The notifications repository over pymongo, the only module that speaks MongoDB:
subscriptions, the events they matched, deliveries (one per subscription and event, by a
unique key), asks and ask emails. The rest of the service sees entities with an ``id``;
here an entity's id is its document's ``_id``."""
from __future__ import annotations

import json

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from clearinghouse import paging, store
from clearinghouse.errors import Conflict, NotFound, Unavailable
from clearinghouse.store import Entities, Repository

from .domain import QUEUED

DUPLICATE = 11000
PLACE_ATTEMPTS = 50  # tries for an event's place while other replicas take places too
TAKING_STALE = 60.0  # seconds after which an event still "taking" is taken to have lost its taker


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
        # an event's place in arrival order, handed out by the store: one per event, whichever replica takes it
        self.db.events.create_index([("seq", ASCENDING)], unique=True)
        self.db.events.create_index([("state", ASCENDING), ("seq", ASCENDING)])
        self.db.asks.create_index([("issue_area", ASCENDING), ("posted_ts", DESCENDING)])
        self.db.ask_emails.create_index([("status", ASCENDING), ("due_at", ASCENDING)])
        self.db.ask_opt_outs.create_index([("ask_id", ASCENDING)])
        self.db.asks.create_index([("toolkit_slug", ASCENDING), ("resolved_ts", DESCENDING)])

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
    def record_event(self, event: dict, now: float) -> int:
        """Keep the event's body once and give it the next place in arrival order (the
        highest place + 1, made unique by the index: of two replicas taking at once, one
        gets it and the other the next). The event stays "taking" until ``event_taken``,
        and no lane reads past the lowest such place (``intake_floor``). A duplicate keeps
        the place it got the first time, which is returned."""
        body = json.dumps(event, separators=(",", ":"), sort_keys=True)
        for _ in range(PLACE_ATTEMPTS):
            last = next(iter(self.db.events.find({}, {"seq": 1}).sort("seq", DESCENDING).limit(1)), None)
            try:
                self.db.events.insert_one({"_id": event["id"], "type": event["type"],
                                           "seq": (last["seq"] if last else 0) + 1, "state": "taking",
                                           "received_ts": now, "body": body})
                return (last["seq"] if last else 0) + 1
            except DuplicateKeyError:
                kept = self.db.events.find_one({"_id": event["id"]}, {"seq": 1})
                if kept is not None:  # taken before (by us or a replica that may have died half way)
                    return kept["seq"]
                # another replica took that place first: take the next one
        raise Unavailable(f"could not place event {event['id']} after {PLACE_ATTEMPTS} tries; it stays queued")

    def event_taken(self, event_id: str):
        """Every delivery of the event is stored: lanes may read past its place."""
        self.db.events.update_one({"_id": event_id}, {"$set": {"state": "taken"}})

    def intake_floor(self, now: float) -> int | None:
        """The lowest place of an event some replica is still taking (its deliveries may
        not all be stored yet), or None. An event stuck "taking" for TAKING_STALE seconds
        (its taker died; the bus gives it to another replica, which takes it again) is
        left out."""
        doc = next(iter(self.db.events.find({"state": "taking", "received_ts": {"$gt": now - TAKING_STALE}},
                                            {"seq": 1}).sort("seq", ASCENDING).limit(1)), None)
        return doc["seq"] if doc else None

    def event_bodies(self, event_ids) -> dict:
        """Each kept event's body (its JSON), by event id."""
        return {d["_id"]: d["body"] for d in self.db.events.find({"_id": {"$in": list(set(event_ids))}})}

    def insert_deliveries(self, deliveries: list[dict]) -> int:
        return _insert_ignoring_duplicates(self.db.deliveries, [stored(d) for d in deliveries])

    def due_deliveries(self, now: float, mode: str, limit: int, skip=(), channel: str | None = None,
                       below: int | None = None) -> list[dict]:
        """Queued deliveries due by ``now`` in arrival order (of one channel if given),
        leaving out subscriptions in ``skip`` and places from ``below`` on."""
        query = {"status": {"$in": list(QUEUED)}, "mode": mode, "due_at": {"$lte": now},
                 **({"channel": channel} if channel else {}), **({"seq": {"$lt": below}} if below else {})}
        if skip:
            query["subscription_id"] = {"$nin": sorted(skip)}
        return [entity(d) for d in self.db.deliveries.find(query).sort([("seq", 1), ("_id", 1)]).limit(limit)]

    def queued_deliveries(self, limit: int, channel: str, skip=(), below: int | None = None) -> list[dict]:
        """Queued realtime deliveries of one channel in arrival order, due or not (a
        subscription whose first one waits for a retry shows it first), leaving out
        subscriptions in ``skip`` and places from ``below`` on. One read tells a lane both
        what is due and whose head waits."""
        query = {"status": {"$in": list(QUEUED)}, "mode": "realtime", "channel": channel,
                 **({"seq": {"$lt": below}} if below else {})}
        if skip:
            query["subscription_id"] = {"$nin": sorted(skip)}
        return [entity(d) for d in self.db.deliveries.find(query).sort([("seq", 1), ("_id", 1)]).limit(limit)]

    def claimed_heads(self, subscription_ids, token: str, through: int) -> tuple[dict, set]:
        """Read after claiming, in one trip: each subscription's first queued realtime
        delivery (its place, whatever its due time and whoever holds it: a chain may start
        only there), and which of them ``token`` holds. Only places up to ``through`` (the
        last claimed) are read: a chain starts before it, so an earlier one is all that
        could hold it back."""
        heads, claimed = {}, set()
        rows = self.db.deliveries.find(
            {"subscription_id": {"$in": sorted(subscription_ids)}, "status": {"$in": list(QUEUED)},
             "mode": "realtime", "seq": {"$lte": through}},
            {"_id": 1, "subscription_id": 1, "seq": 1, "lease_token": 1})
        for row in rows:
            sub_id = row["subscription_id"]
            heads[sub_id] = min(row["seq"], heads.get(sub_id, row["seq"]))
            if row.get("lease_token") == token:
                claimed.add(row["_id"])
        return heads, claimed

    def claim(self, delivery_id: str, now: float, lease: float) -> bool:
        """Take a delivery for one attempt; False if another worker holds it."""
        return self.db.deliveries.update_one(
            {"_id": delivery_id, "status": {"$in": list(QUEUED)}, "due_at": {"$lte": now},
             "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease}}).matched_count == 1

    def claim_many(self, delivery_ids: list[str], now: float, lease: float, token: str):
        """Take many deliveries at once for ``token``; what it now holds is read with
        ``claimed_heads``."""
        if delivery_ids:
            self.db.deliveries.update_many(
                # due_at too: what was read before another replica stored a retry is not taken early
                {"_id": {"$in": delivery_ids}, "status": {"$in": list(QUEUED)}, "due_at": {"$lte": now},
                 "lease_until": {"$lte": now}},
                {"$set": {"lease_until": now + lease, "lease_token": token}})

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
            {"_id": email_id, "status": {"$in": list(QUEUED)}, "due_at": {"$lte": now},
             "lease_until": {"$lte": now}},
            {"$set": {"lease_until": now + lease}}).matched_count == 1

    def finish_ask_email(self, email_id: str, changes: dict):
        self.db.ask_emails.update_one({"_id": email_id}, {"$set": changes})

    # -- the listserv by email ----------------------------------------------------------------
    def key(self, name: str, new: bytes) -> bytes:
        """The service's signing key ``name``: ``new`` if none was kept yet, else the one
        kept (the first replica to write it wins; every replica then signs alike)."""
        try:
            self.db.keys.insert_one({"_id": name, "key": new.hex()})
        except DuplicateKeyError:
            pass
        return bytes.fromhex(self.db.keys.find_one({"_id": name})["key"])

    def insert_answer_emails(self, records: list[dict]) -> int:
        """One email per answer and member (a redelivered ask.answered queues nobody twice)."""
        docs = [{"_id": f"{ask_email_key(r['ask_id'], r['member_id'])}:{r['answer']}", **r} for r in records]
        return _insert_ignoring_duplicates(self.db.ask_emails, docs)

    def opt_out(self, ask_id: str, member_id: str, now: float):
        self.db.ask_opt_outs.update_one({"_id": ask_email_key(ask_id, member_id)},
                                        {"$set": {"ask_id": ask_id, "member_id": member_id, "at": now}}, upsert=True)

    def questions(self, toolkit_slug: str, limit: int) -> list[dict]:
        """The resolved asks a toolkit links to, most recently resolved first."""
        rows = self.db.asks.find({"toolkit_slug": toolkit_slug}).sort([("resolved_ts", -1), ("_id", -1)]).limit(limit)
        return [entity(d) for d in rows]

    def opted_out(self, ask_id: str) -> set:
        return {d["member_id"] for d in self.db.ask_opt_outs.find({"ask_id": ask_id}, {"member_id": 1})}

    # -- scheduled work across replicas ----------------------------------------------------
    def take_lease(self, key: str, holder: str, now: float, seconds: float) -> bool:
        """Hold ``key`` (a job and its period, e.g. one address's digest of one day) until
        ``now + seconds``; False while another holder's lease runs. Judged by the clock
        every replica shares (Clock keeps to the store's)."""
        until = now + seconds
        taken = self.db.leases.update_one({"_id": key, "$or": [{"until": {"$lte": now}}, {"holder": holder}]},
                                          {"$set": {"holder": holder, "until": until}}).matched_count == 1
        if taken:
            return True
        try:
            self.db.leases.insert_one({"_id": key, "holder": holder, "until": until})
            return True
        except DuplicateKeyError:  # held by another
            return False

    def drop_lease(self, key: str, holder: str):
        self.db.leases.update_one({"_id": key, "holder": holder}, {"$set": {"until": 0.0}})

    def claim_period(self, job: str, period: int) -> bool:
        """The first replica to ask for ``job``'s ``period`` gets it; every other one, and
        any later ask for that period or an earlier one, gets False."""
        if self.db.periods.update_one({"_id": job, "period": {"$lt": period}},
                                      {"$set": {"period": period}}).matched_count == 1:
            return True
        try:
            self.db.periods.insert_one({"_id": job, "period": period})
            return True
        except DuplicateKeyError:
            return False
