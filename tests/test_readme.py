"""README's Python examples run as written, and its quick start names real commands."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("block", PYTHON_BLOCKS,
                         ids=[f"block{i}" for i in range(len(PYTHON_BLOCKS))])
def test_python_examples_run(block, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                # examples may write files (the CSV example)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # the README's own code, not user data
    assert capsys.readouterr().out.strip()


def readme_test_command() -> str:
    """The command README gives for the tests: the Quick start block's last command line,
    after its last "&&" (how the project's pre-stop hook reads it too)."""
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line.strip() for line in quick.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    return lines[-1].split("&&")[-1].strip()


def test_quick_start_is_two_commands():
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in quick.splitlines() if line.strip()]
    assert lines == ['pip install -e . && trade-resilience demo',
                     'pip install -e ".[test]" && pytest']


def test_ci_runs_readmes_test_command_verbatim():
    """CI must run what README tells users to run, so the two cannot drift apart."""
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -q -e ".[test]"' in ci
    assert readme_test_command() in [line.strip() for line in ci.splitlines()]


def test_plain_pytest_collects_every_test_module():
    """README's `pytest` (the console script, not `python -m pytest`) does not put the
    repository root on sys.path: a test importing `tests.<module>` stops collection there
    while `python -m pytest` hides it. Collect the suite exactly that way."""
    root = Path(__file__).resolve().parents[1]
    command = readme_test_command().split()
    script = Path(sys.executable).parent / command[0]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run([str(script), *command[1:], "--collect-only", "-q",
                             "-p", "no:cacheprovider", "tests"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_own_indicator_system_example_runs_from_csv_to_workbook_and_csv(tmp_path, monkeypatch,
                                                                       capsys):
    """The "Your own indicator system" section, as written: its Python block, then its
    commands (through the CLI's main, with the README's arguments)."""
    import shlex

    import openpyxl

    from trade_resilience_xl.cli import main

    section = README.split("## Your own indicator system", 1)[1].split("\n## ", 1)[0]
    python = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
    commands = re.findall(r"```bash\n(.*?)```", section, flags=re.S)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(python, "README.md", "exec"), {})
    for line in commands.replace("\\\n", " ").splitlines():
        args = shlex.split(line.split("#", 1)[0])
        assert args[0] == "trade-resilience"
        assert main(args[1:]) == 0, line
    book = openpyxl.load_workbook(tmp_path / "stl.xlsx", data_only=True)
    types = " ".join(str(v) for row in book["Types"].iter_rows(values_only=True) for v in row)
    assert "Types by Safety and Resources" in types and "安全高资源高型" in types
    assert book["Scores"]["A1"].value == "Community safety index / 社区安全综合指数"
    assert book["Scores"]["A4"].value == "County"
    assert (tmp_path / "stl_csv" / "types.csv").is_file()
    # Issue 22: the section names every CSV the refresh wrote; its neighbour list is used.
    written = sorted(path.name for path in (tmp_path / "stl_csv").iterdir())
    assert {"moran.csv", "lisa.csv", "beta_convergence.csv"} <= set(written)
    assert [name for name in written if f"`{name}`" not in section] == []
    assert "Neighbours" in book.sheetnames
    spatial = " ".join(str(v) for row in book["Spatial"].iter_rows(values_only=True)
                       for v in row if v is not None)
    assert "not computed" not in spatial and "Without population" in section
