"""Writers for the explanatory sheets: About, Formulas, Paper, xlwings.conf, result sheets."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from trade_resilience_xl import paper
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.inputs.sheet_headers import split_bilingual
from trade_resilience_xl.workbook.styles import (
    NOTE_FONT,
    TITLE_FONT,
    WARNING_FONT,
    WRAP_TOP,
    fit_row_heights,
    landscape_fit_width,
    set_widths,
    write_header,
    write_note,
    write_title,
)
from trade_resilience_xl.workbook.template.book_subject import BookSubject

# Paper sheet geometry (the Formulas examples point into it).
PAPER_T3_HEADER_ROW = 5
PAPER_T3_FIRST_ROW = PAPER_T3_HEADER_ROW + 1
PAPER_T3_LAST_ROW = PAPER_T3_FIRST_ROW + len(paper.PROVINCES) - 1
PAPER_T3_FIRST_YEAR_COL = 5  # E; columns A-D: province, Chinese name, printed label, region
# Table 2 sits to the right of Table 3 (its wide text columns would squeeze the years).
PAPER_T2_HEADER_ROW = PAPER_T3_HEADER_ROW
PAPER_T2_FIRST_COL = PAPER_T3_FIRST_YEAR_COL + len(paper.TABLE3_YEARS) + 1


@dataclass(frozen=True)
class FormulaExample:
    anchor: str          # cell holding the live dynamic-array formula
    formula: str         # as typed in Excel (UDF names stored plainly, see builder)
    title: str
    explanation: str


# Characters a structured reference must escape with ' inside a column name.
_ESCAPED = "'[]#"


def table_column(table: str, first: str, last: str | None = None) -> str:
    """A structured reference to one column or a run of columns of an Excel table, in the
    form Excel stores it in the file: ``PanelData[[X1]:[X13]]``, ``T[[Direction / 方向]]``.
    It follows the table as rows are added or removed."""
    def name(column: str) -> str:
        return "[" + "".join("'" + ch if ch in _ESCAPED else ch for ch in column) + "]"

    return f"{table}[{name(first)}" + (f":{name(last)}" if last else "") + "]"


def structured_refs(codes: list[str]) -> tuple[str, str]:
    """(data, directions): the Data table's indicator columns and the Indicators table's
    Direction column, as the Formulas examples use them."""
    return (table_column(L.DATA_TABLE_NAME, codes[0], codes[-1]),
            table_column(L.INDICATORS_TABLE_NAME, L.bilingual("Direction")))


def formula_examples(codes: list[str], n_indicators: int,
                     subject: BookSubject) -> tuple[FormulaExample, ...]:
    """The live examples on the Formulas sheet. Data and directions are structured
    references to the Data and Indicators tables, so they cover every row pasted in. The
    inequality examples decompose the paper's published 2021 index (Paper sheet) in the
    paper's study, else the TOPSIS scores of the user's own Data rows by their regions."""
    data, directions = structured_refs(codes)
    shift = f"{L.SHEET_SETTINGS}!B{L.SETTINGS_HEADER_ROW + 1}"
    weights = f"A14:{get_column_letter(n_indicators)}14"
    normalized = f"NORMALIZE({data},{directions},{shift})"
    # ENTROPY_WEIGHTS spills right along row 14; the others spill down from row 17, two
    # columns apart, so no spill range runs into another formula. TOPSIS and
    # COMPOSITE_SCORE are shown in their two safe forms: raw data with directions, or data
    # normalised by NORMALIZE with the same directions and shift.
    return (
        FormulaExample("A14", f"=ENTROPY_WEIGHTS({data},{directions},{shift})",
                       "Entropy weights / 熵值法权重",
                       "One weight per indicator column of the Data table, using the "
                       "directions on Indicators and the Shift setting. / 按指标方向与平移量"
                       "计算各指标权重。"),
        FormulaExample("A17", f"=TOPSIS({data},{weights},{directions})",
                       "TOPSIS scores / TOPSIS得分",
                       "One closeness score per Data row from the raw data and the directions, "
                       "with the weights spilled in row 14. / 每行一个贴近度得分"
                       "（原始数据+方向）。"),
        FormulaExample("C17", f"=TOPSIS({normalized},{weights})",
                       "TOPSIS of NORMALIZE / 标准化后TOPSIS",
                       "The same scores from data normalised first (directions and shift "
                       "applied there, so none given to TOPSIS). / 先标准化再计算，结果相同。"),
        FormulaExample("E17", f"=COMPOSITE_SCORE({data},{weights},{directions})",
                       "Weighted sum / 加权求和",
                       "Weighted sum of the normalised values, from raw data and directions. / "
                       "标准化值加权求和（原始数据+方向）。"),
        FormulaExample("G17", f"=COMPOSITE_SCORE({normalized},{weights})",
                       "Weighted sum of NORMALIZE / 标准化后加权",
                       "The same from data normalised first. / 先标准化再加权求和。"),
    ) + (_paper_inequality_examples() if subject.paper_study else
         _own_inequality_examples(f"TOPSIS({data},{weights},{directions})", subject))


def _paper_inequality_examples() -> tuple[FormulaExample, ...]:
    col_2021 = get_column_letter(PAPER_T3_FIRST_YEAR_COL + len(paper.TABLE3_YEARS) - 1)
    scores = f"{L.SHEET_PAPER}!{col_2021}{PAPER_T3_FIRST_ROW}:{col_2021}{PAPER_T3_LAST_ROW}"
    regions = f"{L.SHEET_PAPER}!D{PAPER_T3_FIRST_ROW}:D{PAPER_T3_LAST_ROW}"
    return (
        FormulaExample("I17", f"=THEIL_DECOMP({scores},,{regions})",
                       "Theil decomposition / 泰尔指数分解",
                       "Within- and between-region Theil T of the paper's published 2021 "
                       "index, equal weights (works before any data is entered). / 以原文2021年"
                       "指数为例的区域内、区域间泰尔T分解（等权）。"),
        FormulaExample("L17", f"=DAGUM_GINI({scores},,{regions})",
                       "Dagum Gini decomposition / Dagum基尼系数分解",
                       "Within, net between and transvariation parts of the Gini of the same "
                       "published 2021 index. / 同一数据的区域内、区域间净值与超变密度分解。"),
    )


def _own_inequality_examples(scores: str, subject: BookSubject) -> tuple[FormulaExample, ...]:
    regions = table_column(L.DATA_TABLE_NAME, L.bilingual("Region"))
    pop = table_column(L.DATA_TABLE_NAME, L.bilingual("Population")) if subject.has_population \
        else ""
    weighted = ("weighted by Population / 按Population加权" if subject.has_population
                else "equal weights (no Population) / 等权（无Population）")
    return (
        FormulaExample("I17", f"=THEIL_DECOMP({scores},{pop},{regions})",
                       "Theil decomposition / 泰尔指数分解",
                       "Within- and between-region Theil T of the TOPSIS scores of every Data "
                       f"row (unit-years pooled), {weighted}. / 全部数据行TOPSIS得分的区域内、"
                       "区域间泰尔T分解。"),
        FormulaExample("L17", f"=DAGUM_GINI({scores},{pop},{regions})",
                       "Dagum Gini decomposition / Dagum基尼系数分解",
                       "Within, net between and transvariation parts of the Gini of the same "
                       "scores. / 同一得分的区域内、区域间净值与超变密度分解。"),
    )


NO_MACROS_NOTE = ("This workbook has no macros, so these functions cannot run here: the "
                  "formulas are shown as text only. They work in the macro workbook "
                  "(`trade-resilience template`, or the one `trade-resilience excel-setup` "
                  "copies to Documents). / 本工作簿不含宏，以下函数无法在此运行，仅以文本展示；"
                  "请在含宏的模板中使用。")


def write_formulas(ws: Worksheet, examples: tuple[FormulaExample, ...], *,
                   live: bool = True) -> None:
    """The examples table and, when ``live``, each formula at its anchor (without macros the
    functions do not exist and every cell would show #NAME?, so only the table is written,
    with a line saying why)."""
    write_title(ws, "Worksheet functions / 工作表函数示例")
    write_note(ws, 2, "These cells call Python through xlwings. In Excel 365 each formula "
               "spills its whole table from one cell; leave the space below and to the right "
               "empty. / 以下单元格通过xlwings调用Python；Excel 365中一个公式自动溢出整张表，"
               "请保持其下方和右侧为空。" if live else NO_MACROS_NOTE,
               NOTE_FONT if live else WARNING_FONT)
    write_note(ws, 3, "Type them anywhere: =ENTROPY_WEIGHTS(data, directions, [shift]), "
               "=TOPSIS(data, weights, directions) or =TOPSIS(NORMALIZE(data, directions, "
               "shift), weights), likewise COMPOSITE_SCORE, =THEIL_DECOMP(scores, [pop], "
               "regions, [measure]), =DAGUM_GINI(scores, [pop], regions). The functions do not "
               "fill blank cells (Refresh all does). / 可在任意单元格输入上述函数；函数不填补空值"
               "（刷新全部会插值）。")
    # Narrow uniform columns so the spilled results sit side by side; the explanatory
    # table uses merged cells instead of wide columns.
    set_widths(ws, {get_column_letter(c): 14 for c in range(1, 21)})
    write_header(ws, 5, ["Cell / 单元格", "Formula / 公式"] + [None] * 4
                 + ["What it returns / 返回内容"] + [None] * 7)
    ws.merge_cells("B5:F5")
    ws.merge_cells("G5:N5")
    for row, example in enumerate(examples, start=6):
        ws.cell(row=row, column=1, value=example.anchor if live else None).alignment = WRAP_TOP
        text = ws.cell(row=row, column=2)
        # Shown as text, not evaluated: a string starting with "=" would become a formula.
        text._value, text.data_type = example.formula, "s"
        text.alignment = WRAP_TOP
        ws.cell(row=row, column=7, value=example.explanation).alignment = WRAP_TOP
        ws.merge_cells(f"B{row}:F{row}")
        ws.merge_cells(f"G{row}:N{row}")
    if live:
        _write_live(ws, examples)
    for row in (2, 3):
        ws.merge_cells(f"A{row}:N{row}")
        ws.cell(row=row, column=1).alignment = WRAP_TOP
    fit_row_heights(ws, 2, 5 + len(examples))
    landscape_fit_width(ws)


def _write_live(ws: Worksheet, examples: tuple[FormulaExample, ...]) -> None:
    for example in examples:
        column = "".join(ch for ch in example.anchor if ch.isalpha())
        row = int("".join(ch for ch in example.anchor if ch.isdigit()))
        ws[f"{column}{row - 1}"] = example.title
        ws[f"{column}{row - 1}"].font = WARNING_FONT
        ws[example.anchor] = ArrayFormula(example.anchor, example.formula)


def _about_lines(subject: BookSubject) -> list[tuple[str, object]]:
    """Title, what the workbook does and step 2 (the Data sheet), in the subject's words."""
    unit, unit_zh = subject.unit
    if subject.paper_study:
        head = [("Trade Resilience workbook / 外贸韧性测度工作簿", TITLE_FONT),
                ("Builds a composite index with the entropy weight method and TOPSIS over a "
                 "province x year panel, classifies provinces into nine types and decomposes "
                 "regional inequality (Theil, Dagum Gini).", None),
                ("基于省份×年份面板数据，用熵值法与TOPSIS构建综合指数，划分九种类型，并用泰尔指数和"
                 "Dagum基尼系数分解区域差异。", None)]
    else:
        english, chinese = split_bilingual(subject.index_name)
        first, last = subject.years[0], subject.years[-1]
        head = [(f"{english} workbook / {chinese or '综合指数'}工作簿", TITLE_FONT),
                (f"Builds a composite index with the entropy weight method and TOPSIS over a "
                 f"unit x year panel ({first}-{last}), classifies the units into nine types "
                 "by two dimensions and decomposes inequality between regions (Theil, Dagum "
                 "Gini).", None),
                (f"基于单元×年份面板数据（{first}-{last}年），用熵值法与TOPSIS构建综合指数，按两个"
                 "维度划分九种类型，并用泰尔指数和Dagum基尼系数分解区域差异。", None)]
    weights, weights_zh = (("Population is the weight for Theil/Dagum",
                            "Population为不平等分解的权重") if subject.has_population else
                           ("Population is empty: Theil and Dagum use equal weights",
                            "Population为空：不平等分解按等权计算"))
    return head + [("", None), ("How to use / 使用步骤", WARNING_FONT),
                   ("1. Indicators: check codes, dimensions and directions (+ benefit, - cost). "
                    "/ 检查指标代码、维度与方向（+正向，-负向）。", None),
                   (f"2. Data: one row per {unit} and year; {weights}. / 每个{unit_zh}-年份一行；"
                    f"{weights_zh}。", None)]


