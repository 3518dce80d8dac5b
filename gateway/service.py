"""The gateway: one GraphQL API over every service, on WEB_SERVER_ADDRESS (GATEWAY_PORT).
Entrypoints only; the work is in endpoint.py and the schema's packages."""
from graphql import print_schema
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from werkzeug.wrappers import Response

from clearinghouse import health
from clearinghouse.config import Settings
from clearinghouse.tracing import Tracing

from . import compression, graphiql, http as graphql_http, live, persisted, ratelimit
from .cors import Cors
from .endpoint import GraphQLEndpoint, json_response
from .export import ExportRoutes
from .feeds import FeedRoutes
from .limits import Limits
from .notifications import unsubscribe
from .rpc import Services
from .schema import schema
from .subscriptions import Subscriptions


class Endpoint(DependencyProvider):
    """The schema, caches and limits, shared by every request of this container."""

    def setup(self):
        settings = Settings.from_nameko(self.container.config)
        # The gateway owns no domain data; its own database holds only what its processes
        # share: the rate-limit counts and the persisted queries.
        self.client = ratelimit.client(settings.mongo_uri)
        database = self.client[settings.database_name("gateway")]
        rate_limit = ratelimit.over(database, settings.gateway_rate_limit) if settings.gateway_rate_limit > 0 else None
        registry = persisted.PersistedQueries(database[persisted.COLLECTION],
                                              persisted_only=settings.gateway_persisted_only)
        self.endpoint = GraphQLEndpoint(schema, Limits(introspection=settings.gateway_graphiql),
                                        rate_limit=rate_limit, persisted=registry)
        # a lease outlives a few missed heartbeats, so only a dead process's streams run out
        leases = live.StreamLeases(database[live.StreamLeases.COLLECTION],
                                   lease_seconds=max(30.0, 4 * settings.gateway_sse_heartbeat))
        self.endpoint.live = Subscriptions(self.endpoint, live.Hub(
            per_owner=settings.gateway_sse_streams_per_key, heartbeat=settings.gateway_sse_heartbeat, leases=leases))

    def stop(self):
        if self.client is not None:
            self.client.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.endpoint


class CorsPolicy(DependencyProvider):
    """The origins that browser apps may call from (GATEWAY_CORS_ORIGINS)."""

    def setup(self):
        self.cors = Cors(Settings.from_nameko(self.container.config).gateway_cors_origins)

    def get_dependency(self, worker_ctx):
        return self.cors


def graphiql_off():
    return json_response({"errors": [{"message": "GraphiQL is turned off on this server; POST queries "
                                                 "to /graphql", "extensions": {"code": "FORBIDDEN"}}]}, 404)


class GatewayService(FeedRoutes, ExportRoutes):
    name = "gateway"

    graphql_endpoint = Endpoint()
    cors = CorsPolicy()
    services = Services()
    tracing = Tracing()
    config = Config()

    @http("POST", "/graphql")
    def graphql(self, request):
        """A GraphQL operation (or a JSON array of them). One trace per request (a client's
        valid W3C traceparent is continued), answered in the traceparent header."""
        traceparent = self.tracing.begin(request.headers.get("traceparent"))
        if graphql_http.wants_event_stream(request.headers.get("Accept")):
            response = self.graphql_endpoint.live.stream(request, self.services, trace_id=self.services.trace_id)
        else:
            response = self.graphql_endpoint.handle(request, self.services, trace_id=self.services.trace_id)
        response.headers["traceparent"] = traceparent
        return self.finish(request, response)

    @http("GET", "/graphql")
    def graphql_get(self, request):
        """A query in the URL (?query=&variables=&operationName=, GraphQL over HTTP; PUBLIC
        answers are cacheable), or GraphiQL for a browser's page request when introspection
        is on (GATEWAY_GRAPHIQL, on by default)."""
        if not request.args:
            if not self.graphql_endpoint.limits.introspection:
                return graphiql_off()
            return graphiql.page()
        return self.graphql(request)

    @http("OPTIONS", "/graphql")
    def graphql_preflight(self, request):
        """A browser's CORS preflight: which origins, methods and headers may call /graphql."""
        return self.cors.preflight(request)

    @http("GET", "/graphql/schema.graphql")
    def sdl(self, request):
        """The schema as SDL for codegen tools, when introspection is on."""
        if not self.graphql_endpoint.limits.introspection:
            return graphiql_off()
        body = print_schema(self.graphql_endpoint.schema.graphql_schema).encode() + b"\n"
        etag = graphql_http.etag_of(body)
        if graphql_http.matches(request.headers.get("If-None-Match"), etag):
            return self.finish(request, graphql_http.not_modified(etag, "public, max-age=300"))
        return self.finish(request, Response(body, content_type="text/plain; charset=utf-8",
                                             headers={"ETag": etag, "Cache-Control": "public, max-age=300"}))

    @live.bus_events()
    def live_event(self, body):
        """An ordinance, toolkit or ask event from this process's own queue, sent to the
        Server-Sent Event streams it concerns."""
        self.graphql_endpoint.live.deliver(body, self.services)

    @http("GET", "/graphiql/<asset>")
    def graphiql_asset(self, request, asset):
        """GraphiQL's scripts, stylesheet and licences, served from this project (no CDN)."""
        if not self.graphql_endpoint.limits.introspection:
            return graphiql_off()
        return graphiql.asset(asset)

    @http("GET", "/unsubscribe/<token>")
    def unsubscribe_page(self, request, token):
        """The List-Unsubscribe link opened in a browser: a button that POSTs (a GET changes nothing)."""
        return unsubscribe.confirm()

    @http("POST", "/unsubscribe/<token>")
    def unsubscribe(self, request, token):
        """RFC 8058 one-click unsubscribe from an ask's answers (notifications checks the token)."""
        return unsubscribe.unsubscribe(request, self.services, token)

    def finish(self, request, response):
        """What every answer of the GraphQL routes gets: CORS headers, then compression."""
        return compression.compress(request, self.cors.apply(request, response))

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
