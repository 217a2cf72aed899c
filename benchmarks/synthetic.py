"""Seeded synthetic inputs for the benchmarks (numpy default_rng only; no real statistics).

Indicators are log-normal with a unit effect, an indicator-specific trend over years and
multiplicative noise; about a third of the indicators are costs (direction -1). Regions are
assigned at random (every region gets at least one unit); populations are log-normal, so
positive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20240601


def directions(m: int, seed: int = SEED) -> np.ndarray:
    """+1 / -1 per indicator, about a third costs; the first indicator is always a benefit."""
    rng = np.random.default_rng([seed, m, 1])
    d = np.where(rng.random(m) < 1 / 3, -1.0, 1.0)
    d[0] = 1.0
    return d


def indicator_cube(units: int, years: int, m: int, seed: int = SEED) -> np.ndarray:
    """units x years x m positive values: log-normal, with unit effects and yearly trends."""
    rng = np.random.default_rng([seed, units, years, m])
    level = rng.normal(0.0, 2.0, m)                       # each indicator's own scale
    load = rng.uniform(0.3, 1.0, m)                       # how much the unit effect matters
    trend = rng.normal(0.04, 0.03, m)                     # growth per year
    unit = rng.normal(0.0, 0.6, units)
    t = np.arange(years, dtype=float)
    log_x = (level[None, None, :] + unit[:, None, None] * load[None, None, :]
             + trend[None, None, :] * t[None, :, None]
             + rng.normal(0.0, 0.25, (units, years, m)))
    return np.exp(log_x)


def matrix(rows: int, m: int, seed: int = SEED) -> np.ndarray:
    """A pooled rows x m matrix (one year of ``rows`` units with the same structure)."""
    return indicator_cube(rows, 1, m, seed)[:, 0, :]


def regions(units: int, n_regions: int, seed: int = SEED) -> np.ndarray:
    """Region labels "R1".."RG" at random, each region non-empty."""
    rng = np.random.default_rng([seed, units, n_regions, 2])
    codes = rng.integers(0, n_regions, units)
    codes[:n_regions] = np.arange(n_regions)              # no empty region
    rng.shuffle(codes)
    return np.array([f"R{c + 1}" for c in codes], dtype=object)


def population(units: int, years: int, seed: int = SEED) -> np.ndarray:
    """units x years positive populations, log-normal, growing about 1% a year."""
    rng = np.random.default_rng([seed, units, years, 3])
    base = np.exp(rng.normal(8.0, 0.8, units))
    growth = np.exp(0.01 * np.arange(years) + rng.normal(0.0, 0.01, (units, years)))
    return base[:, None] * growth


def values_panel(units: int, years: int, n_regions: int, seed: int = SEED):
    """A units x years panel of positive values with region effects (for Theil / Gini), and
    the region labels."""
    labels = regions(units, n_regions, seed)
    rng = np.random.default_rng([seed, units, years, n_regions, 4])
    codes = np.unique(labels, return_inverse=True)[1]
    region_effect = rng.normal(0.0, 0.3, n_regions)[codes]
    t = np.arange(years, dtype=float)
    log_x = (region_effect[:, None] + rng.normal(0.0, 0.5, units)[:, None]
             + 0.03 * t[None, :] + rng.normal(0.0, 0.1, (units, years)))
    return np.exp(log_x), labels


def panel_frame(units: int, years: int, m: int, n_regions: int, *, dims: int = 2,
                seed: int = SEED):
    """A long table (unit, region, year, population, X1..Xm) and its indicator table.

    Indicators are split into ``dims`` dimensions in consecutive blocks (as in the paper:
    8 + 5 for m = 13, dims = 2).
    """
    cube = indicator_cube(units, years, m, seed)
    pop = population(units, years, seed)
    labels = regions(units, n_regions, seed)
    names = [f"U{u + 1:04d}" for u in range(units)]
    codes = [f"X{j + 1}" for j in range(m)]
    year_values = np.arange(2010, 2010 + years)
    frame = pd.DataFrame({
        "unit": np.repeat(np.asarray(names, dtype=object), years),
        "region": np.repeat(labels, years),
        "year": np.tile(year_values, units),
        "population": pop.ravel(),
    })
    frame = pd.concat([frame, pd.DataFrame(cube.reshape(units * years, m), columns=codes)], axis=1)
    bounds = (np.array_split(np.arange(m), dims) if m != 13 or dims != 2
              else [range(8), range(8, 13)])
    dim_of = {}
    for d, block in enumerate(bounds):
        for j in block:
            dim_of[j] = f"D{d + 1}"
    signs = directions(m, seed)
    indicators = pd.DataFrame({
        "code": codes, "indicator": [f"Indicator {c}" for c in codes],
        "dimension": [dim_of[j] for j in range(m)],
        "direction": ["+" if s > 0 else "-" for s in signs],
    })
    return frame, indicators
