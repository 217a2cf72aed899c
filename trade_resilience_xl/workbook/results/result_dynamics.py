"""The Dynamics sheet (issue 25): how units move between levels from year to year — the
Markov chain of the index in quantile classes (and of the nine types), its steady state
beside the first and last year's shares, and the spatial Markov chain with its tests."""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult, type_names
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, HeatMap, SheetContent, cell_position
from trade_resilience_xl.workbook.results import charts
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    PCT,
    TABLE_ROW,
    block_with_title,
    head,
    padded,
)
from trade_resilience_xl.workbook.styles import display_width

LEVELS = ("high", "medium", "low")
SHARES = ("First year / 首年", "Last year / 末年", "Steady state / 稳态")


def class_names(chain: str, k: int, panel) -> list[str]:
    """"Class 1 (lowest) / 第1类（最低）" … for the index; the nine types' names (as the
    Types sheet names them) for the types, in the engine's order 3 × first + second."""
    if chain == "types":
        dims = tuple(panel.dimension_order[:2])
        short = tuple(panel.dimension_zh.get(d) for d in dims)
        named = [type_names(a, b, dims, short) for a in LEVELS for b in LEVELS]
        return [f"Type {j} / 类型{j}: {en}" + (f" / {zh}" if zh else "")
                for j, (en, zh) in enumerate(named, start=1)]
    names = [f"Class {c} / 第{c}类" for c in range(1, k + 1)]
    names[0] = "Class 1 (lowest) / 第1类（最低）"
    names[-1] = f"Class {k} (highest) / 第{k}类（最高）"
    return names


def _matrix_block(moves, names, top, title) -> Block:
    k = len(names)
    # The nine types' names are long: their columns say "Type j" (the rows name them).
    columns = [n.split(":")[0] for n in names] if ":" in names[0] else names
    header = ["From \\ to / 期初\\期末"] + columns + ["Moves n / 样本数"]
    p = moves["probability"].to_numpy().reshape(k, k)
    n = moves["count"].to_numpy().reshape(k, k).sum(axis=1)
    rows = [[names[i]] + list(p[i]) + [int(n[i])] for i in range(k)]
    block = block_with_title(top, title, header, rows)
    block.number_formats = {c: "0.000" for c in range(1, k + 1)}
    return block


def _heat_map(matrix: Block) -> HeatMap:
    """The probabilities of a ``_matrix_block``, shaded from 0 (white) to 1."""
    top, left = cell_position(matrix.top_left)
    k = len(matrix.rows) - matrix.header_rows
    first = top + matrix.header_rows
    return HeatMap(f"{L.cell_name(first, left + 1)}:{L.cell_name(first + k - 1, left + k)}")


def _shares_block(shares, names, top, by_construction: bool) -> Block:
    # The chart's categories are the first column: the nine types' long names go in a
    # last column of their own (text runs on into the empty cells to its right), so the
    # axis says "Type j" and the plot keeps its height.
    named = ":" in names[0]
    labels = [n.split(": ", 1) if named else [n] for n in names]
    rows = [[label[0], r.first_year, r.last_year, "" if r.steady_state != r.steady_state
             else r.steady_state, *label[1:]] for label, r in zip(labels, shares.itertuples())]
    title = "Shares of units by class / 各类单元占比"
    if by_construction:      # what a reader would otherwise take for a finding
        title += (f" (classes by quantiles within each year: each holds 1/{len(names)} of "
                  "the units in every year, and so in the steady state, by construction; set "
                  "Markov breaks to pooled to see where the moves lead / 按年分位数分类时各年"
                  "及稳态各类占比均相同；改用 pooled 可见趋向)")
    header = ["Class / 类别", *SHARES, *(["Name / 名称"] if named else [])]
    block = block_with_title(top, title, header, rows)
    block.number_formats = {1: PCT, 2: PCT, 3: padded(PCT) if named else PCT}
    return block


def dynamics_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    d, s, panel = result.robustness, result.settings, result.panel
    k = s.markov_classes
    content = SheetContent(widths={"A": 34, **{L.cell_name(1, c)[:-1]: 16
                                               for c in range(2, 12)}})
    breaks = ("quantiles within each year" if s.markov_breaks == "per_year"
              else "quantile breaks over all years")
    head(content.blocks, labels.analysis_title("Dynamics between levels", "等级转移"),
         f"Markov chain: {k} classes of the index by {breaks}; p_ij = share of units in "
         "class i in one year that are in class j the next year, shaded from white (0) to "
         "blue (1). / 马尔可夫链：按分位数分类，p_ij为第i类单元次年处于第j类的比例，"
         "颜色由白(0)到蓝(1)。")
    top = TABLE_ROW
    if d.markov is None or d.method_weights is None:
        notes = [n for n in result.warnings if n.startswith(("Markov chain not computed",
                                                              "Robustness of the weighting not"))]
        content.blocks.append(Block(f"A{top}", [[n] for n in notes], header_rows=0))
        return content
    for chain, what, what_zh in (("index", "the index", "指数"),
                                 ("types", "the nine types", "类型")):
        title = f"Transition probabilities of {what} / {what_zh}转移概率"
        moves = d.markov[d.markov["chain"] == chain]
        if moves.empty:
            continue
        names = class_names(chain, int(moves["from_class"].max()), panel)
        # Row labels readable in full (the nine types' names run to 70 widths), within reason.
        content.widths["A"] = max(content.widths["A"],
                                  min(72, 2 + max(display_width(n) for n in names)))
        matrix = _matrix_block(moves, names, top, title)
        content.blocks.append(matrix)
        content.heat_maps.append(_heat_map(matrix))
        top += len(matrix.rows) + GAP
        shares = _shares_block(d.markov_shares[d.markov_shares["chain"] == chain], names, top,
                               chain == "index" and s.markov_breaks == "per_year")
        content.blocks.append(shares)
        top += len(shares.rows) + GAP
        content.charts.append(charts.chart(
            "bar", f"Steady state beside the first and last year, {what} / "
            f"{what_zh}稳态分布与首末年分布",
            charts.Plotted(shares, SHARES[0], SHARES[2]), top, x_title="Class / 类别",
            y_title="Share of units / 单元占比", y_number_format="0%", height_cm=9,
            y_max=1 if chain == "index" else None))
        top += 20
    if d.spatial_markov is None:
        notes = [n for n in result.warnings if n.startswith("Spatial Markov chain not")]
        content.blocks.append(Block(f"A{top}", [[n] for n in notes], header_rows=0))
        return content
    names = class_names("index", k, panel)
    for lag in range(1, k + 1):
        moves = d.spatial_markov[d.spatial_markov["lag_class"] == lag]
        matrix = _matrix_block(moves, names, top,
                               f"Neighbours in class {lag} at the start / 邻居处于第{lag}类")
        content.blocks.append(matrix)
        content.heat_maps.append(_heat_map(matrix))
        top += len(matrix.rows) + GAP
    test = d.spatial_test
    rows = [[r.statistic, r.value, int(r.dof), r.p_value] for r in test.itertuples()]
    block = block_with_title(top, "Does the neighbourhood matter? Homogeneity tests "
                             "(H0: the same transitions whatever the neighbours) / 空间同质性检验",
                             ["Test / 检验", "Statistic / 统计量", "df / 自由度",
                              "p-value / p值"], rows)
    block.number_formats = {1: "0.000", 3: "0.000"}
    content.blocks.append(block)
    return content