def write_about(ws: Worksheet, subject: BookSubject) -> None:
    """What the workbook is and how to use it; the paper's citation only in the paper's
    study, the illustrative-data warning only on the shipped illustrative panel."""
    ws.column_dimensions["A"].width = 110
    landscape_fit_width(ws)
    lines = _about_lines(subject) + [
        ("3. Settings: shift, weighting, Theil measure, missing values ... / 设置平移量、"
         "赋权方式、泰尔指数类型、缺失值处理等。", None),
        ("4. Ribbon Trade Resilience → Refresh all, or `trade-resilience refresh FILE` in a "
         "terminal. Results: Weights, Scores, Subindices, Types, Theil, Dagum, Log. / "
         "点击功能区 Trade Resilience → Refresh all，或在终端运行命令；结果写入各结果表。", None),
        ("5. Formulas: the same calculations as live worksheet functions. / "
         "Formulas表演示可直接在单元格中使用的函数。", None),
        ("", None),
    ]
    if subject.paper_study:
        lines.append(("Default study: " + paper.PAPER_CITATION + " The Paper sheet holds its "
                      "published Tables 2 and 3 for comparison; the Indicators sheet applies its "
                      "errata. / 默认研究为上述论文；Paper表列出其公布的表2、表3供对照，"
                      "Indicators表已订正其勘误。", NOTE_FONT))
    lines.append(("First-time setup: run `trade-resilience excel-setup` once (sets the Python "
                  "interpreter for xlwings). / 首次使用请先运行一次 `trade-resilience "
                  "excel-setup`。", NOTE_FONT))
    if subject.illustrative:
        lines.insert(1, ("The Data sheet holds ILLUSTRATIVE data, not official statistics. / "
                         "Data表为示例数据，非官方统计。", WARNING_FONT))
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text or None)
        cell.alignment = WRAP_TOP
        if font is not None:
            cell.font = font
    fit_row_heights(ws, 2, len(lines))
    ws.row_dimensions[1].height = 24     # the title's larger font (it overlapped row 2)


