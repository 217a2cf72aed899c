"""The Log sheet: what the last refresh used (settings, sizes) and noticed (warnings, filled
cells)."""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.inputs.read_inputs import Inputs
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    TABLE_ROW,
    head,
    sized_formats,
    value,
)


def shown(setting):
    """A setting as a cell value: numbers stay numbers (1 rather than 1.0), text is text."""
    if isinstance(setting, float) and setting.is_integer():
        return int(setting)
    if isinstance(setting, (int, float)) and not isinstance(setting, bool):
        return setting
    return str(setting)


def log_sheet(result: PanelResult, inputs: Inputs, labels: Labels, version: str,
              timestamp: str) -> SheetContent:
    content = SheetContent(widths={"A": 34, "B": 70, "C": 12, "D": 14, "E": 16, "F": 12})
    head(content.blocks, "Refresh log / 运行日志",
         "What the last refresh used and noticed. / 最近一次刷新所用设置与提示。")
    panel = result.panel
    words = labels.units_word
    rows = [["Item / 项目", "Value / 取值"],
            ["Refreshed at / 刷新时间", timestamp],
            ["Package / 程序包", f"trade_resilience_xl {version}"],
            ["Data label / 数据说明", inputs.data_note or None],
            ["Illustrative data / 示例数据",
             "YES: illustrative data, not official statistics / 是：示例数据，非官方统计"
             if inputs.illustrative else "no / 否"],
            [f"{words.capitalize()} x years x indicators / 规模",
             f"{len(panel.units)} x {len(panel.years)} ({panel.years[0]}-{panel.years[-1]}) "
             f"x {len(panel.codes)}"],
            ["Population weights / 人口权重", "yes / 是" if panel.population is not None
             else "no, equal weights / 否，等权"]]
    spec_zh = {spec.key: spec.key_zh for spec in L.SETTINGS}
    rows += [[f"Setting: {key} / {spec_zh.get(key, key)}", shown(setting)]
             for key, setting in inputs.settings_used]
    s = result.settings
    rows.append(["Engine settings / 引擎设置",
                 f"normalization {s.normalization}, weighting {s.weighting}, ideal {s.ideal}, "
                 f"score {s.score}, theil {s.theil_measure}, missing {s.missing}, "
                 f"permutations {s.permutations}, bootstrap {s.bootstrap}, seed {s.seed}"])
    content.blocks.append(Block(f"A{TABLE_ROW}", rows))
    top = TABLE_ROW + len(rows) + GAP
    notes = list(result.warnings) + list(inputs.notes)
    warn = [["Warnings / 警告"]] + ([[w] for w in notes] or [["none / 无"]])
    content.blocks.append(Block(f"A{top}", warn))
    top += len(warn) + GAP
    filled = [["Filled by interpolation / 插值填补", None, None, None, None],
              [labels.unit, "Data cell / 数据单元格", "Year / 年份", "Field / 字段",
               "Value / 取值"]]
    # Built only when something was filled: it runs over every Data row.
    row_of = {} if result.filled.empty else {
        (u, y): r for u, y, r in zip(inputs.data["unit"], inputs.data["year"], inputs.data_rows)}
    for unit, year, code, filled_value in result.filled.itertuples(index=False):
        column = inputs.data_cols.get(code)
        where = row_of.get((unit, int(year)))
        address = f"{L.SHEET_DATA}!{L.cell_name(where, column)}" if where and column else None
        filled.append([unit, address, int(year), code, value(filled_value)])
    if len(filled) == 2:
        filled.append(["none / 无", None, None, None, None])
    content.blocks.append(Block(f"A{top}", filled, sized_formats(filled, [4], 2),
                                header_rows=2))
    return content
