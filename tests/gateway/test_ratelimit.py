"""Rate limits over the embedded store (the same wire protocol the gateway uses), with a
clock the test moves."""
import hashlib
import logging
import threading
import uuid

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from clearinghouse.config import Settings
from gateway.auth import PUBLIC, Identity
from gateway.ratelimit import COLLECTION, MongoCounterStorage, RateLimit, connect


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def collection(mongo_server):
    name = f"t{uuid.uuid4().hex[:10]}_gateway"
    client, _ = connect(mongo_server, name, 1)
    yield client[name][COLLECTION]
    client.drop_database(name)
    client.close()


@pytest.fixture
def clock():
    return Clock()


def limit_of(per_minute, collection, clock):
    return RateLimit(per_minute, MongoCounterStorage(collection, clock=clock), clock=clock)


def request(address="203.0.113.7", key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Request(EnvironBuilder(method="POST", path="/graphql", headers=headers,
                                  environ_base={"REMOTE_ADDR": address}).get_environ())


MEMBER = Identity(role="member", key_id="key_1", owner_id="mem_1", owner_kind="member")


def test_a_caller_gets_its_limit_a_minute_then_is_told_when_the_window_ends(collection, clock):
    limit = limit_of(3, collection, clock)
    assert [limit.retry_after("address:a") for _ in range(3)] == [None, None, None]
    clock.now += 20
    assert limit.retry_after("address:a") == 40
    clock.now += 39.5
    assert limit.retry_after("address:a") == 1
    clock.now += 0.5
    assert limit.retry_after("address:a") is None  # a new window


def test_every_gateway_process_shares_one_count(mongo_server, collection, clock):
    other_client, _ = connect(mongo_server, collection.database.name, 1)
    try:
        here = limit_of(4, collection, clock)
        there = limit_of(4, other_client[collection.database.name][COLLECTION], clock)
        assert [here.retry_after("address:a"), there.retry_after("address:a"),
                here.retry_after("address:a"), there.retry_after("address:a")] == [None] * 4
        assert there.retry_after("address:a") == 60 and here.retry_after("address:a") == 60
    finally:
        other_client.close()


def test_requests_that_start_a_window_together_are_all_counted(collection, clock):
    limit = limit_of(10, collection, clock)
    # a fresh key: every request races to start its window
    answers = []

    def hit():
        answers.append(limit.retry_after("address:burst"))

    threads = [threading.Thread(target=hit) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(None) == 10 and len(answers) == 25
    assert collection.find_one({"_id": {"$regex": "burst"}})["count"] == 25


def test_a_key_is_counted_by_its_hash_and_never_stored(collection, clock):
    limit = limit_of(1, collection, clock)
    assert limit.refusal(request(key="secret-key-123"), MEMBER) is None
    ids = [doc["_id"] for doc in collection.find()]
    assert len(ids) == 1 and "secret-key-123" not in ids[0]
    assert hashlib.sha256(b"secret-key-123").hexdigest() in ids[0]
    # its own count: the address is not charged, and another key has its own
    assert limit.refusal(request(), PUBLIC) is None
    assert limit.refusal(request(key="another-key"), MEMBER) is None
    assert limit.refusal(request(key="secret-key-123"), MEMBER).status_code == 429


def test_without_a_key_each_client_address_has_its_own_count(collection, clock):
    limit = limit_of(1, collection, clock)
    assert limit.refusal(request("203.0.113.7"), PUBLIC) is None
    assert limit.refusal(request("198.51.100.1"), PUBLIC) is None
    refused = limit.refusal(request("203.0.113.7"), PUBLIC)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.json == {"errors": [{
        "message": "too many requests: the limit is 1 a minute per API key (or per address without one); "
                   "retry in 60 s", "extensions": {"code": "RATE_LIMITED"}}]}


def test_a_key_that_did_not_authenticate_counts_against_the_address(collection, clock):
    limit = limit_of(2, collection, clock)
    assert limit.refusal(request(key="guess-1"), None) is None
    assert limit.refusal(request(key="guess-2"), None) is None
    assert limit.refusal(request(), PUBLIC).status_code == 429


def test_with_the_store_away_requests_go_on_and_it_is_logged_once(collection, clock, caplog):
    from clearinghouse.embedded import free_port
    client, limit = connect(f"mongodb://127.0.0.1:{free_port()}/", "nowhere", 1)
    limit.clock = limit.storage.clock = clock
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.ratelimit"):
            answers = [limit.retry_after("address:a")]
            clock.now += limit.pause  # asks the store again, still away
            answers += [limit.retry_after("address:a") for _ in range(3)]
            assert answers == [None] * 4
            logged = [r.getMessage() for r in caplog.records if r.name == "gateway.ratelimit"]
            assert len(logged) == 1 and "rate limits are not enforced while the store is away" in logged[0]
            limit.storage.collection = collection  # the store is back
            clock.now += limit.pause
            assert limit.retry_after("address:a") is None
            assert limit.retry_after("address:a") == 60  # enforced again
        logged = [r.getMessage() for r in caplog.records if r.name == "gateway.ratelimit"]
        assert len(logged) == 2 and "enforced again" in logged[1]
    finally:
        client.close()


def test_a_sweep_drops_only_ended_windows(collection, clock):
    limit = limit_of(5, collection, clock)
    limit.retry_after("address:old")
    clock.now += 30
    limit.retry_after("address:new")
    clock.now += 31
    limit.sweep()
    assert [doc["_id"] for doc in collection.find()] == [limit.item.key_for("address:new")]


@pytest.mark.parametrize("value, expected", [(None, 600), ("", 600), ("0", 0), ("120", 120), (" 30 ", 30)])
def test_gateway_rate_limit_comes_from_the_environment(value, expected):
    env = {} if value is None else {"GATEWAY_RATE_LIMIT": value}
    assert Settings.from_env(env).gateway_rate_limit == expected


@pytest.mark.parametrize("value", ["lots", "-5", "1.5"])
def test_a_gateway_rate_limit_that_is_not_a_whole_number_is_refused_with_how_to_fix_it(value):
    with pytest.raises(ValueError, match="GATEWAY_RATE_LIMIT must be a whole number of requests a minute"):
        Settings.from_env({"GATEWAY_RATE_LIMIT": value})


def test_a_refusal_is_logged_with_the_request_trace_id(collection, clock, caplog):
    limit = limit_of(1, collection, clock)
    assert limit.refusal(request("203.0.113.9"), PUBLIC) is None
    with caplog.at_level(logging.INFO, logger="gateway"):
        assert limit.refusal(request("203.0.113.9"), PUBLIC, trace_id="gateway.graphql.t1").status_code == 429
    [line] = [r for r in caplog.records if getattr(r, "code", None) == "RATE_LIMITED"]
    assert line.levelname == "INFO" and line.trace_id == "gateway.graphql.t1"
    assert "the limit is 1 a minute" in line.getMessage()
