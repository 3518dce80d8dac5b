"""MembersRepository's in-memory twin for fast use-case tests: the same methods over
tests.support.memory.InMemoryRepository. The mapping between the domain's dicts and
stored documents is the real one (repository.Records); only what speaks MongoDB is
twinned here, and tests/members/test_repository.py holds both to the same checks."""
from clearinghouse.errors import Conflict
from services.members.repository import MembersRepository, Records, entity, member_query
from tests.support.memory import InMemoryRepository, matches


class InMemoryMembersRepository(Records, InMemoryRepository):
    outbox_collections = MembersRepository.outbox_collections

    def exists(self, collection, entity_id):
        return self.find(collection, entity_id) is not None

    def member_query(self, wanted):
        query = member_query(wanted)
        query.pop("name_key", None)  # the one operator: name_prefix, a literal start of name_key
        return lambda d: matches(d, query) and (wanted.name_prefix is None
                                                or d["name_key"].startswith(wanted.name_prefix))

    def insert_key(self, doc):
        keys = self._table("api_keys")
        if doc["_id"] in keys or self.documents("api_keys", {"hash": doc["hash"]}):
            raise Conflict(f"api key {doc['_id']!r} already exists")  # the store's unique indexes
        keys[doc["_id"]] = dict(doc)

    def find_key(self, key_hash):
        found = self.documents("api_keys", {"hash": key_hash, "revoked_at": None})
        return entity(found[0]) if found else None

    def revoke_key(self, key_id, when):
        record = self._table("api_keys").get(key_id)
        if record is None or record["revoked_at"] is not None:
            return False
        record["revoked_at"] = when
        return True
