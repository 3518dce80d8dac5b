"""`clearinghouse run` in its own process on a test's vhost and data folder, as `make run`
starts it, so a test can kill -9 the runner or one of its stores."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import requests

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


class Platform:
    def __init__(self, data_dir: Path, amqp_uri: str, log: Path):
        self.env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "ELASTICSEARCH_URL")}
        self.env.update(AMQP_URI=amqp_uri, DATA_DIR=str(data_dir), GATEWAY_PORT=str(free_port()),
                        CLEARINGHOUSE_NO_METRICS="1", GATEWAY_RATE_LIMIT="0", SMTP_INBOUND_PORT="0")
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
