"""The analyses after the index on a measured panel (issue 14: coupling, obstacle, density):
tidy tables from the arrays of ``compute_panel`` plus the one-line notes the sheets show for
degenerate cases (one dimension, a unit at the ideal, a year of equal scores, < 3 units)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .coupling import CLASSES_EN, CLASSES_ZH, coupling_kernel, coupling_weights, rescale_kernel
from .density import MIN_UNITS, kernel_density
from .errors import InputError
from .obstacle import gap_normalized, group_sums, obstacle_kernel

TOP = 3


@dataclass(frozen=True)
class AfterIndex:
    coupling: pd.DataFrame | None      # None with one dimension
    obstacles: pd.DataFrame
    obstacle_top: pd.DataFrame
    density: pd.DataFrame | None       # None with fewer than 3 units
    coupling_notes: list
    obstacle_notes: list
    density_notes: list
    obstacle_year: int
    density_years: list                # the years the chart plots (each with a density)


def _filled(n: int, text: str) -> np.ndarray:
    """An object array of ``n`` references to one ``text``: np.full(n, text, dtype=object)
    goes through a string array and makes n copies (84 MB for 1.5 M obstacle rows)."""
    out = np.empty(n, dtype=object)
    out.fill(text)
    return out


def _long(panel, columns: dict) -> pd.DataFrame:
    U, T = len(panel.units), len(panel.years)
    base = {"unit": np.repeat(np.asarray(panel.units, dtype=object), T),
            "region": np.repeat(np.asarray(panel.regions, dtype=object), T),
            "year": np.tile(np.asarray(panel.years), U)}
    return pd.DataFrame(base | {k: np.asarray(v).reshape(U * T) for k, v in columns.items()})


def _coupling(panel, subindices, s):
    dims = list(panel.dimension_order)
    if len(dims) < 2:
        return None, [f"Coupling coordination needs at least 2 dimensions; the Indicators "
                      f"sheet has 1 ({dims[0]}). / 耦合协调需要至少两个维度。"]
    u = np.stack([subindices[d] for d in dims], axis=-1)          # (U, T, k)
    notes = []
    if s.coupling_rescale:
        u, constant = rescale_kernel(u, axis=(0, 1))
        notes += [f"dimension {d} is constant; rescaled to 0.5 for every unit and year"
                  for d, c in zip(dims, constant.ravel()) if c]
    alpha = coupling_weights(s.coupling_weights, len(dims))
    c, t, d, level = coupling_kernel(u, alpha, s.coupling_model)
    table = _long(panel, {**{f"u_{dim}": u[..., i] for i, dim in enumerate(dims)},
                          "coupling": c, "comprehensive": t, "coordination": d,
                          "class": level + 1,
                          "class_en": np.asarray(CLASSES_EN, dtype=object)[level],
                          "class_zh": np.asarray(CLASSES_ZH, dtype=object)[level]})
    return table, notes


def _obstacles(panel, weights, s, axis):
    y = gap_normalized(panel.values, panel.directions, axis=axis)          # (U, T, m)
    w = weights if weights.ndim == 1 else weights[None, :, :]
    shares, undefined = obstacle_kernel(y, w)                              # (U, T, m), (U, T)
    dims = list(panel.dimension_order)
    by_dim = group_sums(shares, panel.dimensions, dims)
    U, T = undefined.shape
    keep = ~undefined.reshape(-1)
    parts = []
    for level, names, values in (("indicator", panel.codes, shares), ("dimension", dims, by_dim)):
        k = len(names)
        rows = np.repeat(keep, k)
        parts.append({
            "unit": np.repeat(np.asarray(panel.units, dtype=object), T * k)[rows],
            "region": np.repeat(np.asarray(panel.regions, dtype=object), T * k)[rows],
            "year": np.tile(np.repeat(np.asarray(panel.years), k), U)[rows],
            "level": _filled(rows.sum(), level),
            "factor": np.tile(np.asarray(names, dtype=object), U * T)[rows],
            "obstacle": values.reshape(-1)[rows]})
    table = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in parts[0]})
    notes = [f"{panel.units[i]} in {panel.years[t]}: at the best observed value of every "
             "weighted indicator, so its obstacles are undefined / 各指标均达最优，障碍度无定义"
             for i, t in zip(*np.nonzero(undefined))]
    return shares, undefined, table, notes


def _obstacle_year(panel, s) -> int:
    if s.obstacle_year == "last":
        return panel.years[-1]
    if s.obstacle_year not in panel.years:
        raise InputError(f"obstacle year {s.obstacle_year} is not in the data "
                         f"({panel.years[0]}-{panel.years[-1]})", field="obstacle_year")
    return s.obstacle_year


def _top(panel, shares, undefined, year):
    """The TOP largest indicator obstacles of each unit in ``year`` and of the mean over the
    years where they are defined; units without any are left out (their notes say why)."""
    t = panel.years.index(year)
    top = min(TOP, len(panel.codes))          # a system of one or two indicators has fewer
    defined_years = (~undefined).sum(axis=1)                           # (U,)
    mean = (shares * ~undefined[..., None]).sum(axis=1) / np.maximum(defined_years, 1)[:, None]
    parts = []
    for basis, values, ok in ((str(year), shares[:, t], ~undefined[:, t]),
                              ("mean", mean, defined_years > 0)):
        order = np.argsort(-values, axis=1, kind="stable")[ok, :top]         # (kept, top)
        units = np.flatnonzero(ok)
        parts.append({
            "unit": np.repeat(np.asarray(panel.units, dtype=object)[units], top),
            "region": np.repeat(np.asarray(panel.regions, dtype=object)[units], top),
            "basis": _filled(units.size * top, basis),
            "rank": np.tile(np.arange(1, top + 1), units.size),
            "factor": np.asarray(panel.codes, dtype=object)[order].ravel(),
            "obstacle": np.take_along_axis(values[ok], order, axis=1).ravel()})
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in parts[0]})


def _density_years(panel, s, single):
    years = panel.years
    picked = []
    for item in s.density_years:
        if item in ("first", "middle", "last"):
            item = {"first": years[0], "middle": years[(len(years) - 1) // 2],
                    "last": years[-1]}[item]
        elif item not in years:
            raise InputError(f"density year {item} is not in the data ({years[0]}-{years[-1]})",
                             field="density_years")
        if item not in picked and not single[years.index(item)]:
            picked.append(item)
    return picked


def _density(panel, composite, s):
    n = len(panel.units)
    if n < MIN_UNITS:
        return None, [f"A kernel density needs at least {MIN_UNITS} units; the data have {n}. "
                      "/ 核密度估计至少需要3个单元。"], []
    r = kernel_density(composite, s.density_bandwidth)
    notes = [f"{year}: every score equals {composite[0, t]:.6g}; no density (a single point) "
             "/ 该年得分全部相同，无密度"
             for t, year in enumerate(panel.years) if r.single_point[t]]
    T, G = len(panel.years), r.grid.size
    table = pd.DataFrame({"year": np.repeat(np.asarray(panel.years), G),
                          "point": np.tile(r.grid, T), "density": r.density.T.ravel(),
                          "bandwidth": np.repeat(r.bandwidth, G)})
    table = table[np.repeat(~r.single_point, G)].reset_index(drop=True)
    return table, notes, _density_years(panel, s, r.single_point)


def after_index(panel, nums, s, axis) -> AfterIndex:
    """Coupling, obstacle and density tables of a measured panel (``axis``: the
    normalisation's reduction axes, as in compute_panel)."""
    coupling, coupling_notes = _coupling(panel, nums.subindices, s)
    year = _obstacle_year(panel, s)
    shares, undefined, obstacles, obstacle_notes = _obstacles(panel, nums.weights, s, axis)
    top = _top(panel, shares, undefined, year)
    density, density_notes, years = _density(panel, nums.composite, s)
    return AfterIndex(coupling, obstacles, top, density, coupling_notes, obstacle_notes,
                      density_notes, year, years)
