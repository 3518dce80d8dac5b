"""The gateway in front of real services on the test's vhost, spoken to over real HTTP."""
import socket

import pytest
import requests

PGH = "ocd-division/country:us/state:pa/place:pittsburgh"
PHL = "ocd-division/country:us/state:pa/place:philadelphia"
TEMPE = "ocd-division/country:us/state:az/place:tempe"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GraphQLClient:
    def __init__(self, url):
        self.url = url
        self.http = requests.Session()

    def post(self, body, key=None, **kwargs):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.http.post(self.url, json=body, headers=headers, timeout=30, **kwargs)

    def __call__(self, query, variables=None, key=None, operation_name=None) -> dict:
        """The whole response body (data and errors)."""
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return self.post(body, key).json()

    def data(self, query, variables=None, key=None) -> dict:
        """The data of a query that must succeed."""
        response = self(query, variables, key)
        assert "errors" not in response, response["errors"]
        return response["data"]

    def error(self, query, variables=None, key=None) -> dict:
        """The one error of a query that must fail."""
        response = self(query, variables, key)
        assert len(response.get("errors") or []) == 1, response
        return response["errors"][0]


def code(error: dict) -> str:
    return error["extensions"]["code"]


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
def start(container_factory, gateway_config):
    """start(ServiceClass) runs a service on the test's vhost (stopped after the test)."""
    def start(cls, config=None):
        container = container_factory(cls, config or gateway_config)
        container.start()
        return container
    return start


@pytest.fixture
def members(start):
    from services.members.service import MembersService
    return start(MembersService)


@pytest.fixture
def toolkits(start):
    from services.toolkits.service import ToolkitsService
    return start(ToolkitsService)


