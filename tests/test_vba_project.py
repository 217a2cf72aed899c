"""The template's VBA project: xlwings' generated UDF wrappers, ribbon callbacks, document
modules, the xlwings add-in reference, and the package parts around vbaProject.bin."""
from __future__ import annotations

import inspect
import re
import shutil
import sys
import textwrap
from pathlib import Path

import oletools.olevba as olevba  # a test requirement: missing must fail, not skip
import openpyxl
import pyopenvba  # a test requirement: missing must fail, not skip
import pytest
from defusedxml import ElementTree as SafeET

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.template import vba
from trade_resilience_xl.workbook.template.ribbon import BUTTONS, CALLBACK_MODULE

import lo_helpers  # noqa: E402  (tests/ is on sys.path under pytest's rootdir import)
from refresh_helpers import openpyxl_resave

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLWINGS_DIR = Path(__import__("xlwings").__file__).parent

DEMO_UDFS = textwrap.dedent('''
    """UDFs for the tests: a default (-> Optional), *args (-> ParamArray), a plain helper."""
    import xlwings as xw


    @xw.func
    @xw.arg("values", doc="Numbers to add")
    def TR_DEMO_SUM(values, scale=1.0):
        """Sum of values times scale."""
        return sum(values) * scale


    @xw.func
    def tr_demo_first(first, *rest):
        """First argument."""
        return first


    def not_a_udf(x):
        return x
''')

#: What xlwings 0.37.8's generator writes for TR_DEMO_SUM, checked by hand against
#: generate_vba_wrapper: Optional for the default, ThisWorkbook (not an .xlam), no
#: CommandBars guard (call_in_wizard defaults to True).
EXPECTED_DEMO_SUM = (
    "Function TR_DEMO_SUM(values, Optional scale)\r\n"
    '    #If App = "Microsoft Excel" Then\r\n'
    "        If TypeOf Application.Caller Is Range Then On Error GoTo failed\r\n"
    '        TR_DEMO_SUM = XLPy.CallUDF("{mod}", "TR_DEMO_SUM", Array(values, scale), '
    "ThisWorkbook, Application.Caller)\r\n"
    "        Exit Function\r\n"
    "    #Else\r\n"
    '        TR_DEMO_SUM = XLPy.CallUDF("{mod}", "TR_DEMO_SUM", Array(values, scale))\r\n'
    "        Exit Function\r\n"
    "    #End If\r\n"
    "failed:\r\n"
    "    TR_DEMO_SUM = Err.Description\r\n"
    "End Function\r\n"
)


@pytest.fixture(scope="module")
def demo_udf_module(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("udfs")
    name = "tr_test_demo_udfs"
    (folder / f"{name}.py").write_text(DEMO_UDFS, encoding="utf-8")
    sys.path.insert(0, str(folder))
    yield name
    sys.path.remove(str(folder))
    sys.modules.pop(name, None)


def make_openpyxl_workbook(path: Path) -> Path:
    """What the template builder hands over: an openpyxl-saved workbook, one sheet with a
    codeName already set (must be kept), the others without (must be added)."""
    book = openpyxl.Workbook()
    book.active.title = "Data"
    results = book.create_sheet("Results")
    results.sheet_properties.codeName = "Results"
    book.create_sheet("xlwings.conf")
    book.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_udf_module) -> Path:
    path = make_openpyxl_workbook(tmp_path_factory.mktemp("built") / "template.xlsm")
    vba.install_vba_and_ribbon(path, udf_module=demo_udf_module)
    return path


def code_names(parts: dict[str, bytes]) -> tuple[str, list[str]]:
    workbook = SafeET.fromstring(parts["xl/workbook.xml"])
    book_name = workbook.find(f"{{{SPREADSHEET_NS}}}workbookPr").get("codeName")
    sheets = []
    for index in range(1, 4):
        sheet = SafeET.fromstring(parts[f"xl/worksheets/sheet{index}.xml"])
        sheets.append(sheet.find(f"{{{SPREADSHEET_NS}}}sheetPr").get("codeName"))
    return book_name, sheets


