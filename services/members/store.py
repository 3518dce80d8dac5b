"""The members repository over pymongo."""
from pymongo import ASCENDING

from clearinghouse.errors import NotFound
from clearinghouse.store import Repository


class MembersStore(Repository):
    outbox_collections = ("members", "organizations")

    def ensure_indexes(self):
        super().ensure_indexes()
        self.db.members.create_index([("name_key", ASCENDING)])
        self.db.organizations.create_index([("name_key", ASCENDING)])
        self.db.api_keys.create_index([("hash", ASCENDING)], unique=True)
        self.db.api_keys.create_index([("owner_id", ASCENDING)])
        # keys made before keys were listed have no created_epoch: they list first
        self.db.api_keys.update_many({"created_epoch": {"$exists": False}}, {"$set": {"created_epoch": 0.0}})

    def get(self, collection: str, entity_id: str) -> dict:
        doc = self.db[collection].find_one({"_id": entity_id})
        if doc is None:
            raise NotFound(f"no {collection[:-1]} with id {entity_id!r}")
        return doc

    def exists(self, collection: str, entity_id: str) -> bool:
        return self.db[collection].find_one({"_id": entity_id}, {"_id": 1}) is not None

    def find(self, collection: str, entity_id: str):
        """The document, or None."""
        return self.db[collection].find_one({"_id": entity_id})

    def find_key(self, key_hash: str):
        return self.db.api_keys.find_one({"hash": key_hash, "revoked_at": None})

    def page_keys(self, query: dict, first: int, after):
        # Oldest first, by a number: nx-27017 compares timestamps (and ISO strings) only to
        # the second, so created_at would repeat or skip keys made in the same second.
        return self.page("api_keys", query, first, after, "created_epoch", float)

    def insert_key(self, record: dict):
        self.db.api_keys.insert_one(record)

    def revoke_key(self, key_id: str, when: str) -> bool:
        return self.db.api_keys.update_one({"_id": key_id, "revoked_at": None},
                                           {"$set": {"revoked_at": when}}).matched_count == 1

    def owner_kind(self, owner_id):
        """'member' or 'organization' for an existing owner id, None for no owner."""
        if owner_id is None:
            return None
        for prefix, collection, kind in (("mem_", "members", "member"), ("org_", "organizations", "organization")):
            if isinstance(owner_id, str) and owner_id.startswith(prefix) and self.exists(collection, owner_id):
                return kind
        raise NotFound(f"owner_id {owner_id!r} is neither an existing member nor an organisation")
