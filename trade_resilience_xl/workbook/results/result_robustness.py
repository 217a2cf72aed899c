"""The Robustness sheet (issue 25): would the ranking change with another objective
weighting? The weights of six methods, the rank of every unit under each, the rank
agreement between methods, and each unit's rank interval under perturbed entropy weights."""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.engine.objective_weights import METHOD_LABELS
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


def method_label(method: str) -> str:
    english, chinese = METHOD_LABELS[method]
    return f"{english} / {chinese}"


def _weights_block(result: PanelResult, labels: Labels) -> Block:
    table = result.robustness.method_weights
    if "year" in table.columns:                    # per-year weighting: the mean over years
        table = table.groupby(["method", "code"], sort=False, as_index=False)["weight"].mean()
    methods = list(dict.fromkeys(table["method"]))
    wide = table.pivot(index="code", columns="method", values="weight")
    header = ["Code / 代码", "Indicator / 指标"] + [f"{method_label(m)} (%)" for m in methods]
    names = dict(zip(result.panel.codes, result.panel.names))
    rows = [[code, names[code]] + [100 * wide.loc[code, m] for m in methods]
            for code in result.panel.codes]
    cells = rows_of([header] + rows)
    return Block(f"A{TABLE_ROW}", cells, sized_formats(cells, range(2, len(header))))


def _ranks_block(result: PanelResult, labels: Labels, top: int) -> Block:
    ranks = result.robustness.method_ranks
    methods = list(dict.fromkeys(ranks["method"]))
    year = result.robustness.year
    by_year = ranks.pivot(index="unit", columns="method", values="rank_year")
    by_mean = ranks.pivot(index="unit", columns="method", values="rank_mean")
    regions = dict(zip(result.panel.units, result.panel.regions))
    header = ([labels.unit, "Region / 地区"]
              + [f"{METHOD_LABELS[m][0]}: rank {year} / {year}年排名" for m in methods]
              + [f"{METHOD_LABELS[m][0]}: rank of mean / 均值排名" for m in methods])
    # Whole columns at once: a lookup per unit and method costs a pandas indexing call
    # (40,000 of them at county size).
    units = list(result.panel.units)
    in_year, of_mean = (table.reindex(index=units, columns=methods).to_numpy(dtype=int).tolist()
                        for table in (by_year, by_mean))
    rows = [[unit, labels.region(regions[unit])] + a + b
            for unit, a, b in zip(units, in_year, of_mean)]
    return block_with_title(top, "Rank of every unit under each weighting (1 = highest) / "
                            "各赋权方法下的排名", header, rows)


def _agreement_block(result: PanelResult, top: int) -> Block:
    agreement = result.robustness.agreement
    methods = list(dict.fromkeys(agreement["method_a"]))
    year = result.robustness.year
    header = ["Method / 方法"] + [METHOD_LABELS[m][0] for m in methods]
    rows = []
    for basis, word, measure, symbol in (("year", f"{year}", "spearman", "Spearman ρ"),
                                         ("mean", "mean / 均值", "spearman", "Spearman ρ"),
                                         ("year", f"{year}", "kendall", "Kendall τ-b"),
                                         ("mean", "mean / 均值", "kendall", "Kendall τ-b")):
        part = agreement[agreement["basis"] == basis].pivot(index="method_a",
                                                             columns="method_b", values=measure)
        rows += [[f"{symbol}, {word}: {METHOD_LABELS[a][0]}"]
                 + [part.loc[a, b] for b in methods] for a in methods]
    block = block_with_title(top, "Rank agreement between methods (1 = the same order) / "
                             "方法间排名一致性", header, rows)
    block.number_formats = {c: "0.000" for c in range(1, len(header))}
    return block


def _sensitivity_block(result: PanelResult, labels: Labels, top: int) -> Block:
    table, s = result.robustness.sensitivity, result.settings
    header = [labels.unit, "Region / 地区", "Rank, entropy weights / 熵权排名",
              "5% rank / 5%分位排名", "95% rank / 95%分位排名",
              "Keeps its level / 保持等级比例"]
    rows = [[r.unit, labels.region(r.region), int(r.rank), int(r.rank_low), int(r.rank_high),
             r.keeps_level] for r in table.itertuples()]
    block = block_with_title(
        top, f"Rank in {result.robustness.year} when the entropy weights vary: "
        f"{s.sensitivity_draws:,} Dirichlet draws, concentration "
        f"{s.sensitivity_concentration:g} / {result.robustness.year}年权重扰动下的排名区间",
        header, rows)
    block.number_formats = {5: PCT}
    return block


def robustness_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    methods = len(METHOD_LABELS)
    content = SheetContent(widths={"A": 34, "B": 30, **{L.cell_name(1, c)[:-1]: 16
                                                        for c in range(3, 3 + 2 * methods)}})
    s = result.settings
    combine = "product" if s.combined_weights == "product" else "mean"
    head(content.blocks, labels.analysis_title("Robustness of the weighting", "赋权稳健性"),
         "Weights of each method on the same normalised data as entropy; Entropy + CRITIC is "
         f"their normalised {combine}. The index and ranks are recomputed with each. / "
         "各方法在同一标准化数据上赋权，并重新计算指数与排名。")
    if result.robustness.method_weights is None:
        notes = [n for n in result.warnings if n.startswith("Robustness of the weighting not")]
        content.blocks.append(Block(f"A{TABLE_ROW}", [[n] for n in notes], header_rows=0))
        return content
    weights = _weights_block(result, labels)
    content.blocks.append(weights)
    top = TABLE_ROW + len(weights.rows) + GAP
    header = weights.rows[0]
    content.charts.append(charts.chart(
        "bar", "Indicator weights by method (%) / 各方法指标权重(%)",
        charts.Plotted(weights, header[2], header[-1]), top, x_title="Indicator / 指标",
        y_title="Weight (%) / 权重(%)", y_number_format="0.0", height_cm=10))
    top += 22
    agreement = _agreement_block(result, top)
    content.blocks.append(agreement)
    top += len(agreement.rows) + GAP
    ranks = _ranks_block(result, labels, top)
    content.blocks.append(ranks)
    top += len(ranks.rows) + GAP
    if result.robustness.sensitivity is not None:
        content.blocks.append(_sensitivity_block(result, labels, top))
    else:
        content.blocks.append(Block(f"A{top}", [["Sensitivity draws is 0: no weight "
                                                 "sensitivity / 未做权重扰动"]], header_rows=0))
    return content
