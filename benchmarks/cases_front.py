"""Cases on the fronts: the ENTROPY_WEIGHTS worksheet function, importing the UDF module in a
fresh interpreter, and `trade-resilience refresh` of the demo workbook as a whole process.

The UDF module and the CLI may not exist yet (other engineers write them); each builder then
returns a skipped case saying why, and the case runs as soon as they do."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import synthetic as S
from timing import Case, Contender, Target

_TMP = None


def tmpdir() -> Path:
    global _TMP
    if _TMP is None:
        _TMP = Path(tempfile.mkdtemp(prefix="trx-bench-"))
        atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
    return _TMP


def _run(argv, cwd=None):
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"exit {done.returncode}: {tail[0]}")
    return done


def _empty_interpreter():
    return Contender("empty interpreter: python -c pass",
                     lambda: _run([sys.executable, "-c", "pass"]), inner=1)


# ----------------------------------------------------------------------------- UDF call

def udf_call_case():
    x = S.matrix(372, 13)
    d = S.directions(13)
    try:
        from trade_resilience_xl import udfs
        fn = udfs.ENTROPY_WEIGHTS
    except Exception as err:  # noqa: BLE001 - any import failure means "not there yet"
        return Case("udf-call", "ENTROPY_WEIGHTS worksheet function", "372 × 13 nested lists",
                    target=Target("< 1 ms", seconds=1e-3),
                    skip="trade_resilience_xl.udfs not importable yet "
                         f"({type(err).__name__}: {err})")
    from trade_resilience_xl.engine import entropy_weights

    # What xlwings hands over: a block as a list of row lists of floats, a one-row range of
    # directions squeezed to a flat list of text, a number cell as float.
    data = x.tolist()
    signs = ["+" if s > 0 else "-" for s in d]

    me = Contender("ours: udfs.ENTROPY_WEIGHTS", lambda: fn(data, signs, 1.0))

    def check():
        out = me.fn()
        if isinstance(out, str):
            raise AssertionError(f"ENTROPY_WEIGHTS returned an error text: {out}")
        np.testing.assert_allclose(np.asarray(out, dtype=float).ravel(),
                                   entropy_weights(x, d, 1.0).weights, rtol=0, atol=1e-12)
        return "returns the engine's weights (to 1e-12) as one row"

    return Case("udf-call", "ENTROPY_WEIGHTS worksheet function (Python side)",
                "372 × 13 nested lists", ours=me,
                refs=[Contender("reference: engine.entropy_weights on an ndarray",
                                lambda: entropy_weights(x, d, 1.0))],
                target=Target("< 1 ms", seconds=1e-3), check=check, budget_s=2.0, profile=me.fn,
                notes=["Called directly in Python with the argument shapes xlwings passes "
                       "(list of row lists of float; directions as a flat list of '+'/'-'; "
                       "shift 1.0). Excel's and xlwings' own marshalling is not included."])


def udf_parse_case():
    """ENTROPY_WEIGHTS + TOPSIS on a 5,000 x 30 block as Excel passes it, against pymcdm
    given the same nested lists (its np.asarray counted): almost all our time is reading the
    arguments cell-safely (udf_args), so this row is about argument parsing."""
    import pymcdm

    from trade_resilience_xl import udfs
    from trade_resilience_xl.engine import entropy_weights, normalize, topsis

    x = S.matrix(5000, 30)
    data = x.tolist()
    benefits = ["+"] * 30
    ones = np.ones(30)

    def ours():
        w = udfs.ENTROPY_WEIGHTS(data, benefits, 1.0)
        return w, udfs.TOPSIS(data, w, benefits, 1.0)

    def peer():
        y = np.asarray(data, dtype=float)
        w = pymcdm.weights.entropy_weights(y)
        return w, pymcdm.methods.TOPSIS()(y, w, ones)

    def check():
        w, score = ours()
        engine_w = entropy_weights(x, ones, 1.0).weights
        np.testing.assert_allclose(np.ravel(w), engine_w, rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.ravel(score), topsis(x, engine_w, ones).score,
                                   rtol=0, atol=1e-12)
        return "returns the engine's weights and closeness (to 1e-12)"

    return Case("udf-parse", "ENTROPY_WEIGHTS + TOPSIS worksheet functions vs pymcdm",
                "5,000 × 30 nested lists", ours=Contender("ours: udfs.ENTROPY_WEIGHTS + TOPSIS",
                                                          ours),
                peers=[Contender("pymcdm 1.4.0 (np.asarray + entropy + TOPSIS)", peer)],
                refs=[Contender("reference: np.asarray of the nested lists",
                                lambda: np.asarray(data, dtype=float)),
                      Contender("reference: engine on a normalised ndarray",
                                lambda: topsis(normalize(x, ones, 1.0), ones))],
                target=Target("≥ 1× pymcdm", min_ratio=1.0), check=check, profile=ours,
                notes=["pymcdm knows no direction: all 30 columns are benefits for both. Both "
                       "start from the list of row lists of float that xlwings passes."])


# ----------------------------------------------------------------------------- import

IMPORT_STMT = "import trade_resilience_xl.udfs"


def importtime_top(stmt=IMPORT_STMT, top=12) -> str:
    """The slowest imports by cumulative time (-X importtime), as text."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", stmt],
                          capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line[len("import time:"):].split("|")]
        try:
            rows.append((int(parts[1]), int(parts[0]), parts[2]))
        except ValueError:
            continue
    top_rows = sorted(rows, reverse=True)[:top]
    lines = [f"  {'cumulative':>12} {'self':>10}  module (python -X importtime -c {stmt!r})"]
    lines += [f"  {cum / 1e3:>9.1f} ms {own / 1e3:>7.1f} ms  {name}" for cum, own, name in top_rows]
    return "\n".join(lines)


