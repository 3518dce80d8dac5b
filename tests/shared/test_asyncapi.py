"""docs/asyncapi.yaml read by the official AsyncAPI parser (npm @asyncapi/parser, installed
by `make test-tools` under build/asyncapi): an AsyncAPI 3.0 document with no error and no
warning, a payload schema for every event's data, and the partners' queue described."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from clearinghouse import asyncapi
from clearinghouse.events import CATALOG, EventType

ROOT = Path(__file__).resolve().parents[2]
PARSER = ROOT / "build" / "asyncapi"


def diagnostics(path: Path) -> list[dict]:
    if not (PARSER / "node_modules" / "@asyncapi" / "parser").exists() or not shutil.which("node"):
        raise AssertionError("the AsyncAPI parser is not installed: run `make test-tools`")
    # the script runs beside the packages it imports (node resolves ES modules from there)
    out = subprocess.run(["node", str(PARSER / "validate.mjs"), str(path)], cwd=PARSER, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_official_parser_reads_the_document_with_no_error_or_warning():
    found = diagnostics(ROOT / "docs" / "asyncapi.yaml")
    serious = [d for d in found if d["severity"] in ("error", "warning")]
    assert serious == []


def test_the_parser_would_report_a_broken_document(tmp_path):
    broken = asyncapi.document()
    del broken["operations"]["receive_partner_events"]["channel"]
    path = tmp_path / "broken.yaml"
    path.write_text(json.dumps(broken))
    assert [d for d in diagnostics(path) if d["severity"] == "error"]


def test_every_event_has_an_operation_and_a_payload_schema_for_each_data_field():
    doc = asyncapi.document()
    assert doc["asyncapi"].startswith("3.")
    for e in CATALOG.values():
        name = e.type.replace(".", "_")
        assert f"receive_{name}" in doc["operations"]
        data = doc["components"]["messages"][name]["payload"]["properties"]["data"]["properties"]
        assert set(data) == {"id", "version", *e.data} and all(data[f] for f in e.data)
    assert set(doc["channels"]["partner_queue"]["messages"]) == {e.replace(".", "_") for e in CATALOG}


def test_a_data_field_without_a_schema_is_refused():
    with pytest.raises(asyncapi.MissingSchema, match="colour"):
        asyncapi.data_schema(EventType("ordinance.painted", "toolkits", "ordinance/<id>", "x", ("colour",)))
