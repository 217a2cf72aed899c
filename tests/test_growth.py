"""Every step of a refresh grows linearly with the units (issue 20).

A step that loops over units with a scan of a whole table inside is quadratic, and at county
sizes (3,000+ units) it turns seconds into minutes. Timing small panels hardly shows it (a
pandas filter on 1,000 rows costs about what one on 100 does), so the main checks count:

- rows scanned: every pandas comparison, boolean selection, iteration, pivot and groupby adds
  the length of the table it runs over; from n to 4n units the total may grow at most 1.5x the
  linear ratio (6x), where a per-unit filter grows 16x;
- memory of the spatial statistics: the peak of numpy's allocations (tracemalloc) from n to 4n
  units, where a dense n x n weights matrix grows 16x;
- and, as the issue's backstop, time: best of three from n to 4n units under 8x.
"""
from __future__ import annotations

import gc
import time
import tracemalloc
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest

from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.engine.spatial import global_moran, local_moran
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.inputs.read_inputs import Inputs
from trade_resilience_xl.workbook.results import result_sheets
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_log import log_sheet

YEARS = 10
LINEAR = 4                   # 4n units
ALLOWED = 1.5 * LINEAR       # the bound: at most 1.5x the linear ratio


def _names(n: int) -> list[str]:
    return [f"Unit {u:05d}" for u in range(n)]


def _grid_pairs(names: list[str], side: int = 20) -> list[tuple[str, str]]:
    """Rook contiguity on a grid ``side`` units wide (the last row may be short)."""
    n = len(names)
    return ([(names[i], names[i + 1]) for i in range(n - 1) if (i + 1) % side]
            + [(names[i], names[i + side]) for i in range(n - side)])


