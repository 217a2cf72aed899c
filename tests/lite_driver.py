"""Run a generated xlwings Lite ``main.py`` the way xlwings Lite does, in CPython, under a
guard against what Pyodide cannot do. Started by tests/test_lite_program.py as
``python -I lite_driver.py MAIN_PY`` (isolated: no PYTHONPATH, no current folder, so the
package can only come from the zip inside main.py), with XLWINGS_ON_SERVER=true (the
decorators xlwings Lite uses) and the noncommercial key for the remote engine (tests only).

The guard, and why it has this form:
- numpy, pandas, xlwings and openpyxl are imported first. They exist in Pyodide (numpy and
  pandas built for it, the others pure Python) and import ``threading`` themselves, which is
  harmless there: Pyodide has the module, only *starting* a thread fails. So importing
  ``threading`` is not the fault to catch; our package depending on threads or processes is.
- Import side: ``builtins.__import__`` refuses ``threading``, ``_thread``, ``subprocess``,
  ``multiprocessing``, ``concurrent`` and ``socket`` when the importing module is ours
  (``trade_resilience_xl.*``) or main.py. A meta_path finder would miss modules already in
  ``sys.modules`` (threading always is, via numpy), hence the import hook.
- Run-time side: starting a thread, a process or a fork raises, for every caller, while
  main.py is imported and its functions and scripts run; so does openpyxl reading or writing
  a file (the Lite path works on the live book only).
Output: one JSON document on stdout.
"""
from __future__ import annotations

import asyncio
import builtins
import importlib.util
import json
import os
import resource
import subprocess
import sys
import threading

if __name__ == "__main__":
    # Only when run: pytest imports this file for doctests, without the environment the
    # server imports need. Third-party modules are imported before the guard (module doc).
    import numpy  # noqa: F401
    import openpyxl.reader.excel
    import openpyxl.writer.excel
    import pandas  # noqa: F401
    import xlwings as xw
    from xlwings.server import (
        custom_functions_call,
        custom_functions_meta,
        custom_scripts_call,
        custom_scripts_meta,
    )

REFUSED_MODULES = {"threading", "_thread", "subprocess", "multiprocessing", "concurrent",
                   "socket"}
OURS = ("trade_resilience_xl", "lite_main")
refusals: list[str] = []


def peak_memory_mb() -> float:
    """This process's own peak resident memory. ru_maxrss is not that on Linux: a process
    forked from a large one (pytest late in the suite) and exec'd inherits the parent's
    high-water mark, so the kernel's per-image VmHWM is read where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(globals_) -> bool:
    name = (globals_ or {}).get("__name__", "")
    return name.split(".")[0] in OURS


_real_import = builtins.__import__


def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split(".")[0] in REFUSED_MODULES and _ours(globals):
        refusals.append(f"{globals.get('__name__')} imports {name}")
        raise ImportError(f"{name} is not available in Pyodide (guard)")
    return _real_import(name, globals, locals, fromlist, level)


def refuse(what):
    def raising(*args, **kwargs):
        refusals.append(what)
        raise RuntimeError(f"{what} is not possible in Pyodide (guard)")
    return raising


def install_guard() -> None:
    builtins.__import__ = guarded_import
    threading.Thread.start = refuse("a thread")
    subprocess.Popen.__init__ = refuse("a subprocess")
    os.fork = refuse("a fork")
    os.system = refuse("a shell command")
    openpyxl.reader.excel.ExcelReader.__init__ = refuse("openpyxl reading a file")
    openpyxl.writer.excel.ExcelWriter.__init__ = refuse("openpyxl writing a file")


def load_main(path: str):
    spec = importlib.util.spec_from_file_location("lite_main", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lite_main"] = module
    spec.loader.exec_module(module)
    return module


async def call_functions(module, cases):
    results = []
    for name, args in cases:
        data = {"func_name": name, "args": args, "version": xw.__version__,
                "client": "Office.js", "runtime": "1.4", "caller_address": "Sheet1!A1"}
        results.append(await custom_functions_call(data, module))
    return results


async def run_scripts(module, runs):
    actions = []
    for name, payload in runs:
        book = xw.Book(json=payload)
        await custom_scripts_call(module, name, typehint_to_value={xw.Book: book})
        actions.append(book.json()["actions"])
    return actions


def main() -> None:
    request = json.load(sys.stdin)
    install_guard()
    module = load_main(sys.argv[1])
    package = sys.modules["trade_resilience_xl"]
    out = {"package_file": package.__file__,
           "meta": custom_functions_meta(module),
           "scripts": custom_scripts_meta(module),
           "results": asyncio.run(call_functions(module, request["functions"])),
           "actions": asyncio.run(run_scripts(module, request["scripts"])),
           "refusals": refusals,
           "max_rss_mb": peak_memory_mb()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
