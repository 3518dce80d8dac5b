"""Replicas under the runner: `clearinghouse run --replicas 2` starts two processes of each
service and of the gateway, each on its own health port by the port scheme; `clearinghouse
status` lists every one of them ready; a replica killed with -9 is restarted alone."""
import os
import re
import signal
import subprocess

import pytest

from clearinghouse.config import SERVICE_PORT_OFFSETS, Settings
from ops import status
from tests.chaos.platform import CLI, Platform, alive
from tests.support import create_vhost, delete_vhost, wait_until

pytestmark = pytest.mark.chaos

SERVICES = [*SERVICE_PORT_OFFSETS, "gateway"]


def test_the_port_scheme_keeps_replica_0_on_the_known_ports_and_gives_each_replica_its_own():
    one = Settings()
    assert [one.metrics_port(name, 0) for name in SERVICE_PORT_OFFSETS] == [9101, 9102, 9103, 9104]
    assert one.gateway_port_of(0) == 8000 and one.metrics_port("gateway", 1) == 0
    assert one.metrics_port("members", 1) == 9111 and one.gateway_port_of(1) == 8001
    other = Settings.from_env({"METRICS_PORT_BASE": "19100", "GATEWAY_PORT": "18000", "REPLICAS": "3"})
    ports = [other.metrics_port(n, r) for n in SERVICE_PORT_OFFSETS for r in range(3)]
    ports += [other.gateway_port_of(r) for r in range(3)]
    assert len(set(ports)) == len(ports) == 15 and not set(ports) & {9101, 9102, 9103, 9104, 8000, 8001, 8002}
    assert Settings.from_env({"REPLICAS": "3", "CLEARINGHOUSE_REPLICA": "2"}).metrics_port("search") == 9123


@pytest.mark.parametrize("value", ["0", "-1", "two", "33", "1e3", "9" * 500, "2\n2", "\x00"])
def test_replicas_that_cannot_be_used_are_refused_plainly(value, tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    by_flag = subprocess.run([CLI, "run", "--replicas", value], env=env, capture_output=True, text=True,
                             timeout=60) if "\x00" not in value else None
    if by_flag is not None:
        assert by_flag.returncode == 2 and "processes per service, a whole number from 1 to 32" in by_flag.stderr
        assert "Traceback" not in by_flag.stderr
    env_value = value.replace("\x00", "nul")
    by_env = subprocess.run([CLI, "status"], env={**env, "REPLICAS": env_value}, capture_output=True, text=True,
                            timeout=60)
    assert by_env.returncode == 2 and "REPLICAS must be the processes per service" in by_env.stderr, by_env.stderr
    assert "Traceback" not in by_env.stderr
    assert not any(tmp_path.iterdir())  # nothing started, nothing written


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replicas")
    amqp_uri = create_vhost()
    platform = Platform(folder / "data", amqp_uri, folder / "run.log", replicas=2, metrics=True)
    try:
        platform.start().wait_running()
        yield platform
    finally:
        platform.stop()
        delete_vhost(amqp_uri)
    assert platform.proc.returncode == 0


def status_of(platform):
    """`clearinghouse status` against the platform: (exit code, its rows by (process, replica))."""
    out = subprocess.run([CLI, "status"], env=platform.env, capture_output=True, text=True, timeout=60)
    rows = {}
    for line in out.stdout.splitlines()[1:]:
        process, replica, port, pid, state = re.split(r"\s{2,}", line)[:5]
        rows[(process, int(replica))] = (int(port), pid, state)
    return out.returncode, rows


def test_two_replicas_of_each_run_on_their_own_ports_and_status_lists_every_one_ready(replicated):
    listed = replicated.processes()
    assert sorted((p["process"], p["replica"]) for p in listed) == sorted((n, r) for n in SERVICES for r in (0, 1))
    assert all(alive(p["pid"]) for p in listed)
    wait_until(lambda: status_of(replicated)[0] == 0, timeout=60, interval=0.5,
               message=f"every replica ready: {status_of(replicated)}")
    code, rows = status_of(replicated)
    assert set(rows) == {(n, r) for n in SERVICES for r in (0, 1)}
    gateway = int(replicated.env["GATEWAY_PORT"])
    for (name, replica), (port, pid, state) in rows.items():
        expected = gateway + replica if name == "gateway" else replicated.metrics_port(name, replica)
        assert (port, state) == (expected, "ready") and int(pid) == replicated.replica_pid(name, replica)
    assert len({port for port, _, _ in rows.values()}) == len(rows)
    # both gateways answer GraphQL
    for replica in (0, 1):
        answer = replicated.http.post(f"http://127.0.0.1:{gateway + replica}/graphql",
                                      json={"query": "{ members(first: 1) { totalCount } }"}, timeout=30).json()
        assert "errors" not in answer, answer
    assert "status (clearinghouse status):" in replicated.output()
    assert "running: members, toolkits, notifications, search, gateway (2 processes each)" in replicated.output()


@pytest.mark.parametrize("service", ["members", "gateway"])
def test_a_killed_replica_is_restarted_alone(replicated, service):
    before = {(p["process"], p["replica"]): p["pid"] for p in replicated.processes()}
    quiet = len(replicated.output())
    victim = before[(service, 1)]
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: replicated.replica_pid(service, 1) != victim, timeout=60, interval=0.2,
               message=f"{service}/1 restarted")
    after = {(p["process"], p["replica"]): p["pid"] for p in replicated.processes()}
    assert {k: v for k, v in after.items() if k != (service, 1)} == {k: v for k, v in before.items()
                                                                     if k != (service, 1)}
    assert all(alive(pid) for pid in after.values())
    lines = replicated.output()[quiet:]
    assert f"{service}/1 exited with -9; restarting it" in lines and f"{service}/1 restarted (pid " in lines
    assert f"{service}/0 exited" not in lines
    wait_until(lambda: status_of(replicated)[1][(service, 1)][2] == "ready", timeout=60, interval=0.5,
               message=f"{service}/1 ready again")
    assert status_of(replicated)[0] == 0
