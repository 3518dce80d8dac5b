"""Who may import whom. The shared library is used by everyone and uses no one: no module in
clearinghouse/ imports a service, the gateway or ops/ (the operational code that runs them).
And the services and the gateway do not import ops/: it runs them, not the other way round."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "clearinghouse"
OPS = ROOT / "ops"
# a module path in a string, as importlib and nameko's "module:Class" take it
MODULE_PATH = re.compile(r"^([a-z_][a-z0-9_]*)(\.[a-z_][a-z0-9_]*)*(:[A-Za-z_]\w*)?$")


def package_of(path: Path) -> str:
    """``services.members`` for services/members/service.py: what a relative import starts from."""
    return ".".join(path.parent.relative_to(ROOT).parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports: import statements (relative ones resolved against its
    package) and module paths it names in strings or f-strings, for importlib."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package_of(path).split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and MODULE_PATH.match(node.value):
            found.add(node.value.split(":")[0])
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            found.add(str(node.values[0].value))
    return found


def naming(path: Path, packages) -> list[str]:
    return sorted(m for m in imports(path) if m.partition(".")[0] in packages)


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("clearinghouse"), ids=lambda p: p.name)
def test_the_shared_library_imports_no_service_not_the_gateway_and_not_ops(path):
    assert not naming(path, ("services", "gateway", "ops")), \
        f"clearinghouse/{path.name} imports its users; put what it needs in the library or move it to ops/"


@pytest.mark.parametrize("path", sources("services", "gateway"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_services_and_the_gateway_do_not_import_ops(path):
    assert not naming(path, ("ops",)), f"{path.relative_to(ROOT)} imports ops/, which runs it"


def test_the_check_sees_every_way_ops_names_the_services():
    # serve names them in "module:Class" strings, sample in an f-string, runner and cli by
    # relative imports of ops modules that do: if one stops being seen, the checks above are blind.
    named = {p.stem: naming(p, ("services", "gateway", "ops")) for p in sorted(OPS.glob("*.py")) if p.stem != "__init__"}
    # (ops modules that use only the library, such as status, name none)
    assert all(named[m] for m in ("serve", "sample", "runner", "cli")), named
    assert "services.members.service" in named["serve"] and "gateway.service" in named["serve"]
    assert "services." in named["sample"]
    assert "ops.serve" in named["runner"] and "ops.runner" in named["cli"]
