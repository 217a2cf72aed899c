"""What the xlwings Lite program imports, read from the package's own sources (``ast``), and
what its requirements.txt names. In Lite, Pyodide loads only the packages requirements.txt
names and those main.py's own text imports; the imports inside the embedded zip are never
scanned, so a package module importing a distribution the file does not name stops at its
first ``import`` there, while CPython (where everything is installed) runs fine.
"""
from __future__ import annotations

import re
import textwrap
from importlib import metadata

from trade_resilience_xl.lite import imports, program


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_lines() -> dict[str, str]:
    return {_normalised(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0]): line
            for line in program.requirements_txt().splitlines() if line.strip()}


def test_requirements_name_every_distribution_the_lite_program_imports():
    """The distributions behind every third-party import of every module main.py can reach
    (its own text first, then the zip's modules), by the installed packages' metadata."""
    _, third_party = imports.reachable(program.PACKAGE_ROOT, program.main_py())
    owners = metadata.packages_distributions()
    needed = {_normalised(dist): sorted(third_party[name])
              for name in third_party for dist in owners.get(name, [name])}
    named = _requirement_lines()
    missing = {dist: importers for dist, importers in needed.items() if dist not in named}
    assert not missing, f"requirements.txt does not name {missing}"
    assert {"numpy", "pandas", "xlwings"} <= set(needed)
    # nothing loaded for nothing: every line is imported by the Lite program
    assert set(named) <= set(needed)


def test_requirements_pin_as_xlwings_lite_advises():
    """Pyodide's own builds (numpy, pandas) by name only: their version is Pyodide's. The
    pure-Python ones pinned or bounded above (requirements-pinned.txt keeps what was
    installed)."""
    for name, line in _requirement_lines().items():
        if name in program.PROVIDED_BY_PYODIDE:
            assert line == name
        else:
            assert "==" in line or "<" in line, line


def _package(tmp_path, files: dict[str, str]):
    root = tmp_path / "trade_resilience_xl"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_the_walk_follows_lazy_and_relative_imports_and_skips_type_checking(tmp_path):
    """The failure mode itself: a function-level import of a distribution deep in the
    package is found; a module only TYPE_CHECKING imports is not reached."""
    root = _package(tmp_path, {
        "__init__.py": "",
        "udfs.py": "from . import helpers\nfrom .sub import deep\n",
        "helpers.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from trade_resilience_xl import heavy
            """,
        "heavy.py": "import matplotlib\n",
        "unused.py": "import requests\n",
        "sub/__init__.py": "",
        "sub/deep.py": "def f():\n    import scipy.stats\n    from ..helpers import x\n",
    })
    modules, third_party = imports.reachable(
        root, "import xlwings as xw\nfrom trade_resilience_xl import udfs\n")
    assert sorted(modules) == ["trade_resilience_xl", "trade_resilience_xl.helpers",
                               "trade_resilience_xl.sub", "trade_resilience_xl.sub.deep",
                               "trade_resilience_xl.udfs"]
    assert third_party == {"xlwings": {"main.py"}, "scipy": {"trade_resilience_xl.sub.deep"}}


def test_the_zip_carries_exactly_the_reachable_modules():
    """Same graph from main.py's full text as from the body the zip is built from."""
    from_main, _ = imports.reachable(program.PACKAGE_ROOT, program.main_py())
    assert program.lite_modules() == from_main
    names = set(from_main)
    for left_out in ("cli", "workbook.template.builder", "workbook.template.vba",
                     "workbook.package.package_update",
                     "workbook.package.zip_writer", "lite.program"):
        assert f"trade_resilience_xl.{left_out}" not in names
    assert {"trade_resilience_xl.udfs", "trade_resilience_xl.workbook.xlwings_io",
            "trade_resilience_xl.engine.topsis"} <= names
