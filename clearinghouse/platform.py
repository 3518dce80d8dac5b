"""`make run`: the embedded stores, every service in its own process, sample data on first
start; in the foreground until Ctrl-C, restarting a service process that dies."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

from . import broker
from .config import METRICS_PORTS, Settings
from .embedded import EmbeddedMongo
from .serve import SERVICES

ORDER = ["members", "toolkits", "notifications", "search", "gateway"]


def module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def available_services() -> list[str]:
    return [name for name in ORDER if module_exists(SERVICES[name].split(":")[0])]


def say(message: str):
    print(f"clearinghouse: {message}", flush=True)


class Platform:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.embedded = []
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ)

    def start_stores(self):
        data = self.settings.data_path
        if not self.settings.mongo_uri:
            mongo = EmbeddedMongo(data / "mongo").start()
            self.embedded.append(mongo)
            self.settings = self.settings.replace(mongo_uri=mongo.uri)
            say(f"embedded MongoDB (nx-27017) at {mongo.uri}, data in {data / 'mongo'}")
        if not self.settings.elasticsearch_url and "search" in available_services():
            from .embedded import EmbeddedSearch  # added with the search service
            search = EmbeddedSearch(data / "search").start()
            self.embedded.append(search)
            self.settings = self.settings.replace(elasticsearch_url=search.url)
            say(f"embedded search (osmem-server) at {search.url}")
        self.env.update(MONGO_URI=self.settings.mongo_uri, AMQP_URI=self.settings.amqp_uri)
        if self.settings.elasticsearch_url:
            self.env["ELASTICSEARCH_URL"] = self.settings.elasticsearch_url

    def spawn(self, name: str):
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "clearinghouse.serve", name], env=self.env)

    def wait_ready(self, timeout=60.0):
        from nameko.standalone.rpc import ClusterRpcProxy
        deadline = time.monotonic() + timeout
        with ClusterRpcProxy(self.settings.nameko_config(), timeout=5) as rpc:
            while True:
                try:
                    rpc.members.list_members(first=0)
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
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
            time.sleep(1)
            for name, proc in list(self.procs.items()):
                if proc.poll() is not None:
                    say(f"{name} exited with {proc.returncode}; restarting it")
                    self.spawn(name)

    def stop(self, grace: float = 20.0):
        # A second Ctrl-C must not leave the stores or a service behind.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace  # services kill their own stragglers after 10 s
        for name, proc in self.procs.items():
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop; killing it")
                proc.kill()
                proc.wait()
        for store in reversed(self.embedded):
            store.stop()


def run(settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    try:
        broker.check_reachable(settings.amqp_uri)
    except broker.BrokerUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        broker.ensure_definitions(settings.amqp_uri)
    except broker.BrokerUnavailable as exc:
        say(f"warning: {exc}")
    settings.data_path.mkdir(parents=True, exist_ok=True)
    platform = Platform(settings)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        platform.start_stores()
        services = available_services()
        for name in services:
            platform.spawn(name)
        platform.wait_ready()
        platform.load_sample_once()
        say("running: " + ", ".join(services))
        if "gateway" in services:
            say(f"GraphQL and GraphiQL: http://localhost:{settings.gateway_port}/graphql")
        say("metrics: " + ", ".join(f"{n} http://localhost:{METRICS_PORTS[n]}/metrics"
                                     for n in services if n in METRICS_PORTS))
        say(f"RabbitMQ: {settings.amqp_uri}   MongoDB: {platform.settings.mongo_uri}")
        say("a staff key: .venv/bin/clearinghouse keys create --role staff   (Ctrl-C stops everything)")
        platform.supervise()
    except KeyboardInterrupt:
        say("stopping")
    finally:
        platform.stop()
    return 0
