"""Cases on the numerical engine: entropy + TOPSIS, Theil, the permutation test, Dagum's Gini
and the panel pipeline. Each builder makes its data (seeded), a check that ours and the peer
agree, and the callables to time."""

from __future__ import annotations

import warnings

import numpy as np
import peers
import synthetic as S
from timing import Case, Contender, Target

from trade_resilience_xl.engine import (
    Settings,
    between_permutation_test,
    compute_panel,
    dagum_gini,
    entropy_weights,
    normalize,
    prepare_panel,
    run_panel,
    theil,
    topsis,
)

PEER_PREP_NOTE = (
    "pymcdm and scikit-criteria compute entropy on the data as given and know no direction, so "
    "they get our direction-adjusted, min-max normalised matrix plus shift 1 (made before "
    "timing, not counted: this favours the peers). Ours starts from the raw data and validates "
    "it. pymcdm runs with its default input validation on; its TOPSIS gets that matrix with all "
    "criteria as benefits (its own min-max inside). scikit-criteria 'pipeline' = "
    "mkdm(...) + mkpipe(EntropyWeighter(), TOPSIS()).evaluate(dm), the documented user path; "
    "'functions' = skcriteria.preprocessing.weighters.entropy_weights + "
    "skcriteria.agg.topsis.topsis, its unvalidated kernels.")


def _skc():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import skcriteria as skc
        from skcriteria.agg.topsis import TOPSIS
        from skcriteria.agg.topsis import topsis as skc_topsis
        try:
            from skcriteria.pipelines import mkpipe
        except ImportError:
            from skcriteria.pipeline import mkpipe
        from skcriteria.preprocessing.weighters import EntropyWeighter
        from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy
    return skc, mkpipe(EntropyWeighter(), TOPSIS()), skc_entropy, skc_topsis


def _entropy_peers(blocks):
    """Peer callables over a list of prepared (shifted) matrices, one per year or one pooled.

    Each returns a list of (weights, scores), one per block."""
    import pymcdm
    skc, pipe, skc_entropy, skc_topsis = _skc()
    ones = [np.ones(b.shape[1]) for b in blocks]

    def pymcdm_run():
        out = []
        for y, t in zip(blocks, ones):
            w = pymcdm.weights.entropy_weights(y)
            out.append((w, pymcdm.methods.TOPSIS()(y, w, t)))
        return out

    def skc_pipeline():
        out = []
        for y in blocks:
            dm = skc.mkdm(y, objectives=[max] * y.shape[1])
            rank = pipe.evaluate(dm)
            out.append((None, rank.e_.similarity))
        return out

    def skc_functions():
        out = []
        for y, t in zip(blocks, ones):
            w = skc_entropy(y)
            out.append((w, skc_topsis(y, t, w)[3]))
        return out

    return [Contender("pymcdm 1.4.0", pymcdm_run),
            Contender("scikit-criteria 0.10 pipeline", skc_pipeline),
            Contender("scikit-criteria 0.10 functions", skc_functions)]


def _entropy_case(key, name, size, raw_blocks, directions, budget):
    """raw_blocks: list of raw n x m matrices (one pooled block, or one per year)."""
    shifted = [normalize(x, directions, 1.0) for x in raw_blocks]

    def ours():
        out = []
        for x in raw_blocks:
            w = entropy_weights(x, directions, 1.0).weights
            out.append((w, topsis(x, w, directions, 1.0).score))
        return out

    contenders = _entropy_peers(shifted)
    me = Contender("ours: entropy_weights + topsis", ours)

    def check():
        mine = me.fn()
        for c in contenders:
            theirs = c.fn()
            for (w0, s0), (w1, s1) in zip(mine, theirs):
                if w1 is not None:
                    np.testing.assert_allclose(w1, w0, rtol=0, atol=1e-10, err_msg=c.label)
                np.testing.assert_allclose(s1, s0, rtol=0, atol=1e-10, err_msg=c.label)
        return "weights and closeness agree to 1e-10 with all three peers"

    prep = Contender("peer input prep: engine.normalize (not in peer times)",
                     lambda: [normalize(x, directions, 1.0) for x in raw_blocks])
    return Case(key, name, size, ours=me, peers=contenders, refs=[prep], check=check,
                notes=[PEER_PREP_NOTE], budget_s=budget, profile=ours)