@pytest.fixture
def notifications(start):
    from services.notifications.service import NotificationsService
    return start(NotificationsService)


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 that answers 200 and keeps what it got."""
    import http.server
    import threading

    got = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.got = got
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def gateway(start, gateway_settings):
    from gateway.service import GatewayService
    start(GatewayService)
    return GraphQLClient(f"http://127.0.0.1:{gateway_settings.gateway_port}/graphql")


@pytest.fixture
def rpc(gateway_config):
    from nameko.standalone.rpc import ClusterRpcProxy
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


class GatewayCalls:
    """The RPC calls the gateway made, as its /metrics reports them (counted before each
    call goes out, so a finished request's calls are all there): by service, and by
    "service.method"."""

    def __init__(self, metrics_url):
        self.metrics_url = metrics_url

    def snapshot(self) -> dict:
        from prometheus_client.parser import text_string_to_metric_families
        totals = {s: 0.0 for s in ("members", "toolkits", "search", "notifications")}
        text = requests.get(self.metrics_url, timeout=10).text
        for family in text_string_to_metric_families(text):
            if family.name == "clearinghouse_gateway_rpc_calls":
                for sample in family.samples:
                    if sample.name.endswith("_total"):
                        service, method = sample.labels["service"], sample.labels["method"]
                        totals[service] += sample.value
                        totals[f"{service}.{method}"] = totals.get(f"{service}.{method}", 0.0) + sample.value
        return totals

    def during(self, action) -> dict:
        """Calls made while ``action()`` ran: {"members": 2, "members.get_members": 2, ...}."""
        before = self.snapshot()
        action()
        after = self.snapshot()
        return {k: v - before.get(k, 0.0) for k, v in after.items() if v - before.get(k, 0.0)} | \
            {s: after[s] - before[s] for s in ("members", "toolkits", "search", "notifications")}


@pytest.fixture
def gateway_calls(gateway):
    return GatewayCalls(gateway.url.replace("/graphql", "/metrics"))


def call_as(caller, rpc_method, service_cls, method_name, *args, **kwargs):
    """An RPC made for ``caller`` ({"role", "owner_id", "owner_kind"}), whichever way the
    method takes its caller today (``caller`` dict, ``caller_role``, or none), so seeding
    survives the move of the rules into the services."""
    import inspect
    parameters = inspect.signature(getattr(service_cls, method_name)).parameters
    if "caller" in parameters:
        kwargs["caller"] = caller
    elif "caller_role" in parameters:
        kwargs["caller_role"] = caller["role"]
    return rpc_method(*args, **kwargs)


class Platform:
    """Every service and the gateway on one vhost for a whole test module."""

    def __init__(self, settings, rpc, gateway):
        self.settings = settings
        self.rpc = rpc
        self.gateway = gateway

    def staff_key(self) -> str:
        """A STAFF key with no owner, as `clearinghouse keys create --role staff` makes."""
        from services.members.service import MembersService
        return call_as({"role": "staff"}, self.rpc.members.create_api_key, MembersService, "create_api_key",
                       "staff")["key"]


@pytest.fixture(scope="module")
def platform(mongo_server, search_server):
    """Members, toolkits, notifications, search and the gateway, started once per module on
    a vhost of its own (rate limits off where GATEWAY_RATE_LIMIT exists); torn down after."""
    import dataclasses
    import urllib.parse
    import uuid

    from nameko.containers import get_container_cls
    from nameko.standalone.rpc import ClusterRpcProxy

    from clearinghouse import broker
    from clearinghouse.config import Settings
    from gateway.service import GatewayService
    from services.members.service import MembersService
    from services.notifications.service import NotificationsService
    from services.search.service import SearchService
    from services.search.transport import client, is_embedded
    from services.toolkits.service import ToolkitsService
    from tests.conftest import BASE_AMQP_URI, wait_until

    vhost = f"test-{uuid.uuid4().hex[:10]}"
    quoted = urllib.parse.quote(vhost, safe="")
    user = urllib.parse.urlparse(BASE_AMQP_URI).username or "guest"
    broker.management_request(BASE_AMQP_URI, "PUT", f"vhosts/{quoted}")
    broker.management_request(BASE_AMQP_URI, "PUT", f"permissions/{quoted}/{user}",
                              {"configure": ".*", "write": ".*", "read": ".*"})
    parsed = urllib.parse.urlparse(BASE_AMQP_URI)
    amqp_uri = f"{parsed.scheme}://{parsed.netloc}/{quoted}"
    broker.ensure_definitions(amqp_uri)
    changes = {"gateway_rate_limit": 0} if "gateway_rate_limit" in {f.name for f in dataclasses.fields(Settings)} \
        else {}
    settings = Settings(amqp_uri=amqp_uri, mongo_uri=mongo_server, elasticsearch_url=search_server,
                        db_prefix=f"t{uuid.uuid4().hex[:10]}_", metrics=False, gateway_port=free_port(),
                        gateway_rpc_timeout=5.0, webhook_allow_http=True, webhook_allow_networks="127.0.0.0/8",
                        **changes)
    config = settings.nameko_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{settings.gateway_port}"
    containers = []
    try:
        for cls in (MembersService, ToolkitsService, NotificationsService, SearchService, GatewayService):
            container = get_container_cls(config)(cls, config)
            containers.append(container)
            container.start()
        with ClusterRpcProxy(config, timeout=20) as rpc:
            wait_until(lambda: rpc.search.rebuild_status()["state"] in ("done", "failed"), timeout=60,
                       message="the search service's start-up rebuild")
            yield Platform(settings, rpc, GraphQLClient(f"http://127.0.0.1:{settings.gateway_port}/graphql"))
    finally:
        for container in reversed(containers):
            try:
                container.kill()
            except Exception:  # noqa: BLE001 -- tear down the rest regardless
                pass
        es = client(search_server, embedded=is_embedded(search_server))
        for name in es.indices.get(index=f"{settings.database_name('search')}*"):
            es.indices.delete(index=name, ignore_unavailable=True)
        es.close()
        broker.management_request(BASE_AMQP_URI, "DELETE", f"vhosts/{quoted}")
