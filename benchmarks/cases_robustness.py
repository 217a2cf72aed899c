"""Cases for issue 25: robustness of the weights and dynamics between levels — the weight
sensitivity (1,000 Dirichlet draws) alone on the paper-size panel, the spatial Markov chain
against PySAL giddy, and everything the refresh adds (robustness_dynamics) at paper size and
at the 100,020-row scale (3,334 units x 30 years x 13 indicators), to show it stays linear in
units (no n x n matrix, no loop over units)."""

from __future__ import annotations

import warnings

import numpy as np
import synthetic as S
from timing import Case, Contender, Target

from trade_resilience_xl.engine import Settings, compute_panel, prepare_panel
from trade_resilience_xl.engine.markov import spatial_markov
from trade_resilience_xl.engine.panel_robustness_dynamics import robustness_dynamics
from trade_resilience_xl.engine.rank_robustness import weight_sensitivity
from trade_resilience_xl.engine.spatial import row_standardised


def _panel(units, years):
    frame, indicators = S.panel_frame(units, years, 13, 4)
    settings = Settings().checked()
    panel = prepare_panel(frame, indicators)
    ring = [(panel.units[i], panel.units[(i + 1) % units]) for i in range(units)]
    return panel, compute_panel(panel, settings), settings, ring


def _dense(contiguity) -> np.ndarray:
    """The n x n matrix of the engine's sparse contiguity (spatial_markov and giddy take it)."""
    w = np.zeros((contiguity.cards.size,) * 2)
    w[contiguity.row, contiguity.neighbour] = contiguity.weight
    return w


def robustness_cases():
    def build():
        panel, nums, s, ring = _panel(31, 12)
        big = _panel(3334, 30)
        w = _dense(row_standardised(panel.units, ring))

        def giddy_spatial():
            import giddy.markov
            import libpysal
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return giddy.markov.Spatial_Markov(nums.composite, libpysal.weights.full2W(w),
                                                   k=4, m=4, fixed=True)

        def check_spatial():
            ours, peer = spatial_markov(nums.composite, w, 4), giddy_spatial()
            np.testing.assert_allclose([ours.q, ours.lr], [peer.Q, peer.LR], rtol=1e-12)
            return "Q and LR equal giddy's to 1e-12"

        note = ("Synthetic panels (benchmarks/synthetic.py), a ring of neighbours; "
                "compute_panel ran once outside the timing.")
        return [
            Case("robust-sensitivity", "weight sensitivity, 1,000 Dirichlet draws, ranks of "
                 "the mean index", "31 × 12 × 13",
                 ours=Contender("ours: weight_sensitivity",
                                lambda: weight_sensitivity(panel, s, draws=1000)),
                 target=Target("< 0.2 s (the issue: well under a second)", seconds=0.2),
                 budget_s=2.0, notes=[note]),
            Case("robust-spatial-markov", "spatial Markov chain, 4 classes, Q and LR tests",
                 "31 × 12", ours=Contender("ours: spatial_markov",
                                           lambda: spatial_markov(nums.composite, w, 4)),
                 peers=[Contender("giddy 2.3.8 Spatial_Markov(fixed=True)", giddy_spatial)],
                 check=check_spatial, budget_s=2.0),
            Case("robust-all-paper", "robustness_dynamics: six weightings, ranks, agreement, "
                 "1,000 draws, Markov chains (index, nine types), spatial Markov",
                 "31 × 12 × 13", ours=Contender("ours: robustness_dynamics",
                                                lambda: robustness_dynamics(panel, nums, s,
                                                                            ring)),
                 budget_s=2.0, notes=[note]),
            Case("robust-all-100k", "the same at the refresh benchmark's scale",
                 "3,334 × 30 × 13", ours=Contender(
                     "ours: robustness_dynamics",
                     lambda: robustness_dynamics(big[0], big[1], big[2], big[3]), reps=3),
                 target=Target("< 3 s (linear in units; most of it is the 1,000 draws)",
                               seconds=3.0),
                 budget_s=15.0, notes=[note]),
        ]
    return [build]
