"""Embedded stand-ins, started when MONGO_URI / ELASTICSEARCH_URL are unset: servers that
speak the same wire protocol, so the same clients and code paths are used."""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: a forked child only calls it


def dies_with_parent():
    """``preexec_fn`` for every child the platform starts: the kernel sends it SIGTERM when
    the process that started it dies, however it dies (kill -9 included)."""
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os.kill(os.getpid(), signal.SIGTERM)


def command_line(pid: int) -> list[str]:
    """A live process's arguments, or [] if there is no such process."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f}s")


def stop_process(proc: subprocess.Popen | None, grace: float = 10.0):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class EmbeddedMongo:
    """nx-27017 (MongoDB wire protocol over SQLite), persistent under ``data_dir``."""

    name = "nx-27017 (embedded MongoDB)"

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "nx-27017.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "nx-27017.out"

    def leftover_pid(self) -> int | None:
        """The pid of an nx-27017 still serving this folder, from the pid file; a pid file
        naming a dead or unrelated process is removed (nx-27017 would refuse to start)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            pid = None
        args = command_line(pid) if pid else []
        if pid and any("nx-27017" in a for a in args) and str(self.data_dir) in args:
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(self) -> "EmbeddedMongo":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.leftover_pid()
        exe = shutil.which("nx-27017", path=os.path.dirname(sys.executable)) or "nx-27017"
        log = open(self.log_file, "ab")
        self.proc = subprocess.Popen(
            [exe, "--data-dir", str(self.data_dir), "--host", "127.0.0.1", "-p", str(self.port),
             "--log-file", str(self.data_dir / "nx-27017.log"), "--pid-file", str(self.pid_file)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=dies_with_parent)
        log.close()
        wait_for_port(self.port, self.proc, self.name)
        return self

    def stop(self):
        stop_process(self.proc)


class EmbeddedSearch:
    """osmem-server (an in-memory OpenSearch-compatible server shipped in its wheel).

    It keeps nothing on disk: the search service rebuilds its index from the owning
    services when it finds it empty. ``data_dir`` holds only the server's log.
    """

    name = "osmem-server (embedded search)"

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "osmem-server.log"

    def start(self) -> "EmbeddedSearch":
        from osmem_server import resolve_binary
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")
        self.proc = subprocess.Popen(
            [resolve_binary(), "--addr", f"127.0.0.1:{self.port}", "--no-ja", "--no-stdin-watch",
             "--parent-pid", str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=dies_with_parent)
        log.close()
        wait_for_port(self.port, self.proc, self.name)
        return self

    def stop(self):
        stop_process(self.proc)
