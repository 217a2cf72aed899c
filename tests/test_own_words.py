"""Issue 22: a workbook of the user's own system (counties, three regions of their own,
1981-1987, no population) speaks only the user's words on every sheet, in every chart and in
the worksheet-function help; the demo (the paper's system) does speak the paper's, so the
scan can fail."""
from __future__ import annotations

from pathlib import Path

import county_system as C
import pytest

from trade_resilience_xl.cli import main


@pytest.fixture(scope="module")
def county_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    panel, indicators = C.write_csvs(folder)
    book = folder / "county.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators),
                 "--index-name", C.INDEX_NAME]) == 0
    return book


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    assert main(["demo", "--out", str(book)]) == 0
    return book


def test_county_workbook_has_none_of_the_papers_words(county_book):
    found = C.paper_words_in(C.workbook_texts(county_book))
    assert not found, "\n".join(found)


def test_function_help_is_neutral():
    found = C.paper_words_in(C.function_help())
    assert not found, "\n".join(found)


def test_the_scan_finds_the_papers_words_in_the_demo(demo_book):
    found = "\n".join(C.paper_words_in(C.workbook_texts(demo_book)))
    for word in ("'province'", "'paper'", "'Wang'", "'cf.'", "'East'", "'外贸'", "'2021'"):
        assert word in found, word
    # ... and where they belong: the paper's sheet and the paper's type names.
    assert "in sheet name: 'Paper'" in found


def test_county_workbook_speaks_the_users_words(county_book):
    text = "\n".join(text for _, text in C.workbook_texts(county_book))
    for words in ("Rural capacity", "County", "Farm output", "Water supply", "River Valley",
                  "1987"):
        assert words in text, words