def _panel(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([20, n])
    names = _names(n)
    codes = [f"X{j + 1}" for j in range(6)]
    data = pd.DataFrame({"unit": np.repeat(names, YEARS),
                         "region": np.repeat(np.array(["East", "West", "North", "South"])
                                             [np.arange(n) % 4], YEARS),
                         "year": np.tile(np.arange(2001, 2001 + YEARS), n),
                         "population": rng.uniform(10, 100, n * YEARS)})
    for code in codes:
        data[code] = rng.lognormal(0.0, 0.5, n * YEARS)
    indicators = pd.DataFrame({"code": codes, "indicator": codes,
                               "dimension": ["Economy"] * 3 + ["Society"] * 3,
                               "direction": ["+", "+", "-", "+", "-", "+"]})
    return data, indicators


SETTINGS = Settings(permutations=19, bootstrap=5, moran_permutations=19)


def _engine(n: int):
    data, indicators = _panel(n)
    return run_panel(data, indicators, SETTINGS, neighbours=_grid_pairs(_names(n)))


def _inputs(n: int, result) -> Inputs:
    data, indicators = _panel(n)
    indicators["dimension_label"] = indicators["dimension"]
    indicators["paper_weight"] = None           # the Indicators sheet's column, not the engine's
    return Inputs(indicators=indicators, data=data, settings=SETTINGS, settings_used=[],
                  data_rows=list(range(4, 4 + len(data))),
                  data_cols={c: k + 1 for k, c in enumerate(data.columns)}, data_header_row=3,
                  setting_cells={}, indicator_cells={}, unit_label="Unit / 单元",
                  neighbours=_grid_pairs(_names(n)))


def _labels(result) -> Labels:
    return Labels(index_name="Composite index", unit="Unit / 单元",
                  dimensions={"Economy": "Economy", "Society": "Society"}, paper_system=False,
                  paper_regions=False, regions=tuple(dict.fromkeys(result.panel.regions)))


def _builders():
    """Every result sheet's builder, called as ``all_sheets`` calls it."""
    rs = result_sheets
    return {
        L.SHEET_WEIGHTS: lambda r, i, lb: rs.weights_sheet(r, i, lb),
        L.SHEET_SCORES: lambda r, i, lb: rs.scores_sheet(r, i, lb),
        L.SHEET_SUBINDICES: lambda r, i, lb: rs.subindices_sheet(r, i, lb),
        L.SHEET_TYPES: lambda r, i, lb: rs.types_sheet(r, lb),
        L.SHEET_THEIL: lambda r, i, lb: rs.theil_sheet(r, lb),
        L.SHEET_DAGUM: lambda r, i, lb: rs.dagum_sheet(r, lb),
        L.SHEET_COUPLING: lambda r, i, lb: rs.coupling_sheet(r, lb),
        L.SHEET_OBSTACLE: lambda r, i, lb: rs.obstacle_sheet(r, lb),
        L.SHEET_DENSITY: lambda r, i, lb: rs.density_sheet(r, lb),
        L.SHEET_CONVERGENCE: lambda r, i, lb: rs.convergence_sheet(r, lb),
        L.SHEET_SPATIAL: lambda r, i, lb: rs.spatial_sheet(r, lb),
        L.SHEET_ROBUSTNESS: lambda r, i, lb: rs.robustness_sheet(r, lb),
        L.SHEET_DYNAMICS: lambda r, i, lb: rs.dynamics_sheet(r, lb),
        L.SHEET_LOG: lambda r, i, lb: log_sheet(r, i, lb, "test", "2026-01-01 00:00"),
    }


def test_every_result_sheet_has_a_builder_here():
    assert set(_builders()) == set(L.RESULT_SHEETS)


@pytest.fixture(scope="module")
def small_and_large():
    """(result, inputs, labels) at n and 4n units."""
    out = []
    for n in (60, 60 * LINEAR):
        result = _engine(n)
        out.append((result, _inputs(n, result), _labels(result)))
    return out


# ---------------------------------------------------------------------------- rows scanned
def _length(obj) -> int:
    try:
        return len(obj)
    except TypeError:
        return 1


def _is_mask(key) -> bool:
    return isinstance(key, (pd.Series, np.ndarray)) and key.dtype.kind == "b"


@contextmanager
def rows_scanned():
    """Count the rows of every table a pandas operation runs over (whole-table work)."""
    count = [0]
    patched = []

    def wrap(owner, name, counts):
        original = getattr(owner, name)

        def counted(self, *args, **kwargs):
            if counts(self, args):
                count[0] += _length(self)
            return original(self, *args, **kwargs)

        setattr(owner, name, counted)
        patched.append((owner, name, original))

    always = lambda self, args: True  # noqa: E731
    for owner in (pd.Series, pd.DataFrame):
        for name in ("_cmp_method", "_logical_method", "_arith_method", "isin", "groupby",
                     "__iter__", "itertuples", "iterrows", "pivot", "query", "sort_values",
                     "set_index", "reindex", "merge" if owner is pd.DataFrame else "map"):
            if hasattr(owner, name):
                wrap(owner, name, always)
        wrap(owner, "__getitem__", lambda self, args: bool(args) and _is_mask(args[0]))
    try:
        yield count
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def test_the_counter_sees_a_filter_per_unit():
    """The counter itself: a per-unit filter grows with the square, a groupby does not."""
    def per_unit(n):
        table = pd.DataFrame({"unit": np.repeat(np.arange(n), 3), "v": np.ones(3 * n)})
        with rows_scanned() as count:
            [table[table.unit == u].v.sum() for u in range(n)]
        return count[0]

    def grouped(n):
        table = pd.DataFrame({"unit": np.repeat(np.arange(n), 3), "v": np.ones(3 * n)})
        with rows_scanned() as count:
            table.groupby("unit").v.sum()
        return count[0]

    assert per_unit(40) / per_unit(10) > 15
    assert grouped(40) / grouped(10) <= LINEAR


def test_every_sheet_builder_scans_rows_linearly(small_and_large):
    (small, small_in, small_lb), (large, large_in, large_lb) = small_and_large
    growth = {}
    for name, build in _builders().items():
        with rows_scanned() as few:
            build(small, small_in, small_lb)
        with rows_scanned() as many:
            build(large, large_in, large_lb)
        growth[name] = many[0] / max(few[0], 1)
    assert max(growth.values()) <= ALLOWED, str({k: round(v, 1) for k, v in growth.items()})


def test_the_engine_scans_rows_linearly():
    counts = []
    for n in (60, 60 * LINEAR):
        data, indicators = _panel(n)
        pairs = _grid_pairs(_names(n))
        with rows_scanned() as count:
            run_panel(data, indicators, SETTINGS, neighbours=pairs)
        counts.append(count[0])
    assert counts[1] / counts[0] <= ALLOWED, counts


# ---------------------------------------------------------------------------- memory
def _spatial_peak(n: int) -> int:
    rng = np.random.default_rng(n)
    names = _names(n)
    x = rng.gamma(2.0, 1.0, (n, 3))
    pairs = _grid_pairs(names)
    gc.collect()
    tracemalloc.start()
    try:
        global_moran(x, names, pairs, 9, seed=1)
        local_moran(x[:, 0], names, pairs, 9, seed=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_moran_and_lisa_memory_grows_linearly():
    """A dense n x n weights matrix (or an (n, n - 1) table of the others' values) would grow
    16x from 1,000 to 4,000 units; sparse weights grow with the borders."""
    small, large = _spatial_peak(1000), _spatial_peak(4000)
    assert large / small <= ALLOWED, (small, large)


# ---------------------------------------------------------------------------- time
def _best_of_three(call, *args) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        call(*args)
        best = min(best, time.perf_counter() - start)
    return best


def test_engine_and_builders_time_grows_less_than_quadratically(small_and_large):
    """The issue's backstop: best of three at n and 4n units under 8x (quadratic: 16x)."""
    (small, small_in, small_lb), (large, large_in, large_lb) = small_and_large
    ratios = {}
    for name, build in _builders().items():
        ratios[name] = (_best_of_three(build, large, large_in, large_lb)
                        / _best_of_three(build, small, small_in, small_lb))
    few, many = 250, 250 * LINEAR
    ratios["engine"] = (_best_of_three(_engine, many) / _best_of_three(_engine, few))
    assert max(ratios.values()) < 2 * LINEAR, str({k: round(v, 1) for k, v in ratios.items()})


# ---------------------------------------------------------------------------- the limit
def test_panels_beyond_the_limit_are_refused_up_front_in_one_line(tmp_path, monkeypatch,
                                                                  capsys):
    """Above MAX_PANEL_ROWS unit-years, `new` refuses the CSV before building anything and
    `refresh` the Data sheet before parsing a row: one line, naming file (and cell)."""
    from trade_resilience_xl import cli
    from trade_resilience_xl.example_data import example_csv, paper_indicators

    book = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "--out", str(book)]) == 0
    capsys.readouterr()
    indicators = tmp_path / "indicators.csv"
    paper_indicators().to_csv(indicators, index=False)
    monkeypatch.setattr(L, "MAX_PANEL_ROWS", 100)           # the demo has 372 unit-years
    with example_csv() as panel:
        code = cli.main(["new", str(tmp_path / "new.xlsx"), "--data", str(panel),
                         "--indicators", str(indicators)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and not (tmp_path / "new.xlsx").exists()
    assert len(err.splitlines()) == 1 and "372 unit-years" in err and "the 100 " in err, err
    before = book.read_bytes()
    code = cli.main(["refresh", str(book)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and book.read_bytes() == before
    assert len(err.splitlines()) == 1 and "Data!A104" in err and "the 100 " in err, err
