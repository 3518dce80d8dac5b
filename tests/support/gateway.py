"""The gateway tests' kit: a GraphQL client over real HTTP, the error code of an answer,
the RPC calls the gateway made (from its /metrics), seeding as a caller, and the whole
platform a module shares."""
import inspect

import requests
from prometheus_client.parser import text_string_to_metric_families

from services.members.service import MembersService


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


class GatewayCalls:
    """The RPC calls the gateway made, as its /metrics reports them (counted before each
    call goes out, so a finished request's calls are all there): by service, and by
    "service.method"."""

    def __init__(self, metrics_url):
        self.metrics_url = metrics_url

    def snapshot(self) -> dict:
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


def call_as(caller, rpc_method, service_cls, method_name, *args, **kwargs):
    """An RPC made for ``caller`` ({"role", "owner_id", "owner_kind"}), whichever way the
    method takes its caller today (``caller`` dict, ``caller_role``, or none), so seeding
    survives the move of the rules into the services."""
    parameters = inspect.signature(getattr(service_cls, method_name)).parameters
    if "caller" in parameters:
        kwargs["caller"] = caller
    elif "caller_role" in parameters:
        kwargs["caller_role"] = caller["role"]
    return rpc_method(*args, **kwargs)


class Platform:
    """Every service and the gateway on one vhost for a whole test module (the ``platform``
    fixture)."""

    def __init__(self, settings, rpc, gateway):
        self.settings = settings
        self.rpc = rpc
        self.gateway = gateway

    def staff_key(self) -> str:
        """A STAFF key with no owner, as `clearinghouse keys create --role staff` makes."""
        return call_as({"role": "staff"}, self.rpc.members.create_api_key, MembersService, "create_api_key",
                       "staff")["key"]
