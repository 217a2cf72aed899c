"""The sheets of the analyses after the index (issue 14: coupling, obstacle, density): the
engine's tables in the user's words (index, dimensions, units, regions as typed), each with
a native chart, and one line where a case has no result (one dimension, a unit at the
ideal, a year of equal scores, fewer than 3 units)."""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.results import charts
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    PCT,
    TABLE_ROW,
    block_with_title,
    head,
    rows_of,
    sized_formats,
)

YEAR = "Year / 年份"
ORDINALS = ("1st / 第一", "2nd / 第二", "3rd / 第三")


def _widths(first: int, count: int, width: int) -> dict:
    return {L.cell_name(1, c)[:-1]: width for c in range(first, first + count)}


def _lines(top: int, lines: list[str]) -> Block:
    return Block(f"A{top}", [[line] for line in lines], header_rows=0)


# ---------------------------------------------------------------------------- Coupling
def coupling_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    info, panel, s = result.after_index, result.panel, result.settings
    years = [int(y) for y in panel.years]
    content = SheetContent(widths={"A": 18, "B": 16, **_widths(3, len(years) + 8, 13)})
    dims = list(panel.dimension_order)
    names = " and ".join(labels.dimension_english(d) for d in dims)
    model = ("Corrected model (Wang et al. 2021)" if s.coupling_model == "corrected"
             else "Classic model")
    head(content.blocks, f"Coupling coordination of {names} / 耦合协调度",
         f"{model}"
         f"{', sub-indices rescaled to 0.01-0.99' if s.coupling_rescale else ''}; "
         "C coupling, T = Σ αU, D = √(C·T), classes of D by 0.1. / "
         "C为耦合度，T为综合协调指数，D=√(C·T)为耦合协调度，按0.1分十级。")
    table = result.coupling
    if table is None:
        content.blocks.append(_lines(TABLE_ROW, info.coupling_notes))
        return content
    regions = list(labels.regions)
    by_year = table.groupby("year", sort=True)
    by_region = table.groupby(["year", "region"])["coordination"].mean()
    header = [YEAR, "Mean C / 平均耦合度", "Mean T / 平均协调指数", "Mean D / 平均耦合协调度"]
    header += [labels.region_measure(g, "D", "耦合协调度") for g in regions]
    rows = [[year, g.coupling.mean(), g.comprehensive.mean(), g.coordination.mean()]
            + [by_region[(year, r)] for r in regions] for year, g in by_year]
    cells = rows_of([header] + rows)
    main = Block(f"A{TABLE_ROW}", cells, sized_formats(cells, range(1, len(header))))
    content.blocks.append(main)
    top = TABLE_ROW + len(cells) + GAP
    content.charts.append(charts.chart(
        "line", "Coupling coordination D by year / 历年耦合协调度",
        charts.Plotted(main, header[3], header[-1]), top, x_title=YEAR,
        y_title="D / 耦合协调度", height_cm=10, y_number_format="0.00"))
    top += 22
    block = _coordination_by_unit(table, panel, labels, years, top)
    content.blocks.append(block)
    top += len(block.rows) + GAP
    detail_header = [labels.unit, "Region / 地区", YEAR]
    detail_header += [f"{labels.dimension(d)}: U" for d in dims]
    detail_header += ["C / 耦合度", "T / 协调指数", "D / 耦合协调度", "Class 1-10 / 等级序号",
                      "Class / 协调等级"]
    numbers = [f"u_{d}" for d in dims] + ["coupling", "comprehensive", "coordination", "class",
                                          "class_en", "class_zh"]
    # Columns as lists, zipped: itertuples steps through text columns element by element.
    columns = [table[c].tolist() for c in ["unit", "region", "year"] + numbers]
    detail = [[unit, labels.region(region), int(year)] + rest[:-2] + [f"{rest[-2]} / {rest[-1]}"]
              for unit, region, year, *rest in zip(*columns)]
    block = block_with_title(top, "C, T and D per unit and year / 各单元各年份耦合协调度",
                             detail_header, detail)
    block.number_formats = sized_formats(block.rows, range(3, 6 + len(dims)), 2)
    content.blocks.append(block)
    top += len(block.rows) + GAP
    if info.coupling_notes:
        content.blocks.append(_lines(top, info.coupling_notes))
    return content


