"""`make run`: the embedded stores, every service in its own process, sample data on first
start; in the foreground until Ctrl-C.

With REPLICAS=N (or --replicas N) it starts N processes of each service and of the gateway,
each with its own metrics and health port (Settings.metrics_port; gateway replica r on
GATEWAY_PORT + r), and writes them with their pids to DATA_DIR/processes.json for
`clearinghouse status`.

The runner supervises every child it starts, stores and services alike, each replica on its
own: one that dies is restarted (a store on the same data folder and port) with back-off, and one that keeps
dying is reported with where its log is. Every child dies with the runner however the
runner dies (embedded.dies_with_parent), and a lock on DATA_DIR that the kernel drops with
the runner keeps two runners off one folder without ever going stale.
"""
from __future__ import annotations

import fcntl
import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from clearinghouse import broker, logs
from clearinghouse.config import SERVICE_PORT_OFFSETS, Settings
from clearinghouse.embedded import EmbeddedMongo, command_line, dies_with_parent

from .serve import SERVICES

ORDER = ["members", "toolkits", "notifications", "search", "gateway"]

# the name operators (and the chaos tests) know the runner's lines by, from before ops/
log = logging.getLogger("clearinghouse.platform")


def module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def available_services() -> list[str]:
    return [name for name in ORDER if module_exists(SERVICES[name].split(":")[0])]


def say(message: str):
    log.info(message)


class DataDirInUse(Exception):
    pass


def lock_data_dir(path: Path):
    """Hold DATA_DIR for this runner (an flock the kernel releases when the runner dies, so
    a runner killed hard leaves no stale lock). DataDirInUse if another runner holds it."""
    held = open(path / "platform.lock", "a+")
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held.seek(0)
        other = held.read().strip() or "?"
        held.close()
        raise DataDirInUse(f"another `clearinghouse run` (pid {other}) uses {path}; stop it or set DATA_DIR")
    held.seek(0)
    held.truncate()
    held.write(f"{os.getpid()}\n")
    held.flush()
    return held


