"""Drive headless LibreOffice to compile and call VBA in a workbook (no Excel on Linux).

LibreOffice's Python-UNO bridge belongs to the system Python (/usr/bin/python3), not to
the project's venv, so the UNO part runs as this file's ``__main__`` in a subprocess;
the test process only starts/stops soffice and reads JSON back. One soffice per test
module keeps the slow start (several seconds) out of each test.

Usage from tests::

    with LibreOffice(tmp_dir) as office:
        results = office.call_basic(xlsm_path, ["Module1.Sentinel"])
        # {"Module1.Sentinel": {"value": ..., "error": None}}
        cells = office.calculated_cells(xlsx_path, "Sheet1", "B1:B9")
        # [{"address": "B1", "value": 1.0, "string": "TRUE", "error": 0}, ...]
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"


def soffice_path() -> str | None:
    return shutil.which("soffice")


def require_soffice() -> str:
    """soffice's path; skips the test where LibreOffice is missing, except in CI
    (TRX_REQUIRE_LIBREOFFICE=1), where a missing LibreOffice must fail rather than pass quietly."""
    import os

    import pytest

    path = soffice_path()
    if path is None:
        if os.environ.get("TRX_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) is not installed", allow_module_level=True)
    return path


class LibreOffice:
    """A headless soffice listening on a private pipe, with a throwaway user profile."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.pipe_name = f"tr_{uuid.uuid4().hex}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LibreOffice:
        soffice = soffice_path()
        if soffice is None:
            raise RuntimeError("soffice not found")
        profile = (self.workdir / "lo_profile").resolve()
        self.process = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
             f"--accept=pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Own process group: soffice is a shell wrapper around soffice.bin, and the
            # group lets close() stop exactly what this object started.
            start_new_session=True,
        )
        return self

    def call_basic(self, workbook: Path, scripts: list[str], timeout: float = 120) -> dict:
        """Open ``workbook`` with macros enabled, call each ``Module.Function`` (no args)."""
        return self._drive([str(Path(workbook).resolve()), *scripts], timeout)

    def calculated_cells(self, workbook: Path, sheet: str, cell_range: str,
                         timeout: float = 120) -> list[dict]:
        """Open ``workbook``, recalculate everything, read each cell of ``cell_range``:
        value, displayed string and LibreOffice's error code (0 = no error)."""
        return self._drive(["--cells", str(Path(workbook).resolve()), sheet, cell_range],
                           timeout)

    def _drive(self, arguments: list[str], timeout: float):
        completed = subprocess.run([SYSTEM_PYTHON, __file__, self.pipe_name, *arguments],
                                   capture_output=True, text=True, timeout=timeout, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"UNO driver failed:\n{completed.stdout}\n{completed.stderr}")
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def __exit__(self, *_exc: object) -> None:
        if self.process is None:
            return
        try:
            subprocess.run([SYSTEM_PYTHON, __file__, self.pipe_name, "--terminate"],
                           capture_output=True, timeout=30, check=False)
            self.process.wait(timeout=30)
        except (subprocess.TimeoutExpired, OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------------------
# The UNO side: runs under the system Python
# --------------------------------------------------------------------------------------

def _connect(pipe_name: str, deadline_seconds: float = 60):
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _property(name: str, value):
    from com.sun.star.beans import PropertyValue

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _load(desktop, workbook: str):
    import uno

    # MacroExecutionMode 4 = ALWAYS_EXECUTE_NO_WARN: load the VBA project and allow calls.
    return desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(workbook), "_blank", 0,
        (_property("Hidden", True), _property("MacroExecutionMode", 4)))


def _calculated_cells(desktop, workbook: str, sheet: str, cell_range: str) -> list[dict]:
    document = _load(desktop, workbook)
    try:
        document.calculateAll()
        block = document.Sheets.getByName(sheet).getCellRangeByName(cell_range)
        address = block.getRangeAddress()
        cells = []
        for row in range(address.EndRow - address.StartRow + 1):
            for column in range(address.EndColumn - address.StartColumn + 1):
                cell = block.getCellByPosition(column, row)
                cells.append({"address": cell.AbsoluteName.rsplit(".", 1)[-1].replace("$", ""),
                              "value": cell.getValue(), "string": cell.getString(),
                              "error": cell.getError()})
        return cells
    finally:
        document.close(True)


def _run_driver(argv: list[str]):
    pipe_name = argv[0]
    context = _connect(pipe_name)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context)
    if argv[1] == "--terminate":
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as soffice exits; that is success
            pass
        return {}
    if argv[1] == "--cells":
        return _calculated_cells(desktop, *argv[2:5])
    workbook, scripts = argv[1], argv[2:]
    document = _load(desktop, workbook)
    results: dict[str, dict] = {}
    try:
        provider = document.getScriptProvider()
        for script in scripts:
            url = (f"vnd.sun.star.script:VBAProject.{script}"
                   "?language=Basic&location=document")
            try:
                value = provider.getScript(url).invoke((), (), ())[0]
                results[script] = {"value": value if isinstance(value, (str, int, float, bool))
                                   or value is None else repr(value), "error": None}
            except Exception as error:  # reported to the test, which decides
                results[script] = {"value": None, "error": f"{type(error).__name__}: {error}"}
        libraries = document.BasicLibraries
        results["__modules__"] = {"value": list(libraries.getByName("VBAProject").getElementNames())
                                  if libraries.hasByName("VBAProject") else [], "error": None}
    finally:
        document.close(True)
    return results


if __name__ == "__main__":
    print(json.dumps(_run_driver(sys.argv[1:])))
