"""Distribution dynamics: Gaussian kernel density of the index by year on one common grid.

f(g) = 1/(n h) sum_i phi((g - x_i)/h). Bandwidth: Silverman's rule of thumb
h = 0.9 min(sigma, IQR/1.34) n^(-1/5) (sigma with n - 1), or a fixed h > 0. When the IQR is 0
but sigma is not (many tied scores), min() would give h = 0: sigma is used alone, as R's
bw.nrd0 does. A year whose scores are all equal has no density (a single point): it is
reported, not estimated. Fewer than 3 units: no densities at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError

MIN_UNITS = 3
GRID_POINTS = 101
#: The grid runs this many (largest) bandwidths beyond the lowest and highest score.
GRID_REACH = 3.0
_ROOT_2PI = np.sqrt(2.0 * np.pi)


def silverman_bandwidth(x):
    """0.9 min(sigma, IQR/1.34) n^(-1/5) of x (n,), or of each column of x (n, k); sigma alone
    where the IQR is 0; 0 where sigma is 0."""
    x = np.asarray(x, dtype=float)
    sigma = np.std(x, axis=0, ddof=1)
    q75, q25 = np.percentile(x, [75, 25], axis=0)
    spread = np.minimum(sigma, (q75 - q25) / 1.34)
    spread = np.where(spread > 0, spread, sigma)
    h = 0.9 * spread * x.shape[0] ** -0.2
    return float(h) if np.ndim(h) == 0 else h


def kde_kernel(x, grid, h):
    """Gaussian kernel density of the values x (n,) at the points grid (g,), bandwidth h."""
    z = (grid[:, None] - x[None, :]) / h
    return np.exp(-0.5 * z * z).sum(axis=1) / (x.size * h * _ROOT_2PI)


@dataclass(frozen=True)
class DensityResult:
    grid: np.ndarray              # (g,)
    density: np.ndarray           # (g, columns); zeros in a column without a density
    bandwidth: np.ndarray         # (columns,); 0 where there is no density
    single_point: np.ndarray      # (columns,) bool: every value equal, no density


def kernel_density(values, bandwidth="silverman", grid_points=GRID_POINTS) -> DensityResult:
    """Densities of each column of ``values`` (units x years) on one common grid.

    ``bandwidth``: "silverman" or a number > 0 used for every column.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or not np.isfinite(x).all():
        raise InputError("scores must be a table of finite numbers")
    if x.shape[0] < MIN_UNITS:
        raise InputError(f"{x.shape[0]} units; a kernel density needs at least {MIN_UNITS}")
    fixed = None
    if not (isinstance(bandwidth, str) and bandwidth.strip().casefold() == "silverman"):
        fixed = float(bandwidth)
        if not np.isfinite(fixed) or fixed <= 0:
            raise InputError(f"bandwidth {bandwidth!r}; expected silverman or a number > 0",
                             field="density_bandwidth")
    single = x.max(axis=0) <= x.min(axis=0)
    h = np.where(single, 0.0, fixed if fixed else silverman_bandwidth(x))
    reach = GRID_REACH * (h.max() if h.any() else 0.0)
    grid = np.linspace(x.min() - reach, x.max() + reach, grid_points)
    density = np.zeros((grid_points, x.shape[1]))
    for t in np.flatnonzero(~single):
        density[:, t] = kde_kernel(x[:, t], grid, h[t])
    return DensityResult(grid, density, h, single)
