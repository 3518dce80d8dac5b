"""The gateway: one GraphQL API over every service, on WEB_SERVER_ADDRESS (GATEWAY_PORT).
Entrypoints only; the work is in endpoint.py and the schema modules."""
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from werkzeug.wrappers import Response

from clearinghouse.config import Settings

from .endpoint import GraphQLEndpoint, json_response
from .graphiql import PAGE
from .limits import Limits
from .rpc import Services
from .schema import schema


class Endpoint(DependencyProvider):
    """The schema, caches and limits, shared by every request of this container."""

    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        self.endpoint = GraphQLEndpoint(schema, Limits(introspection=settings.gateway_graphiql))

    def get_dependency(self, worker_ctx):
        return self.endpoint


class GatewayService:
    name = "gateway"

    graphql_endpoint = Endpoint()
    services = Services()

    @http("POST", "/graphql")
    def graphql(self, request):
        """A GraphQL operation (or a JSON array of them)."""
        return self.graphql_endpoint.handle(request, self.services)

    @http("GET", "/graphql")
    def graphiql(self, request):
        """GraphiQL, when introspection is on (GATEWAY_GRAPHIQL, on by default)."""
        if not self.graphql_endpoint.limits.introspection:
            return json_response({"errors": [{"message": "GraphiQL is turned off on this server; POST queries "
                                                         "to /graphql", "extensions": {"code": "FORBIDDEN"}}]}, 404)
        return Response(PAGE, mimetype="text/html")

    @http("GET", "/metrics")
    def metrics(self, request):
        """Prometheus metrics: requests and latency by operation and outcome, RPC calls."""
        return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
