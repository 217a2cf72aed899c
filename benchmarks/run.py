"""Benchmarks against peers, side by side, in one run: `python benchmarks/run.py`.

Every case first checks that ours and its peer give the same numbers, then times them
interleaved (ours, peer, ours, peer, ...) after a warm-up, and the run prints one markdown
table of medians, targets and ratios, then min/median/max of every figure. Progress goes to
stderr, the report to stdout. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import fnmatch
import io
import pstats
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases_after_index  # noqa: E402  (issue 14: coupling, obstacle, density)
import cases_engine  # noqa: E402
import cases_front  # noqa: E402
import cases_refresh  # noqa: E402
import cases_robustness  # noqa: E402  (issue 25: robustness, dynamics)
import cases_scale  # noqa: E402  (issue 20: county scale)
import cases_spatial  # noqa: E402  (issue 14: convergence, spatial)
import machine  # noqa: E402
import report  # noqa: E402
from timing import Case, CaseResult, fmt_time, run_case  # noqa: E402


def log(message):
    print(message, file=sys.stderr, flush=True)


def builders(full: bool):
    return (cases_engine.entropy_cases() + [cases_engine.theil_case, cases_engine.permutation_case]
            + cases_engine.dagum_cases(full) + cases_engine.pipeline_cases()
            # issue 14: coupling, obstacle, density
            + cases_after_index.after_index_cases()
            + [cases_front.udf_call_case, cases_front.udf_parse_case, cases_front.udf_import_case,
               cases_front.udf_import_no_mpl_case, cases_front.cli_case,
               cases_refresh.demo_own_work_case, cases_refresh.formatted_case,
               cases_refresh.big_refresh_case]
            # issue 14: convergence, spatial
            + [cases_spatial.moran_case, cases_spatial.convergence_spatial_case]
            # issue 20: county scale
            + [cases_scale.phase_cases, cases_scale.moran_sparse_case, cases_scale.million_case]
            # issue 25: robustness of the weights, dynamics between levels
            + cases_robustness.robustness_cases())


def build_all(full: bool):
    """Every case, built lazily one builder at a time (a failing builder becomes a skip)."""
    for build in builders(full):
        try:
            made = build()
        except Exception as err:  # noqa: BLE001 - report, keep going
            name = getattr(build, "__name__", "case")
            yield Case(name, name, "—", skip=f"setup failed: {type(err).__name__}: {err}")
            continue
        yield from (made if isinstance(made, (list, tuple)) else [made])


def selected(case: Case, patterns) -> bool:
    return not patterns or any(fnmatch.fnmatch(case.key, p) or p in case.key for p in patterns)


# ----------------------------------------------------------------------------- report

class Notes:
    def __init__(self):
        self.texts: list[str] = []

    def mark(self, texts) -> str:
        marks = []
        for t in texts:
            if t not in self.texts:
                self.texts.append(t)
            marks.append(str(self.texts.index(t) + 1))
        return f" [{', '.join(marks)}]" if marks else ""


def _ratio(r):
    return "—" if r is None else (f"{r:.3g}×" if r < 100 else f"{r:,.0f}×")


def _met(flag):
    return {True: "yes", False: "**NO**", None: "—"}[flag]


def main_table(results: list[CaseResult], notes: Notes) -> str:
    rows = ["| case | size | ours (median) | peer (median) | peer/ours | target | met? |",
            "|---|---|---|---|---|---|---|"]
    for res in results:
        c = res.case
        name = c.name + notes.mark(c.notes + ([c.skip] if c.skip else [])
                                   + ([res.error] if res.error else []))
        target = c.target.text if c.target else "—"
        if c.skip or res.error:
            why = "skipped" if c.skip else "check FAILED, not timed"
            rows.append(f"| {name} | {c.size} | {why} | — | — | {target} | — |")
            continue
        ours = fmt_time(res.ours.median)
        met = _met(res.met())
        if not res.peers:
            rows.append(f"| {name} | {c.size} | {ours} | — | — | {target} | {met} |")
        for p in res.peers:
            rows.append(f"| {name} | {c.size} | {ours} | {p.label}: {fmt_time(p.median)} | "
                        f"{_ratio(res.ratio(p))} | {target} | {met} |")
    return "\n".join(rows)


def detail_table(results: list[CaseResult]) -> str:
    rows = ["| case | timed | reps × calls | min | median | max |", "|---|---|---|---|---|---|"]
    for res in results:
        if res.case.skip or res.error:
            continue
        timed = ([res.ours] + ([res.ours_gross, res.baseline] if res.baseline else [])
                 + res.peers + res.refs)
        for t in timed:
            if not t.times:
                continue
            lo, mid, hi = t.spread
            rows.append(f"| {res.case.key} | {t.label} | {len(t.times)} × {t.inner} | "
                        f"{fmt_time(lo)} | {fmt_time(mid)} | {fmt_time(hi)} |")
    return "\n".join(rows)


def dagum_growth(results: list[CaseResult]) -> str | None:
    by_n = {}
    for res in results:
        if res.case.key.startswith("dagum-") and res.ours is not None and not res.error:
            n = int(res.case.key.split("-")[1])
            by_n[n] = (res.ours.median, res.peers[0].median if res.peers else None)
    sizes = sorted(by_n)
    if len(sizes) < 2:
        return None
    lines = ["Dagum: how time grows per 10× units (O(n log n) would give about 11–13×, "
             "O(n²) 100×):", ""]
    for a, b in zip(sizes, sizes[1:]):
        ours = by_n[b][0] / by_n[a][0]
        peer = (by_n[b][1] / by_n[a][1]) if by_n[a][1] and by_n[b][1] else None
        lines.append(f"- {a:,} → {b:,}: ours ×{ours:.1f} ({fmt_time(by_n[a][0])} → "
                     f"{fmt_time(by_n[b][0])})" + (f"; direct O(n²) peer ×{peer:.1f}"
                                                   if peer else ""))
    return "\n".join(lines)


def profile_case(case: Case, seconds=1.0, top=18) -> str:
    if case.profile_text is not None:
        return case.profile_text()
    if case.profile is None:
        return "(nothing to profile)"
    start = time.perf_counter()
    case.profile()
    once = max(time.perf_counter() - start, 1e-6)
    calls = max(1, min(2000, int(seconds / once)))
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        case.profile()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    out.write(f"{calls} call(s); sorted by own time (tottime), then cumulative\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    root = str(Path(__file__).resolve().parents[1])
    return text.replace(root + "/", "")


# ----------------------------------------------------------------------------- main

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="+", metavar="KEY",
                   help="run only cases whose key matches (substring or glob), e.g. et-372 dagum*")
    p.add_argument("--quick", action="store_true",
                   help="half the time budget, 3 repetitions minimum (smoke test, less stable)")
    p.add_argument("--full", action="store_true",
                   help="also run the O(n²) Dagum peer at 100,000 units (once, in blocks; ~1 min)")
    p.add_argument("--verbose", action="store_true",
                   help="also print every repetition's time")
    p.add_argument("--profile", action="store_true",
                   help="profile (cProfile / -X importtime) every case that misses its target")
    p.add_argument("--profile-all", action="store_true",
                   help="profile every case that ran, target or not")
    p.add_argument("--list", action="store_true", help="list the case keys and exit")
    p.add_argument("--save", metavar="REPORT.md", type=Path,
                   help="also write the report to this file (header: commit and machine) and "
                        "copy its results table into README.md's Benchmarks section")
    return p.parse_args(argv)


def main(argv=None) -> int:
    opts = parse_args(argv)
    if opts.list:
        for case in build_all(opts.full):
            print(f"{case.key:24} {case.name} ({case.size})")
        print(f"{'growth':24} the refresh and every sheet builder at 500, 2,000, 8,000 units")
        return 0
    if opts.save is None:
        return run(opts)
    with report.Tee() as captured:
        status = run(opts)
    report.save(opts.save, captured.getvalue())
    log(f"report saved to {opts.save}; README.md's Benchmarks table copied from it")
    return status


def run(opts) -> int:
    print("# trade_resilience_xl benchmarks\n")
    print(report.commit_line() + "\n")
    print(machine.markdown())
    print()
    started = time.perf_counter()
    results: list[CaseResult] = []
    for case in build_all(opts.full):
        if not selected(case, opts.only):
            continue
        if case.skip:
            log(f"- {case.key}: skipped ({case.skip})")
            results.append(CaseResult(case))
            continue
        log(f"- {case.key}: {case.name}, {case.size}")
        t0 = time.perf_counter()
        try:
            res = run_case(case, quick=opts.quick, log=log)
        except AssertionError as err:
            first = str(err).strip().splitlines()
            res = CaseResult(case, error="ours and the peer disagree: "
                             + " ".join(first[:4])[:400])
        except Exception as err:  # noqa: BLE001 - one broken case must not end the run
            traceback.print_exc(file=sys.stderr)
            res = CaseResult(case, error=f"failed: {type(err).__name__}: {err}")
        log(f"  done in {time.perf_counter() - t0:.1f} s")
        results.append(res)
    notes = Notes()
    print("## Results (medians)\n")
    print(main_table(results, notes))
    print()
    for i, text in enumerate(notes.texts, 1):
        print(f"{i}. {text}")
    growth = dagum_growth(results)
    if growth:
        print("\n" + growth)
    if not opts.only or any(fnmatch.fnmatch("growth", p) or p in "growth" for p in opts.only):
        log("- growth: the refresh and every sheet builder by size")
        print("\n" + cases_scale.growth_section(log))
    remarks = [(r.case.key, r.remark) for r in results if r.remark]
    if remarks:
        print("\n## Agreement checks (before timing)\n")
        print("\n".join(f"- {key}: {text}" for key, text in remarks))
    print("\n## Min / median / max of every figure\n")
    print(detail_table(results))
    if opts.verbose:
        print("\n## Every repetition (seconds per call)\n")
        for r in results:
            for t in ([r.ours] if r.ours else []) + r.peers + r.refs:
                print(f"- {r.case.key} / {t.label}: " + ", ".join(f"{v:.6g}" for v in t.times))
    missed = [r for r in results if r.met() is False]
    if opts.profile_all:
        missed = [r for r in results if r.ours is not None]
    if (opts.profile or opts.profile_all) and missed:
        print("\n## Profiles" + ("" if opts.profile_all else " of the cases that miss their target")
              + "\n")
        for r in missed:
            log(f"- profiling {r.case.key}")
            print(f"### {r.case.key}: {r.case.name}, {r.case.size}\n\n```\n"
                  f"{profile_case(r.case).rstrip()}\n```\n")
    total = time.perf_counter() - started
    print(f"\nTotal benchmark time: {total:.0f} s.")
    failed = [r for r in results if r.error]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