def entropy_cases():
    out = []
    for key, rows, m, budget in (("et-372", 372, 13, 2.0), ("et-5000", 5000, 30, 3.0)):
        x, d = S.matrix(rows, m), S.directions(m)
        out.append(lambda key=key, x=x, d=d, rows=rows, m=m, budget=budget: _entropy_case(
            key, "entropy weights + TOPSIS, pooled", f"{rows:,} × {m}", [x], d, budget))

    def pooled():
        cube, d = S.indicator_cube(3000, 20, 50), S.directions(50)
        return _entropy_case("et-panel-pooled", "entropy weights + TOPSIS, pooled",
                             "3,000 × 20 × 50 (60,000 × 50)", [cube.reshape(-1, 50)], d, 4.0)

    def per_year():
        cube, d = S.indicator_cube(3000, 20, 50), S.directions(50)
        case = _entropy_case("et-panel-per-year", "entropy weights + TOPSIS, per year (loop)",
                             "3,000 × 20 × 50 (20 × 3,000 × 50)",
                             [cube[:, t, :] for t in range(20)], d, 4.0)
        case.notes.append("Per year: ours and every peer loop over the 20 years with the same "
                          "public calls (weights, min-max and ideal points within each year).")
        return case

    return out + [pooled, per_year]


# ----------------------------------------------------------------------------- inequality

def theil_case():
    import inequality.theil as it
    x, g = S.values_panel(3000, 20, 8)
    me = Contender("ours: theil", lambda: theil(x, g))
    peer_c = Contender("PySAL TheilD", lambda: it.TheilD(x, g))

    def check():
        ours, peer = me.fn(), peer_c.fn()
        np.testing.assert_allclose(ours.total, peer.T, rtol=1e-12)
        np.testing.assert_allclose(ours.between, peer.bg, rtol=1e-10)
        np.testing.assert_allclose(ours.within, peer.wg, rtol=1e-10)
        return "total, between and within agree with TheilD to 1e-10 (relative)"

    return Case("theil", "Theil T decomposition, every year, 8 regions", "3,000 × 20",
                ours=me, peers=[peer_c],
                check=check, budget_s=2.0, profile=lambda: theil(x, g),
                notes=["Unweighted (TheilD has no population weights)."])


def permutation_case():
    import inequality.theil as it
    x, g = S.values_panel(3000, 20, 8)

    def check():
        np.random.seed(12345)
        ours = between_permutation_test(x, g, permutations=999, seed=None)
        np.random.seed(12345)
        peer = it.TheilDSim(x, g, 999)
        np.testing.assert_array_equal(ours.p_value, peer.bg_pvalue)
        # Permuted between values are ~1e-3 of the observed ones (cancellation in the sum):
        # compare on the statistic's own scale.
        scale = np.abs(peer.bg[0]).max()
        np.testing.assert_allclose(ours.observed, peer.bg[0], rtol=1e-10)
        np.testing.assert_allclose(ours.permuted, peer.bg[1:], rtol=0, atol=1e-10 * scale)
        return ("with numpy.random.seed(12345) and seed=None ours draws PySAL's permutations: "
                "observed values agree to 1e-10, all 999 x 20 permuted values to 1e-10 of the "
                "largest observed value, p-values identical")

    def ours():
        return between_permutation_test(x, g, permutations=999, seed=20240601)

    return Case("perm", "permutation test of between, 999 permutations", "3,000 × 20, 8 regions",
                ours=Contender("ours: between_permutation_test(seed=int)", ours),
                peers=[Contender("PySAL TheilDSim", lambda: it.TheilDSim(x, g, 999), reps=3,
                                 warmup=False)],
                target=Target("< 250 ms and ≥ 20× TheilDSim", seconds=0.25, min_ratio=20),
                check=check, budget_s=3.0, profile=ours,
                notes=["Timed with an integer seed (the product's path: one vectorised "
                       "Generator draw); the agreement check uses seed=None, which replays "
                       "PySAL's legacy per-permutation draws. TheilDSim gets 3 repetitions "
                       "(its warm-up is the agreement check)."])


