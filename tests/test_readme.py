"""README's Python examples run as written, and its quick start names real commands."""

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[f"block{i}" for i in range(len(PYTHON_BLOCKS))])
def test_python_examples_run(block, capsys):
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # the README's own code, not user data
    assert capsys.readouterr().out.strip()


def test_quick_start_is_two_commands_and_ci_runs_the_same_tests():
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line for line in quick.splitlines() if line.strip()]
    assert lines == ['pip install -e . && trade-resilience demo',
                     'pip install -e ".[test]" && pytest']
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[test]"' in ci and "python -m pytest" in ci
