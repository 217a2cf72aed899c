"""The Robustness and Dynamics sheets (issue 25) hold the engine's numbers, in the user's
words, with their charts."""
from __future__ import annotations

import numpy as np
import pytest

from trade_resilience_xl.cli import main
from trade_resilience_xl.engine import run_panel
from trade_resilience_xl.example_data import load_example_panel, paper_indicators

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
