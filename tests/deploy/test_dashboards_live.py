"""The dashboards answer on a live platform: the platform runs as `make run` starts it, a
real Prometheus (Debian's package) scrapes every process, traffic goes through the gateway
(queries, writes, a webhook delivered, one failing, an email), and then every expression
of every Grafana panel is evaluated through Prometheus's HTTP API. A panel that returns no
series is a panel an operator would stare at in vain."""
import datetime as dt
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from clearinghouse.config import METRICS_PORTS
from clearinghouse.embedded import free_port, wait_for_port
from tests.chaos.platform import Platform
from tests.support import PGH, create_vhost, delete_vhost, wait_until
from tests.support.notifications import Receiver, SmtpServer

DASHBOARDS = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards"
RABBITMQ_METRICS = 15692  # the rabbitmq_prometheus plugin (deploy/rabbitmq/ensure-local.sh enables it)


def panel_exprs():
    found = []
    for board in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(board.read_text())["panels"]:
            found += [(f"{board.stem}: {panel['title']}", t["expr"]) for t in panel.get("targets", [])]
    return found


class Prometheus:
    def __init__(self, folder: Path, targets: dict[str, int]):
        binary = shutil.which("prometheus")
        assert binary, "prometheus is needed (Debian package prometheus); run make setup"
        self.port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [
                {"job_name": "clearinghouse",
                 "static_configs": [{"targets": [f"127.0.0.1:{port}"], "labels": {"process": name}}
                                    for name, port in targets.items()]},
                {"job_name": "rabbitmq", "metrics_path": "/metrics/per-object",
                 "static_configs": [{"targets": [f"127.0.0.1:{RABBITMQ_METRICS}"]}]},
            ],
        }
        (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.proc = subprocess.Popen(
            [binary, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=(folder / "prometheus.log").open("wb"))
        wait_for_port(self.port, self.proc, "prometheus")
        self.api = f"http://127.0.0.1:{self.port}/api/v1"

    def query(self, expr: str) -> list:
        answer = requests.get(f"{self.api}/query", params={"query": expr}, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def targets_up(self) -> dict:
        active = requests.get(f"{self.api}/targets", timeout=10).json()["data"]["activeTargets"]
        return {t["labels"].get("process", t["labels"]["job"]): t["health"] for t in active}

    def scraped_since(self, moment: float) -> bool:
        active = requests.get(f"{self.api}/targets", timeout=10).json()["data"]["activeTargets"]
        return all(dt.datetime.fromisoformat(t["lastScrape"]).timestamp() > moment for t in active)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def graphql(platform, key, query, **variables):
    answer = platform.graphql(query, variables, key=key)
    assert "errors" not in answer, answer
    return answer["data"]


def drive_traffic(platform, receiver, smtp):
    staff = platform.staff_key()
    member = graphql(platform, staff, """mutation($in: MemberInput!) { createMember(input: $in) { id } }""",
                     **{"in": {"name": "Dana Follower", "status": "active", "issueAreas": ["paid-sick-leave"],
                               "email": "dana@example.org",
                               "offices": [{"role": "councilmember", "body": "City Council", "jurisdiction": PGH}]}}
                     )["createMember"]["id"]
    for path in ("/ok", "/broken"):
        graphql(platform, staff, """mutation($in: EventSubscriptionInput!) {
                    createEventSubscription(input: $in) { subscription { id } } }""",
                **{"in": {"channel": "webhook", "url": receiver.url(path), "eventTypes": ["ordinance.recorded"]}})
    receiver.script("/broken", *([500] * 50))
    graphql(platform, staff, """mutation($in: EventSubscriptionInput!) {
                createEventSubscription(input: $in) { subscription { id } } }""",
            **{"in": {"channel": "email", "email": "partner@example.org", "eventTypes": ["ordinance.recorded"]}})
    graphql(platform, staff, """mutation($in: OrdinanceInput!) { recordOrdinance(input: $in) { id } }""",
            **{"in": {"title": "Paid Sick Days Act (dashboards test)", "jurisdiction": PGH, "issueArea": "paid-sick-leave",
                      "sponsorIds": [member]}})
    graphql(platform, staff, "{ members(first: 5) { totalCount } ordinances(first: 5) { edges { node { title } } } }")
    graphql(platform, staff, '{ search(query: "sick") { totalCount } }')
    refused = platform.graphql("{ member(id: 42) { id } }", key=staff)
    assert refused.get("errors"), refused  # a rejected request, for the error panels
    wait_until(lambda: receiver.received("/ok") and len(receiver.received("/broken")) >= 2, timeout=60,
               message="a webhook delivered and a failing one retried")
    wait_until(lambda: smtp.messages(), timeout=60, message="an email delivered")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    amqp_uri = create_vhost()
    receiver, smtp = Receiver(), SmtpServer(folder / "mail")
    # its own ports (Platform picks free blocks), so a developer's `make run` does not collide
    platform = Platform(folder / "data", amqp_uri, folder / "run.log", metrics=True)
    platform.env.update(SMTP_URL=smtp.url, WEBHOOK_ALLOW_HTTP="1", WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8")
    prometheus = None
    try:
        platform.start().wait_running()
        gateway_port = int(platform.env["GATEWAY_PORT"])
        prometheus = Prometheus(folder, {**{name: platform.metrics_port(name) for name in METRICS_PORTS},
                                         "gateway": gateway_port})
        drive_traffic(platform, receiver, smtp)
        wait_until(lambda: set(prometheus.targets_up().values()) == {"up"}, timeout=60,
                   message=f"every target scraped: {prometheus.targets_up() if prometheus else ''}")
        for _ in range(2):  # rates need two scrapes of every target that saw the traffic
            since = time.time()
            wait_until(lambda: prometheus.scraped_since(since), timeout=60, message="every target scraped again")
        prometheus.platform = platform
        yield prometheus
    finally:
        if prometheus is not None:
            prometheus.stop()
        platform.stop()
        receiver.close()
        smtp.stop()
        delete_vhost(amqp_uri)


EXPRS = panel_exprs()


def test_prometheus_scrapes_every_process_and_the_broker(live):
    assert live.targets_up() == {**{name: "up" for name in METRICS_PORTS}, "gateway": "up", "rabbitmq": "up"}


@pytest.mark.parametrize("where, expr", EXPRS, ids=[w for w, _ in EXPRS])
def test_every_panel_answers_with_series(live, where, expr):
    assert live.query(expr), f"{where}: {expr} returns no series on a live platform with traffic"


def test_a_panel_on_a_metric_nobody_exports_would_fail(live):
    assert not live.query("sum by (service) (rate(clearinghouse_no_such_metric_total[5m]))")


def test_clearinghouse_status_shows_every_process_ready_and_make_run_prints_it(live, capsys):
    import re

    from clearinghouse.config import Settings
    from ops import cli, status
    assert cli.status(Settings.from_env(live.platform.env), None) == 0
    out = capsys.readouterr().out
    for name in [*METRICS_PORTS, "gateway"]:
        assert re.search(rf"^{name}\s+0\s+\d+\s+\d+\s+ready$", out, re.M), out
    assert "status (clearinghouse status):" in live.platform.output()
    assert status.readiness(free_port())[0] == "down"