def _coordination_by_unit(table, panel, labels, years, top) -> Block:
    wide = table.pivot(index="unit", columns="year", values="coordination").reindex(panel.units)
    last = table[table.year == panel.years[-1]].set_index("unit").reindex(panel.units)
    header = [labels.unit, "Region / 地区"] + years + [f"Class {years[-1]} / {years[-1]}年等级"]
    # Whole columns at once: a lookup by unit label per row costs a hash probe and a Series.
    rows = [[u, labels.region(r)] + list(d) + [f"{en} / {zh}"]
            for u, r, d, en, zh in zip(panel.units, panel.regions, wide.to_numpy(),
                                       last.class_en, last.class_zh)]
    block = block_with_title(top, "Coupling coordination D by unit / 各单元耦合协调度",
                             header, rows)
    block.number_formats = sized_formats(block.rows, range(2, 2 + len(years)), 2)
    return block


# ---------------------------------------------------------------------------- Obstacles
def obstacle_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    info, panel = result.after_index, result.panel
    year = info.obstacle_year
    codes, dims = list(panel.codes), list(panel.dimension_order)
    content = SheetContent(widths={"A": 18, "B": 16, **_widths(3, max(12, len(codes) + 3), 12)})
    head(content.blocks, "Obstacle degree / 障碍度",
         "O = w(1 - y) / Σ w(1 - y), y min-max normalised without shift; each row sums to "
         "100%. / 障碍度=因子贡献度×指标偏离度/Σ，每行合计100%。")
    top_table = result.obstacle_top
    header = [labels.unit, "Region / 地区"]
    for basis in (str(year), "mean"):
        word = f"{year}" if basis != "mean" else "mean / 均值"
        for ordinal in ORDINALS:
            header += [f"{ordinal} ({word})", "O"]
    # One pass over the top-three table (a filter per unit would scan it once per unit).
    ranked: dict[tuple[str, str], list] = {}
    for basis, unit, factor, obstacle in zip(top_table.basis, top_table.unit, top_table.factor,
                                             top_table.obstacle):
        ranked.setdefault((basis, unit), []).extend((factor, obstacle))
    rows = []
    for unit, region in zip(panel.units, panel.regions):
        row = [unit, labels.region(region)]
        for basis in (str(year), "mean"):
            part = ranked.get((basis, unit)) or ["undefined / 无定义", None]
            row += part[:6] + [None] * (6 - len(part))
        rows.append(row)
    cells = rows_of([header] + rows)
    content.blocks.append(Block(f"A{TABLE_ROW}", cells,
                                {c: PCT for c in range(3, len(header), 2)}))
    top = TABLE_ROW + len(cells) + GAP
    if info.obstacle_notes:
        content.blocks.append(_lines(top, info.obstacle_notes))
        top += len(info.obstacle_notes) + GAP
    dim_rows = result.obstacles[result.obstacles.level == "dimension"]
    means = dim_rows.groupby(["year", "factor"])["obstacle"].mean()
    dim_header = [YEAR] + [labels.dimension(d) for d in dims]
    by_year = block_with_title(top, "Mean obstacle degree of each dimension / 各维度平均障碍度",
                               dim_header, [[int(y)] + [means.get((y, d)) for d in dims]
                                            for y in panel.years])
    by_year.number_formats = {c: PCT for c in range(1, len(dim_header))}
    content.blocks.append(by_year)
    top += len(by_year.rows) + GAP
    content.charts.append(charts.chart(
        "column_stacked", "Mean obstacle degree by dimension / 各维度平均障碍度",
        charts.Plotted(by_year, dim_header[1], dim_header[-1]), top, x_title=YEAR,
        y_title="Obstacle / 障碍度", y_number_format="0%", y_max=1))   # shares sum to 1
    top += 20
    content.blocks.append(_obstacles_in_year(result, labels, year, codes, dims, top))
    return content


