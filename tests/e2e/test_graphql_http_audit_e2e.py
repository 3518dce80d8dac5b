"""The graphql-http package's server audits (GraphQL over HTTP, pinned npm package fetched
by `make test-tools` into build/graphql-http/) run by Node against the running gateway:
every MUST and every SHOULD passes; the MAYs the gateway takes are counted."""
import json
import subprocess
from pathlib import Path

import pytest

MODULES = Path(__file__).resolve().parents[2] / "build" / "graphql-http" / "node_modules"

AUDIT = """
const { auditServer } = require('graphql-http');
auditServer({ url: process.argv[1] }).then(results => {
  console.log(JSON.stringify(results.map(r => ({ id: r.id, name: r.name, status: r.status,
                                                  reason: r.reason }))));
});
"""


def audit(url: str) -> list[dict]:
    if not (MODULES / "graphql-http" / "package.json").is_file():
        pytest.fail("graphql-http is not installed: run `make test-tools` (it fetches the pinned package)")
    done = subprocess.run(["node", "-e", AUDIT, url], capture_output=True, text=True, timeout=120,
                          env={"NODE_PATH": str(MODULES), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_must_and_should_of_graphql_over_http_passes(gateway, members, capsys):
    results = audit(gateway.url)
    assert len(results) > 50  # the package's whole list ran
    required = [r for r in results if r["name"].startswith(("MUST", "SHOULD"))]
    failed = [f"{r['id']} {r['name']}: {r['reason']}" for r in required if r["status"] != "ok"]
    assert failed == []
    optional = [r for r in results if r["name"].startswith("MAY")]
    taken = [r for r in optional if r["status"] == "ok"]
    with capsys.disabled():
        print(f"\ngraphql-http audits: {len(required)} MUST/SHOULD all pass; {len(taken)} of {len(optional)} MAY "
              f"taken; not taken: {[r['id'] + ' ' + r['name'] for r in optional if r['status'] != 'ok']}")
    assert len(taken) == len(optional)
