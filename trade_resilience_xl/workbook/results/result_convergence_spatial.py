"""The Convergence and Spatial sheets: σ/β-convergence and Moran's I / LISA of the index.

An analysis the engine could not compute (a zero initial level, units without a neighbour
list) shows its one-line reason where its table would be, and has no chart.
"""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.engine.spatial import QUADRANTS
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.results import charts
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    TABLE_ROW,
    block_with_title,
    head,
    padded,
    rows_of,
    sized_formats,
)

YEAR = "Year / 年份"
QUADRANT_ZH = {"HH": "高-高", "LH": "低-高", "LL": "低-低", "HL": "高-低"}


def _reason(content: SheetContent, top: int, title: str, notes, prefix: str) -> int:
    lines = [n for n in notes if n.startswith(prefix)] or [f"{prefix}: nothing to show"]
    content.blocks.append(Block(f"A{top}", [[title]] + [[n] for n in lines], header_rows=1))
    return top + 1 + len(lines) + GAP


# ---------------------------------------------------------------------------- Convergence
def _sigma_block(result: PanelResult, labels: Labels) -> Block:
    sigma = result.sigma
    groups = [""] + list(labels.regions)
    names = [labels.all_units] + [labels.region(g) for g in labels.regions]
    header = [YEAR] + [f"SD: {n}" for n in names] + [f"CV: {n}" for n in names]
    rows = []
    for year in result.panel.years:
        part = sigma[sigma["year"] == year].set_index("group")
        rows.append([int(year)] + [part.loc[g, "sd"] for g in groups]
                    + [part.loc[g, "cv"] for g in groups])
    cells = rows_of([header] + rows)
    return Block(f"A{TABLE_ROW}", cells, sized_formats(cells, range(1, len(header))))


BETA_HEADER = ("Years / 年份", "Units n / 单元数", "Constant α / 常数项",
               "β (on ln x_0) / β系数", "SE of β / 标准误", "t", "p (two-sided) / p值",
               "R²", "Speed θ / 收敛速度", "Half-life (years) / 半衰期", "Note / 说明")


def _beta_block(beta, top: int) -> Block:
    """One row: the regression and the speed; blanks only where ``note`` says why."""
    b = beta.iloc[0]
    note = b.note or (f"β < 0: convergence if significant (p = {b.p_value:.3f}) / "
                      "β<0：显著时存在收敛")
    row = [f"{int(b.first_year)}-{int(b.last_year)}", int(b.n), b.alpha, b.beta, b.se_beta, b.t,
           b.p_value, b.r_squared, b.theta, b.half_life, note]
    block = block_with_title(top, "Absolute β-convergence / 绝对β收敛", list(BETA_HEADER),
                             [row])
    block.number_formats = {2: "0.0000", 3: "0.0000", 4: "0.0000", 5: "0.000", 6: "0.000",
                            7: "0.000", 8: "0.0000", 9: "0.0"}
    return block


def convergence_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    content = SheetContent(widths={"A": 12, **{L.cell_name(1, c)[:-1]: 15
                                               for c in range(2, 4 + 2 * len(labels.regions))}})
    head(content.blocks, labels.analysis_title("Convergence", "收敛分析"),
         "σ: standard deviation (divisor n) and coefficient of variation across units by year. "
         "β: (ln x_iT - ln x_i0)/T = α + β ln x_i0 + ε by OLS; θ = -ln(1 + βT)/T, half-life "
         "= ln2/θ. / σ收敛：标准差与变异系数；β收敛：绝对β收敛回归。")
    top = TABLE_ROW
    if result.sigma is not None:
        block = _sigma_block(result, labels)
        content.blocks.append(block)
        n = 1 + len(labels.regions)
        below = TABLE_ROW + len(block.rows) + GAP
        content.charts.append(charts.chart(
            "line", "σ-convergence: coefficient of variation by year / σ收敛：变异系数",
            charts.Plotted(block, block.rows[0][1 + n], block.rows[0][2 * n]), below,
            x_title=YEAR, y_title="CV / 变异系数", y_number_format="0.00"))
        top = below + 20
    else:
        top = _reason(content, top, "σ-convergence / σ收敛", result.warnings,
                      "σ-convergence not computed")
    content.blocks.append(_beta_block(result.beta, top))
    return content


