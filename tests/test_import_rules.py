"""Import rules that import-linter's contracts (pyproject.toml, run by .ci/run) do not cover."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "trade_resilience_xl"


def _project_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").startswith("trade_resilience_xl")):
            yield node


def private_imports(source: str) -> list[str]:
    """Names with one leading underscore imported from another module of the project: a
    module's private names are its own (dunders such as ``__version__`` are public)."""
    return [f"line {node.lineno}: {alias.name} from {node.module or '.'}"
            for node in _project_imports(ast.parse(source))
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_names(path):
    assert private_imports(path.read_text(encoding="utf-8")) == []


def test_the_rule_sees_a_private_import():
    found = private_imports("from trade_resilience_xl.cli import _run_refresh\n"
                            "from trade_resilience_xl import __version__\n")
    assert found == ["line 1: _run_refresh from trade_resilience_xl.cli"]


def test_no_module_over_about_400_lines():
    """The house rule: small modules with one job each (docs/architecture.md)."""
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420}
    assert long == {}