def udf_import_case():
    probe = subprocess.run([sys.executable, "-c", IMPORT_STMT], capture_output=True, text=True)
    if probe.returncode != 0:
        tail = probe.stderr.strip().splitlines()[-1:] or ["?"]
        return Case("udf-import", "import trade_resilience_xl.udfs, fresh interpreter", "—",
                    target=Target("< 0.5 s", seconds=0.5),
                    skip=f"the module does not import yet ({tail[0]})")
    return Case("udf-import", "import trade_resilience_xl.udfs, fresh interpreter", "one process",
                ours=Contender(f"ours: python -c {IMPORT_STMT!r}",
                               lambda: _run([sys.executable, "-c", IMPORT_STMT]), inner=1),
                baseline=_empty_interpreter(), target=Target("< 0.5 s", seconds=0.5),
                refs=[Contender("reference: python -c 'import xlwings' (what xlwings' own "
                                "UDF server has loaded before our module)",
                                lambda: _run([sys.executable, "-c", "import xlwings"]), inner=1)],
                min_reps=5, budget_s=6.0, profile_text=importtime_top,
                notes=["Wall time of `python -c \"import trade_resilience_xl.udfs\"` minus that "
                       "of `python -c pass`, paired repetition by repetition (bytecode already "
                       "cached by the warm-up)."])


NO_MPL_STMT = "import sys; sys.modules['matplotlib'] = None; " + IMPORT_STMT


def udf_import_no_mpl_case():
    case = udf_import_case()
    if case.skip:
        return Case("udf-import-no-mpl", case.name + ", matplotlib unimportable", "—",
                    target=case.target, skip=case.skip)
    case.key = "udf-import-no-mpl"
    case.name = "import trade_resilience_xl.udfs, fresh interpreter, matplotlib unimportable"
    case.ours = Contender("ours: python -c \"sys.modules['matplotlib'] = None; import ...udfs\"",
                          lambda: _run([sys.executable, "-c", NO_MPL_STMT]), inner=1)
    case.baseline = _empty_interpreter()
    block = "import sys; sys.modules['matplotlib'] = None; import xlwings"
    case.refs = [Contender("reference: python -c \"sys.modules['matplotlib'] = None; "
                           "import xlwings\"", lambda: _run([sys.executable, "-c", block]),
                           inner=1)]
    case.profile_text = lambda: importtime_top(NO_MPL_STMT)
    case.notes = case.notes + [
        "xlwings.utils imports matplotlib (and pyplot) whenever it is installed. Here it is, "
        "only because the test extra's pymcdm, scikit-criteria and inequality require it; a "
        "user install without the test extra has no matplotlib. This row blocks it "
        "(sys.modules['matplotlib'] = None) to show that case."]
    return case


# ----------------------------------------------------------------------------- CLI refresh

def cli_command():
    script = Path(sys.executable).with_name("trade-resilience")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "trade_resilience_xl.cli"]


