"""The second CI environment (.ci/run): the versions it installs are the ones it claims,
and its lower bounds are pyproject's."""
from __future__ import annotations

import os
import re
from importlib import metadata
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _ci_versions(name: str) -> dict[str, str]:
    """``NAME="a==1 b==2"`` of .ci/run as {distribution: version}."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    line = re.search(rf'^{name}="([^"]*)"$', text, re.M)
    assert line, f".ci/run sets no {name}"
    return dict(pin.split("==") for pin in line.group(1).split())


def test_this_environment_has_the_versions_ci_asked_for():
    """pip may not quietly resolve to other versions than the ones the run is about."""
    wanted = os.environ.get("TRX_EXPECT_VERSIONS")
    if not wanted:
        pytest.skip("only in the second CI environment (TRX_EXPECT_VERSIONS)")
    for pin in wanted.split():
        name, version = pin.split("==")
        assert metadata.version(name) == version, pin


def test_the_lower_bounds_ci_tests_are_pyprojects():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bounds = {m.group(1): m.group(2) for d in dependencies
              if (m := re.fullmatch(r"([a-z]+)>=([\d.]+)", d.split(",")[0].strip()))}
    tested = _ci_versions("LOWER_BOUNDS")
    assert set(tested) == {"numpy", "pandas", "openpyxl"}
    for name, version in tested.items():
        # 1.24 in pyproject is tested as 1.24.0: the first release the bound allows
        assert version.split(".")[:len(bounds[name].split("."))] == bounds[name].split(".")
        assert version.split(".")[len(bounds[name].split(".")):] in ([], ["0"])


def test_the_pyodide_versions_are_the_ones_lite_documents():
    from trade_resilience_xl.lite import program

    assert _ci_versions("PYODIDE_0_27") == program.PYODIDE_PACKAGE_VERSIONS
