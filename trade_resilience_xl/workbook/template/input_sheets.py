"""Writers for the sheets users fill in: Indicators, Data, Settings."""
from __future__ import annotations

import math

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from trade_resilience_xl import paper
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.styles import (
    CENTER,
    INPUT_FILL,
    NAMES_FILL,
    NAMES_FONT,
    NOTE_FONT,
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

_TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
# Number formats by indicator unit: counts are integers, money and areas get separators.
_UNIT_FORMATS = {"count": "0", "yuan": "#,##0", "km": "#,##0", "%": "0.00",
                 "100 million USD": "#,##0.00", "100 million yuan": "#,##0.00"}


def _add_table(ws: Worksheet, name: str, first_row: int, last_row: int, n_cols: int) -> None:
    ref = f"A{first_row}:{get_column_letter(n_cols)}{max(last_row, first_row + 1)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = _TABLE_STYLE
    ws.add_table(table)


def _list_validation(ws: Worksheet, choices: tuple[str, ...], ref: str, *, strict: bool,
                     prompt: str = "") -> None:
    """Drop-down list. ``strict=False`` warns but accepts other text (users' own regions)."""
    rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                          allow_blank=True, errorStyle="stop" if strict else "warning",
                          showErrorMessage=True, showInputMessage=bool(prompt))
    rule.error = "Choose from the list / 请从列表中选择: " + ", ".join(choices)
    rule.errorTitle = "Trade Resilience"
    if prompt:
        rule.prompt = prompt
    ws.add_data_validation(rule)
    rule.add(ref)


# ------------------------------------------------------------------------ Indicators
EDIT_NOTE = ("You may add, remove or reorder rows and rename dimensions; each Code must be "
             "a column on the Data sheet. A dimension may be written \"Economic base / 经济\": "
             "the Chinese part is its short label in Chinese type names. / 可增删、调整行顺序或"
             "重命名维度；代码须与Data表列名一致。")


def _paper_rows() -> list[list]:
    rows = []
    for ind in paper.INDICATORS:
        weight_note = " (derived, not printed / 推算值，原文未印)" if ind.weight_derived else ""
        rows.append([ind.code,
                     L.bilingual(ind.dimension, ind.dimension_zh),
                     L.bilingual(ind.sub_dimension, ind.sub_dimension_zh),
                     L.bilingual(ind.indicator, ind.indicator_zh),
                     ind.direction,
                     L.bilingual(ind.unit, ind.unit_zh) if ind.unit != ind.unit_zh else ind.unit,
                     f"{ind.explanation}\n{ind.explanation_zh}{weight_note}",
                     ind.paper_weight_pct])
    return rows


def _both(english, chinese) -> str | None:
    english, chinese = str(english or "").strip(), str(chinese or "").strip()
    return L.bilingual(english, chinese) if english and chinese else (english or chinese or None)


def _user_rows(indicators: pd.DataFrame) -> list[list]:
    """The user's indicator table (``csv_panel.read_indicators``) as sheet rows."""
    get = (lambda r, name: r.get(name, "") or "")  # noqa: E731
    return [[r["code"], _both(r["dimension"], get(r, "dimension_zh")), None,
             _both(get(r, "name") or r["code"], get(r, "name_zh")), r["direction"],
             _both(get(r, "unit"), get(r, "unit_zh")), get(r, "explanation") or None]
            for r in indicators.to_dict("records")]


