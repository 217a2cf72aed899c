"""The headline results of a panel run as terminal text (used by ``trade-resilience demo``).

Only presentation: the numbers all come from the ``PanelResult`` tables; the one
aggregation here (a province's mean composite score over the years) is what the demo
ranks by. Chinese labels are double-width in a terminal, so padding counts display width.
"""
from __future__ import annotations

import unicodedata

from trade_resilience_xl.paper import PROVINCE_BY_NAME, REGIONS_ZH

RULE = "-" * 72


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: object, width: int, right: bool = False) -> str:
    text = str(text)
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def _clip(text: str, width: int) -> str:
    """At most ``width`` display columns, "..." marking a cut."""
    if display_width(text) <= width:
        return text
    while display_width(text) > width - 3:
        text = text[:-1]
    return text.rstrip() + "..."


def _english(text: object) -> str:
    """The English part of a bilingual workbook label ("Per capita GDP / 人均GDP")."""
    return str(text).split(" / ", 1)[0].strip()


def _province(name: str) -> str:
    province = PROVINCE_BY_NAME.get(name)
    return f"{name} {province.name_zh}" if province else name


def _region(name: str) -> str:
    return f"{name} {REGIONS_ZH[name]}" if name in REGIONS_ZH else name


def weights_lines(result) -> list[str]:
    weights = result.weights
    if "year" in weights.columns:     # per-year weighting: show the latest year's weights
        latest = weights["year"].max()
        weights = weights[weights["year"] == latest]
        title = f"Entropy weights, {latest} / 熵权（{latest}年）"
    else:
        title = "Entropy weights / 熵权"
    lines = [title, f"  {pad('Code', 5)} {pad('Indicator', 58)} {pad('Weight %', 8, True)}"]
    for row in weights.itertuples(index=False):
        lines.append(f"  {pad(row.code, 5)} {pad(_clip(_english(row.indicator), 58), 58)} "
                     f"{row.weight * 100:8.2f}")
    lines.append(f"  {pad('', 5)} {pad('Total', 58)} {weights['weight'].sum() * 100:8.2f}")
    return lines


def ranking_lines(result, n: int = 5) -> list[str]:
    years = result.panel.years
    region_of = dict(zip(result.panel.units, result.panel.regions))
    by_unit = result.score_means("composite").by_unit.sort_values(ascending=False, kind="stable")
    means = [(unit, region_of[unit], score) for unit, score in by_unit.items()]
    span = f"{years[0]}-{years[-1]}"
    lines = []
    for title, block, first_rank in (
            (f"Top {n} provinces, mean composite score {span} / 综合得分均值前{n}名",
             means[:n], 1),
            (f"Bottom {n} provinces / 后{n}名", means[-n:], len(means) - n + 1)):
        lines.append(title)
        for rank, (unit, region, score) in enumerate(block, start=first_rank):
            lines.append(f"  {rank:>2}. {pad(_province(unit), 26)} "
                         f"{pad(_region(region), 14)} {score:.4f}")
    return lines


def theil_lines(result) -> list[str]:
    theil = result.theil
    year = theil["year"].max()
    rows = theil[theil["year"] == year]

    def value(component, group=""):
        match = rows[(rows["component"] == component) & (rows["group"] == group)]
        return float(match["value"].iloc[0])

    measure = result.settings.theil_measure
    name = {"T": "Theil T", "L": "Theil L"}.get(str(measure), f"GE({measure})")
    weighted = "population-weighted" if result.panel.population is not None else "unweighted"
    lines = [f"{name} decomposition by region, {year} ({weighted}) / {year}年泰尔指数分解",
             f"  {pad('Total 总体', 26)} {value('total'):8.4f}",
             f"  {pad('Within regions 区域内', 26)} {value('within'):8.4f}"
             f"   {value('within_share') * 100:5.1f}% of total",
             f"  {pad('Between regions 区域间', 26)} {value('between'):8.4f}"
             f"   {value('between_share') * 100:5.1f}% of total",
             f"  {pad('Region 地区', 26)} {pad('Theil', 8, True)}   share of total (within part)"]
    groups = rows[rows["component"] == "group_index"]["group"].tolist()
    for group in groups:
        lines.append(f"  {pad(_region(group), 26)} {value('group_index', group):8.4f}"
                     f"   {value('group_contribution', group) * 100:5.1f}%")
    return lines


def headline_text(result, workbook, note: str) -> str:
    """Every headline block, separated by rules, ending with where the workbook is."""
    panel = result.panel
    header = [f"Trade Resilience demo / 贸易韧性示例 -- {note}",
              f"{len(panel.units)} provinces x {panel.years[0]}-{panel.years[-1]}, "
              f"{len(panel.codes)} indicators; entropy weights (shift {result.settings.shift:g}) "
              f"+ {'TOPSIS' if result.settings.score == 'topsis' else 'weighted sum'}"]
    blocks = [header, weights_lines(result), ranking_lines(result), theil_lines(result)]
    if result.warnings:
        blocks.append(["Notes / 提示"] + [f"  - {w}" for w in result.warnings])
    blocks.append([f"Workbook / 工作簿: {workbook}",
                   "Open it in Excel (or LibreOffice) for every table and chart.",
                   f"Reminder: {note}"])
    return ("\n" + RULE + "\n").join("\n".join(block) for block in blocks)
