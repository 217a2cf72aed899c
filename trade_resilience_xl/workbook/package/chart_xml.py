"""Native charts of a result sheet as DrawingML: one drawing part per sheet, one chart part
per ``ChartSpec``, written directly (no openpyxl, no XlsxWriter).

The chart parts carry no cached values, only references to the cells the sheet holds, so
Excel and LibreOffice draw them from those cells when the file opens (as they did for the
openpyxl-made charts before). Series colours are given explicitly: LibreOffice draws a
scatter marker without a fill when the file names none (it vanishes), Excel would use its
theme; explicit colours make both look alike.
"""
from __future__ import annotations

from openpyxl.utils.cell import get_column_letter, range_boundaries

from trade_resilience_xl.workbook.book_io import ChartSpec, cell_position
from trade_resilience_xl.workbook.package import ooxml

# The Office theme's accent colours, in its order (what Excel would pick by itself).
SERIES_COLOURS = ("4472C4", "ED7D31", "70AD47", "FFC000", "7030A0", "00B0F0", "A5A5A5")
LINE_COLOURS = ("595959", "A6A6A6", "595959", "A6A6A6")
EMU_PER_CM = 360_000
CATEGORY_AXIS, VALUE_AXIS = 500_000_001, 500_000_002
DASHED_LINE_EMU = 19_050              # 1.5 pt


def drawing_xml(anchors: list[tuple[str, ChartSpec]]) -> bytes:
    """The drawing part: each chart at its anchor cell, sized in cm; ``anchors`` pairs the
    relationship id of each chart part with its spec."""
    out = [ooxml.XML_DECLARATION.decode(),
           f'<xdr:wsDr xmlns:xdr="{ooxml.SHEET_DRAWING_NS}" xmlns:a="{ooxml.DRAWING_NS}">']
    for number, (rel_id, spec) in enumerate(anchors, start=1):
        row, col = cell_position(spec.anchor)
        out.append(
            "<xdr:oneCellAnchor><xdr:from>"
            f"<xdr:col>{col - 1}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{round(spec.width_cm * EMU_PER_CM)}" '
            f'cy="{round(spec.height_cm * EMU_PER_CM)}"/>'
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{number + 1}" name="Chart {number}"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            f'</xdr:xfrm><a:graphic><a:graphicData uri="{ooxml.CHART_NS}">'
            f'<c:chart xmlns:c="{ooxml.CHART_NS}" xmlns:r="{ooxml.DOC_RELS_NS}" '
            f'r:id="{rel_id}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
            "<xdr:clientData/></xdr:oneCellAnchor>")
    out.append("</xdr:wsDr>")
    return "".join(out).encode("utf-8")