def write_indicators(ws: Worksheet, indicators: pd.DataFrame | None = None) -> None:
    """The paper's indicator system (errata noted), or the user's ``indicators`` table."""
    if indicators is None:
        write_title(ws, "Indicator system (Table 1, errata applied) / 指标体系（表1，已订正）")
        notes = [f"Erratum / 勘误: {en}  {zh}" for en, zh in zip(paper.ERRATA, paper.ERRATA_ZH)]
        notes.append("You may add, remove or reorder rows and rename dimensions; each Code must "
                     "be a column on the Data sheet. / 可增删、调整行顺序或重命名维度；"
                     "代码须与Data表列名一致。")
        columns, rows, warned = L.INDICATOR_COLUMNS, _paper_rows(), 2
        derived = {ind.code for ind in paper.INDICATORS if ind.weight_derived}
    else:
        write_title(ws, "Indicator system / 指标体系")
        notes = [EDIT_NOTE]
        columns, rows, warned, derived = L.INDICATOR_COLUMNS[:-1], _user_rows(indicators), 0, set()
    last_col = get_column_letter(len(columns))
    for offset, text in enumerate(notes):
        write_note(ws, 2 + offset, text, WARNING_FONT if offset < warned else NOTE_FONT)
        # Merged across the table and wrapped, so the notes stay inside the printed width.
        ws.merge_cells(f"A{2 + offset}:{last_col}{2 + offset}")
        ws.cell(row=2 + offset, column=1).alignment = WRAP_TOP
    header_row = L.INDICATORS_HEADER_ROW
    write_header(ws, header_row, [L.bilingual(name) for name in columns])
    for row, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = CENTER if col in (1, 5) else WRAP_TOP
        ws.cell(row=row, column=5).fill = INPUT_FILL
        if len(columns) > 7:
            ws.cell(row=row, column=8).number_format = "0.000"
        if values[0] in derived:
            ws.cell(row=row, column=8).font = WARNING_FONT
    last_row = header_row + len(rows)
    _add_table(ws, L.INDICATORS_TABLE_NAME, header_row, last_row, len(columns))
    _list_validation(ws, L.DIRECTIONS, f"E{header_row + 1}:E{last_row + 50}", strict=True,
                     prompt="+ benefit (higher is better) / 正向;  - cost / 负向")
    set_widths(ws, {"A": 7, "B": 22, "C": 22, "D": 34, "E": 10, "F": 16, "G": 62, "H": 12})
    fit_row_heights(ws, 2, 1 + len(notes))
    fit_row_heights(ws, header_row + 1, last_row)
    ws.row_dimensions[header_row].height = 32
    ws.freeze_panes = f"B{header_row + 1}"
    landscape_fit_width(ws)


# ------------------------------------------------------------------------ Data
MAX_LIST_FORMULA = 255   # Excel's limit for a list validation's comma-separated choices


def _indicator_codes(data: pd.DataFrame | None) -> list[str]:
    if data is None:
        return list(paper.INDICATOR_CODES)
    return [str(c) for c in data.columns[len(L.DATA_ID_COLUMNS):]]


def _skeleton_rows() -> list[list]:
    """31 provinces x 2010-2021 with region filled, population and indicators empty."""
    return [[p.name, p.region, year, None] for p in paper.PROVINCES for year in paper.YEARS]


def _cell_value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar -> plain Python, so openpyxl writes a number
        value = value.item()
    return value


def _region_list(ws: Worksheet, regions: tuple[str, ...], ref: str) -> None:
    """Drop-down of the data's own regions (the paper's four with their Chinese names);
    it only warns, so a new region can still be typed. Skipped when the names cannot be a
    list (a comma or quote in a name, or longer than Excel allows)."""
    if regions == tuple(L.REGION_CHOICES):
        prompt = "East / 东部, Central / 中部, Northeast / 东北, West / 西部"
    else:
        prompt = ", ".join(regions)
    if any("," in r or '"' in r for r in regions) or len(",".join(regions)) > MAX_LIST_FORMULA:
        return
    _list_validation(ws, regions, ref, strict=False, prompt=prompt[:MAX_LIST_FORMULA])


