"""Keys to identities, cached briefly; role checks."""
import pytest

from clearinghouse.errors import Unauthenticated
from gateway.auth import PUBLIC, Identity, KeyCache, bearer_key


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def authenticator(log):
    def authenticate(key):
        log.append(key)
        if key == "bad":
            raise Unauthenticated("this API key is not valid")
        return {"key_id": "key_1", "role": "partner", "owner_id": "org_1", "owner_kind": "organization"}
    return authenticate


def test_no_header_is_the_public_view_without_a_call():
    log = []
    assert KeyCache().identity(None, authenticator(log)) is PUBLIC
    assert KeyCache().identity("  ", authenticator(log)) is PUBLIC
    assert log == []


def test_a_key_is_asked_once_within_the_ttl_and_again_after_it():
    log, clock = [], Clock()
    cache = KeyCache(ttl=30, clock=clock)
    first = cache.identity("Bearer k1", authenticator(log))
    assert first == Identity("partner", "key_1", "org_1", "organization")
    clock.now += 29
    assert cache.identity("bearer k1", authenticator(log)) == first
    assert log == ["k1"]
    clock.now += 2
    cache.identity("Bearer k1", authenticator(log))
    assert log == ["k1", "k1"]


def test_a_rejected_key_is_not_remembered():
    log = []
    cache = KeyCache()
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            cache.identity("Bearer bad", authenticator(log))
    assert log == ["bad", "bad"]


def test_the_cache_stays_bounded():
    clock = Clock()
    cache = KeyCache(max_entries=3, clock=clock)
    for i in range(10):
        cache.identity(f"Bearer k{i}", authenticator([]))
    assert len(cache._entries) <= 3


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Token abc"])
def test_a_malformed_authorization_header_says_what_is_expected(header):
    with pytest.raises(Unauthenticated, match="'Bearer <api key>'"):
        bearer_key(header)


def test_a_revoked_key_is_refused_a_few_seconds_later_by_default():
    revoked, clock = [], Clock()
    cache = KeyCache(clock=clock)

    def authenticate(key):
        if revoked:
            raise Unauthenticated("this API key is not valid (unknown or revoked)")
        return {"key_id": "key_1", "role": "member", "owner_id": "mem_1", "owner_kind": "member"}

    assert cache.identity("Bearer k1", authenticate).role == "member"
    revoked.append("key_1")
    clock.now += 5.5
    with pytest.raises(Unauthenticated, match="revoked"):
        cache.identity("Bearer k1", authenticate)