def cli_profile_text(source, target, top=25) -> str:
    """cProfile of one refresh in a fresh interpreter, imports included, as text."""
    code = ("import cProfile, pstats, sys\n"
            "pr = cProfile.Profile(); pr.enable()\n"
            "from trade_resilience_xl.cli import main\n"
            f"main(['refresh', {str(source)!r}, '--out', {str(target)!r}])\n"
            "pr.disable()\n"
            "st = pstats.Stats(pr, stream=sys.stdout)\n"
            f"st.sort_stats('cumulative').print_stats({top})\n"
            f"st.sort_stats('tottime').print_stats({top})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stdout or done.stderr[-2000:]


def cli_case():
    if importlib_missing("trade_resilience_xl.cli"):
        return Case("cli-refresh", "trade-resilience refresh of the demo workbook", "—",
                    target=Target("< 3 s", seconds=3.0),
                    skip="trade_resilience_xl.cli does not exist yet")
    tmp = tmpdir()
    demo = tmp / "demo.xlsx"
    cmd = cli_command()
    try:
        _run(cmd + ["demo", "--out", str(demo)], cwd=tmp)
    except RuntimeError as err:
        return Case("cli-refresh", "trade-resilience refresh of the demo workbook", "demo",
                    target=Target("< 3 s", seconds=3.0),
                    skip=f"`trade-resilience demo --out TMP/demo.xlsx` failed: {err}")
    counter = iter(range(10**6))

    def refresh():
        target = tmp / f"out{next(counter)}.xlsx"
        _run(cmd + ["refresh", str(demo), "--out", str(target)], cwd=tmp)
        return target

    me = Contender("ours: trade-resilience refresh demo.xlsx --out out.xlsx", refresh, inner=1)

    def check():
        target = me.fn()
        size = os.path.getsize(target)
        if size <= 0:
            raise AssertionError("refresh wrote an empty workbook")
        return (f"refresh exits 0 and writes a workbook ({size / 1024:.0f} KB); "
                + _compare_weights(target))

    return Case("cli-refresh", "trade-resilience refresh of the demo workbook (whole process)",
                f"demo ({demo.stat().st_size / 1024:.0f} KB)",
                ours=me,
                refs=[_empty_interpreter()], target=Target("< 3 s", seconds=3.0), check=check,
                min_reps=5, budget_s=12.0,
                profile_text=lambda: cli_profile_text(demo, tmp / "profiled.xlsx"),
                notes=["Whole-process wall time (interpreter start, imports, reading, computing, "
                       "writing) of the console script; the demo workbook is built once by "
                       "`trade-resilience demo --out TMP/demo.xlsx`. The empty interpreter's "
                       "start is shown in the detail table, not subtracted."])


def _compare_weights(path) -> str:
    """The Weights sheet against run_panel on the same example panel (layout permitting)."""
    import openpyxl

    from trade_resilience_xl import Settings, load_example_panel, paper_indicators, run_panel

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if "Weights" not in book.sheetnames:
            return "no Weights sheet found, weights not compared"
        rows = list(book["Weights"].iter_rows(values_only=True))
    finally:
        book.close()
    header = next((r for r in rows
                   if r and any(str(c).startswith("Weight w") for c in r if c)), None)
    if header is None:
        return "Weights layout not recognised, weights not compared"
    col = next(i for i, c in enumerate(header) if c and str(c).startswith("Weight w"))
    sheet = {str(r[0]): r[col] for r in rows if r and r[0] and isinstance(r[col], (int, float))}
    result = run_panel(load_example_panel(), paper_indicators(), Settings(), columns={
        "unit": "Province", "region": "Region", "year": "Year", "population": "Population"})
    ours = dict(zip(result.weights["code"], result.weights["weight"]))
    common = [c for c in ours if c in sheet]
    if len(common) != len(ours):
        return "Weights sheet codes not recognised, weights not compared"
    scale = 100.0 if "%" in str(header[col]) else 1.0
    np.testing.assert_allclose([sheet[c] / scale for c in common], [ours[c] for c in common],
                               rtol=0, atol=1e-12)
    return "its Weights sheet equals run_panel on the example panel with default Settings (1e-12)"


def importlib_missing(name) -> bool:
    import importlib.util
    try:
        return importlib.util.find_spec(name) is None
    except ImportError:
        return True