def _ref(sheet: str, min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    quoted = "'" + sheet.replace("'", "''") + "'"
    first = f"${get_column_letter(min_col)}${min_row}"
    last = f"${get_column_letter(max_col)}${max_row}"
    return ooxml.escape(f"{quoted}!{first}" + ("" if first == last else f":{last}"))


def _rich(text: str, size: int | None = None, rotated: bool = False) -> str:
    body = '<a:bodyPr rot="-5400000" vert="horz"/>' if rotated else "<a:bodyPr/>"
    run = f'<a:rPr lang="en-US" sz="{size}" b="1"/>' if size else ""
    return (f"<c:title><c:tx><c:rich>{body}<a:p><a:r>{run}<a:t>{ooxml.escape(text)}</a:t>"
            '</a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')


def _solid(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _axis(kind: str, axis_id: int, cross_id: int, position: str, title: str,
          number_format: str, gridlines: bool, *, maximum: float | None = None,
          labels: str = "nextTo") -> str:
    """One axis. ``labels="low"`` puts the tick labels at the plot's edge instead of beside
    the other axis (which a scatter of z-scores crosses in the middle of the points)."""
    limit = "" if maximum is None else f'<c:max val="{maximum:g}"/>'
    inner = (f'<c:axId val="{axis_id}"/><c:scaling><c:orientation val="minMax"/>{limit}'
             f'</c:scaling><c:delete val="0"/><c:axPos val="{position}"/>'
             + ("<c:majorGridlines/>" if gridlines else "")
             + (_rich(title, rotated=position == "l") if title else "")
             + f'<c:numFmt formatCode="{ooxml.escape(number_format)}" sourceLinked="0"/>'
             '<c:majorTickMark val="out"/><c:minorTickMark val="none"/>'
             f'<c:tickLblPos val="{labels}"/>'
             f'<c:crossAx val="{cross_id}"/><c:crosses val="autoZero"/>')
    if kind == "catAx":
        inner += ('<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
                  '<c:noMultiLvlLbl val="0"/>')
    else:
        inner += '<c:crossBetween val="between"/>' if position == "l" else \
            '<c:crossBetween val="midCat"/>'
    return f"<c:{kind}>{inner}</c:{kind}>"


def _series(spec: ChartSpec, sheet: str, text_categories: bool) -> list[str]:
    min_col, min_row, max_col, max_row = range_boundaries(spec.series)
    cat_col, cat_first, _, cat_last = range_boundaries(spec.categories)
    categories = _ref(sheet, cat_col, cat_first, cat_col, cat_last)
    out = []
    for k, col in enumerate(range(min_col, max_col + 1)):
        head = (f'<c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:strRef><c:f>'
                f"{_ref(sheet, col, min_row, col, min_row)}</c:f></c:strRef></c:tx>")
        values = _ref(sheet, col, min_row + 1, col, max_row)
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        if spec.kind == "scatter":
            if k in spec.line_series:
                line = LINE_COLOURS[spec.line_series.index(k) % len(LINE_COLOURS)]
                look = (f'<c:spPr><a:ln w="{DASHED_LINE_EMU}">{_solid(line)}'
                        '<a:prstDash val="dash"/></a:ln></c:spPr>'
                        '<c:marker><c:symbol val="none"/></c:marker>')
            else:
                look = ('<c:spPr><a:ln><a:noFill/></a:ln></c:spPr><c:marker>'
                        '<c:symbol val="circle"/><c:size val="7"/>'
                        f"<c:spPr>{_solid(colour)}<a:ln>{_solid(colour)}</a:ln></c:spPr>"
                        "</c:marker>")
            body = (f"<c:xVal><c:numRef><c:f>{categories}</c:f></c:numRef></c:xVal>"
                    f"<c:yVal><c:numRef><c:f>{values}</c:f></c:numRef></c:yVal>"
                    '<c:smooth val="0"/>')
        else:
            reference = "strRef" if text_categories else "numRef"
            body = (f"<c:cat><c:{reference}><c:f>{categories}</c:f></c:{reference}></c:cat>"
                    f"<c:val><c:numRef><c:f>{values}</c:f></c:numRef></c:val>")
            if spec.kind == "line":
                look = (f'<c:spPr><a:ln w="28575">{_solid(colour)}</a:ln></c:spPr>'
                        '<c:marker><c:symbol val="circle"/><c:size val="5"/>'
                        f"<c:spPr>{_solid(colour)}</c:spPr></c:marker>")
                body += '<c:smooth val="0"/>'
            else:
                look = f'<c:spPr>{_solid(colour)}</c:spPr><c:invertIfNegative val="0"/>'
        out.append(f"<c:ser>{head}{look}{body}</c:ser>")
    return out


def chart_xml(spec: ChartSpec, sheet: str, text_categories: bool) -> bytes:
    """The chart part for ``spec`` over cells of ``sheet``; ``text_categories``: the
    category column holds text (a string reference) rather than numbers."""
    series = "".join(_series(spec, sheet, text_categories))
    axes_ids = f'<c:axId val="{CATEGORY_AXIS}"/><c:axId val="{VALUE_AXIS}"/>'
    if spec.kind == "scatter":
        plot = (f'<c:scatterChart><c:scatterStyle val="lineMarker"/><c:varyColors val="0"/>'
                f"{series}{axes_ids}</c:scatterChart>")
        x_axis = _axis("valAx", CATEGORY_AXIS, VALUE_AXIS, "b", spec.x_title,
                       spec.y_number_format, False, labels="low")
    elif spec.kind == "line":
        plot = (f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
                f'<c:marker val="1"/>{axes_ids}</c:lineChart>')
        x_axis = _axis("catAx", CATEGORY_AXIS, VALUE_AXIS, "b", spec.x_title, "General",
                       False)
    else:
        stacked = spec.kind == "column_stacked"
        plot = ('<c:barChart><c:barDir val="col"/>'
                f'<c:grouping val="{"stacked" if stacked else "clustered"}"/>'
                f'<c:varyColors val="0"/>{series}<c:gapWidth val="150"/>'
                + ('<c:overlap val="100"/>' if stacked else "")
                + f"{axes_ids}</c:barChart>")
        x_axis = _axis("catAx", CATEGORY_AXIS, VALUE_AXIS, "b", spec.x_title, "General",
                       False)
    y_axis = _axis("valAx", VALUE_AXIS, CATEGORY_AXIS, "l", spec.y_title,
                   spec.y_number_format, True, maximum=spec.y_max,
                   labels="low" if spec.kind == "scatter" else "nextTo")
    xml = (ooxml.XML_DECLARATION.decode()
           + f'<c:chartSpace xmlns:c="{ooxml.CHART_NS}" xmlns:a="{ooxml.DRAWING_NS}" '
           f'xmlns:r="{ooxml.DOC_RELS_NS}"><c:roundedCorners val="0"/><c:chart>'
           + _rich(spec.title, size=1400) + '<c:autoTitleDeleted val="0"/>'
           f"<c:plotArea><c:layout/>{plot}{x_axis}{y_axis}</c:plotArea>"
           '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
           '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>')
    return xml.encode("utf-8")