# ---------------------------------------------------------------------------- Spatial
def _moran_block(result: PanelResult) -> Block:
    m = result.moran
    header = [YEAR, "Moran's I / 莫兰指数", "E[I] = -1/(n-1) / 期望值",
              "p-value (permutation) / 置换p值"]
    cells = rows_of([header] + [[int(r.year), r.moran_i, r.expected, r.p_value]
                                for r in m.itertuples()])
    return Block(f"A{TABLE_ROW}", cells, {1: "0.0000", 2: "0.0000", 3: "0.000"})


def _lisa_block(result: PanelResult, labels: Labels, top: int) -> Block:
    lisa = result.lisa
    header = [labels.unit, "Region / 地区", "Index / 指数", "z", "Spatial lag of z / z的空间滞后",
              "Local I / 局部莫兰指数", "Quadrant / 象限", "p-value / p值"]
    rows = [[r.unit, labels.region(r.region), r.index, r.z, r.lag_z, r.local_i,
             f"{r.quadrant} / {QUADRANT_ZH[r.quadrant]}" if r.quadrant else
             "no neighbour / 无邻接", r.p_value] for r in lisa.itertuples()]
    year = int(lisa["year"].iloc[0])
    block = block_with_title(top, f"Local Moran (LISA), {year} / 局部莫兰指数（{year}年）",
                             header, rows)
    # Local I is followed by the quadrant's text.
    block.number_formats = {2: "0.0000", 3: "0.000", 4: "0.000", 5: padded("0.000"),
                            7: "0.000"}
    return block


def _moran_scatter(content: SheetContent, result: PanelResult, top: int) -> None:
    """x = z; one y column per quadrant, then the line through the origin with slope I."""
    lisa = result.lisa
    header = ["z (x)"] + [f"{q} / {QUADRANT_ZH[q]}" for q in QUADRANTS] + ["Slope I / 斜率"]
    rows = []
    for r in lisa.itertuples():
        row = [r.z] + [None] * (len(QUADRANTS) + 1)
        if r.quadrant:
            row[1 + QUADRANTS.index(r.quadrant)] = r.lag_z
        rows.append(row)
    year = int(lisa["year"].iloc[0])
    slope = float(result.moran.loc[result.moran["year"] == year, "moran_i"].iloc[0])
    for x in (float(lisa["z"].min()), float(lisa["z"].max())):
        rows.append([x] + [None] * len(QUADRANTS) + [slope * x])
    block = block_with_title(top, "Chart data / 图表数据", header, rows)
    block.number_formats = sized_formats(block.rows, range(len(header)), 2)
    content.blocks.append(block)
    content.charts.append(charts.chart(
        "scatter", f"Moran scatter, {year} / 莫兰散点图（{year}年）",
        charts.Plotted(block, header[1], header[-1]), top + len(block.rows) + GAP,
        x_title="Standardised index z / 标准化指数", y_title="Spatial lag of z / 空间滞后",
        width_cm=18, height_cm=14, y_number_format="0.0", line_series=(len(QUADRANTS),)))


def _weights_note(source: str | None, s) -> str:
    """How Moran's I was weighted; without a neighbour list, that there are no weights."""
    if not source:
        return ("No spatial weights: no neighbour list for these units (a sheet Neighbours "
                "with columns Unit and Neighbour gives one). / 无邻接权重：未提供邻接表。")
    return (f"Row-standardised contiguity weights from {source}; {s.moran_permutations} "
            f"permutations, seed {s.seed}; pseudo p as PySAL esda (local: conditional "
            "randomisation). / 行标准化邻接权重；置换检验。")


def spatial_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    content = SheetContent(widths={"A": 18, "B": 18, "C": 22, "D": 22, "E": 22, "F": 18,
                                   "G": 16, "H": 14})
    s = result.settings
    head(content.blocks, labels.analysis_title("Spatial autocorrelation", "空间自相关"),
         _weights_note(result.neighbours_source, s))
    if result.moran is None:
        _reason(content, TABLE_ROW, "Spatial autocorrelation / 空间自相关", result.warnings,
                "Spatial autocorrelation not computed")
        return content
    block = _moran_block(result)
    content.blocks.append(block)
    below = TABLE_ROW + len(block.rows) + GAP
    content.charts.append(charts.chart(
        "line", "Global Moran's I by year / 全局莫兰指数", charts.Plotted(block, block.rows[0][1],
                                                                      block.rows[0][2]),
        below, x_title=YEAR, y_title="Moran's I / 莫兰指数", height_cm=8, y_number_format="0.00"))
    top = below + 18
    lisa = _lisa_block(result, labels, top)
    content.blocks.append(lisa)
    _moran_scatter(content, result, top + len(lisa.rows) + GAP)
    return content
