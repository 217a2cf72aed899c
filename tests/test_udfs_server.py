"""The Office.js path (xlwings Server / Lite): with XLWINGS_ON_SERVER=true the same module
registers through ``xlwings.server.custom_functions_meta`` and evaluates through
``custom_functions_call``; every function gives what a direct (classic) call gives.

The decorators are chosen when xlwings is imported, so the server side runs in a subprocess.
Payload format (read from xlwings 0.37.8, pro/udfs_officejs.py): every parameter is
declared ``dimensionality: matrix``, so each argument arrives as a list of rows; blank cells
are "" and error cells are ``{"type": "Error", "basicValue": "#N/A"}``; an omitted optional
argument is null. xlwings then squeezes (1 x 1 -> scalar, one row/column -> flat list) and
turns "" and errors into None, as the classic path does. Results go back as a 2-D list.
"""
from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from trade_resilience_xl import udfs

BLANK, ERROR, OMIT = "<blank>", "<error>", "<omitted>"

SERVER_SCRIPT = textwrap.dedent("""
    import asyncio, json, sys
    import xlwings
    from xlwings.server import custom_functions_call, custom_functions_meta
    import trade_resilience_xl.udfs as module

    BLANK, ERROR, OMIT = "<blank>", "<error>", "<omitted>"

    def payload_cell(value):
        if value == BLANK:
            return ""
        if value == ERROR:
            return {"type": "Error", "basicValue": "#N/A"}
        return value

    def payload_arg(rows):
        if rows == OMIT:
            return None
        return [[payload_cell(v) for v in row] for row in rows]

    async def main(cases):
        results = []
        for name, ranges in cases:
            data = {"func_name": name, "args": [payload_arg(r) for r in ranges],
                    "version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
                    "caller_address": "Sheet1!A1"}
            results.append(await custom_functions_call(data, module))
        return results

    cases = json.load(sys.stdin)
    print(json.dumps({"meta": custom_functions_meta(module),
                      "results": asyncio.run(main(cases))}))
""")


def classic_arg(rows, default):
    """What classic xlwings passes for a sheet range: squeezed, blanks/errors -> None."""
    if rows == OMIT:
        return default
    rows = [[None if v in (BLANK, ERROR) else v for v in row] for row in rows]
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else rows[0]
    if len(rows[0]) == 1:
        return [r[0] for r in rows]
    return rows


def direct_call(name, ranges):
    function = getattr(udfs, name)
    # classic xlwings passes a missing argument as its Python default, or None if it has none
    defaults = [None if p.default is p.empty else p.default
                for p in inspect.signature(function).parameters.values()]
    result = function(*[classic_arg(r, d) for r, d in zip(ranges, defaults)])
    return result if isinstance(result, list) else [[result]]


def col(values):
    return [[v] for v in values]


def row(values):
    return [list(values)]


DATA = [[1.0, 5.0, 7.0], [2.0, 5.5, 3.0], [4.0, 6.0, 1.0], [3.0, 4.0, 2.0]]
SCORES = [[0.3, 0.4], [0.5, 0.5], [0.2, 0.1], [0.9, 0.7], [0.4, 0.45], [0.35, 0.3]]
REGIONS = ["East", "West", "East", "Central", "West", "Central"]
POP = [10.0, 20.0, 5.0, 8.0, 12.0, 7.0]

