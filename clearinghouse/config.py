"""Configuration from the environment, read in this one place and passed down.

Each process calls ``Settings.from_env()`` once and hands ``nameko_config()`` to its
container; dependency providers read it back with ``Settings.from_nameko(config)``.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672//"

# The metrics and health port of a service process is METRICS_PORT_BASE + 10 x its replica +
# the service's offset: replica 0 of members on 9101, replica 1 on 9111, and so on; the gateway's
# replica r listens on GATEWAY_PORT + r. A second platform on one host takes other bases.
DEFAULT_METRICS_PORT_BASE = 9100
SERVICE_PORT_OFFSETS = {"members": 1, "toolkits": 2, "search": 3, "notifications": 4}
REPLICA_PORT_STRIDE = 10
MAX_REPLICAS = 32
# replica 0's ports on the default base (what a single-process platform uses)
METRICS_PORTS = {name: DEFAULT_METRICS_PORT_BASE + offset for name, offset in SERVICE_PORT_OFFSETS.items()}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _whole(name: str, value: str | None, default: int, low: int, high: int, what: str) -> int:
    if value is None or not value.strip():
        return default
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise ValueError(f"{name} must be {what}, a whole number from {low} to {high}; got {value!r}")
    return int(value)


def _per_minute(value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    if not value.strip().isdigit():
        raise ValueError(f"GATEWAY_RATE_LIMIT must be a whole number of requests a minute (0 turns "
                         f"limits off), got {value!r}")
    return int(value)


@dataclasses.dataclass(frozen=True)
class Settings:
    amqp_uri: str = DEFAULT_AMQP_URI
    mongo_uri: str | None = None
    elasticsearch_url: str | None = None
    smtp_url: str | None = None
    gateway_port: int = 8000
    data_dir: str = "./.data"
    webhook_allow_networks: str = ""
    webhook_allow_http: bool = False
    # Not part of the public contract: lets tests give each run its own databases.
    db_prefix: str = "clearinghouse_"
    metrics: bool = True
    # Gateway: GraphiQL and introspection (turn off in production), RPC timeout in seconds.
    gateway_graphiql: bool = True
    gateway_rpc_timeout: float = 10.0
    # Seconds a service waits for another service's answer (clearinghouse.rpc.ServiceRpc).
    rpc_timeout: float = 10.0
    # Seconds search waits for the search engine's answer to one request.
    search_timeout: float = 10.0
    # Requests a minute per API key, or per client address without one; 0 turns limits off.
    gateway_rate_limit: int = 600
    log_format: str = "text"  # or json: one JSON object a line (clearinghouse.logs)
    openstates_api_key: str | None = None  # `clearinghouse import openstates` (Open States API v3)
    # Processes per service under `clearinghouse run`, and which of them this process is
    # (the runner sets CLEARINGHOUSE_REPLICA for each child; not part of the contract).
    replicas: int = 1
    replica: int = 0
    metrics_port_base: int = DEFAULT_METRICS_PORT_BASE
    # Replies to asks by email: notifications' inbound SMTP port (0: any free port), the
    # domain of the reply addresses, and where the gateway is reached for unsubscribe links.
    smtp_inbound_port: int = 2525
    mail_reply_domain: str = "reply.clearinghouse.invalid"
    public_url: str = "http://localhost:8000"
    # Gateway frontends: origins allowed by CORS (comma-separated, or *; none by default),
    # only staff-registered persisted queries, and live updates over Server-Sent Events.
    gateway_cors_origins: str = ""
    gateway_persisted_only: bool = False
    gateway_sse_heartbeat: float = 15.0
    gateway_sse_streams_per_key: int = 5

    @classmethod
    def from_env(cls, env=None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            amqp_uri=env.get("AMQP_URI") or DEFAULT_AMQP_URI,
            mongo_uri=env.get("MONGO_URI") or None,
            elasticsearch_url=env.get("ELASTICSEARCH_URL") or None,
            smtp_url=env.get("SMTP_URL") or None,
            gateway_port=int(env.get("GATEWAY_PORT") or 8000),
            data_dir=env.get("DATA_DIR") or "./.data",
            webhook_allow_networks=env.get("WEBHOOK_ALLOW_NETWORKS") or "",
            webhook_allow_http=_flag(env.get("WEBHOOK_ALLOW_HTTP")),
            db_prefix=env.get("CLEARINGHOUSE_DB_PREFIX") or "clearinghouse_",
            metrics=not _flag(env.get("CLEARINGHOUSE_NO_METRICS")),
            gateway_graphiql=_flag(env.get("GATEWAY_GRAPHIQL") or "on"),
            gateway_rpc_timeout=float(env.get("GATEWAY_RPC_TIMEOUT") or 10.0),
            rpc_timeout=float(env.get("RPC_TIMEOUT") or 10.0),
            search_timeout=float(env.get("SEARCH_TIMEOUT") or 10.0),
            gateway_rate_limit=_per_minute(env.get("GATEWAY_RATE_LIMIT"), default=600),
            smtp_inbound_port=int(env.get("SMTP_INBOUND_PORT") or 2525),
            mail_reply_domain=(env.get("MAIL_REPLY_DOMAIN") or "reply.clearinghouse.invalid").strip().lower(),
            public_url=(env.get("PUBLIC_URL") or f"http://localhost:{int(env.get('GATEWAY_PORT') or 8000)}").rstrip("/"),
            gateway_cors_origins=env.get("GATEWAY_CORS_ORIGINS") or "",
            gateway_persisted_only=_flag(env.get("GATEWAY_PERSISTED_ONLY")),
            gateway_sse_heartbeat=float(env.get("GATEWAY_SSE_HEARTBEAT") or 15.0),
            gateway_sse_streams_per_key=int(env.get("GATEWAY_SSE_STREAMS_PER_KEY") or 5),
            log_format="json" if (env.get("LOG_FORMAT") or "").strip().lower() == "json" else "text",
            openstates_api_key=env.get("OPENSTATES_API_KEY") or None,
            replicas=_whole("REPLICAS", env.get("REPLICAS"), 1, 1, MAX_REPLICAS, "the processes per service"),
            replica=_whole("CLEARINGHOUSE_REPLICA", env.get("CLEARINGHOUSE_REPLICA"), 0, 0, MAX_REPLICAS - 1,
                           "this process's replica number"),
            metrics_port_base=_whole("METRICS_PORT_BASE", env.get("METRICS_PORT_BASE"), DEFAULT_METRICS_PORT_BASE,
                                     1024, 65535 - REPLICA_PORT_STRIDE * MAX_REPLICAS,
                                     "the port the services' metrics ports count from"),
        )

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    def metrics_port(self, service_name: str, replica: int | None = None) -> int:
        """The metrics and health port of ``service_name``'s replica (this process's by default);
        0 for a process without one (the gateway serves /metrics on its own port)."""
        offset = SERVICE_PORT_OFFSETS.get(service_name)
        if offset is None:
            return 0
        replica = self.replica if replica is None else replica
        return self.metrics_port_base + REPLICA_PORT_STRIDE * replica + offset

    def gateway_port_of(self, replica: int) -> int:
        """The port gateway replica ``replica`` listens on (and serves its health and metrics)."""
        return self.gateway_port + replica

    def database_name(self, service_name: str) -> str:
        return f"{self.db_prefix}{service_name}"

    def nameko_config(self) -> dict:
        """The container config: nameko's own keys plus ours under CLEARINGHOUSE."""
        return {
            "AMQP_URI": self.amqp_uri,
            "serializer": "json",
            "WEB_SERVER_ADDRESS": f"0.0.0.0:{self.gateway_port}",
            "CLEARINGHOUSE": dataclasses.asdict(self),
        }

    @classmethod
    def from_nameko(cls, config: dict) -> "Settings":
        own = config.get("CLEARINGHOUSE")
        if own is None:
            return cls.from_env().replace(amqp_uri=config.get("AMQP_URI", DEFAULT_AMQP_URI))
        return cls(**own)
