"""Cases for issue 14: convergence, spatial — Moran's I with 999 permutations on the paper-size
panel (31 provinces x 12 years) against PySAL esda, in the same run."""

from __future__ import annotations

import warnings

import numpy as np
from timing import Case, Contender, Target

from trade_resilience_xl.engine import builtin_pairs, global_moran
from trade_resilience_xl.engine.spatial import neighbour_lists
from trade_resilience_xl.paper import PROVINCE_NAMES


def moran_case():
    import esda
    import libpysal
    units = list(PROVINCE_NAMES)
    pairs = builtin_pairs(units)
    x = np.random.default_rng(3).gamma(2, 1, (31, 12)) + np.linspace(0, 3, 31)[:, None]
    neighbours = neighbour_lists(units, pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(neighbours, id_order=units)

    def peer():
        return [esda.Moran(x[:, t], w, permutations=999) for t in range(12)]

    def check():
        ours = global_moran(x, units, pairs, 999, seed=np.random.RandomState(5))
        for t in range(12):
            np.random.seed(5)
            m = esda.Moran(x[:, t], w, permutations=999)
            np.testing.assert_allclose(ours.moran_i[t], m.I, rtol=1e-12)
        return "I equal to 1e-12 for all 12 years; p-values equal with esda's draw order (tests)"

    def ours():
        return global_moran(x, units, pairs, 999, seed=20240601)

    return Case("moran", "global Moran's I by year, 999 permutations", "31 × 12, contiguity",
                ours=Contender("ours: global_moran(seed=int)", ours),
                peers=[Contender("PySAL esda.Moran (one call per year)", peer, reps=3,
                                 warmup=False)],
                target=Target("< 100 ms", seconds=0.1, min_ratio=1), check=check,
                budget_s=3.0, profile=ours)


def convergence_spatial_case():
    """What issue 14's two analyses add to the refresh's compute on the paper-size panel."""
    from trade_resilience_xl.engine import Settings, run_panel
    from trade_resilience_xl.engine.panel_convergence_spatial import convergence_spatial
    from trade_resilience_xl.example_data import load_example_panel, paper_indicators
    columns = {"unit": "Province", "region": "Region", "year": "Year", "population": "Population"}
    result = run_panel(load_example_panel(), paper_indicators(), columns=columns)
    settings = Settings(moran_permutations=999).checked()

    def ours():
        return convergence_spatial(result.numbers.composite, result.panel, settings)

    def check():
        again = ours()
        np.testing.assert_allclose(again.moran["moran_i"], result.moran["moran_i"], rtol=1e-12)
        return "the same tables as run_panel's"

    return Case("conv-spatial", "σ/β-convergence + Moran by year + LISA, 999 permutations",
                "31 × 12 (example panel)",
                ours=Contender("ours: convergence_spatial", ours), peers=[],
                target=Target("< 10 ms (issue 14: all five analyses < 20 ms)", seconds=0.01,
                              min_ratio=None),
                check=check, budget_s=2.0, profile=ours)
