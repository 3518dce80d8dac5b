"""The gateway in front of real services on the test's vhost, spoken to over real HTTP
(the client and the other kit it uses are in tests.support.gateway)."""
import dataclasses
import os
import uuid

import elastic_transport
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from clearinghouse.config import Settings
from gateway.service import GatewayService
from services.members.service import MembersService
from services.notifications.service import NotificationsService
from services.search.service import SearchService
from services.search.transport import client, is_embedded
from services.toolkits.service import ToolkitsService
from tests.support import create_vhost, delete_vhost, free_port, wait_until
from tests.support.containers import Containers
from tests.support.gateway import GatewayCalls, GraphQLClient, Platform
from tests.support.notifications import Hook, Receiver


@pytest.fixture
def gateway_settings(settings):
    # webhooks to a receiver on this machine, as in development
    return settings.replace(gateway_port=free_port(), gateway_rpc_timeout=2.0,
                            webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8")


@pytest.fixture
def gateway_config(gateway_settings):
    config = gateway_settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{gateway_settings.gateway_port}"
    return config


@pytest.fixture
def service_config(gateway_config):
    """What start_service runs a service with here: the gateway's port and local webhooks."""
    return gateway_config


@pytest.fixture
def members(start_service):
    return start_service(MembersService)


@pytest.fixture
def toolkits(start_service):
    return start_service(ToolkitsService)


@pytest.fixture
def notifications(start_service):
    return start_service(NotificationsService)


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 that answers 200 and keeps what it got
    (tests.support.notifications.Receiver, seen as its one /hook)."""
    receiver = Receiver()
    yield Hook(receiver)
    receiver.close()


@pytest.fixture
def gateway(start_service, gateway_settings):
    start_service(GatewayService)
    return GraphQLClient(f"http://127.0.0.1:{gateway_settings.gateway_port}/graphql")


@pytest.fixture
def rpc(gateway_config):
    with ClusterRpcProxy(gateway_config, timeout=20) as proxy:
        yield proxy


@pytest.fixture
def keys(members, rpc):
    """API keys by role: staff (no owner), member (owned by a member), partner (owned by an
    organisation), and the owners' ids."""
    staff = {"role": "staff"}  # seeding is an operator's act
    member = rpc.members.create_member({"name": "Deb Gross", "status": "active", "email": "deb@example.org",
                                        "phone": "555-0100"}, caller=staff)
    org = rpc.members.create_organization({"name": "Working Families", "kind": "advocacy"}, caller=staff)
    other_org = rpc.members.create_organization({"name": "Other Partner", "kind": "union"}, caller=staff)
    return {
        "staff": rpc.members.create_api_key("staff", caller=staff)["key"],
        "member": rpc.members.create_api_key("member", owner_id=member["id"], caller=staff)["key"],
        "partner": rpc.members.create_api_key("partner", owner_id=org["id"], caller=staff)["key"],
        "other_partner": rpc.members.create_api_key("partner", owner_id=other_org["id"], caller=staff)["key"],
        "member_id": member["id"], "org_id": org["id"], "other_org_id": other_org["id"],
    }


@pytest.fixture
def gateway_calls(gateway):
    return GatewayCalls(gateway.url.replace("/graphql", "/metrics"))


@pytest.fixture(scope="module")
def platform(mongo_server, search_server, cleanup):
    """Members, toolkits, notifications, search and the gateway, started once per module on
    a vhost of its own (rate limits off where GATEWAY_RATE_LIMIT exists); killed after, and
    its indices and vhost deleted once they are dead (tests.support.cleanup)."""
    amqp_uri = create_vhost()
    changes = {"gateway_rate_limit": 0} if "gateway_rate_limit" in {f.name for f in dataclasses.fields(Settings)} \
        else {}
    settings = Settings(amqp_uri=amqp_uri, mongo_uri=mongo_server, elasticsearch_url=search_server,
                        db_prefix=f"t{uuid.uuid4().hex[:10]}_", metrics=False, gateway_port=free_port(),
                        gateway_rpc_timeout=5.0, webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8",
                        smtp_inbound_port=0, **changes)
    config = settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{settings.gateway_port}"
    containers = Containers(cleanup)
    try:
        for cls in (MembersService, ToolkitsService, NotificationsService, SearchService, GatewayService):
            containers.start(cls, config)
        with ClusterRpcProxy(config, timeout=20) as rpc:
            wait_until(lambda: rpc.search.rebuild_status()["state"] in ("done", "failed"), timeout=60,
                       message="the search service's start-up rebuild")
            yield Platform(settings, rpc, GraphQLClient(f"http://127.0.0.1:{settings.gateway_port}/graphql"))
    finally:
        containers.stop(forget_platform, search_server, settings.database_name("search"), amqp_uri)


def forget_platform(search_server, index_prefix, amqp_uri):
    """Delete the platform's search indices and its vhost (its services are dead by now).
    The session's embedded search server may have stopped first (cleanup runs in the
    background): its indices went with it, so a refused connection leaves nothing to do."""
    try:
        es = client(search_server, embedded=is_embedded(search_server))
        try:
            for name in es.indices.get(index=f"{index_prefix}*"):
                es.indices.delete(index=name, ignore_unavailable=True)
        except elastic_transport.ConnectionError:
            if os.environ.get("ELASTICSEARCH_URL"):  # a server of the developer's: it should answer
                raise
        finally:
            es.close()
    finally:
        delete_vhost(amqp_uri)
