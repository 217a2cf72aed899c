"""The xlwings Lite parts of a workbook, added as a package edit on a built ``.xlsx``.

What Excel writes when a workbook uses xlwings Lite (read from Excel-saved files; README,
"Excel on Mac and the web (xlwings Lite)"): a root relationship to a task-pane part, which
refers to a web-extension part naming the add-in in the Office store (``wa200008175``) and
holding ``main.py``, ``requirements.txt``, ``pyodideVersion`` and ``addinVersion`` as
properties whose values are JSON-encoded strings. An extension marks that the add-in
provides custom functions, so Excel loads them with the workbook.
"""
from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape

from trade_resilience_xl.workbook.package import ooxml

STORE_ID = "wa200008175"                # xlwings Lite in the Office add-in store
STORE_REFERENCE_VERSION = "1.0.0.0"
#: The Pyodide and add-in versions an Excel-saved xlwings Lite workbook records (public
#: example files); xlwings Lite loads its own current versions whatever these say.
PYODIDE_VERSION = "0.27.5"
ADDIN_VERSION = "1.0.0.0-35"
#: A fixed id, so that rebuilding gives the same bytes (Excel only needs it unique within
#: the workbook).
_ID_NAME = "trade_resilience_xl/xlwings-lite"
WEBEXTENSION_ID = f"{{{str(uuid.uuid5(uuid.NAMESPACE_URL, _ID_NAME)).upper()}}}"
CUSTOM_FUNCTIONS_EXT_URI = "{D87F86FE-615C-45B5-9D79-34F1136793EB}"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def json_property(value: str) -> str:
    """A property value as xlwings Lite stores it: a JSON string with ``/`` escaped as
    ``\\/`` (as in Excel-saved files; ``json.loads`` reads it back unchanged)."""
    return json.dumps(value).replace("/", "\\/")


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def taskpanes_xml() -> bytes:
    """One task pane docked right, open when the workbook opens (``visibility="1"``), so
    the add-in starts and registers the functions."""
    return (_XML_DECLARATION
            + f'<wetp:taskpanes xmlns:wetp="{ooxml.WEBEXTENSION_TASKPANES_NS}">'
            '<wetp:taskpane dockstate="right" visibility="1" width="438" row="3">'
            f'<wetp:webextensionref xmlns:r="{ooxml.DOC_RELS_NS}" r:id="rId1"/>'
            "</wetp:taskpane></wetp:taskpanes>").encode("utf-8")


def webextension_xml(main_py: str, requirements_txt: str) -> bytes:
    properties = {"main.py": main_py, "requirements.txt": requirements_txt,
                  "pyodideVersion": PYODIDE_VERSION, "addinVersion": ADDIN_VERSION}
    reference = (f'id="{STORE_ID}" version="{STORE_REFERENCE_VERSION}" store="{{store}}" '
                 'storeType="OMEX"')
    return (_XML_DECLARATION
            + f'<we:webextension xmlns:we="{ooxml.WEBEXTENSION_NS}" id="{WEBEXTENSION_ID}">'
            + f"<we:reference {reference.format(store='en-US')}/>"
            + "<we:alternateReferences>"
            + f"<we:reference {reference.format(store=STORE_ID.upper())}/>"
            + "</we:alternateReferences><we:properties>"
            + "".join(f'<we:property name="{name}" value="{_attribute(json_property(value))}"/>'
                      for name, value in properties.items())
            + "</we:properties><we:bindings/>"
            + f'<we:snapshot xmlns:r="{ooxml.DOC_RELS_NS}"/>'
            + f'<we:extLst><a:ext xmlns:a="{ooxml.DRAWING_NS}" uri="{CUSTOM_FUNCTIONS_EXT_URI}">'
            + "<we:containsCustomFunctions/></a:ext></we:extLst></we:webextension>"
            ).encode("utf-8")


def add_lite_parts(parts: dict[str, bytes], main_py: str, requirements_txt: str
                   ) -> dict[str, bytes]:
    """``parts`` plus the xlwings Lite parts (replacing earlier ones); others unchanged."""
    parts = dict(parts)
    parts[ooxml.WEBEXTENSION_TASKPANES_PART] = taskpanes_xml()
    parts[ooxml.WEBEXTENSION_TASKPANES_RELS_PART], _ = ooxml.add_relationship(
        None, ooxml.WEBEXTENSION_REL_TYPE, "webextension1.xml")
    parts[ooxml.WEBEXTENSION_PART] = webextension_xml(main_py, requirements_txt)
    types = parts[ooxml.CONTENT_TYPES_PART]
    types = ooxml.set_content_type_override(types, ooxml.WEBEXTENSION_TASKPANES_PART,
                                            ooxml.WEBEXTENSION_TASKPANES_CONTENT_TYPE)
    parts[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
        types, ooxml.WEBEXTENSION_PART, ooxml.WEBEXTENSION_CONTENT_TYPE)
    parts[ooxml.ROOT_RELS_PART], _ = ooxml.add_relationship(
        parts[ooxml.ROOT_RELS_PART], ooxml.WEBEXTENSION_TASKPANES_REL_TYPE,
        ooxml.WEBEXTENSION_TASKPANES_PART)
    return parts
