"""GATEWAY_RATE_LIMIT over real HTTP: 429 with Retry-After and RATE_LIMITED past the limit,
per key or per address, off at 0, and open while its store is away."""
import time

import pytest

from clearinghouse.embedded import free_port
from tests.support.gateway import GraphQLClient, code

VIEWER = {"query": "{ viewer { role } }"}


@pytest.fixture
def gateway_settings(settings):
    return settings.replace(gateway_port=free_port(), gateway_rpc_timeout=2.0, gateway_rate_limit=3)


def gateway_with(start_service, settings) -> GraphQLClient:
    """A gateway of its own with these settings (its container as .container)."""
    from gateway.service import GatewayService
    settings = settings.replace(gateway_port=free_port())
    config = settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{settings.gateway_port}"
    client = GraphQLClient(f"http://127.0.0.1:{settings.gateway_port}/graphql")
    client.container = start_service(GatewayService, config)
    return client


def test_past_the_limit_a_caller_gets_429_with_retry_after_and_nothing_runs(gateway, members, gateway_calls):
    assert [gateway.post(VIEWER).status_code for _ in range(3)] == [200, 200, 200]
    responses = []
    made = gateway_calls.during(lambda: responses.append(gateway.post(
        {"query": 'mutation { createOrganization(input: {name: "Flood", kind: "union"}) { id } }'})))
    refused = responses[0]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    [error] = refused.json()["errors"]
    assert code(error) == "RATE_LIMITED" and "the limit is 3 a minute" in error["message"]
    assert made == {"members": 0, "toolkits": 0, "search": 0, "notifications": 0}


def test_each_key_has_its_own_count_apart_from_the_address(gateway, keys):
    assert [gateway.post(VIEWER, keys["member"]).status_code for _ in range(3)] == [200, 200, 200]
    assert gateway.post(VIEWER, keys["member"]).status_code == 429
    assert gateway.post(VIEWER, keys["partner"]).json() == {"data": {"viewer": {"role": "PARTNER"}}}
    assert gateway.post(VIEWER).json() == {"data": {"viewer": {"role": "PUBLIC"}}}


def test_keys_that_do_not_authenticate_count_against_the_address(gateway, members):
    assert [gateway.post(VIEWER, f"wrong-{i}").status_code for i in range(3)] == [401, 401, 401]
    refused = gateway.post(VIEWER)
    assert refused.status_code == 429 and code(refused.json()["errors"][0]) == "RATE_LIMITED"


def test_a_limit_of_0_turns_rate_limits_off(start_service, settings, members, database):
    gateway = gateway_with(start_service, settings.replace(gateway_rate_limit=0))
    assert [gateway.post(VIEWER).status_code for _ in range(6)] == [200] * 6
    assert database("gateway")["rate_limits"].count_documents({}) == 0


def test_with_its_store_away_the_gateway_answers_instead_of_refusing(start_service, settings):
    away = f"mongodb://127.0.0.1:{free_port()}/"
    gateway = gateway_with(start_service, settings.replace(gateway_rate_limit=1, mongo_uri=away))
    assert [gateway.post(VIEWER).json() for _ in range(3)] == [{"data": {"viewer": {"role": "PUBLIC"}}}] * 3


def test_the_gateway_sweeps_ended_windows_from_the_store(start_service, settings, database):
    from nameko.testing.services import entrypoint_hook
    gateway = gateway_with(start_service, settings.replace(gateway_rate_limit=3))
    assert gateway.post(VIEWER).status_code == 200
    counts = database("gateway")["rate_limits"]
    counts.insert_one({"_id": "LIMITER/address:gone/3/1/minute", "count": 3, "expires_at": time.time() - 1})
    with entrypoint_hook(gateway.container, "sweep_rate_limits") as sweep:
        sweep()
    assert [doc["_id"] for doc in counts.find()] == ["LIMITER/address:127.0.0.1/3/1/minute"]
