"""`trade-resilience template`: copies the committed template (no build tools needed) unless
--rebuild; a wheel carries that same file as package data."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from trade_resilience_xl import cli

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook_template.xlsm"


@pytest.fixture
def without_pyopenvba(monkeypatch):
    """As after a plain `pip install -e .` (no [build] extra)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyopenvba" else real(name, *a))


def test_template_copies_the_committed_file_without_build_tools(tmp_path, capsys,
                                                                without_pyopenvba):
    assert cli.main(["template", str(tmp_path / "t.xlsm")]) == 0, capsys.readouterr().err
    assert (tmp_path / "t.xlsm").read_bytes() == COMMITTED.read_bytes()
    assert "copy of the committed template" in capsys.readouterr().out


def test_template_onto_the_committed_file_changes_nothing(capsys, without_pyopenvba):
    before = COMMITTED.read_bytes()
    assert cli.main(["template", str(COMMITTED)]) == 0
    assert "already" in capsys.readouterr().out and COMMITTED.read_bytes() == before


def test_rebuild_without_pyopenvba_is_one_line(tmp_path, capsys, without_pyopenvba):
    assert cli.main(["template", "--rebuild", str(tmp_path / "t.xlsm")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[build]'" in err
    assert not (tmp_path / "t.xlsm").exists()


def test_rebuild_builds(tmp_path, capsys):
    code = cli.main(["template", "--rebuild", str(tmp_path / "t.xlsm")])
    assert code == 0, capsys.readouterr().err
    assert "xl/vbaProject.bin" in zipfile.ZipFile(tmp_path / "t.xlsm").namelist()


def test_help_says_what_the_template_holds(capsys):
    with pytest.raises(SystemExit):
        cli.main(["template", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "empty template" not in text
    assert "31 provinces x 2010-2021" in text and "--rebuild" in text


def test_the_wheel_carries_the_committed_template(tmp_path):
    """Build a wheel from the files a clone has (pip, isolated build) and compare."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", COMMITTED.name):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "trade_resilience_xl", source / "trade_resilience_xl",
                    ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                             "-w", str(tmp_path / "dist"), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("trade_resilience_xl/data/workbook_template.xlsm")
    assert shipped == COMMITTED.read_bytes()
