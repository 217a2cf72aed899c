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


def test_settings_examples_are_the_datas_own_years(county_book):
    import openpyxl

    ws = openpyxl.load_workbook(county_book)["Settings"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "e.g. 1987" in text and "1981, 1984, 1987" in text
    assert "province" not in text and "the paper" not in text
    assert all("1987" in rule.error for rule in ws.data_validations.dataValidation
               if rule.error and "year such as" in rule.error)


def test_illustrative_warning_is_decided_by_what_the_data_is(tmp_path):
    """Issue 22: About warns of illustrative data only when the Data sheet holds the shipped
    illustrative panel (whatever label it is given), never on the user's own data."""
    import openpyxl

    from trade_resilience_xl.example_data import load_example_panel
    from trade_resilience_xl.workbook.template.builder import build_workbook

    def about(data, note):
        path = build_workbook(tmp_path / "book.xlsx", data=data, data_note=note,
                              macro_enabled=False)
        return " ".join(str(r[0]) for r in openpyxl.load_workbook(path)["About"]
                        .iter_rows(values_only=True) if r[0])

    example = load_example_panel()
    assert "ILLUSTRATIVE" in about(example, None)
    assert "ILLUSTRATIVE" in about(example, "Data: my_file.csv")     # the data, not the label
    changed = example.copy()
    changed.loc[0, "X1"] = 123.0
    assert "ILLUSTRATIVE" not in about(changed, None)
    assert "Default study" in about(changed, None)   # still the paper's system and provinces


def test_county_workbook_about_speaks_of_its_data(county_book):
    import openpyxl

    sheet = openpyxl.load_workbook(county_book)["About"]
    about = " ".join(str(r[0]) for r in sheet.iter_rows(values_only=True) if r[0])
    assert sheet.row_dimensions[1].height == 24     # the title no longer overlaps row 2
    assert "ILLUSTRATIVE" not in about and "Rural capacity workbook" in about
    assert "1981-1987" in about and "equal weights" in about


def test_the_papers_indicators_on_other_units_cite_no_paper_table():
    """The paper's indicator system on counties: its type names (they are its dimensions'),
    but no "cf. paper Table N" and no 外贸 in titles, which describe the paper's provinces."""
    from trade_resilience_xl.workbook.results.labels import Labels

    dims = ("Resistance and resilience ability", "Reconstruction ability")
    for regions, cited in ((False, False), (True, True)):
        labels = Labels(index_name="Rural capacity", unit="County", dimensions={},
                        paper_system=True, paper_regions=regions, regions=("Coast",))
        assert bool(labels.cf(3)[0]) is cited
        assert ("外贸" in labels.types_title(dims)) is cited
