"""The Robustness and Dynamics sheets (issue 25) hold the engine's numbers, in the user's
words, with their charts."""
from __future__ import annotations

import shutil

import numpy as np
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from trade_resilience_xl.cli import main
from trade_resilience_xl.engine import run_panel
from trade_resilience_xl.engine.markov import markov_chain
from trade_resilience_xl.example_data import load_example_panel, paper_indicators
from trade_resilience_xl.workbook.openpyxl_io import refresh_file

from refresh_helpers import find_row, values

ROLES = {"unit": "Province", "region": "Region", "year": "Year", "population": "Population"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    assert main(["demo", "--out", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def engine_result():
    return run_panel(load_example_panel(), paper_indicators(), columns=ROLES)


def test_robustness_sheet_equals_the_engine(demo, engine_result):
    rows = values(demo, "Robustness")
    d = engine_result.robustness
    header = find_row(rows, "Code / 代码")
    x3 = rows[header + 3]
    assert x3[0] == "X3"
    weights = d.method_weights[d.method_weights["code"] == "X3"]["weight"].to_numpy()
    np.testing.assert_allclose(x3[2:8], 100 * weights, rtol=1e-12)
    rho = find_row(rows, "Spearman ρ, 2021: CRITIC")
    expected = d.agreement.query("basis == 'year' and method_a == 'critic'")["spearman"]
    np.testing.assert_allclose(rows[rho][1:7], expected, rtol=1e-12)
    beijing = [r for r in rows if r and r[0] == "Beijing"]
    ranks = d.method_ranks[d.method_ranks["unit"] == "Beijing"]
    assert beijing[0][2:8] == ranks["rank_year"].tolist()
    sensitivity = d.sensitivity.set_index("unit").loc["Beijing"]
    assert beijing[1][2:6] == [sensitivity["rank"], sensitivity["rank_low"],
                               sensitivity["rank_high"], sensitivity["keeps_level"]]


def test_dynamics_sheet_rows_sum_to_one_and_show_the_tests(demo, engine_result):
    rows = values(demo, "Dynamics")
    top = find_row(rows, "From \\ to / 期初\\期末")
    matrix = np.array([r[1:5] for r in rows[top + 1:top + 5]], dtype=float)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    d = engine_result.robustness
    index = d.markov[d.markov["chain"] == "index"]["probability"].to_numpy().reshape(4, 4)
    np.testing.assert_allclose(matrix, index, rtol=1e-12)
    q = next(r for r in rows if r and r[0] == "Q")
    test = d.spatial_test.set_index("statistic")
    assert q[1:4] == [test.loc["Q", "value"], test.loc["Q", "dof"], test.loc["Q", "p_value"]]
    assert any(r and r[0] == "Type 1 / 类型1: High reconstruction, high resistance / 构高抗高型"
               for r in rows)


def _matrix_cells(rows) -> list[str]:
    """The probability cells below every transition matrix's header row."""
    cells = []
    for i, row in enumerate(rows):
        if row and row[0] == "From \\ to / 期初\\期末":
            k = sum(1 for c in row[1:] if isinstance(c, str) and not c.startswith("Moves"))
            cells.append(f"B{i + 2}:{get_column_letter(1 + k)}{i + 1 + k}")
    return cells


def test_every_transition_matrix_is_a_heat_map_from_0_to_1(demo, tmp_path):
    expected = _matrix_cells(values(demo, "Dynamics"))
    assert len(expected) == 2 + 4          # index, nine types, the spatial chain's 4 lags
    again = tmp_path / "again.xlsx"
    shutil.copy(demo, again)
    assert refresh_file(again).ok           # refreshed twice: the rules do not pile up
    for path in (demo, again):
        ws = openpyxl.load_workbook(path)["Dynamics"]
        found = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
        assert sorted(found) == sorted(expected)
        for (rule,) in found.values():
            assert rule.type == "colorScale"
            assert [(v.type, float(v.val)) for v in rule.colorScale.cfvo] == [("num", 0.0),
                                                                                ("num", 1.0)]
            assert [c.rgb for c in rule.colorScale.color] == ["FFFFFFFF", "FF5A8AC6"]


def test_default_classes_are_pooled_so_the_shares_can_move(demo, engine_result):
    """Pooled breaks (the default): the shares of the first and last year and the steady
    state differ, so the chart beside the matrix says where the moves lead."""
    rows = values(demo, "Dynamics")
    top = find_row(rows, "Class / 类别")
    shares = np.array([r[1:4] for r in rows[top + 1:top + 5]], dtype=float)
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    assert not np.allclose(shares[:, 0], shares[:, 1])
    chain = markov_chain(engine_result.numbers.composite, 4, "pooled")
    np.testing.assert_allclose(shares[:, 2], chain.steady_state, rtol=1e-12, atol=1e-15)
    assert "quantile breaks over all years" in rows[1][0]