def _obstacles_in_year(result, labels, year, codes, dims, top) -> Block:
    part = result.obstacles[result.obstacles.year == year]
    wide = part.pivot(index="unit", columns="factor", values="obstacle")
    header = [labels.unit, "Region / 地区"] + codes + [labels.dimension(d) for d in dims]
    defined = set(wide.index)
    values = wide.reindex(index=result.panel.units, columns=codes + dims).to_numpy()
    undefined = ["undefined / 无定义"] + [None] * (len(codes) + len(dims) - 1)
    rows = [[unit, labels.region(region)] + (list(v) if unit in defined else undefined)
            for unit, region, v in zip(result.panel.units, result.panel.regions, values)]
    block = block_with_title(top, f"Obstacle degree in {year} / {year}年障碍度", header, rows)
    block.number_formats = {c: PCT for c in range(2, len(header))}
    return block


# ---------------------------------------------------------------------------- Density
def density_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    info, panel = result.after_index, result.panel
    table = result.density
    bandwidth = result.settings.density_bandwidth
    english, chinese = labels.index_words()
    content = SheetContent(widths={"A": 12, **_widths(2, len(panel.years) + 1, 11)})
    head(content.blocks, f"Kernel density of the {english} by year / {chinese}核密度估计",
         "Gaussian kernel; bandwidth "
         + ("Silverman 0.9·min(σ, IQR/1.34)·n^(-1/5) per year" if bandwidth == "silverman"
            else f"{bandwidth:g} every year") + "; one common grid. / 高斯核，统一网格。")
    if table is None:
        content.blocks.append(_lines(TABLE_ROW, info.density_notes))
        return content
    bands = table.groupby("year")["bandwidth"].first()
    band_rows = rows_of([[YEAR, "Bandwidth h / 带宽", "Units n / 单元数"]]
                        + [[int(y), bands[y], len(panel.units)] for y in bands.index])
    content.blocks.append(Block(f"A{TABLE_ROW}", band_rows, sized_formats(band_rows, [1])))
    top = TABLE_ROW + len(band_rows) + GAP
    if info.density_notes:
        content.blocks.append(_lines(top, info.density_notes))
        top += len(info.density_notes) + GAP
    chart_top, top = top, top + 22
    wide = table.pivot(index="point", columns="year", values="density")
    block = block_with_title(top, "Density on the common grid / 统一网格上的核密度",
                             ["Score / 得分"] + [int(y) for y in wide.columns],
                             [[p] + list(wide.loc[p]) for p in wide.index])
    # Densities run from ~1e-6 in the tails to a few units at the mode: four decimals.
    block.number_formats = {c: "0.0000" for c in range(1, len(wide.columns) + 1)} | {0: "0.000"}
    content.blocks.append(block)
    top += len(block.rows) + GAP
    picked = info.density_years
    if not picked:
        return content
    chart_header = ["Score / 得分"] + [str(y) for y in picked]
    # The chart's category labels are these cells' values: rounded, so the axis reads 0.233,
    # not 0.23312847... (the table above keeps every digit).
    shown = block_with_title(top, "Years in the chart / 图中年份", chart_header,
                             [[round(p, 3)] + [wide.loc[p, y] for y in picked]
                              for p in wide.index])
    shown.number_formats = dict(block.number_formats)
    content.blocks.append(shown)
    content.charts.append(charts.chart(
        "line", f"Kernel density, {', '.join(map(str, picked))} / 核密度曲线",
        charts.Plotted(shown, chart_header[1], chart_header[-1]), chart_top,
        x_title="Score / 得分", y_title="Density / 密度", height_cm=10,
        y_number_format="0.0"))
    return content
