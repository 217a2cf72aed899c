"""Coupling coordination degree of k >= 2 sub-indices (dimension scores) per unit and year.

Two forms of the coupling C (docs/method.md):

* classic (SPSSAU's and most papers'): C = k * [prod U_i / (sum U_i)^k]^(1/k), i.e. the
  geometric mean of the U_i over their arithmetic mean;
* corrected (Wang Shujia et al. 2021, 国内耦合协调度模型的误区及修正, J. Natural Resources
  36(3)): C = sqrt{[1 - sum_{i>j} |U_i - U_j| / sum_{m=1}^{k-1} m]
  * prod_i (U_i / max U)^(1/(k-1))}.

Then T = sum alpha_i U_i (alpha >= 0, summing to 1; equal by default), D = sqrt(C T) and
the ten coordination classes of width 0.1 (lower bound included, 1.0 in the top class).
Optional SPSSAU rescaling maps each dimension to 0.01 + 0.98 (U - min)/(max - min) first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError

FORMS = ("classic", "corrected")
RESCALE_LOW, RESCALE_HIGH = 0.01, 0.99
#: The ten classes of D by 0.1, lowest first.
CLASSES_EN = ("Extreme imbalance", "Serious imbalance", "Moderate imbalance", "Mild imbalance",
              "Verging on imbalance", "Barely coordinated", "Primary coordination",
              "Intermediate coordination", "Good coordination", "High-quality coordination")
CLASSES_ZH = ("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
              "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调")
#: A constant dimension has no range to rescale: it is put in the middle of 0.01-0.99.
RESCALE_CONSTANT = 0.5


def rescale_kernel(u, axis=0):
    """SPSSAU's interval scaling 0.01 + 0.98 (u - min)/(max - min) over ``axis``; a constant
    column becomes RESCALE_CONSTANT. Returns the scaled array and the constant mask."""
    lo = u.min(axis=axis, keepdims=True)
    hi = u.max(axis=axis, keepdims=True)
    constant = hi <= lo
    span = np.where(constant, 1.0, hi - lo)
    scaled = RESCALE_LOW + (RESCALE_HIGH - RESCALE_LOW) * (u - lo) / span
    return np.where(constant, RESCALE_CONSTANT, scaled), constant


def coupling_kernel(u, alpha, form="classic"):
    """C, T, D and the class index (0..9) of sub-indices u (..., k) in [0, 1].

    Where every U_i is 0 (classic) or max U is 0 (corrected), C is 0/0; it is set to 0 (no
    development, nothing coupled), and D = 0 there in any case since T = 0.
    """
    k = u.shape[-1]
    total = u.sum(axis=-1)
    top = u.max(axis=-1)
    if form == "classic":
        logs = np.log(u, out=np.full_like(u, -np.inf), where=u > 0)
        geometric = np.exp(logs.mean(axis=-1))
        c = np.divide(k * geometric, total, out=np.zeros_like(total), where=total > 0)
    else:
        pairs = np.zeros_like(total)
        for i in range(k):
            for j in range(i):
                pairs += np.abs(u[..., i] - u[..., j])
        balance = np.clip(1.0 - pairs / (k * (k - 1) / 2), 0.0, None)
        ratio = np.divide(u, top[..., None], out=np.zeros_like(u), where=top[..., None] > 0)
        c = np.sqrt(balance * np.prod(ratio, axis=-1) ** (1.0 / (k - 1)))
    c = np.minimum(c, 1.0)              # rounding can put C a hair above 1 for equal U_i
    t = u @ alpha
    d = np.sqrt(c * t)
    level = np.minimum(np.floor(d * 10).astype(int), 9)
    return c, t, d, level


@dataclass(frozen=True)
class CouplingResult:
    coupling: np.ndarray        # C, one per row
    comprehensive: np.ndarray   # T
    coordination: np.ndarray    # D
    level: np.ndarray           # class index 0..9
    class_en: list
    class_zh: list
    used: np.ndarray            # the sub-indices the formulas saw (rescaled when asked)
    constant: np.ndarray        # per column: constant, so rescaled to 0.5
    weights: np.ndarray


def check_form(form) -> str:
    text = str(form).strip().casefold()
    if text not in FORMS:
        raise InputError(f"coupling model is {form!r}; expected classic or corrected",
                         field="coupling_model")
    return text


def coupling_weights(weights, k: int) -> np.ndarray:
    """Equal weights (None) or k weights >= 0 with a positive sum, rescaled to sum 1."""
    if weights is None:
        return np.full(k, 1.0 / k)
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != k:
        raise InputError(f"coupling weights: {w.size} given for {k} dimensions",
                         field="coupling_weights")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InputError("coupling weights must be numbers >= 0 with a positive sum",
                         field="coupling_weights")
    return w / w.sum()


def coupling_coordination(u, weights=None, form="classic", rescale=False) -> CouplingResult:
    """Coupling coordination of the rows of u (n x k sub-indices, k >= 2).

    Without ``rescale`` every value must lie in [0, 1]; with it, each column is first mapped
    to 0.01-0.99 (SPSSAU's default), any finite values accepted.
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 2 or u.shape[1] < 2:
        raise InputError("coupling needs at least 2 sub-indices (columns)")
    if not np.isfinite(u).all():
        i, j = (int(v) for v in np.argwhere(~np.isfinite(u))[0])
        raise InputError("a sub-index is not a finite number", row=i, column=j)
    form = check_form(form)
    w = coupling_weights(weights, u.shape[1])
    constant = np.zeros(u.shape[1], dtype=bool)
    if rescale:
        u, constant = rescale_kernel(u, axis=0)
        constant = constant.ravel()
    else:
        bad = (u < 0) | (u > 1)
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise InputError(f"sub-index {u[i, j]:g} is outside [0, 1]; rescale to 0.01-0.99 "
                             "or pass scores in [0, 1]", row=i, column=j)
    c, t, d, level = coupling_kernel(u, w, form)
    return CouplingResult(c, t, d, level, [CLASSES_EN[v] for v in level],
                          [CLASSES_ZH[v] for v in level], u, constant, w)
