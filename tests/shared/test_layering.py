"""The shared library is used by the services and the gateway and uses neither: a module
in clearinghouse/ that imported one would make the library depend on its users."""
import ast
import re
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "clearinghouse"
USERS = ("services", "gateway")
# Operational code that runs the services (the runner, the platform, the CLI, sample
# loading) and so names them. Issue 10 moves it out of the library into its own package;
# until then these four are the known exceptions, and the library proper may not import
# them either (that would bring the services in by the back door).
OPERATIONAL = {"serve", "sample", "platform", "cli"}
# a module path in a string, as importlib and nameko's "module:Class" take it
MODULE_PATH = re.compile(r"^([a-z_][a-z0-9_]*)(\.[a-z_][a-z0-9_]*)*(:[A-Za-z_]\w*)?$")


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports: import statements (relative ones resolved against the
    library) and module paths it names in strings or f-strings, for importlib."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = f"{LIBRARY.name}.{node.module or ''}".rstrip(".") if node.level else node.module
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and MODULE_PATH.match(node.value):
            found.add(node.value.split(":")[0])
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            found.add(str(node.values[0].value))
    return found


def forbidden(module: str) -> bool:
    top, _, rest = module.partition(".")
    return top in USERS or (top == LIBRARY.name and rest.split(".")[0] in OPERATIONAL)


LIBRARY_PROPER = sorted(p for p in LIBRARY.glob("*.py") if p.stem not in OPERATIONAL)


@pytest.mark.parametrize("path", LIBRARY_PROPER, ids=lambda p: p.name)
def test_the_shared_library_imports_no_service_and_not_the_gateway(path):
    assert not sorted(m for m in imports(path) if forbidden(m)), \
        f"clearinghouse/{path.name} imports its users; put what it needs in the library or move it out"


def test_the_check_sees_every_way_the_operational_modules_name_the_services():
    named = {p.stem: {m for m in imports(p) if forbidden(m)} for p in LIBRARY.glob("*.py") if p.stem in OPERATIONAL}
    assert all(named.values()), named  # if one no longer does, take it off OPERATIONAL