FIXED_CASES = [
    ("ENTROPY_WEIGHTS", [DATA, row(["+", "-", "cost"])]),
    ("ENTROPY_WEIGHTS", [DATA, col([1, -1, "负"]), [[0.01]]]),
    ("ENTROPY_WEIGHTS", [DATA, col(["+", "-", "+"]), [[BLANK]]]),
    ("ENTROPY_WEIGHTS", [DATA, row(["+", "-"])]),
    ("ENTROPY_WEIGHTS", [[[1.0, ERROR], [2.0, 3.0]], row(["+", "-"])]),
    ("ENTROPY_TABLE", [DATA, row(["+", "+", "-"]), OMIT]),
    ("NORMALIZE", [DATA, col(["+", "+", "-"]), [[0.0]]]),
    ("NORMALIZE", [col([1.0, 3.0, 2.0]), [["-"]]]),
    ("TOPSIS", [DATA, row([0.2, 0.3, 0.5]), col(["+", "+", "-"])]),
    ("TOPSIS", [DATA, col([0.2, 0.3, 0.5]), OMIT, [[0.5]]]),
    ("TOPSIS", [DATA, row([0.2, "x", 0.5])]),
    ("COMPOSITE_SCORE", [DATA, row([1, 1, 2]), row(["+", "+", "-"]), [[0]]]),
    ("THEIL_DECOMP", [SCORES, col(POP), col(REGIONS)]),
    ("THEIL_DECOMP", [SCORES, [[BLANK]], row(REGIONS), [["L"]]]),
    ("THEIL_DECOMP", [SCORES, OMIT, col(REGIONS)]),
    ("THEIL_DECOMP", [SCORES, [[p, p * 1.1] for p in POP], col(REGIONS), [["t"]]]),
    ("THEIL_DECOMP", [col([s[0] for s in SCORES]), OMIT, col(["East"] * 6)]),
    ("THEIL_DECOMP", [SCORES, col(POP), col(REGIONS[:5] + [BLANK])]),
    ("DAGUM_GINI", [SCORES, OMIT, col(REGIONS)]),
    ("DAGUM_GINI", [row([s[1] for s in SCORES]), row(POP), row(REGIONS)]),
    ("DAGUM_GINI", [SCORES, col(POP[:5]), col(REGIONS)]),
    ("THEIL", [col([1.0, 2.0, 3.0, 10.0])]),
    ("THEIL", [row([1.0, 2.0, 3.0, 10.0]), row([5, 1, 1, 2]), [["L"]]]),
    ("THEIL", [row([1.0, 2.0, 3.0, 10.0]), OMIT, [["Q"]]]),
    ("RESILIENCE_TYPE", [col([0.9, 0.5, 0.1, 0.7, 0.3, 0.6]), col([0.8, 0.1, 0.5, 0.2, 0.9, 0.4])]),
    ("RESILIENCE_TYPE", [row([0.9, 0.5, 0.1, 0.7]), row([0.8, 0.1, 0.5, 0.2]), [["zh"]]]),
    ("RESILIENCE_TYPE", [row([0.9, 0.5]), row([0.8, 0.1])]),
    # issue 14: coupling, obstacle, density
    ("COUPLING_COORDINATION", [[[0.3, 0.7], [0.5, 0.5], [0.1, 0.9]]]),
    ("COUPLING_COORDINATION", [[[0.3, 0.7], [0.5, 0.5]], row([3, 1]), [["corrected"]],
                               [["0.01-0.99"]]]),
    ("COUPLING_COORDINATION", [[[0.3, 1.7], [0.5, 0.5]], OMIT, [["Wang"]]]),
    ("OBSTACLE_DEGREE", [DATA, row([0.2, 0.3, 0.5]), col(["+", "+", "-"])]),
    ("KERNEL_DENSITY", [SCORES]),
    ("KERNEL_DENSITY", [SCORES, [[0.05]]]),
    ("KERNEL_DENSITY", [col([1.0, 2.0])]),
    # issue 14: convergence, spatial
    ("SIGMA_CONVERGENCE", [SCORES, col(REGIONS)]),
    ("SIGMA_CONVERGENCE", [[[0.0, 0.0], [0.0, 0.0]]]),
    ("BETA_CONVERGENCE", [SCORES, [[5]]]),
    ("BETA_CONVERGENCE", [col([s[0] for s in SCORES])]),
    ("MORAN_I", [SCORES, col(["a", "b", "c", "d", "e", "f"]),
                 [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "a"]], [[99]]]),
    ("MORAN_I", [SCORES, col(["Beijing", "Tianjin", "Hebei", "Shanxi", "Jilin", "Hainan"])]),
    ("MORAN_I", [SCORES, col(["a", "b", "c", "d", "e", "f"])]),
    ("LOCAL_MORAN", [col([s[0] for s in SCORES]), col(["a", "b", "c", "d", "e", "f"]),
                     [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"]], OMIT, [[7]]]),
    ("LOCAL_MORAN", [col([s[0] for s in SCORES]), col(["a", "b", "c", "d", "e", "f"]),
                     [["a", "x"]]]),    # issue 25: objective weights, rank agreement, Markov chain
    ("OBJECTIVE_WEIGHTS", [DATA, row(["+", "+", "-"])]),
    ("OBJECTIVE_WEIGHTS", [DATA, row(["+", "+", "-"]), [["combined"]], OMIT, [["mean"]]]),
    ("OBJECTIVE_WEIGHTS", [DATA, row(["+", "+", "-"]), [["magic"]]]),
    ("RANK_AGREEMENT", [col([s[0] for s in SCORES]), col([s[1] for s in SCORES])]),
    ("RANK_AGREEMENT", [col([s[0] for s in SCORES]), col([s[1] for s in SCORES]),
                        [["kendall"]]]),
    ("RANK_AGREEMENT", [col([s[0] for s in SCORES]), col([1.0, 2.0])]),
    ("MARKOV_MATRIX", [SCORES, [[2]]]),
    ("MARKOV_MATRIX", [SCORES, [[2]], [["pooled"]]]),
    ("MARKOV_MATRIX", [SCORES, [[9]]]),
]

CELL_CHOICES = [BLANK, ERROR, "+", "-", "East", "West", "n/a", "L", True, False, 0, 1, -1, 2]


def random_range(rng, numeric_bias=0.85):
    shape = rng.choice(["cell", "row", "column", "block", "omit"], p=[0.15, 0.25, 0.25, 0.3, 0.05])
    if shape == "omit":
        return OMIT
    n = 1 if shape in ("cell", "row") else int(rng.integers(2, 7))
    m = 1 if shape in ("cell", "column") else int(rng.integers(2, 5))

    def cell():
        if rng.random() < numeric_bias:
            return float(np.round(rng.normal(1.0, 1.0) * 10.0 ** int(rng.integers(-3, 4)), 6))
        return CELL_CHOICES[int(rng.integers(len(CELL_CHOICES)))]

    return [[cell() for _ in range(m)] for _ in range(n)]


def random_cases(seed=20240531, per_function=40):
    rng = np.random.default_rng(seed)
    cases = []
    for name in sorted(n for n in dir(udfs) if n.isupper() and callable(getattr(udfs, n))):
        count = len(inspect.signature(getattr(udfs, name)).parameters)
        for _ in range(per_function):
            ranges = [random_range(rng) for _ in range(count)]
            if ranges[0] == OMIT:
                ranges[0] = [[1.0], [2.0]]
            cases.append((name, ranges))
    return cases


@pytest.fixture(scope="module")
def server_run():
    cases = FIXED_CASES + random_cases()
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, "-c", SERVER_SCRIPT], input=json.dumps(cases),
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    return cases, out["meta"], out["results"]


def test_every_function_registers_with_its_optional_arguments(server_run):
    _, meta, _ = server_run
    functions = {f["name"]: f for f in meta["functions"]}
    expected = sorted(n for n in dir(udfs) if n.isupper() and callable(getattr(udfs, n)))
    assert sorted(functions) == expected and len(expected) == 9 + 3 + 4 + 3   # issue 14, 25
    for name, spec in functions.items():
        parameters = inspect.signature(getattr(udfs, name)).parameters.values()
        assert [p["name"] for p in spec["parameters"]] == [p.name for p in parameters]
        assert [p.get("optional", False) for p in spec["parameters"]] == [
            p.default is not p.empty for p in parameters]
        assert 0 < len(spec["description"]) <= 255
        for parameter in spec["parameters"]:
            # every argument documented (xlwings' fallback is "Positional argument N")
            assert not parameter["description"].startswith("Positional argument"), (name, parameter)
            assert len(parameter["description"]) <= 255
        assert spec["result"]["dimensionality"] == "matrix"


def test_server_results_equal_direct_calls(server_run):
    cases, _, results = server_run
    assert len(results) == len(cases)
    for (name, ranges), got in zip(cases, results):
        expected = direct_call(name, ranges)
        assert got == expected, (name, ranges)


def test_cases_cover_values_and_messages_of_every_function(server_run):
    cases, _, results = server_run
    for name in {n for n, _ in cases}:
        outcomes = [r for (n, _), r in zip(cases, results) if n == name]
        messages = [r for r in outcomes
                    if isinstance(r[0][0], str) and r[0][0].startswith(f"{name}: ")]
        assert messages and len(messages) < len(outcomes), name
        assert not any("unexpected error" in m[0][0] for m in messages), name