def write_paper(ws: Worksheet) -> None:
    write_title(ws, "Published values from the paper (for comparison only) / "
                    "论文公布值（仅供对照）")
    write_note(ws, 2, paper.PAPER_CITATION)
    write_note(ws, 3, "Table 3 prints odd years only; its row \"Amur\" is Heilongjiang. These "
               "are the paper's numbers, not results of this workbook. / 表3仅列奇数年份；"
               "\"Amur\"即黑龙江。此为原文数值，非本工作簿计算结果。", WARNING_FONT)
    ws.cell(row=4, column=1, value="Table 3: foreign trade resilience index / 表3 外贸韧性指数"
            ).font = TITLE_FONT
    write_header(ws, PAPER_T3_HEADER_ROW,
                 [L.bilingual("Province"), "Chinese name / 中文名", "Printed label / 原文行名",
                  L.bilingual("Region")] + [str(y) for y in paper.TABLE3_YEARS])
    printed = {province: label for label, province in paper.TABLE3_PRINTED_LABELS}
    for row, prov in enumerate(paper.PROVINCES, start=PAPER_T3_FIRST_ROW):
        for col, value in enumerate([prov.name, prov.name_zh, printed[prov.name], prov.region]
                                    + list(paper.TABLE3_INDEX[prov.name]), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if col >= PAPER_T3_FIRST_YEAR_COL:
                cell.number_format = "0.0000"
    mean_row = PAPER_T3_LAST_ROW + 1
    ws.cell(row=mean_row, column=1, value="Mean (printed) / 均值（原文）").font = NOTE_FONT
    for col, value in enumerate(paper.TABLE3_MEAN, start=PAPER_T3_FIRST_YEAR_COL):
        ws.cell(row=mean_row, column=col, value=value).number_format = "0.0000"

    t2, c2 = PAPER_T2_HEADER_ROW, PAPER_T2_FIRST_COL
    ws.cell(row=t2 - 1, column=c2, value="Table 2: indicator weights (%) as printed / "
            "表2 指标权重（%，原文）").font = TITLE_FONT
    write_header(ws, t2, [L.bilingual("Code"), L.bilingual("Indicator"),
                          "Sub-dimension (Table 2) / 二级指标", "Weight (%) / 权重(%)",
                          "Note / 备注"], first_col=c2)
    for row, ind in enumerate(paper.INDICATORS, start=t2 + 1):
        printed_weight = paper.TABLE2_WEIGHTS_PCT[ind.code]
        note = (f"not printed; {paper.X6_DERIVED_WEIGHT_PCT} if weights sum to 100 / "
                "原文未印，按合计100推算为4.089") if printed_weight is None else None
        for col, value in enumerate([ind.code, L.bilingual(ind.indicator, ind.indicator_zh),
                                     paper.TABLE2_SUB_DIMENSIONS[ind.code], printed_weight,
                                     note], start=c2):
            # One line per row, no wrapping: these rows are shared with Table 3, which
            # should keep its even row height.
            ws.cell(row=row, column=col, value=value)
    set_widths(ws, {"A": 16, "B": 12, "C": 20, "D": 14})
    for col in range(PAPER_T3_FIRST_YEAR_COL, PAPER_T3_FIRST_YEAR_COL + 6):
        ws.column_dimensions[get_column_letter(col)].width = 9
    ws.column_dimensions[get_column_letter(c2 - 1)].width = 3
    for offset, width in enumerate((10, 80, 32, 14, 66)):
        ws.column_dimensions[get_column_letter(c2 + offset)].width = width
    ws.row_dimensions[PAPER_T3_HEADER_ROW].height = 32
    landscape_fit_width(ws)


def write_xlwings_conf(ws: Worksheet) -> None:
    # From A1 down, no header, no blank row: that is how xlwings reads this sheet. Column C
    # is ignored by xlwings and only explains the choice.
    for row, (key, value, why) in enumerate(L.XLWINGS_CONF, start=1):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
        ws.cell(row=row, column=3, value=why).font = NOTE_FONT
    set_widths(ws, {"A": 30, "B": 28, "C": 90})
    landscape_fit_width(ws)


def write_result_placeholder(ws: Worksheet) -> None:
    ws.cell(row=1, column=1, value=L.RESULT_SHEET_NOTE).font = NOTE_FONT
