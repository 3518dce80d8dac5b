"""Configuration from the environment, read in this one place and passed down.

Each process calls ``Settings.from_env()`` once and hands ``nameko_config()`` to its
container; dependency providers read it back with ``Settings.from_nameko(config)``.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672//"

# /metrics port for each service process (the gateway serves /metrics on its own port).
METRICS_PORTS = {"members": 9101, "toolkits": 9102, "search": 9103, "notifications": 9104}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


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
    # Requests a minute per API key, or per client address without one; 0 turns limits off.
    gateway_rate_limit: int = 600
    log_format: str = "text"  # or json: one JSON object a line (clearinghouse.logs)
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
            gateway_rate_limit=_per_minute(env.get("GATEWAY_RATE_LIMIT"), default=600),
            gateway_cors_origins=env.get("GATEWAY_CORS_ORIGINS") or "",
            gateway_persisted_only=_flag(env.get("GATEWAY_PERSISTED_ONLY")),
            gateway_sse_heartbeat=float(env.get("GATEWAY_SSE_HEARTBEAT") or 15.0),
            gateway_sse_streams_per_key=int(env.get("GATEWAY_SSE_STREAMS_PER_KEY") or 5),
            log_format="json" if (env.get("LOG_FORMAT") or "").strip().lower() == "json" else "text",
        )

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

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
