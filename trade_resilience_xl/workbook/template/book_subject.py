"""What a new workbook is about, decided once from what it is built from, so that the sheets
around the results (About, Settings, Formulas, Paper) speak of the user's units, years and
index, and of the paper only when the workbook holds the paper's own study.

* ``paper_study``: the paper's indicator system on its 31 provinces (or no data yet: the
  template). Only then the Paper sheet, the citation and the paper's words.
* ``illustrative``: the data *is* the shipped illustrative panel (compared by value, not by
  label), so the "not official statistics" warning never lands on the user's own data.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from trade_resilience_xl import paper
from trade_resilience_xl.workbook import layout as L

GENERIC_INDEX_NAME = "Composite index / 综合指数"


def is_example_panel(data: pd.DataFrame | None) -> bool:
    """True when ``data`` holds exactly the shipped illustrative panel (whatever the unit
    column is called)."""
    from trade_resilience_xl.example_data import load_example_panel

    if data is None:
        return False
    example = load_example_panel()
    if data.shape != example.shape:
        return False
    mine = data.set_axis(list(example.columns), axis=1).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(mine, example, check_dtype=False, check_exact=True)
    except AssertionError:
        return False
    return True


@dataclass(frozen=True)
class BookSubject:
    paper_study: bool
    illustrative: bool
    years: tuple[int, ...]
    has_population: bool
    index_name: str

    @classmethod
    def of(cls, data: pd.DataFrame | None, indicators: pd.DataFrame | None,
           index_name: str | None) -> BookSubject:
        units = set() if data is None else {str(u) for u in data.iloc[:, 0]}
        paper_study = indicators is None and units <= set(paper.PROVINCE_NAMES)
        # The paper's index name only for the paper's study: a county panel on the paper's
        # indicators is not "foreign trade resilience" unless the user says so.
        name = index_name or (L.SETTINGS_BY_KEY["index name"].default if paper_study
                              else GENERIC_INDEX_NAME)
        if data is None:
            return cls(paper_study, False, paper.YEARS, True, str(name))
        years = tuple(sorted({int(y) for y in data["Year"]}))
        return cls(paper_study, is_example_panel(data), years,
                   bool(data["Population"].notna().any()), str(name))

    # ------------------------------------------------------------------ words
    @property
    def unit(self) -> tuple[str, str]:
        """("province", "省份") for the paper's study, else the neutral ("unit", "单元")."""
        return ("province", "省份") if self.paper_study else ("unit", "单元")

    def year_example(self) -> str:
        """The data's last year, as the example in "a year such as ...". """
        return str(self.years[-1])

    def years_example(self) -> str:
        """First, middle and last year of the data: "1981, 1984, 1987"."""
        picked = dict.fromkeys((self.years[0], self.years[len(self.years) // 2],
                                self.years[-1]))
        return ", ".join(str(y) for y in picked)

    def words(self) -> dict[str, str]:
        """The placeholders the Settings explanations are written with."""
        unit, unit_zh = self.unit
        return {"unit": unit, "units": unit + "s", "unit_zh": unit_zh,
                "year": self.year_example(), "years": self.years_example()}
