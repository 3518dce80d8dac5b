"""`clearinghouse run` in its own process on a test's vhost and data folder, as `make run`
starts it, so a test can kill -9 the runner or one of its stores."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

from clearinghouse.config import REPLICA_PORT_STRIDE, SERVICE_PORT_OFFSETS
from tests.support import free_port, wait_until

CLI = shutil.which("clearinghouse", path=os.path.dirname(sys.executable)) or "clearinghouse"


def alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its reaper does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> dict[int, str]:
    """The live children of ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and alive(int(entry.name)):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def free_block(offsets, tries=200) -> int:
    """A base port such that base + every offset is free now (so a platform's ports do not
    collide with another platform's on this host, the developer's `make run` included)."""
    for _ in range(tries):
        base = random.randrange(10000, 32000, REPLICA_PORT_STRIDE)  # below the ephemeral range
        if all(bindable(base + o) for o in offsets):
            return base
    raise RuntimeError("no free block of ports")


class Platform:
    def __init__(self, data_dir: Path, amqp_uri: str, log: Path, replicas: int = 1, metrics: bool = False):
        self.env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "ELASTICSEARCH_URL")}
        self.replicas = replicas
        metrics_base = free_block([REPLICA_PORT_STRIDE * r + o for r in range(replicas)
                                   for o in SERVICE_PORT_OFFSETS.values()])
        self.env.update(AMQP_URI=amqp_uri, DATA_DIR=str(data_dir), GATEWAY_PORT=str(free_block(range(replicas))),
                        METRICS_PORT_BASE=str(metrics_base), REPLICAS=str(replicas), GATEWAY_RATE_LIMIT="0",
                        SMTP_INBOUND_PORT="0")
        self.env.pop("CLEARINGHOUSE_NO_METRICS", None)
        if not metrics:
            self.env["CLEARINGHOUSE_NO_METRICS"] = "1"
        self.data_dir = Path(data_dir)
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.env['GATEWAY_PORT']}/graphql"
        self.http = requests.Session()

    def start(self) -> Platform:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([CLI, "run"], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_running(self, runs=1):
        def running():
            assert self.proc.poll() is None, f"the runner exited with {self.proc.returncode}:\n{self.output()}"
            return self.output().count("clearinghouse.platform: running: ") >= runs
        wait_until(running, timeout=120, interval=0.2, message="the platform running")

    def child(self, word: str) -> int:
        (pid,) = [pid for pid, cmd in children(self.proc.pid).items() if word in cmd]
        return pid

    def processes(self) -> list[dict]:
        """The service processes the runner lists in DATA_DIR/processes.json (with their pids)."""
        return json.loads((self.data_dir / "processes.json").read_text())["processes"]

    def replica_pid(self, service: str, replica: int) -> int:
        (pid,) = [p["pid"] for p in self.processes() if p["process"] == service and p["replica"] == replica]
        return pid

    def metrics_port(self, service: str, replica: int = 0) -> int:
        offset = SERVICE_PORT_OFFSETS[service]
        return int(self.env["METRICS_PORT_BASE"]) + REPLICA_PORT_STRIDE * replica + offset

    def staff_key(self) -> str:
        out = subprocess.run([CLI, "keys", "create", "--role", "staff"], env=self.env, capture_output=True,
                             text=True, timeout=60, check=True)
        return out.stdout.strip()

    def graphql(self, query, variables=None, key=None) -> dict:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.http.post(self.url, json={"query": query, "variables": variables or {}}, headers=headers,
                              timeout=30).json()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.http.close()
