"""The gateway: one GraphQL API over every service, on WEB_SERVER_ADDRESS (GATEWAY_PORT).
Entrypoints only; the work is in endpoint.py and the schema's packages."""
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from werkzeug.wrappers import Response

from clearinghouse import health
from clearinghouse.config import Settings
from clearinghouse.tracing import Tracing

from . import graphiql, ratelimit
from .endpoint import GraphQLEndpoint, json_response
from .export import ExportRoutes
from .feeds import FeedRoutes
from .limits import Limits
from .rpc import Services
from .schema import schema


class Endpoint(DependencyProvider):
    """The schema, caches and limits, shared by every request of this container."""

    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        self.client, rate_limit = None, None
        if settings.gateway_rate_limit > 0:
            # The gateway owns no domain data; its own database holds only the shared rate-limit counts.
            self.client, rate_limit = ratelimit.connect(settings.mongo_uri, settings.database_name("gateway"),
                                                        settings.gateway_rate_limit)
        self.endpoint = GraphQLEndpoint(schema, Limits(introspection=settings.gateway_graphiql),
                                        rate_limit=rate_limit)

    def stop(self):
        if self.client is not None:
            self.client.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.endpoint


def graphiql_off():
    return json_response({"errors": [{"message": "GraphiQL is turned off on this server; POST queries "
                                                 "to /graphql", "extensions": {"code": "FORBIDDEN"}}]}, 404)


class GatewayService(FeedRoutes, ExportRoutes):
    name = "gateway"

    graphql_endpoint = Endpoint()
    services = Services()
    tracing = Tracing()
    config = Config()

    @http("POST", "/graphql")
    def graphql(self, request):
        """A GraphQL operation (or a JSON array of them). One trace per request (a client's
        valid W3C traceparent is continued), answered in the traceparent header."""
        traceparent = self.tracing.begin(request.headers.get("traceparent"))
        response = self.graphql_endpoint.handle(request, self.services, trace_id=self.services.trace_id)
        response.headers["traceparent"] = traceparent
        return response

    @http("GET", "/graphql")
    def graphiql(self, request):
        """GraphiQL, when introspection is on (GATEWAY_GRAPHIQL, on by default)."""
        if not self.graphql_endpoint.limits.introspection:
            return graphiql_off()
        return graphiql.page()

    @http("GET", "/graphiql/<asset>")
    def graphiql_asset(self, request, asset):
        """GraphiQL's scripts, stylesheet and licences, served from this project (no CDN)."""
        if not self.graphql_endpoint.limits.introspection:
            return graphiql_off()
        return graphiql.asset(asset)

    @timer(interval=600)
    def sweep_rate_limits(self):
        """Drop ended rate-limit windows, so the store keeps only callers seen this minute."""
        if self.graphql_endpoint.rate_limit is not None:
            self.graphql_endpoint.rate_limit.sweep()

    @http("GET", "/health/live")
    def live(self, request):
        """200 while the process answers."""
        return json_response({"status": "live"})

    @http("GET", "/health/ready")
    def ready(self, request):
        """200 when the broker answers (every answer needs it), else 503 with the reason."""
        reason = health.broker_probe(self.config["AMQP_URI"])()
        if reason:
            return json_response({"status": "not ready", "reasons": [f"broker: {reason}"]}, 503)
        return json_response({"status": "ready"})

    @http("GET", "/metrics")
    def metrics(self, request):
        """Prometheus metrics: requests and latency by operation and outcome, RPC calls."""
        return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
