"""The worksheet functions of issue 25 with Excel-shaped inputs: results equal the engine's
(and their peers'), bad inputs give one-line messages."""
from __future__ import annotations

import numpy as np
import pymcdm
import pytest
import scipy.stats

from trade_resilience_xl import engine, udfs
from trade_resilience_xl.example_data import load_example_panel

DATA = [[1.0, 5.0, 7.0], [2.0, 4.0, 3.0], [4.0, 1.0, 1.0], [3.0, 3.0, 2.0]]
SIGNS = ["+", "+", "-"]


@pytest.mark.parametrize("method", ["critic", "CV", "std", "equal", "entropy", "combined"])
def test_objective_weights_equal_the_engine(method):
    got = udfs.OBJECTIVE_WEIGHTS(DATA, SIGNS, method, 0.0)
    expected = engine.objective_weights(DATA, [1, 1, -1], method, 0.0).weights
    assert got == [expected.tolist()]


def test_objective_weights_critic_equals_pymcdm_on_the_demo_panel():
    frame = load_example_panel()
    x = frame[[f"X{j}" for j in range(1, 14)]].dropna().to_numpy()   # complete rows
    from trade_resilience_xl.example_data import paper_indicators
    signs = [str(d) for d in paper_indicators()["direction"]]
    got = np.array(udfs.OBJECTIVE_WEIGHTS(x.tolist(), signs)[0])
    y = engine.normalize(x, [engine.direction_sign(s) for s in signs], 1.0)
    np.testing.assert_allclose(got, pymcdm.weights.critic_weights(y), rtol=1e-12)


def test_rank_agreement_equals_scipy():
    a, b = [0.3, 0.1, 0.5, 0.5, 0.9], [0.2, 0.4, 0.6, 0.1, 0.8]
    assert udfs.RANK_AGREEMENT(a, b) == pytest.approx(scipy.stats.spearmanr(a, b)[0], abs=1e-12)
    assert udfs.RANK_AGREEMENT(a, b, "kendall") == pytest.approx(
        scipy.stats.kendalltau(a, b)[0], abs=1e-12)
    assert udfs.RANK_AGREEMENT(a, a) == 1.0


def test_markov_matrix_rows_sum_to_one_and_steady_state_is_stationary():
    rng = np.random.default_rng(3)
    scores = rng.uniform(size=(12, 6)).tolist()
    table = udfs.MARKOV_MATRIX(scores)
    assert table[0][0].startswith("From") and len(table[0]) == 6
    p = np.array([row[1:5] for row in table[1:5]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    steady = np.array(table[5][1:5])
    np.testing.assert_allclose(steady @ p, steady, atol=1e-12)
    chain = engine.markov_chain(np.array(scores), 4)
    np.testing.assert_array_equal(p, chain.probabilities)


@pytest.mark.parametrize("call, message", [
    (lambda: udfs.OBJECTIVE_WEIGHTS(DATA, SIGNS, "magic"),
     'OBJECTIVE_WEIGHTS: method is "magic"; use critic, cv, std, equal, entropy or combined'),
    (lambda: udfs.OBJECTIVE_WEIGHTS(DATA, SIGNS[:2]),
     "OBJECTIVE_WEIGHTS: directions has 2 cells for 3 columns of data"),
    (lambda: udfs.RANK_AGREEMENT([1.0, 2.0, 3.0], [1.0, 2.0]),
     "RANK_AGREEMENT: scores_b has 2 cells for 3 cells of scores_a"),
    (lambda: udfs.RANK_AGREEMENT([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]),
     "RANK_AGREEMENT: one set of scores is constant; rank agreement is undefined"),
    (lambda: udfs.MARKOV_MATRIX([[1.0, 2.0], [2.0, 1.0]], 3, "per year"),
     "MARKOV_MATRIX: 2 values in column 1 cannot form 3 quantile classes; choose fewer classes"),
    (lambda: udfs.MARKOV_MATRIX([[1.0, 2.0], [2.0, 1.0]], 1),
     "MARKOV_MATRIX: k is 1; a whole number from 2 to 9 expected"),
    (lambda: udfs.MARKOV_MATRIX([[1.0, 2.0], [2.0, 1.0]], 2, "yearly"),
     'MARKOV_MATRIX: classes is "yearly"; use per year or pooled'),
])
def test_messages(call, message):
    assert call() == message
