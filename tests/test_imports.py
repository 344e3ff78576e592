"""The core's shape: headless, no import cycle, no module over 300 lines, requirements equal to what it imports."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "bottleneck_core"
STDLIB = set(sys.stdlib_module_names)
# The import name of each distribution requirements.txt names.
DISTRIBUTIONS = {"streamlit": "streamlit", "pandas": "pandas", "numpy": "numpy", "duckdb": "duckdb",
                 "pyarrow": "pyarrow", "python-calamine": "python_calamine", "xlsxwriter": "xlsxwriter",
                 "scipy": "scipy", "plotly": "plotly", "PyYAML": "yaml", "psycopg[binary]": "psycopg"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, resolved to its absolute name."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def internal_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports that comes back to where it started, if there is one."""
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return trail + [target]
            if target not in state and (found := visit(target, trail + [target])):
                return found
        state[node] = 2
        return None
    for module in sorted(graph):
        if module not in state and (found := visit(module, [module])):
            return found
    return None


def test_no_import_cycle_between_the_core_modules():
    assert find_cycle(internal_graph()) is None


def test_a_cycle_through_three_modules_would_be_found():
    graph = {**internal_graph(), "bottleneck_core.formatting": {"bottleneck_core.checks.rules"}}
    assert find_cycle(graph) is not None  # rules imports formatting: this edge back closes a cycle


def test_no_core_module_is_over_300_lines():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert not long


def test_requirements_are_what_the_runtime_imports():
    runtime = set()
    for path in [*PACKAGE.rglob("*.py"), REPO / "app.py", *(REPO / "app_pages").glob("*.py")]:
        runtime |= {m.split(".")[0] for m in imports_of(path)}
    third_party = runtime - STDLIB - {"bottleneck_core", "app_pages", ""}
    required = {DISTRIBUTIONS[line.split(">")[0].split("<")[0].split("=")[0].strip()]
                for line in (REPO / "requirements.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert required == third_party


def test_the_core_imports_neither_streamlit_nor_plotly():
    code = ("import sys, bottleneck_core; from bottleneck_core import run_pipeline, deliverables; "
            "import bottleneck_core.runs.cli, bottleneck_core.runs.commands, bottleneck_core.sample; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
