"""The modules of ``trade_resilience_xl`` an xlwings Lite ``main.py`` can reach, and the
third-party packages they import, read from the sources (``ast``), never by running them.

Start: the package modules ``main.py`` itself imports. Step: every ``import`` / ``from ...
import`` statement of a reached module, wherever it sits (a function's lazy import runs in
Lite as soon as that function is called), except under ``if TYPE_CHECKING:`` (never run);
``from package import name`` reaches ``package.name`` when that is a module; importing
``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` too. What is reached decides what
the embedded zip carries (``program.package_zip``) and what ``requirements.txt`` must name
(tests/test_lite_imports.py).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "trade_resilience_xl"


def module_file(root: Path, module: str) -> Path | None:
    """The source file of ``module`` (dotted, starting with the package name) under the
    package folder ``root``, or None when it is not a module of the package."""
    parts = module.split(".")
    if parts[0] != root.name:
        return None
    folder = root.joinpath(*parts[1:])
    if (folder / "__init__.py").is_file():
        return folder / "__init__.py"
    file = folder.with_suffix(".py")
    return file if len(parts) > 1 and file.is_file() else None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _run_time_imports(tree: ast.AST):
    """Every Import / ImportFrom node of ``tree`` outside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            children = node.orelse
        stack.extend(children)


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """The absolute dotted names a module's source imports: ``import a.b`` gives ``a.b``;
    ``from a import b`` gives ``a`` and ``a.b`` (the caller keeps ``a.b`` only if it is a
    module); relative imports are resolved against ``module``."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in _run_time_imports(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        names.add(base)
        names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def reachable(root: Path, start: str) -> tuple[dict[str, Path], dict[str, set[str]]]:
    """``(modules, third_party)`` reached from the source text ``start`` (main.py's code):
    the package's modules by dotted name with their files, and the top-level names of the
    non-standard-library packages they import, each with the modules importing it."""
    modules: dict[str, Path] = {}
    third_party: dict[str, set[str]] = {}
    queue = [(name, "main.py") for name in imported_names(start, "main", False)]
    while queue:
        name, importer = queue.pop()
        top = name.split(".")[0]
        if top != root.name:
            if top and top not in sys.stdlib_module_names:
                third_party.setdefault(top, set()).add(importer)
            continue
        for candidate in _with_parents(name):
            file = module_file(root, candidate)
            if file is None or candidate in modules:
                continue
            modules[candidate] = file
            is_package = file.name == "__init__.py"
            queue.extend((found, candidate) for found in imported_names(
                file.read_text(encoding="utf-8"), candidate, is_package))
    return modules, third_party
