"""README's benchmark table quotes the saved benchmark report (issue 20).

The report (benchmarks/report.md) is written by ``python benchmarks/run.py --save
benchmarks/report.md``, which also copies its commit line and results table into README
between two markers; here both are read back and compared line by line.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import report  # noqa: E402  (benchmarks/report.py: the markers and what README quotes)


def test_the_report_names_its_commit_and_machine():
    text = (ROOT / "benchmarks" / "report.md").read_text(encoding="utf-8")
    assert any(line.startswith(report.COMMIT_PREFIX + "`") for line in text.splitlines())
    assert "## Machine" in text and "**CPU**" in text
    assert report.results_table(text), "the report has no results table"


def test_readme_quotes_the_saved_report():
    text = (ROOT / "benchmarks" / "report.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report.quoted_in_readme(readme) == report.readme_block(text)


def test_every_case_of_the_saved_report_ran():
    """A case whose setup failed shows as "skipped" with the error in a footnote; the run
    that made the report must have measured every case (a broken setup went unseen once)."""
    text = (ROOT / "benchmarks" / "report.md").read_text(encoding="utf-8")
    assert "setup failed" not in text
    assert not [row for row in report.results_table(text) if "| skipped |" in row]
