"""The words the result sheets use: the user's where the user gave them, the paper's only for
the paper's own indicator system, provinces and regions.

``Labels.of(inputs, result)`` decides once per refresh what the workbook holds:

* ``paper_system``: the Indicators sheet lists the paper's codes in the paper's dimensions
  (then types get the paper's names; titles cite "cf. paper Table N" only when the units
  and regions are the paper's too, ``paper_study``);
* ``paper_regions``: every unit is one of the paper's 31 provinces and every region one of
  the four NBS regions (then "East" is shown as "East / 东部"); otherwise region names are
  shown exactly as typed, everywhere;
* the index name (Settings "Index name"), the unit column's header and the dimension names
  as typed on the sheets.

Number formats follow the size of the values (``number_format``), so a Theil index of
0.0008 keeps its digits as a score of 0.4 does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trade_resilience_xl import paper
from trade_resilience_xl.workbook.inputs.sheet_headers import split_bilingual

SEPARATOR = " / "
SIGNIFICANT_DIGITS = 4
MAX_DECIMALS = 10


def bilingual(english: str, chinese: str | None) -> str:
    return f"{english}{SEPARATOR}{chinese}" if chinese else english


def number_format(values) -> str:
    """A fixed-decimals format giving about four significant digits to the column's small
    values (the 10th percentile of the non-zero magnitudes, so a few outliers near 0 do not
    widen it): 0.2 -> "0.0000", 0.003 -> "0.000000", 7.5 -> "0.000"."""
    arr = np.abs(np.asarray([v for v in values if isinstance(v, (int, float))
                             and not isinstance(v, bool)], dtype=float))
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if not arr.size:
        return "0.0000"
    magnitude = math.floor(math.log10(float(np.percentile(arr, 10))))
    decimals = min(MAX_DECIMALS, max(0, SIGNIFICANT_DIGITS - 1 - magnitude))
    return "#,##0" if decimals == 0 else "0." + "0" * decimals


def _mid_sentence(english: str) -> str:
    """"Foreign trade resilience" -> "foreign trade resilience"; "GDP growth" unchanged."""
    if len(english) > 1 and english[0].isupper() and english[1].islower():
        return english[0].lower() + english[1:]
    return english


def _index_words(name: str) -> tuple[str, str | None]:
    """The index's name with "index" / "综合指数" once: "Foreign trade resilience index",
    "外贸韧性综合指数"; "Composite index" stays as it is."""
    english, chinese = split_bilingual(name)
    if not english.casefold().endswith("index"):
        english += " index"
    if chinese is not None and not chinese.endswith("指数"):
        chinese += "综合指数"
    return english, chinese


@dataclass(frozen=True)
class Labels:
    # as typed on Settings, e.g. "Foreign trade resilience / 外贸韧性"
    index_name: str
    unit: str                              # the Data sheet's unit header as typed
    dimensions: dict                       # engine dimension (English part) -> label as typed
    paper_system: bool
    paper_regions: bool
    regions: tuple[str, ...]               # order of first appearance (the engine's order)

    @classmethod
    def of(cls, inputs, result) -> Labels:
        panel = result.panel
        ind = inputs.indicators
        pairs = {(str(c), str(d).casefold()) for c, d in zip(ind["code"], ind["dimension"])}
        paper_pairs = {(i.code, i.dimension.casefold()) for i in paper.INDICATORS}
        paper_units = set(panel.units) <= set(paper.PROVINCE_NAMES)
        return cls(index_name=inputs.index_name, unit=inputs.unit_label,
                   dimensions=dict(zip(ind["dimension"], ind["dimension_label"])),
                   paper_system=pairs == paper_pairs,
                   paper_regions=paper_units and set(panel.regions) <= set(paper.REGIONS),
                   regions=tuple(dict.fromkeys(panel.regions)))

    # ------------------------------------------------------------------ citations
    @property
    def paper_study(self) -> bool:
        """The paper's system on its provinces and regions: only then are its tables cited
        (the paper's indicators on counties are not the paper's Table 3)."""
        return self.paper_system and self.paper_regions

    def cf(self, table: int) -> tuple[str, str]:
        """(" (cf. paper Table 3)", "（对照原文表3）") for the paper's study, else empty."""
        if not self.paper_study:
            return "", ""
        return f" (cf. paper Table {table})", f"（对照原文表{table}）"

    # ------------------------------------------------------------------ index
    def index_title(self, table: int) -> str:
        english, chinese = _index_words(self.index_name)
        cf_en, cf_zh = self.cf(table)
        return f"{english}{cf_en} / {chinese or '综合指数'}{cf_zh}"

    def _mid_sentence(self, english: str) -> str:
        """The paper's index name lower-cased mid-sentence; the user's as typed (it may be a
        name: "Kernel density of the Rural capacity index")."""
        return _mid_sentence(english) if self.paper_system else english

    def index_words(self) -> tuple[str, str]:
        """("foreign trade resilience index", "外贸韧性综合指数") for mid-sentence titles."""
        english, chinese = _index_words(self.index_name)
        return self._mid_sentence(english), chinese or "综合指数"

    def mean_index_title(self) -> str:
        english, chinese = _index_words(self.index_name)
        return f"Mean {self._mid_sentence(english)} by year / 历年平均{chinese or '综合指数'}"

    # issue 14: convergence, spatial
    def analysis_title(self, english: str, chinese: str) -> str:
        """"Convergence of the foreign trade resilience index / 外贸韧性综合指数收敛分析"."""
        index_en, index_zh = _index_words(self.index_name)
        return (f"{english} of the {self._mid_sentence(index_en)} / "
                f"{index_zh or '综合指数'}{chinese}")

    # ------------------------------------------------------------------ units, regions
    @property
    def all_units(self) -> str:
        return "All provinces / 全部省份" if self.paper_regions else "All units / 全部"

    @property
    def units_word(self) -> str:
        return "provinces" if self.paper_regions else "units"

    def region(self, region: str) -> str:
        """"East / 东部" for the paper's regions of the paper's provinces, else as typed."""
        if self.paper_regions:
            return bilingual(region, paper.REGIONS_ZH.get(region))
        return str(region)

    def region_measure(self, region: str, english: str, chinese: str) -> str:
        """A per-region column: "East contribution / 东部贡献率" for the paper's regions,
        "South: contribution / 贡献率" for any other (names never half-translated)."""
        if self.paper_regions:
            return f"{region} {english} / {paper.REGIONS_ZH.get(region, region)}{chinese}"
        return f"{region}: {english} / {chinese}"

    # ------------------------------------------------------------------ dimensions
    def dimension(self, dimension: str) -> str:
        return self.dimensions.get(dimension) or dimension

    def dimension_english(self, dimension: str) -> str:
        return split_bilingual(self.dimension(dimension))[0]

    def types_title(self, dimensions) -> str:
        cf_en, cf_zh = self.cf(4)
        if self.paper_study:
            return f"Resilience types{cf_en} / 外贸韧性类型{cf_zh}"
        if len(dimensions) == 2:
            first, second = (self.dimension_english(d) for d in dimensions)
            return f"Types by {first} and {second} / 类型划分"
        return "Types / 类型划分"

    def scatter_title(self, dimensions) -> str:
        if self.paper_system:
            return ("Resistance vs reconstruction, tercile lines / "
                    "抵抗与恢复能力—重构能力（三等分线）")
        first, second = (self.dimension_english(d) for d in dimensions)
        return f"{first} vs {second}, tercile lines / 三等分线"
