"""The workbook's ribbon tab (customUI XML) and where it lives in the package.

The Office 2007 form (``customUI/customUI.xml``, 2006 namespace and relationship type) is
used on purpose: openpyxl's load(keep_vba=True)+save keeps only the 2006-type root
relationship, so an Office 2010 ``customUI14.xml`` ribbon would silently vanish the first
time the template is re-saved by openpyxl. Office 2010+ reads the 2007 form unchanged.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.package.ooxml import CUSTOM_UI_CONTENT_TYPE, CUSTOM_UI_PART  # noqa: F401
from trade_resilience_xl.workbook.package.ooxml import CUSTOM_UI_NS as CUSTOM_UI_NAMESPACE
from trade_resilience_xl.workbook.package.ooxml import CUSTOM_UI_REL as CUSTOM_UI_RELATIONSHIP

#: The VBA module holding the callbacks. A name no other add-in uses, because Excel
#: resolves an unqualified onAction across every open project (xlwings #973).
CALLBACK_MODULE = "TradeResilienceRibbon"

#: (callback Sub, button label, imageMso, Python function in xlwings_io) in ribbon order.
BUTTONS: tuple[tuple[str, str, str, str], ...] = (
    ("TR_RefreshAll", "Refresh all 刷新全部", "RefreshAll", "refresh_all"),
    ("TR_CheckData", "Check data 检查数据", "DataValidation", "check_data"),
    ("TR_ClearResults", "Clear results 清除结果", "ClearAll", "clear_results"),
)

TAB_LABEL = "Trade Resilience 贸易韧性"
GROUP_LABEL = "Analysis 分析"


def ribbon_xml() -> str:
    """The customUI document: one tab, one group, one large button per callback."""
    buttons = "\n".join(
        f"          <button id={quoteattr(sub)} label={quoteattr(label)} size=\"large\""
        f" imageMso={quoteattr(image)} onAction={quoteattr(f'{CALLBACK_MODULE}.{sub}')}/>"
        for sub, label, image, _ in BUTTONS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<customUI xmlns="{CUSTOM_UI_NAMESPACE}">\n'
        "  <ribbon>\n"
        "    <tabs>\n"
        f"      <tab id=\"TradeResilienceTab\" label={quoteattr(TAB_LABEL)}>\n"
        f"        <group id=\"TradeResilienceGroup\" label={quoteattr(GROUP_LABEL)}>\n"
        f"{buttons}\n"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    )


def add_ribbon(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Return ``parts`` with the ribbon part and its root relationship (idempotent)."""
    parts = dict(parts)
    parts[CUSTOM_UI_PART] = ribbon_xml().encode("utf-8")
    parts[ooxml.ROOT_RELS_PART], _ = ooxml.add_relationship(
        parts.get(ooxml.ROOT_RELS_PART), CUSTOM_UI_RELATIONSHIP, CUSTOM_UI_PART)
    content_types = parts[ooxml.CONTENT_TYPES_PART]
    if ooxml.content_type_of(content_types, CUSTOM_UI_PART) != CUSTOM_UI_CONTENT_TYPE:
        parts[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
            content_types, CUSTOM_UI_PART, CUSTOM_UI_CONTENT_TYPE)
    return parts
