"""Every alert rule has a `promtool test rules` case that makes it fire, and a runbook section."""
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is needed (Debian package prometheus); run make setup"
    return found


def alerts() -> dict[str, dict]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def test_promtool_passes_every_case():
    out = subprocess.run([promtool(), "test", "rules", "alerts.test.yml"], cwd=PROMETHEUS,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_alert_has_a_case_that_fires_it():
    cases = yaml.safe_load((PROMETHEUS / "alerts.test.yml").read_text())["tests"]
    fired = {check["alertname"] for case in cases for check in case["alert_rule_test"] if check["exp_alerts"]}
    assert set(alerts()) <= fired


def test_a_wrong_expectation_fails(tmp_path):
    # so that the cases above can fail: the same case expecting the wrong severity
    (tmp_path / "alerts.yml").write_text((PROMETHEUS / "alerts.yml").read_text())
    cases = yaml.safe_load((PROMETHEUS / "alerts.test.yml").read_text())
    case = cases["tests"][0]
    case["alert_rule_test"][-1]["exp_alerts"][0]["exp_labels"]["severity"] = "ticket"
    cases["tests"] = [case]
    (tmp_path / "wrong.test.yml").write_text(yaml.safe_dump(cases))
    out = subprocess.run([promtool(), "test", "rules", "wrong.test.yml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0


def test_every_alert_points_at_its_runbook_section():
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    sections = {h.lower() for h in re.findall(r"^## (\w+)$", runbook, re.M)}
    for name, rule in alerts().items():
        assert rule["annotations"]["runbook"] == f"docs/runbook.md#{name.lower()}"
        assert name.lower() in sections, f"docs/runbook.md has no section for {name}"


def test_the_dead_letter_alert_names_the_brokers_delivery_limit():
    from clearinghouse.broker import DELIVERY_LIMIT
    assert f"{DELIVERY_LIMIT} times" in alerts()["ClearinghouseDeadLetters"]["annotations"]["summary"]
