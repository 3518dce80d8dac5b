"""`clearinghouse status`: every process of a platform on this host, with its readiness
(GET /health/ready on its health port), as a table. `make run` prints it once up."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from clearinghouse.config import METRICS_PORTS, Settings


def processes(settings: Settings) -> dict[str, int]:
    """Each process's health port: the services' metrics ports and the gateway's own."""
    return {**METRICS_PORTS, "gateway": settings.gateway_port}


def readiness(port: int, host: str = "127.0.0.1", timeout: float = 2.0) -> tuple[str, str]:
    """(state, detail): ready, not ready (with its reasons) or down."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/health/ready", timeout=timeout):
            return "ready", ""
    except urllib.error.HTTPError as exc:
        try:
            reasons = json.loads(exc.read() or b"{}").get("reasons") or []
        except ValueError:
            reasons = []
        return "not ready", "; ".join(str(r) for r in reasons) or f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return "down", f"nothing answers on port {port} ({getattr(exc, 'reason', exc)})"


def table(settings: Settings) -> tuple[str, bool]:
    """The table, and whether every process is ready."""
    rows = [(name, str(port), *readiness(port)) for name, port in processes(settings).items()]
    widths = [max(len(r[i]) for r in rows + [("process", "port", "state", "")]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("process", "port", "state"), widths)) + "  detail"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + ("  " + row[3] if row[3] else "")
              for row in rows]
    return "\n".join(line.rstrip() for line in lines), all(row[2] == "ready" for row in rows)
