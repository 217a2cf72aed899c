"""The saved benchmark report and README's copy of its results table.

``python benchmarks/run.py --save benchmarks/report.md`` writes the report with the commit it
measured and the machine in its header, and copies the report's results table into
README.md between the markers below; ``tests/test_benchmark_report.py`` checks that README
quotes the saved report (same commit, same rows).
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START = "<!-- benchmark table: copied from benchmarks/report.md by run.py --save -->"
END = "<!-- end of benchmark table -->"
COMMIT_PREFIX = "Commit measured: "


def commit_line() -> str:
    """The commit of the working tree, and whether it had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{COMMIT_PREFIX}`{commit}`" + (" (with uncommitted changes)" if dirty else "")


class Tee(io.StringIO):
    """Within ``with``: stdout goes to the terminal and is kept."""

    def __enter__(self):
        self._stdout = sys.stdout
        sys.stdout = self
        return self

    def __exit__(self, *exc):
        sys.stdout = self._stdout

    def write(self, text):
        self._stdout.write(text)
        return super().write(text)


def results_table(text: str) -> list[str]:
    """The lines of the report's "Results (medians)" table."""
    lines = text.splitlines()
    start = lines.index("## Results (medians)") + 1
    table = []
    for line in lines[start:]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return table


def readme_block(text: str) -> list[str]:
    """What README shows of a report: its commit line and its results table."""
    commit = next(line for line in text.splitlines() if line.startswith(COMMIT_PREFIX))
    return [commit, ""] + results_table(text)


def quoted_in_readme(readme: str) -> list[str]:
    """The lines between README's markers."""
    lines = readme.splitlines()
    return lines[lines.index(START) + 1:lines.index(END)]


def save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    lines = readme.splitlines()
    start, end = lines.index(START), lines.index(END)
    lines[start + 1:end] = readme_block(text)
    README.write_text("\n".join(lines) + "\n", encoding="utf-8")