def olevba_modules(path: Path) -> dict[str, str]:
    parser = olevba.VBA_Parser(str(path))
    try:
        return {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def parseable_by_pyopenvba(source: str) -> str:
    """pyOpenVBA 6.5.0's parser rejects a comment after a ``#Const`` directive (valid VBA;
    xlwings writes one on line 3 of xlwings_udfs). Strip only that comment."""
    return re.sub(r"(?m)^(#Const [^'\r\n]*?)[ \t]*'[^\r\n]*", r"\1", source)


# ------------------------------------------------------------------ generated source ---

def test_generator_source_is_xlwings_generator_output(demo_udf_module):
    source = vba.xlwings_generator_source(demo_udf_module)
    assert source.startswith(vba.XLWINGS_UDFS_HEADER.replace("\n", "\r\n"))
    assert EXPECTED_DEMO_SUM.format(mod=demo_udf_module) in source
    # dir() order, *args -> ParamArray, plain functions skipped, no #1574 wizard guard.
    assert source.index("Function TR_DEMO_SUM(") < source.index("Function tr_demo_first(")
    assert "Function tr_demo_first(first, ParamArray rest())" in source
    assert "not_a_udf" not in source and "CommandBars" not in source
    assert "\n" not in source.replace("\r\n", "")


def test_udfs_source_is_the_generator_output_plus_insert_function_attributes(demo_udf_module):
    """The one step on top of xlwings' output: two attribute lines right after each
    Function line (Excel's stored form of MacroOptions' Description and Category)."""
    generated = vba.xlwings_generator_source(demo_udf_module).split("\r\n")
    shipped = vba.xlwings_udfs_source(demo_udf_module).split("\r\n")
    expected = []
    for line in generated:
        expected.append(line)
        if line.startswith("Function TR_DEMO_SUM("):
            expected += ['Attribute TR_DEMO_SUM.VB_Description = "Sum of values times scale."',
                         'Attribute TR_DEMO_SUM.VB_ProcData.VB_Invoke_Func = " \\n14"']
        elif line.startswith("Function tr_demo_first("):
            expected += ['Attribute tr_demo_first.VB_Description = "First argument."',
                         'Attribute tr_demo_first.VB_ProcData.VB_Invoke_Func = " \\n14"']
    assert shipped == expected


def test_every_shipped_function_has_its_description():
    import trade_resilience_xl.udfs as udfs

    source = vba.xlwings_udfs_source()
    functions = re.findall(r"(?m)^Function (\w+)\(", source)
    # 9 + issue 14: coupling, obstacle, density (3); convergence, spatial (4) + issue 25:
    # objective weights, rank agreement, Markov chain (3)
    assert len(functions) == 9 + 3 + 4 + 3
    for name in functions:
        description = inspect.getdoc(getattr(udfs, name))
        assert (f'Function {name}(' in source and
                f'\r\nAttribute {name}.VB_Description = "{description}"\r\n'
                f'Attribute {name}.VB_ProcData.VB_Invoke_Func = " \\n14"\r\n' in source), name


@pytest.mark.parametrize("description", ['say "hi"', "a\\b", "two\nlines", "x" * 256])
def test_descriptions_excel_would_escape_or_cut_are_refused(description):
    with pytest.raises(ValueError, match="F: its Insert Function description"):
        vba.with_insert_function_attributes("Function F(x)\nEnd Function", {"F": description})


def test_xlwings_header_lines_match_import_udfs():
    """The three header lines are the only text not produced by generate_vba_wrapper;
    they must be what xlwings' import_udfs writes (caught if xlwings is upgraded)."""
    code = inspect.getsource(vba._windows_udfs_module().import_udfs)
    assert "'Attribute VB_Name = \"xlwings_udfs\"'" in code
    assert "'Autogenerated code by xlwings - changes will be lost with next import!\"" in code
    assert "#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel" in code


def test_generator_leaves_no_windows_stubs_behind(demo_udf_module):
    import xlwings as xw

    vba.xlwings_udfs_source(demo_udf_module)
    assert "pythoncom" not in sys.modules and "win32com" not in sys.modules
    assert "xlwings.udfs" not in sys.modules
    plain = xw.func(lambda: None)
    assert not hasattr(plain, "__xlfunc__")
    module = __import__(demo_udf_module)
    assert not hasattr(module.TR_DEMO_SUM, "__xlfunc__")


def test_ribbon_callbacks_source_runs_python_per_button():
    source = vba.ribbon_callbacks_source()
    for sub, _label, _image, function in BUTTONS:
        assert (f"Sub {sub}(control As IRibbonControl)\r\n"
                f'    RunPython "import trade_resilience_xl.workbook.xlwings_io as tr; '
                f'tr.{function}()"\r\nEnd Sub') in source


def test_real_udfs_module_generates_and_parses():
    import trade_resilience_xl.udfs as udfs
    source = vba.xlwings_udfs_source("trade_resilience_xl.udfs")
    # The functions are defined by topic (udfs_index, ...) and gathered in udfs.
    public = [name for name in dir(udfs) if inspect.isfunction(getattr(udfs, name))
              and getattr(udfs, name).__module__.startswith(udfs.__name__)
              and not name.startswith("_")]
    assert re.findall(r"(?m)^Function (\w+)\(", source), (
        "no @xw.func found in trade_resilience_xl.udfs")
    for name in re.findall(r"(?m)^Function (\w+)\(", source):
        assert name in public
    from pyopenvba.interpreter import parse_module
    parse_module(parseable_by_pyopenvba(source), name=vba.UDF_MODULE_NAME)


# ------------------------------------------------------------------ package parts ---

def test_package_parts(built):
    parts = ooxml.read_parts(built)
    types = parts["[Content_Types].xml"]
    assert ooxml.content_type_of(types, "xl/vbaProject.bin") == vba.VBA_PROJECT_CONTENT_TYPE
    assert ooxml.content_type_of(types, "anything.bin") == vba.VBA_PROJECT_CONTENT_TYPE
    assert ooxml.content_type_of(types, "xl/workbook.xml") == vba.MACRO_ENABLED_MAIN
    rels = ooxml.relationships(parts["xl/_rels/workbook.xml.rels"])
    assert ([r["Target"] for r in rels if r["Type"] == vba.VBA_PROJECT_RELATIONSHIP]
            == ["vbaProject.bin"])
    assert list(parts)[0] == "[Content_Types].xml"


def test_code_names_match_document_modules(built):
    parts = ooxml.read_parts(built)
    book_name, sheet_names = code_names(parts)
    assert book_name == "ThisWorkbook"
    assert sheet_names == ["Sheet1", "Results", "Sheet3"]  # a set codeName is kept
    modules = olevba_modules(built)
    documents = {name for name, code in modules.items() if "Attribute VB_Base" in code}
    assert documents == {book_name, *sheet_names}


def test_olevba_extracts_every_module_as_generated(built, demo_udf_module):
    modules = olevba_modules(built)
    expected = vba.standard_modules(demo_udf_module)
    assert set(modules) == set(expected) | {"ThisWorkbook", "Sheet1", "Results", "Sheet3"}
    for name, source in expected.items():
        assert modules[name] == source, name
    for name in ("ThisWorkbook", "Sheet1", "Results", "Sheet3"):
        assert modules[name].startswith(f'Attribute VB_Name = "{name}"\r\n')
        assert pyopenvba.vba.split_attribute_header(modules[name])[1] == ""  # no code


def test_every_module_parses_with_pyopenvba(built):
    from pyopenvba.exceptions import VBACompileError
    from pyopenvba.interpreter import parse_module

    for name, source in olevba_modules(built).items():
        parse_module(parseable_by_pyopenvba(source), name=name)
    # The workaround is needed and touches nothing else: unstripped, line 3 fails.
    udfs = olevba_modules(built)[vba.UDF_MODULE_NAME]
    with pytest.raises(VBACompileError, match="line 3"):
        parse_module(udfs, name=vba.UDF_MODULE_NAME)
    assert parseable_by_pyopenvba(udfs) == udfs.replace(
        " 'Adjust when using outside of Excel", "", 1)


def test_project_is_source_only_and_references_the_addin(built):
    from pyopenvba import ExcelFile
    from pyopenvba._references import reference_spans
    from pyopenvba.cfb import CFB

    project_bin = ooxml.read_parts(built)["xl/vbaProject.bin"]
    cfb = CFB.from_bytes(project_bin)
    assert cfb.get_stream_in_storage("VBA", "_VBA_PROJECT") == bytes.fromhex("CC61FFFF000000")
    assert not [s for s in cfb.list_streams_in_storage("VBA") if s.startswith("__SRP_")]
    with ExcelFile(built) as book:
        project = book.vba_project()
        assert {m.name: m.text_offset for m in project.modules} == dict.fromkeys(
            [m.name for m in project.modules], 0)
        assert book.validate() == []
        ours = {s.reference.name: project.dir_raw[s.start:s.end]
                for s in reference_spans(project.dir_raw)}
    with ExcelFile(XLWINGS_DIR / "quickstart.xlsm") as quickstart:
        raw = quickstart.vba_project().dir_raw
        shipped = {s.reference.name: raw[s.start:s.end] for s in reference_spans(raw)}
    assert ours["xlwings"] == shipped["xlwings"]  # byte for byte the quickstart's reference
    assert "Office" in ours  # IRibbonControl is declared in the Office library


def test_build_is_deterministic_and_idempotent(tmp_path, demo_udf_module):
    first = make_openpyxl_workbook(tmp_path / "first.xlsm")
    second = tmp_path / "second.xlsm"
    shutil.copyfile(first, second)
    vba.install_vba_and_ribbon(first, udf_module=demo_udf_module)
    vba.install_vba_and_ribbon(second, udf_module=demo_udf_module)
    assert first.read_bytes() == second.read_bytes()
    vba.install_vba_and_ribbon(second, udf_module=demo_udf_module)  # again: same result
    assert ooxml.read_parts(first) == ooxml.read_parts(second)
    # CFB directory: no clock-dependent timestamps or CLSIDs come from the build itself.
    import io

    import olefile
    ole = olefile.OleFileIO(io.BytesIO(ooxml.read_parts(first)["xl/vbaProject.bin"]))
    stamps = {tuple(entry): (ole.getctime(entry), ole.getmtime(entry))
              for entry in ole.listdir(streams=True, storages=True)}
    assert all(stamp == (None, None) for key, stamp in stamps.items() if key != ("VBA",))


def test_vba_project_survives_openpyxl_roundtrip(built, tmp_path):
    resaved = tmp_path / "resaved.xlsm"
    openpyxl_resave(built, resaved)
    before, after = ooxml.read_parts(built), ooxml.read_parts(resaved)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert (ooxml.content_type_of(after["[Content_Types].xml"], "xl/workbook.xml")
            == vba.MACRO_ENABLED_MAIN)
    assert code_names(after) == code_names(before)


def test_olevba_findings_are_exactly_the_expected_ones(built):
    findings = vba.olevba_findings(built)
    assert findings == set(vba.EXPECTED_OLEVBA_FINDINGS)
    assert not {kind for kind, _ in findings} & {"AutoExec", "IOC"}


def test_our_vba_has_no_auto_run_shell_or_io(demo_udf_module):
    forbidden = re.compile(r"\b(Workbook_Open|Auto_Open|Shell|CreateObject|GetObject|Kill"
                           r"|Open\s+\S+\s+For"
                           r"|URLDownloadToFile|MSXML2|WinHttp|Declare)\b", re.IGNORECASE)
    for name, source in vba.standard_modules(demo_udf_module).items():
        assert not forbidden.search(source), name


# ------------------------------------------------------------------ LibreOffice ---

def _sentinel(module: str) -> str:
    return (f'Function TR_Sentinel_{module}() As String\r\n'
            f'    TR_Sentinel_{module} = "compiled {module}"\r\nEnd Function\r\n')


#: Stands in for the xlwings add-in's RunPython, which LibreOffice cannot load; records
#: the command so the callbacks can be run, not only compiled.
_RUNPYTHON_STUB = ('Attribute VB_Name = "XlwingsAddinStub"\r\nPublic LastRunPython As String\r\n'
                   "Sub RunPython(ByVal PythonCommand As String)\r\n"
                   "    LastRunPython = PythonCommand\r\nEnd Sub\r\n") + "".join(
    f"Function Probe_{sub}() As String\r\n    LastRunPython = \"\"\r\n"
    f"    {CALLBACK_MODULE}.{sub} Nothing\r\n    Probe_{sub} = LastRunPython\r\nEnd Function\r\n"
    for sub, *_ in BUTTONS)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    lo_helpers.require_soffice()
    with lo_helpers.LibreOffice(tmp_path_factory.mktemp("lo")) as running:
        yield running


def _workbook_with(tmp_path: Path, modules: dict[str, str]) -> Path:
    path = make_openpyxl_workbook(tmp_path / "lo.xlsm")
    vba.write_vba_project(path, modules)
    return path


@pytest.mark.parametrize("udf_module", ["demo", "trade_resilience_xl.udfs"])
def test_libreoffice_compiles_our_modules(office, tmp_path, demo_udf_module, udf_module):
    """Both shipped modules compile in LibreOffice's VBA mode: #Const/#If, late-bound
    XLPy.CallUDF, the unknown IRibbonControl type and the procedure attributes (Insert
    Function descriptions) are accepted at compile time."""
    udf_module = demo_udf_module if udf_module == "demo" else udf_module
    modules = {name: source + _sentinel(name)
               for name, source in vba.standard_modules(udf_module).items()}
    results = office.call_basic(_workbook_with(tmp_path, modules),
                                [f"{name}.TR_Sentinel_{name}" for name in modules])
    for name in modules:
        assert results[f"{name}.TR_Sentinel_{name}"] == {"value": f"compiled {name}", "error": None}


def test_libreoffice_runs_ribbon_callbacks_with_runpython_stub(office, tmp_path):
    modules = {CALLBACK_MODULE: vba.ribbon_callbacks_source(), "XlwingsAddinStub": _RUNPYTHON_STUB}
    results = office.call_basic(_workbook_with(tmp_path, modules),
                                [f"XlwingsAddinStub.Probe_{sub}" for sub, *_ in BUTTONS])
    for sub, _label, _image, function in BUTTONS:
        assert results[f"XlwingsAddinStub.Probe_{sub}"]["value"] == (
            f"import trade_resilience_xl.workbook.xlwings_io as tr; tr.{function}()")


def test_libreoffice_check_can_fail(office, tmp_path):
    """Negative control: one module that does not compile silences every call, so a
    passing sentinel above really means the project compiled."""
    modules = {"Broken": 'Attribute VB_Name = "Broken"\r\nSub Oops(\r\n',
               "Healthy": 'Attribute VB_Name = "Healthy"\r\n' + _sentinel("Healthy")}
    results = office.call_basic(_workbook_with(tmp_path, modules), ["Healthy.TR_Sentinel_Healthy"])
    assert results["Healthy.TR_Sentinel_Healthy"]["value"] in ("", None)

