"""The Types sheet: ranks, levels and (with exactly two dimensions) the nine types, named
from the user's dimensions (the paper's names only for the paper's two), plus the scatter."""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.engine.classify import LEVELS, LEVELS_ZH, is_paper_pair
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

CUT_LINES = ("x cut high|medium / 横轴高|中分界", "x cut medium|low / 横轴中|低分界",
             "y cut high|medium / 纵轴高|中分界", "y cut medium|low / 纵轴中|低分界")


def _level(level: str) -> str:
    return f"{level} / {LEVELS_ZH.get(level, '')}"


def types_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    panel, cls = result.panel, result.numbers.classification
    dims = panel.dimension_order
    content = SheetContent(widths={"A": 22, "B": 16, "C": 24, "D": 8, "E": 14, "F": 24,
                                   "G": 8, "H": 14, "I": 40, "J": 14, "K": 14, "L": 14})
    basis = result.settings.classification_basis
    words = labels.units_word
    head(content.blocks, labels.types_title(dims),
         f"Ranked on {'the mean over all years' if basis == 'mean' else basis}; with n "
         f"{words} ranks 1..n/3 are high, up to n - n/3 medium, the rest low. / "
         "按排名三等分：高、中、低。")
    two = len(dims) == 2
    # The engine's names (also in types.csv), so the sheet and the CSV cannot differ.
    names = list(zip(cls.type_en, cls.type_zh or [None] * len(cls.type_en))) if two else []
    has_zh = two and cls.type_zh is not None
    header = [labels.unit, "Region / 地区"]
    for d in dims:
        header += [f"{labels.dimension(d)}: score / 得分", "Rank / 排名", "Level / 水平"]
    if two:
        header += ["Type / 类型"] + (["类型"] if has_zh else [])
    rows = []
    for u, unit in enumerate(panel.units):
        row = [unit, labels.region(panel.regions[u])]
        for j in range(len(dims)):
            row += [result.numbers.basis[u, j], int(cls.rank[u, j]), _level(cls.level[u, j])]
        if two:
            row += [names[u][0]] + ([names[u][1]] if has_zh else [])
        rows.append(row)
    cells = rows_of([header] + rows)
    formats = sized_formats(cells, [2 + 3 * j for j in range(len(dims))])
    formats |= {3 + 3 * j: padded("0") for j in range(len(dims))}   # rank, then level text
    content.blocks.append(Block(f"A{TABLE_ROW}", cells, formats))
    top = TABLE_ROW + len(cells) + GAP
    cuts = cls.cutoffs
    n, third = len(panel.units), len(panel.units) // 3
    cut_rows = [[labels.dimension(d), hi, lo, f"high 1-{third}, medium {third + 1}-"
                 f"{n - third}, low {n - third + 1}-{n}"] for d, (hi, lo) in zip(dims, cuts)]
    block = block_with_title(top, "Tercile cut-offs / 三等分界值",
                             ["Dimension / 维度", "High | medium / 高|中",
                              "Medium | low / 中|低", "Rank bands / 排名区间"], cut_rows)
    block.number_formats = sized_formats(block.rows, (1, 2), 2)
    block.number_formats[2] = padded(block.number_formats[2])        # then the bands' text
    content.blocks.append(block)
    top += len(block.rows) + GAP
    if not two:
        content.blocks.append(Block(f"A{top}", [[
            f"Types need exactly two dimensions; the Indicators sheet has {len(dims)}, so "
            "only ranks and levels are shown. / 类型划分需要恰好两个维度。"]], header_rows=0))
        return content
    levels = [tuple(lv) for lv in cls.level.tolist()]
    top = _type_summary(content, panel.units, dims, levels, names, has_zh, labels, top)
    _scatter(content, result, labels, top)
    return content


def _type_summary(content, units, dims, levels, names, has_zh, labels, top) -> int:
    """Count and members of each type present, best first by the dimension the type name
    leads with (the paper's: reconstruction). Columns chosen for the sheet's widths: long
    texts overflow into the empty cells to their right."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    lead_second = is_paper_pair(*dims)

    def best_first(item):
        first, second = item[0]
        return (rank[second], rank[first]) if lead_second else (rank[first], rank[second])

    rows = []
    for lv, (en, zh) in sorted(dict.fromkeys(zip(levels, names)), key=best_first):
        members = [u for u, other in zip(units, levels) if other == lv]
        # Members in column F either way; without Chinese names the English one moves left.
        rows.append(([zh] if has_zh else []) + [len(members), en]
                    + [None] * (2 if has_zh else 3) + [", ".join(members)])
    header = (["类型"] if has_zh else []) + ["Count / 数量", "Type / 类型"] + \
        [None] * (2 if has_zh else 3) + [labels.unit]
    block = block_with_title(top, "Type summary / 类型汇总", header, rows)
    content.blocks.append(block)
    return top + len(block.rows) + GAP


def _scatter(content, result, labels, top) -> None:
    """x = first dimension's score; one y column per region, then the four cut-off lines
    (two rows each, so each is a segment across the plotted range)."""
    panel, basis = result.panel, result.numbers.basis
    dims = panel.dimension_order
    order = list(labels.regions)
    header = [f"{labels.dimension(dims[0])} (x)"] + [labels.region(g) for g in order]
    header += list(CUT_LINES)
    width = len(header)
    rows = []
    for u in range(len(panel.units)):
        row = [basis[u, 0]] + [None] * (width - 1)
        row[1 + order.index(panel.regions[u])] = basis[u, 1]
        rows.append(row)
    x_lo, x_hi = basis[:, 0].min(), basis[:, 0].max()
    y_lo, y_hi = basis[:, 1].min(), basis[:, 1].max()
    (x_hm, x_ml), (y_hm, y_ml) = result.numbers.classification.cutoffs
    segments = [(x_hm, y_lo, x_hm, y_hi), (x_ml, y_lo, x_ml, y_hi),
                (x_lo, y_hm, x_hi, y_hm), (x_lo, y_ml, x_hi, y_ml)]
    for k, (xa, ya, xb, yb) in enumerate(segments):
        if None in (xa, ya, xb, yb):
            continue
        for x, y in ((xa, ya), (xb, yb)):
            row = [x] + [None] * (width - 1)
            row[1 + len(order) + k] = y
            rows.append(row)
    block = block_with_title(top, "Chart data / 图表数据", header, rows)
    block.number_formats = sized_formats(block.rows, range(width), 2)
    content.blocks.append(block)
    content.charts.append(charts.chart(
        "scatter", labels.scatter_title(dims), charts.Plotted(block, header[1], header[-1]),
        top + len(block.rows) + GAP, x_title=labels.dimension(dims[0]),
        y_title=labels.dimension(dims[1]), width_cm=22, height_cm=16, y_number_format="0.00",
        line_series=tuple(range(width - 5, width - 1))))