def stop_leftover(pid: int, what: str, grace: float = 10.0):
    """Stop a process a dead runner left behind (not our child: we cannot wait for it)."""
    log.warning(f"{what} (pid {pid}) was left running by a runner that died; stopping it")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while command_line(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if command_line(pid):
        os.kill(pid, signal.SIGKILL)


class Restarts:
    """Back-off for one child: the first restart at once, then 1, 2, 4 ... 30 s while it
    keeps dying. Deaths in the last minute are counted, so a crash loop is reported."""

    PERIOD = 60.0

    def __init__(self):
        self.deaths: list[float] = []

    def died(self, now: float) -> float:
        """Record a death; the delay before the next start."""
        self.deaths = [t for t in self.deaths if now - t < self.PERIOD] + [now]
        return 0.0 if len(self.deaths) == 1 else min(2.0 ** (len(self.deaths) - 2), 30.0)

    @property
    def often(self) -> bool:
        return len(self.deaths) >= 3


class Child:
    """A store or a service process the runner keeps running."""

    def __init__(self, name: str, start, log: str, after_restart=None, service: str = "", replica: int = 0,
                 port: int = 0):
        self.name = name
        self.service, self.replica, self.port = service, replica, port
        self._start = start  # () -> Popen
        self.log = log
        self.after_restart = after_restart
        self.proc: subprocess.Popen | None = None
        self.restarts = Restarts()
        self.due: float | None = None  # when to start it again, while it is down

    def start(self):
        self.proc = self._start()


class Platform:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.embedded = []
        self.stores: list[Child] = []
        self.procs: dict[str, Child] = {}
        self.env = dict(os.environ)

    def start_stores(self):
        data = self.settings.data_path
        if not self.settings.mongo_uri:
            mongo = EmbeddedMongo(data / "mongo")
            leftover = mongo.leftover_pid()
            if leftover:
                stop_leftover(leftover, mongo.name)
            self._supervise_store(mongo)
            self.settings = self.settings.replace(mongo_uri=mongo.uri)
            say(f"embedded MongoDB (nx-27017) at {mongo.uri}, data in {data / 'mongo'}")
        if not self.settings.elasticsearch_url and "search" in available_services():
            from clearinghouse.embedded import EmbeddedSearch  # added with the search service
            search = EmbeddedSearch(data / "search")
            # it keeps nothing on disk: after a restart, search refills it from the owners
            self._supervise_store(search, after_restart=self.rebuild_search)
            self.settings = self.settings.replace(elasticsearch_url=search.url)
            say(f"embedded search (osmem-server) at {search.url}")
        self.env.update(MONGO_URI=self.settings.mongo_uri, AMQP_URI=self.settings.amqp_uri)
        if self.settings.elasticsearch_url:
            self.env["ELASTICSEARCH_URL"] = self.settings.elasticsearch_url

    def _supervise_store(self, store, after_restart=None):
        child = Child(store.name, lambda: store.start().proc, str(store.log_file), after_restart)
        child.start()
        self.embedded.append(store)
        self.stores.append(child)

    def spawn(self, name: str, replica: int = 0):
        """Start replica ``replica`` of service ``name`` (named ``name/replica`` in the log)."""
        port = self.settings.metrics_port(name, replica) or self.settings.gateway_port_of(replica)
        env = {**self.env, "CLEARINGHOUSE_REPLICA": str(replica)}
        if name == "gateway":
            env["GATEWAY_PORT"] = str(port)
        child = Child(f"{name}/{replica}", lambda: subprocess.Popen([sys.executable, "-m", "ops.serve", name],
                                                                    env=env, preexec_fn=dies_with_parent),
                      "this output", service=name, replica=replica, port=port)
        child.start()
        self.procs[child.name] = child

    def write_processes(self):
        """DATA_DIR/processes.json: every service process with its port and pid, for status."""
        rows = [{"process": c.service, "replica": c.replica, "port": c.port, "pid": c.proc.pid if c.proc else None}
                for c in self.procs.values()]
        path = self.settings.data_path / "processes.json"
        path.with_suffix(".tmp").write_text(json.dumps({"runner": os.getpid(), "processes": rows}, indent=1))
        path.with_suffix(".tmp").replace(path)

    def rebuild_search(self):
        from nameko.standalone.rpc import ClusterRpcProxy
        try:
            with ClusterRpcProxy(self.settings.nameko_config(), timeout=10) as rpc:
                rpc.search.start_rebuild()  # returns at once; the rebuild runs in the service
            say("asked search to rebuild its index from the owners")
        except Exception as exc:  # noqa: BLE001 -- the operator can still do it by hand
            log.warning(f"could not ask search to rebuild ({exc}); run `clearinghouse search rebuild`")

    def wait_ready(self, services, timeout=120.0):
        """Until every replica of every RPC service consumes its queue: the sample loading calls
        them all, and a call to a queue no one has declared yet fails at once (UnknownService)."""
        import kombu
        waiting = [name for name in services if name in SERVICE_PORT_OFFSETS]  # the RPC services
        deadline = time.monotonic() + timeout
        with kombu.Connection(self.settings.amqp_uri) as conn:
            while waiting:
                try:
                    with conn.channel() as channel:
                        consumers = channel.queue_declare(queue=f"rpc-{waiting[0]}", passive=True).consumer_count
                except Exception:  # noqa: BLE001 -- not declared yet (404 closes the channel)
                    consumers = 0
                if consumers >= self.settings.replicas:
                    waiting.pop(0)
                    continue
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{waiting[0]} did not start serving within {timeout:.0f} s; "
                                       "its lines above say why")
                time.sleep(0.5)

    def load_sample_once(self):
        marker = self.settings.data_path / "sample-loaded.json"
        if marker.exists():
            return
        from .sample import load_all
        loaded = load_all(self.settings)
        marker.write_text(json.dumps(loaded))
        say(f"sample data loaded: {', '.join(loaded) or 'none'} (marked as sample)")

    def supervise(self):
        while True:
            time.sleep(0.5)
            self.check(time.monotonic())

    def check(self, now: float):
        """Restart what died, stores first (services reconnect to them by themselves)."""
        for child in [*self.stores, *self.procs.values()]:
            if child.due is None and child.proc.poll() is not None:
                delay = child.restarts.died(now)
                child.due = now + delay
                self.report(child, delay)
            if child.due is not None and now >= child.due:
                child.due = None
                try:
                    child.start()
                except RuntimeError as exc:  # a store that would not come up: it died again
                    log.warning(str(exc))
                    continue
                say(f"{child.name} restarted (pid {child.proc.pid})")
                if child.service:
                    self.write_processes()
                if child.after_restart:
                    child.after_restart()

    @staticmethod
    def report(child: Child, delay: float):
        code = child.proc.returncode
        later = f" in {delay:.0f} s" if delay else ""
        if child.restarts.often:
            log.error(f"{child.name} keeps dying: {len(child.restarts.deaths)} times in the last minute, "
                      f"last exit code {code}; its log: {child.log}; restarting it{later}")
        else:
            log.warning(f"{child.name} exited with {code}; restarting it{later}")

    def stop(self, grace: float = 20.0):
        # A second Ctrl-C must not leave the stores or a service behind.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        procs = {name: child.proc for name, child in self.procs.items() if child.proc}
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace  # services kill their own stragglers after 10 s
        for name, proc in procs.items():
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning(f"{name} did not stop; killing it")
                proc.kill()
                proc.wait()
        (self.settings.data_path / "processes.json").unlink(missing_ok=True)
        for store in reversed(self.embedded):
            store.stop()


def run(settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    # no flusher thread here: the runner forks its children with a preexec_fn
    logs.configure("runner", settings.log_format, flusher=False)
    try:
        broker.check_reachable(settings.amqp_uri)
    except broker.BrokerUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        broker.ensure_definitions(settings.amqp_uri)
    except broker.BrokerUnavailable as exc:
        log.warning(str(exc))
    settings.data_path.mkdir(parents=True, exist_ok=True)
    try:
        lock = lock_data_dir(settings.data_path)  # noqa: F841 -- held while we run
    except DataDirInUse as exc:
        log.error(str(exc))
        return 1
    platform = Platform(settings)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        platform.start_stores()
        services = available_services()
        for name in services:
            for replica in range(settings.replicas):
                platform.spawn(name, replica)
        platform.write_processes()
        platform.wait_ready(services)
        platform.load_sample_once()
        each = f" ({settings.replicas} processes each)" if settings.replicas > 1 else ""
        say("running: " + ", ".join(services) + each)
        if "gateway" in services:
            say("GraphQL and GraphiQL: " + ", ".join(f"http://localhost:{settings.gateway_port_of(r)}/graphql"
                                                      for r in range(settings.replicas)))
        say("metrics: " + ", ".join(f"{c.name} http://localhost:{c.port}/metrics"
                                     for c in platform.procs.values() if c.service in SERVICE_PORT_OFFSETS))
        say(f"RabbitMQ: {settings.amqp_uri}   MongoDB: {platform.settings.mongo_uri}")
        say("a staff key: .venv/bin/clearinghouse keys create --role staff   (Ctrl-C stops everything)")
        if settings.metrics:
            from .status import table
            say("status (clearinghouse status):\n" + table(platform.settings)[0])
        platform.supervise()
    except KeyboardInterrupt:
        say("stopping")
    finally:
        platform.stop()
    return 0
