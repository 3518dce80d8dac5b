"""`clearinghouse status`: every process of a platform on this host, every replica of each,
with its readiness (GET /health/ready on its health port), as a table. `make run` prints it
once up.

The processes are the ones the runner wrote to DATA_DIR/processes.json (with their pids);
without that file, the ones the port scheme gives for REPLICAS (Settings.metrics_port)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from clearinghouse.config import SERVICE_PORT_OFFSETS, Settings


def processes(settings: Settings) -> list[dict]:
    """Each process: its service (or gateway), replica, health port and pid when known."""
    try:
        listed = json.loads((settings.data_path / "processes.json").read_text())["processes"]
        return [{"process": str(p["process"]), "replica": int(p["replica"]), "port": int(p["port"]),
                 "pid": p.get("pid")} for p in listed]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rows = [{"process": name, "replica": r, "port": settings.metrics_port(name, r), "pid": None}
            for name in SERVICE_PORT_OFFSETS for r in range(settings.replicas)]
    return rows + [{"process": "gateway", "replica": r, "port": settings.gateway_port_of(r), "pid": None}
                   for r in range(settings.replicas)]


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


HEADINGS = ("process", "replica", "port", "pid", "state")


def table(settings: Settings) -> tuple[str, bool]:
    """The table, and whether every process is ready."""
    rows = [(p["process"], str(p["replica"]), str(p["port"]), str(p["pid"] or "-"), *readiness(p["port"]))
            for p in processes(settings)]
    widths = [max(len(r[i]) for r in rows + [HEADINGS]) for i in range(len(HEADINGS))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADINGS, widths)) + "  detail"]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row[:-1], widths)) + ("  " + row[-1] if row[-1] else "")
              for row in rows]
    return "\n".join(line.rstrip() for line in lines), all(row[-2] == "ready" for row in rows)
