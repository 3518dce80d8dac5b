"""The members repository over pymongo, the only members module that speaks MongoDB.

It takes and gives the domain's plain dicts (domain.py) and keeps the stored format:
an entity's ``id`` is its document's ``_id``; members and organisations also store their
``name_key`` (list order and name prefix) and a member what its ``current`` offices say
(the office filters); every document of theirs carries its outbox; an API key record
stores its ``created_epoch`` (list order).
"""
from __future__ import annotations

import re
import time

from pymongo import ASCENDING

from clearinghouse import store
from clearinghouse.errors import NotFound
from clearinghouse.store import Entities, Repository

from . import domain

_STORAGE = ("name_key", "current", "created_epoch")
# list filters by name -> the stored field they match (name_prefix is a prefix of name_key)
_FILTER_FIELDS = {"state": "current.states", "jurisdiction": "current.jurisdictions", "body": "current.bodies",
                  "role": "current.roles", "issue_area": "issue_areas", "status": "status"}


def entity(doc: dict | None) -> dict | None:
    """The domain's dict for a stored document: its ``_id`` as ``id``, without storage fields."""
    return store.entity(doc, storage=_STORAGE)


def stored(collection: str, item: dict) -> dict:
    """The document for a member or organisation (the outbox is added by the write path)."""
    doc = {**store.document(item), "name_key": item["name"].casefold()}
    if collection == "members":
        doc["current"] = domain.current_terms(item)
    return doc


def member_query(wanted: domain.MemberFilter) -> dict:
    """The MongoDB query for the list filters (combined with AND)."""
    query = {field: getattr(wanted, name) for name, field in _FILTER_FIELDS.items()
             if getattr(wanted, name) is not None}
    if wanted.name_prefix is not None:
        query["name_key"] = {"$regex": "^" + re.escape(wanted.name_prefix)}
    return query


class Records(Entities):
    """Members, organisations and API key records as the domain's dicts, over the generic
    write path of Repository or its twin (clearinghouse.store.Entities: add, lookup, get,
    lookup_many, change)."""

    def entity(self, collection: str, doc: dict | None) -> dict | None:
        return entity(doc)

    def stored(self, collection: str, item: dict) -> dict:
        if collection == "affiliations":  # ordered by created_ts (given by the rule), no name
            return store.document(item)
        return stored(collection, item)

    # -- affiliations: plain records, no outbox (they emit no events yet) --------------------
    def page_affiliations(self, query: dict, first: int, after):
        return self.page_entities("affiliations", query, first, after, "created_ts", float)

    def affiliations_between(self, member_id: str, organization_id: str) -> list[dict]:
        return [self.entity("affiliations", d) for d in self.find_many(
            "affiliations", {"member_id": member_id, "organization_id": organization_id})]

    def count_affiliations(self, field: str, value: str) -> int:
        return self.count("affiliations", {field: value})

    def page_members(self, wanted: domain.MemberFilter, first: int, after, count=True):
        return self.page_entities("members", self.member_query(wanted), first, after, "name_key", count=count)

    def page_members_by_id(self, first: int, after):
        """Members by id, without counting every page (for exports)."""
        return self.page_entities("members", {}, first, after, "_id", count=False)

    def page_organizations(self, first: int, after):
        return self.page_entities("organizations", {}, first, after, "name_key")

    def owner_kind(self, owner_id):
        """'member' or 'organization' for an existing owner id, None for no owner."""
        if owner_id is None:
            return None
        for prefix, collection, kind in (("mem_", "members", "member"), ("org_", "organizations", "organization")):
            if isinstance(owner_id, str) and owner_id.startswith(prefix) and self.exists(collection, owner_id):
                return kind
        raise NotFound(f"owner_id {owner_id!r} is neither an existing member nor an organisation")

    # -- API keys: plain records, no outbox (keys emit no events) ---------------------------
    def add_key(self, record: dict):
        # a number to list by: nx-27017 compares timestamps (and ISO strings) only to the
        # second, so created_at would repeat or skip keys made in the same second
        self.insert_key({**store.document(record), "created_epoch": time.time()})

    def key(self, key_id: str) -> dict | None:
        return self.lookup("api_keys", key_id)

    def page_keys(self, owner_id: str | None, first: int, after):
        """Keys oldest first: every key, or one owner's."""
        query = {} if owner_id is None else {"owner_id": owner_id}
        return self.page_entities("api_keys", query, first, after, "created_epoch", float)


class MembersRepository(Records, Repository):
    outbox_collections = ("members", "organizations")
    # their counts are remembered until a write (clearinghouse.store.Repository.count);
    # api keys are written by insert_key and revoke_key, so counted each time
    counted_collections = ("members", "organizations", "affiliations")

    def ensure_indexes(self):
        super().ensure_indexes()
        self.db.members.create_index([("name_key", ASCENDING)])
        self.db.organizations.create_index([("name_key", ASCENDING)])
        self.db.api_keys.create_index([("hash", ASCENDING)], unique=True)
        self.db.api_keys.create_index([("owner_id", ASCENDING)])
        self.db.affiliations.create_index([("member_id", ASCENDING), ("created_ts", ASCENDING)])
        self.db.affiliations.create_index([("organization_id", ASCENDING), ("created_ts", ASCENDING)])
        # keys made before keys were listed have no created_epoch: they list first
        self.db.api_keys.update_many({"created_epoch": {"$exists": False}}, {"$set": {"created_epoch": 0.0}})

    def exists(self, collection: str, entity_id: str) -> bool:
        return self.db[collection].find_one({"_id": entity_id}, {"_id": 1}) is not None

    member_query = staticmethod(member_query)

    def find_many(self, collection: str, query: dict) -> list[dict]:
        return list(self.db[collection].find(query).limit(1000))

    def insert_key(self, doc: dict):
        self.db.api_keys.insert_one(doc)

    def find_key(self, key_hash: str) -> dict | None:
        """The record of an unrevoked key with this hash, or None."""
        return entity(self.db.api_keys.find_one({"hash": key_hash, "revoked_at": None}))

    def revoke_key(self, key_id: str, when: str) -> bool:
        """Revoke an unrevoked key; False if there is none (or someone revoked it first)."""
        return self.db.api_keys.update_one({"_id": key_id, "revoked_at": None},
                                           {"$set": {"revoked_at": when}}).matched_count == 1