def dagum_cases(full: bool):
    out = []
    for n in (1_000, 10_000, 100_000):
        def build(n=n):
            values, g = S.values_panel(n, 1, 8)
            x = values[:, 0]
            run_peer = n <= 10_000 or full
            me = Contender("ours: dagum_gini", lambda: dagum_gini(x, g))
            peer = Contender("direct O(n²) Dagum (written here)", lambda: peers.dagum_direct(x, g),
                             reps=1 if n > 10_000 else None, warmup=n <= 10_000)

            def check():
                mine = me.fn()
                if not run_peer:
                    parts = mine.within + mine.net_between + mine.transvariation
                    np.testing.assert_allclose(parts, mine.total, rtol=1e-12)
                    return "peer skipped; checked within + net between + transvariation = total"
                ref = peer.fn()
                for part in ("total", "within", "net_between", "transvariation"):
                    np.testing.assert_allclose(getattr(mine, part), ref[part], rtol=1e-9,
                                               err_msg=part)
                return "total, within, net between, transvariation agree to 1e-9 (relative)"

            notes = ["Peer: Dagum (1997) coded directly over all n² pairs in benchmarks/peers.py "
                     "(no package implements the decomposition), in blocks of 4 M differences. "
                     "Unweighted, as the textbook formula."]
            if not run_peer:
                notes.append("At 100,000 units the O(n²) peer (about 100× its 10,000-unit time) is "
                             "skipped; `--full` runs it once, in blocks.")
            elif n > 10_000:
                notes.append("At 100,000 units the O(n²) peer ran once, in blocks (no warm-up).")
            return Case(f"dagum-{n}", "Dagum Gini decomposition, 8 regions", f"{n:,}",
                        ours=me, peers=[peer] if run_peer else [], check=check,
                        target=Target("< 1 s", seconds=1.0) if n == 100_000 else None,
                        budget_s=2.0, profile=lambda: dagum_gini(x, g), notes=notes)
        out.append(build)
    return out


# ----------------------------------------------------------------------------- pipeline

def _pipeline(units, years, m, n_regions, key, label, target_compute, target_run, budget):
    frame, indicators = S.panel_frame(units, years, m, n_regions)
    settings = Settings()
    checked = settings.checked()
    panel = prepare_panel(frame, indicators)
    core = Contender("ours: compute_panel", lambda: compute_panel(panel, checked))
    whole_c = Contender("ours: run_panel", lambda: run_panel(frame, indicators, settings))

    def check_core():
        nums = core.fn()
        flat = panel.values.reshape(-1, m)
        w = entropy_weights(flat, panel.directions, checked.shift).weights
        np.testing.assert_allclose(nums.weights, w, atol=1e-12)
        score = topsis(flat, w, panel.directions, checked.shift).score.reshape(units, years)
        np.testing.assert_allclose(nums.composite, score, atol=1e-12)
        th = theil(nums.composite, panel.regions, panel.population)
        np.testing.assert_allclose(nums.theil.total, th.total, rtol=1e-12)
        dg = nums.dagum
        np.testing.assert_allclose(dg.within + dg.net_between + dg.transvariation, dg.total,
                                   rtol=1e-10)
        return ("weights and composite equal entropy_weights + topsis on the pooled matrix "
                "(1e-12); Theil equals theil(); Dagum parts add up to the total")

    def check_whole():
        full = whole_c.fn()
        nums = compute_panel(panel, checked)
        np.testing.assert_allclose(full.numbers.composite, nums.composite, atol=0)
        np.testing.assert_allclose(full.numbers.theil.total, nums.theil.total, atol=0)
        return "run_panel's numbers are compute_panel's on the prepared arrays"

    size = f"{units:,} × {years} × {m}, {n_regions} regions, population"
    compute = Case(f"{key}-compute", f"{label}: compute_panel (numerical core)", size, ours=core,
                   target=Target(f"< {target_compute[1]}", seconds=target_compute[0])
                   if target_compute else None,
                   check=check_core, budget_s=budget, profile=core.fn,
                   notes=["No peer: no package computes this pipeline. Default Settings "
                          "(pooled weights and ideal, TOPSIS, Theil T, both decompositions "
                          "for every year, no permutations, no bootstrap); arrays prepared "
                          "once by prepare_panel outside the timing."])
    whole = Case(f"{key}-run", f"{label}: run_panel (validation + tables)", size, ours=whole_c,
                 target=Target(f"< {target_run[1]}", seconds=target_run[0]) if target_run else None,
                 check=check_whole, budget_s=budget, profile=whole_c.fn,
                 notes=["run_panel = prepare_panel (checks, reshaping, gap filling) + "
                        "compute_panel + tidy result tables (pandas), from the long table."])
    return compute, whole


def pipeline_cases():
    def paper():
        return _pipeline(31, 12, 13, 4, "pipe-paper", "pipeline, paper-size",
                         (1e-3, "1 ms"), None, 2.0)

    def big():
        return _pipeline(3000, 20, 50, 8, "pipe-big", "pipeline, large panel",
                         (0.3, "0.3 s"), (0.3, "0.3 s"), 4.0)

    return [paper, big]
