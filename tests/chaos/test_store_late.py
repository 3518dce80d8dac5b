"""A service that starts before its store: it answers UNAVAILABLE (never writes without its
unique indexes) until the store answers, then creates the indexes and is ready."""
import eventlet
import pytest
from pymongo import ASCENDING

from clearinghouse.embedded import EmbeddedMongo, free_port
from clearinghouse.errors import Conflict, Unavailable
from clearinghouse.rpc import rpc
from clearinghouse.store import Repository, Store
from tests.support import wait_until

pytestmark = pytest.mark.chaos


class Badges(Repository):
    def ensure_indexes(self):
        self.db.badges.create_index([("number", ASCENDING)], unique=True)


class BadgeDesk:
    name = "badges"
    store = Store(Badges)

    @rpc
    def issue(self, badge_id, number):
        return self.store.insert("badges", {"_id": badge_id, "number": number})["_id"]


def test_a_service_waits_for_its_store_before_serving_and_then_has_its_unique_indexes(
        start_service, settings, rpc, tmp_path):
    port = free_port()
    config = settings.replace(mongo_uri=f"mongodb://127.0.0.1:{port}/").nameko_config()
    container = start_service(BadgeDesk, config)  # nothing listens on the port yet
    store = next(d for d in container.dependencies if isinstance(d, Store))
    mongo = None
    try:
        assert store.ready is False
        with pytest.raises(Unavailable):
            rpc.badges.issue("bdg_1", 7)
        mongo = EmbeddedMongo(tmp_path / "mongo", port=port).start()
        wait_until(lambda: store.ready, message="indexes created once the store answers")
        assert rpc.badges.issue("bdg_1", 7) == "bdg_1"
        with pytest.raises(Conflict):  # the unique index is there
            rpc.badges.issue("bdg_2", 7)
    finally:
        container.stop()
        if mongo is not None:
            mongo.stop()


class SlowBadges(Badges):
    def ensure_indexes(self):
        eventlet.sleep(1)  # index builds take a while on a big collection
        super().ensure_indexes()


class SlowBadgeDesk(BadgeDesk):
    store = Store(SlowBadges)


def test_a_call_waiting_when_the_service_starts_is_served_once_the_indexes_exist(start_service, rpc):
    first = start_service(SlowBadgeDesk)  # declares the service's queue
    first.stop()
    waiting = rpc.badges.issue.call_async("bdg_1", 7)  # consumed the moment the next one starts
    start_service(SlowBadgeDesk)
    assert waiting.result() == "bdg_1"
