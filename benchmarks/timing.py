"""Interleaved timing: every repetition runs ours, then each peer, then each reference, so that
slow drifts of the machine (frequency, other load) hit all contenders alike."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_BATCH_S = 0.025      # fast calls are repeated until one measurement lasts this long
MAX_INNER = 2000


@dataclass
class Contender:
    """Something timed. ``reps`` caps its repetitions (slow peers); ``warmup=False`` when the
    agreement check already ran it once; ``inner=1`` for subprocesses (never batched)."""

    label: str
    fn: Callable[[], object]
    reps: int | None = None
    warmup: bool = True
    inner: int | None = None


@dataclass
class Target:
    """ours' median below ``seconds`` and, if ``min_ratio``, peer/ours at least that."""

    text: str
    seconds: float | None = None
    min_ratio: float | None = None


@dataclass
class Case:
    key: str
    name: str
    size: str
    ours: Contender | None = None
    peers: list = field(default_factory=list)
    refs: list = field(default_factory=list)        # timed alongside, shown in the detail table
    baseline: Contender | None = None               # subtracted from ours, repetition by repetition
    target: Target | None = None
    check: Callable[[], str | None] | None = None   # raises on disagreement; may return a remark
    notes: list = field(default_factory=list)
    skip: str | None = None
    budget_s: float = 4.0
    min_reps: int = 5
    max_reps: int = 40
    profile: Callable[[], object] | None = None     # what --profile runs under cProfile
    profile_text: Callable[[], str] | None = None   # or a ready-made profile (subprocess cases)


@dataclass
class Timed:
    label: str
    times: list            # seconds per call, one entry per repetition
    inner: int

    @property
    def median(self):
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def spread(self):
        return (min(self.times), self.median, max(self.times)) if self.times else None


@dataclass
class CaseResult:
    case: Case
    ours: Timed | None = None
    peers: list = field(default_factory=list)
    refs: list = field(default_factory=list)
    ours_gross: Timed | None = None       # before subtracting the baseline
    baseline: Timed | None = None
    remark: str | None = None
    error: str | None = None

    def ratio(self, peer: Timed):
        if self.ours is None or not peer.times or self.ours.median <= 0:
            return None
        return peer.median / self.ours.median

    def met(self):
        t = self.case.target
        if t is None or self.ours is None:
            return None
        ok = True
        if t.seconds is not None:
            ok &= self.ours.median < t.seconds
        if t.min_ratio is not None:
            ratios = [self.ratio(p) for p in self.peers]
            ok &= bool(ratios) and all(r is not None and r >= t.min_ratio for r in ratios)
        return ok


def _one(fn, inner):
    """Seconds per call over ``inner`` back-to-back calls, garbage collector paused (as timeit
    does; a full collection costs ~0.1 s here, so it runs once per case, not per call)."""
    was = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        return (time.perf_counter() - start) / inner
    finally:
        if was:
            gc.enable()


def _calibrate(c: Contender, warm: float | None):
    """Calls per measurement and an estimate of one measurement's seconds. Capped (slow) peers
    and subprocesses run once per measurement. ``warm`` is the warm-up call's time, if any."""
    if c.reps is not None:
        return (c.inner or 1), 0.0
    if c.inner is not None:
        return c.inner, (warm or 0.0) * c.inner
    if warm is not None and warm >= 4 * MIN_BATCH_S:
        return 1, warm
    first = _one(c.fn, 1)                  # a second, warm call
    if first >= MIN_BATCH_S:
        return 1, first
    inner = int(min(MAX_INNER, MIN_BATCH_S // max(first, 1e-7) + 1))
    return inner, inner * first


def _recording(c: Contender, first: dict):
    fn = c.fn

    def recorded():
        start = time.perf_counter()
        out = fn()
        first.setdefault(id(c), time.perf_counter() - start)
        return out

    return recorded


def run_case(case: Case, *, quick: bool = False, log=print) -> CaseResult:
    """Check agreement, warm up, then ``reps`` rounds of ours, peers, references, baseline."""
    result = CaseResult(case)
    contenders = ([case.ours] if case.ours else []) + list(case.peers) + list(case.refs)
    if case.baseline is not None:
        contenders.append(case.baseline)
    first = {}
    if case.check is not None:
        # Checks call contenders through their Contender objects: that first call is also their
        # warm-up, and its time sizes the repetitions.
        log(f"  checking {case.key} against its peer ...")
        originals = {id(c): c.fn for c in contenders}
        for c in contenders:
            c.fn = _recording(c, first)
        try:
            result.remark = case.check()
        finally:
            for c in contenders:
                c.fn = originals[id(c)]
    gc.collect()
    gc.freeze()         # long-lived objects out of the collector's way
    warm = {id(c): first[id(c)] if id(c) in first else _one(c.fn, 1)
            for c in contenders if c.warmup}
    inners, estimate = {}, 0.0
    for c in contenders:
        inners[id(c)], seconds = _calibrate(c, warm.get(id(c)))
        estimate += seconds
    budget = case.budget_s * (0.5 if quick else 1.0)
    floor = 3 if quick else case.min_reps
    reps = floor if estimate <= 0 else max(floor, min(case.max_reps, int(budget / estimate)))
    times = {id(c): [] for c in contenders}
    for r in range(reps):
        for c in contenders:
            cap = c.reps if c.reps is None or not quick else min(c.reps, 2)
            if cap is not None and r >= cap:
                continue
            times[id(c)].append(_one(c.fn, inners[id(c)]))

    def wrap(c):
        return Timed(c.label, times[id(c)], inners[id(c)])

    if case.ours is not None:
        result.ours = wrap(case.ours)
    if case.baseline is not None:
        result.ours_gross, result.baseline = result.ours, wrap(case.baseline)
        net = [a - b for a, b in zip(result.ours_gross.times, result.baseline.times)]
        result.ours = Timed(case.ours.label + " minus empty interpreter", net, 1)
    result.peers = [wrap(c) for c in case.peers]
    result.refs = [wrap(c) for c in case.refs]
    return result


def fmt_time(seconds) -> str:
    if seconds is None or seconds != seconds:
        return "—"
    a = abs(seconds)
    if a < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if a < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"
