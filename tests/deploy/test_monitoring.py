"""The alert rules and the Grafana dashboard chart what the processes really export: every
metric and label they name is registered by the code (a renamed metric breaks this test,
not a dashboard nobody looks at until the night it is needed)."""
import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import gateway.service  # noqa: F401 -- importing registers each process's metrics
import services.members.service  # noqa: F401
import services.notifications.service  # noqa: F401
import services.search.service  # noqa: F401
import services.toolkits.service  # noqa: F401

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
OURS = re.compile(r"\b(clearinghouse_[a-z_]+)\b(\{[^}]*\})?")
BY = re.compile(r"\bby \(([^)]*)\)")


def rules():
    groups = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_exprs():
    dashboards = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    assert dashboards, "no dashboard under deploy/grafana/dashboards"
    return [t["expr"] for d in dashboards for p in json.loads(d.read_text())["panels"] for t in p["targets"]]


def exported():
    """family name -> label names, for every metric this code registers."""
    families = {}
    for collector in list(REGISTRY._collector_to_names):
        for metric in collector.describe() if hasattr(collector, "describe") else ():
            families[metric.name] = set(getattr(collector, "_labelnames", ()))
    return families


def family_of(name, families):
    for candidate in (name, re.sub(r"_(bucket|count|sum|total)$", "", name)):
        if candidate in families:
            return candidate
    return None


EXPRS = [(r["alert"], r["expr"]) for r in rules()] + [(f"panel {i}", e) for i, e in enumerate(dashboard_exprs())]


@pytest.mark.parametrize("where, expr", EXPRS, ids=[w for w, _ in EXPRS])
def test_every_metric_and_label_named_is_exported(where, expr):
    families = exported()
    named = OURS.findall(expr)
    for name, selector in named:
        family = family_of(name, families)
        assert family, f"{where}: {name} is not exported by any process"
        for label in re.findall(r"(\w+)\s*=~?", selector):
            assert label in families[family], f"{where}: {name} has no label {label!r}"
    if named:
        labels = set().union(*(families[family_of(n, families)] for n, _ in named)) | {"le"}
        for group in BY.findall(expr):
            for label in filter(None, (x.strip() for x in group.split(","))):
                assert label in labels, f"{where}: grouped by {label!r}, which its metrics do not carry"


def test_every_alert_says_how_bad_and_what_happened():
    for rule in rules():
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_prometheus_scrapes_every_process_on_its_metrics_port():
    from clearinghouse.config import METRICS_PORTS
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "clearinghouse")
    # every replica of each compose service: DNS names its containers, the port is the process's
    targets = {name: sd["port"] for sd in job["dns_sd_configs"] for name in sd["names"]}
    assert targets == {**METRICS_PORTS, "gateway": 8000}
    assert {"source_labels": ["__meta_dns_name"], "target_label": "process"} in job["relabel_configs"]