def write_data(ws: Worksheet, data: pd.DataFrame | None, data_note: str | None,
               indicator_names: dict[str, str] | None = None) -> None:
    """The Data table sized to ``data`` (first column: the units, under the user's header;
    then Region, Year, Population and one column per indicator code), or the paper's empty
    31 x 2010-2021 skeleton. ``indicator_names`` (code -> text) fill the names row above
    codes the paper does not know."""
    codes = _indicator_codes(data)
    n_cols = len(L.DATA_ID_COLUMNS) + len(codes)
    if data is None:
        write_note(ws, L.DATA_LABEL_ROW, "Enter one row per province and year; indicator "
                   "names are in row 2, codes must match the Indicators sheet. / "
                   "按省份-年份逐行填写；第2行为指标名称，列名代码须与Indicators表一致。")
        rows = [row + [None] * len(codes) for row in _skeleton_rows()]
        unit_header, regions = L.DATA_ID_COLUMNS[0], tuple(L.REGION_CHOICES)
    else:
        unit_header = str(data.columns[0])
        missing = [c for c in L.DATA_ID_COLUMNS[1:] if c not in data.columns[1:4]]
        if missing:
            raise ValueError(f"data has no column {missing[0]!r} in columns 2-4; expected the "
                             f"unit column, then {', '.join(L.DATA_ID_COLUMNS[1:])} then "
                             "indicator columns")
        rows = [[_cell_value(v) for v in record] for record in data.itertuples(index=False)]
        regions = tuple(dict.fromkeys(str(r) for r in data["Region"]))
        if set(regions) <= set(L.REGION_CHOICES):
            regions = tuple(L.REGION_CHOICES)
    if data_note:
        write_note(ws, L.DATA_LABEL_ROW, data_note, WARNING_FONT)

    known = {ind.code: ind for ind in paper.INDICATORS}
    names = dict(indicator_names or {})
    for code, ind in known.items():
        unit = ind.unit if ind.unit == ind.unit_zh else f"{ind.unit} / {ind.unit_zh}"
        names.setdefault(code, f"{ind.indicator} ({ind.direction}, {unit})\n{ind.indicator_zh}")
    id_names = {"Population": "Weight for Theil/Dagum, e.g. urban employed persons (10k) / "
                              "不平等分解的权重，如城镇就业人员（万人）" if indicator_names is None
                else "Weight for Theil/Dagum, e.g. population / 不平等分解的权重，如人口"}
    for col, name in enumerate(L.DATA_ID_COLUMNS, start=1):
        if name in id_names:
            ws.cell(row=L.DATA_NAMES_ROW, column=col, value=id_names[name])
    for col, code in enumerate(codes, start=len(L.DATA_ID_COLUMNS) + 1):
        if code in names:
            ws.cell(row=L.DATA_NAMES_ROW, column=col, value=names[code])
    for col in range(1, n_cols + 1):
        cell = ws.cell(row=L.DATA_NAMES_ROW, column=col)
        cell.font, cell.fill, cell.alignment = NAMES_FONT, NAMES_FILL, WRAP_TOP
    ws.row_dimensions[L.DATA_NAMES_ROW].height = 88

    headers = ([L.bilingual(unit_header)] + [L.bilingual(name) for name in L.DATA_ID_COLUMNS[1:]]
               + codes)
    write_header(ws, L.DATA_HEADER_ROW, headers)
    for r, values in enumerate(rows, start=L.DATA_FIRST_ROW):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    last_row = L.DATA_FIRST_ROW + len(rows) - 1
    formats = ["@", "@", "0", "#,##0.0"] + [
        _UNIT_FORMATS.get(known[c].unit, "#,##0.00") if c in known else "General"
        for c in codes]
    for c, fmt in enumerate(formats, start=1):
        for r in range(L.DATA_FIRST_ROW, last_row + 1):
            ws.cell(row=r, column=c).number_format = fmt

    _add_table(ws, L.DATA_TABLE_NAME, L.DATA_HEADER_ROW, last_row, n_cols)
    body = f"{L.DATA_FIRST_ROW}:{{}}{last_row}"
    _region_list(ws, regions, "B" + body.format("B"))
    years = DataValidation(type="whole", operator="between", formula1="1900", formula2="2100",
                           allow_blank=True, showErrorMessage=True)
    years.error = "Year must be a whole number, e.g. 2015 / 年份须为整数，如2015"
    ws.add_data_validation(years)
    years.add("C" + body.format("C"))
    nonneg = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True, errorStyle="warning")
    nonneg.error = "Negative value: check the unit / 出现负值，请检查单位"
    ws.add_data_validation(nonneg)
    nonneg.add(f"D{L.DATA_FIRST_ROW}:{get_column_letter(n_cols)}{last_row}")

    ws.row_dimensions[L.DATA_HEADER_ROW].height = 32
    set_widths(ws, {"A": 16, "B": 14, "C": 12, "D": 20})
    for col in range(len(L.DATA_ID_COLUMNS) + 1, n_cols + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = f"D{L.DATA_FIRST_ROW}"  # keep header and unit/Region/Year visible
    ws.print_title_rows = f"{L.DATA_NAMES_ROW}:{L.DATA_HEADER_ROW}"
    landscape_fit_width(ws)


# ------------------------------------------------------------------------ Neighbours
def write_neighbours(ws: Worksheet, pairs) -> None:
    """One border per row under the headers ``read_neighbours`` looks for (Unit, Neighbour);
    the note beside them is outside those columns, so it is never read as a pair."""
    write_header(ws, 1, ["Unit", L.bilingual("Neighbour")])
    for row, (unit, neighbour) in enumerate(pairs, start=2):
        ws.cell(row=row, column=1, value=str(unit))
        ws.cell(row=row, column=2, value=str(neighbour))
    ws.cell(row=1, column=4, value="Moran's I and LISA (Spatial sheet) use these pairs; each "
            "border once. / 空间自相关使用的邻接对，每对一行。").font = NOTE_FONT
    set_widths(ws, {"A": 24, "B": 24, "C": 4, "D": 60})
    ws.freeze_panes = "A2"
    landscape_fit_width(ws)


# ------------------------------------------------------------------------ Settings
def write_settings(ws: Worksheet, subject: BookSubject) -> None:
    """The settings with their defaults (Index name: the subject's), explained in the
    subject's words: its units and years, the paper only in the paper's study."""
    write_title(ws, "Settings / 计算设置")
    write_note(ws, 2, "Change the yellow cells, then Refresh all. / "
                      "修改黄色单元格后点击 Refresh all。")
    write_header(ws, L.SETTINGS_HEADER_ROW, [L.bilingual(n) for n in L.SETTINGS_COLUMNS])
    for row, spec in enumerate(L.SETTINGS, start=L.SETTINGS_HEADER_ROW + 1):
        ws.cell(row=row, column=1, value=L.bilingual(spec.key, spec.key_zh)).alignment = WRAP_TOP
        default = subject.index_name if spec.key == "Index name" else spec.default
        value = ws.cell(row=row, column=2, value=default)
        value.fill, value.alignment = INPUT_FILL, CENTER
        ws.cell(row=row, column=3, value=spec.explained(subject.words(), subject.paper_study)
                ).alignment = WRAP_TOP
        if spec.kind == "text":
            _validate_text(ws, f"B{row}")
        else:
            _validate_setting(ws, spec, f"B{row}", subject.year_example())
    set_widths(ws, {"A": 30, "B": 16, "C": 90})
    fit_row_heights(ws, L.SETTINGS_HEADER_ROW + 1, L.SETTINGS_HEADER_ROW + len(L.SETTINGS))
    landscape_fit_width(ws)
    ws.freeze_panes = f"A{L.SETTINGS_HEADER_ROW + 1}"


def _validate_text(ws: Worksheet, ref: str) -> None:
    """A free-text setting: any text up to Excel's 255-character title limit."""
    rule = DataValidation(type="textLength", operator="between", formula1="1", formula2="255",
                          showErrorMessage=True)
    rule.error = "A text of 1 to 255 characters / 须为1至255个字符的文本"
    rule.errorTitle = "Trade Resilience"
    ws.add_data_validation(rule)
    rule.add(ref)


def _validate_setting(ws: Worksheet, spec: L.SettingSpec, ref: str, year: str) -> None:
    if spec.kind == "choice":
        _list_validation(ws, spec.choices, ref, strict=True)
        return
    if spec.kind in ("mean|year", "last|year"):
        # "mean" (or "last") or a whole-number year: no list can say that, a custom rule
        # can. IF, not AND/OR: Excel evaluates every argument of AND/OR, so INT("mean")
        # would make the rule #VALUE! (refused) for the very text it names. TRIM and "="
        # (which ignores case) accept what the reader accepts (" Mean ").
        word = spec.kind.split("|")[0]
        rule = DataValidation(type="custom", showErrorMessage=True,
                              formula1=f'IF(ISNUMBER({ref}),{ref}=INT({ref}),TRIM({ref})="{word}")')
        rule.error = f'Type "{word}" or a year such as {year} / 填 {word} 或年份（如{year}）'
    elif spec.kind == "number>=0":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              showErrorMessage=True)
        rule.error = "A number >= 0 / 须为不小于0的数"
    elif spec.kind == "integer>=0":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              showErrorMessage=True)
        rule.error = "A whole number >= 0 (0 = off) / 须为不小于0的整数（0表示不做）"
    else:
        rule = DataValidation(type="whole", operator="between", formula1="-2147483648",
                              formula2="2147483647", showErrorMessage=True)
        rule.error = "A whole number / 须为整数"
    rule.errorTitle = "Trade Resilience"
    ws.add_data_validation(rule)
    rule.add(ref)
