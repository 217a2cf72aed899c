"""The package never evaluates what a workbook contains, parses XML only through
defusedxml, and its macros only call this package's entry points."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import openpyxl
import pytest

import trade_resilience_xl

PACKAGE = Path(trade_resilience_xl.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
DYNAMIC_CODE = {"eval", "exec", "compile", "__import__"}


def test_package_sources_found():
    assert len(SOURCES) > 10


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_eval_exec_compile(source):
    """No call of eval/exec/compile/__import__ as a builtin (re.compile is fine)."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    bare = [n.func.id for n in calls if isinstance(n.func, ast.Name) and n.func.id in DYNAMIC_CODE]
    via_builtins = [n.func.attr for n in calls if isinstance(n.func, ast.Attribute)
                    and n.func.attr in DYNAMIC_CODE and isinstance(n.func.value, ast.Name)
                    and n.func.value.id == "builtins"]
    assert not bare and not via_builtins, f"{source}: {bare + via_builtins}"
    # The plain text as well, so that eval hidden in a string handed to something is seen.
    text = re.sub(r"#.*", "", source.read_text(encoding="utf-8"))
    assert not re.search(r"(?<![\w.])(eval|exec)\s*\(", text), source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_unsafe_deserialisation_or_shell(source):
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"pickle", "marshal", "shelve", "dill"}, source
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "shell":
            assert isinstance(node.value, ast.Constant) and node.value.value is False, source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_xml_parsing_is_defused(source):
    """XML is parsed with defusedxml (or by openpyxl, which uses it); stdlib ElementTree
    appears only for building and writing XML."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr in {"fromstring", "parse", "iterparse", "XML"} and \
                    isinstance(owner, ast.Name) and \
                    owner.id in {"ET", "ElementTree", "etree", "minidom"}:
                pytest.fail(f"{source}:{node.lineno}: {owner.id}.{node.func.attr} is not defused")


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def _vba_modules():
    from trade_resilience_xl.workbook.template import vba
    return vba, vba.standard_modules()


def _code_lines(source: str) -> list[str]:
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("'", "Attribute ", "#Const", "Option ")):
            continue
        lines.append(stripped)
    return lines


def test_ribbon_macros_only_run_this_package():
    """Each ribbon callback is one RunPython of a fixed function in this package."""
    from trade_resilience_xl.workbook.template import vba

    source = vba.ribbon_callbacks_source()
    allowed = re.compile(r'^(Sub TR_\w+\(control As IRibbonControl\)|End Sub|'
                         r'RunPython "import trade_resilience_xl\.workbook\.xlwings_io as tr; '
                         r'tr\.\w+\(\)")$')
    for line in _code_lines(source):
        assert allowed.match(line), line


FORBIDDEN_VBA = re.compile(r"\b(Shell|CreateObject|GetObject|Kill|Environ|Evaluate|"
                           r"ExecuteExcel4Macro|"
                           r"URLDownloadToFile|Declare|AutoOpen|Auto_Open|Workbook_Open|"
                           r"MacScript|AppleScriptTask|SendKeys)\b|\bOpen\b.+\bFor\b", re.I)


def test_no_macro_does_anything_else():
    """No shell, no downloads, no auto-run, no file I/O in any module of the template."""
    vba, modules = _vba_modules()
    assert set(modules) == {vba.UDF_MODULE_NAME, "TradeResilienceRibbon"}
    for name, source in modules.items():
        for line in _code_lines(source):
            assert not FORBIDDEN_VBA.search(line), f"{name}: {line}"


def test_udf_wrappers_only_call_this_package():
    vba, modules = _vba_modules()
    calls = re.findall(r'XLPy\.CallUDF\("([^"]+)"', modules[vba.UDF_MODULE_NAME])
    assert calls and set(calls) == {"trade_resilience_xl.udfs"}
