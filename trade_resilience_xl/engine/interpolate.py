"""Filling gaps in a balanced panel along years (the paper: "filled in through interpolation")."""

from __future__ import annotations

import numpy as np

from .errors import InputError


def interpolate_years(cube, years, *, unit_labels, field_labels):
    """Linear interpolation along axis 1 (years) of a unit x year x field cube; nearest value at
    the ends. Returns the filled cube and the filled cells as (unit, year, field, value) tuples.

    A unit with no value at all for a field cannot be filled and is an error naming both.
    """
    year_labels = list(years)
    years = np.asarray(years, dtype=float)
    missing = np.isnan(cube)
    if not missing.any():
        return cube, []
    empty = missing.all(axis=1)
    if empty.any():
        u, j = (int(v) for v in np.argwhere(empty)[0])
        raise InputError(f"{unit_labels[u]} has no value for {field_labels[j]} in any year; "
                         "interpolation needs at least one", unit=unit_labels[u],
                         field=field_labels[j])
    t = np.arange(cube.shape[1])[None, :, None]
    valid = ~missing
    prev = np.maximum.accumulate(np.where(valid, t, -1), axis=1)
    nxt = np.flip(np.minimum.accumulate(np.flip(np.where(valid, t, cube.shape[1]), axis=1),
                                        axis=1), axis=1)
    # Ends take the nearest observed value.
    prev_i = np.where(prev < 0, nxt, prev)
    next_i = np.where(nxt >= cube.shape[1], prev_i, nxt)
    v0 = np.take_along_axis(cube, prev_i, axis=1)
    v1 = np.take_along_axis(cube, next_i, axis=1)
    y0, y1 = years[prev_i], years[next_i]
    span = np.where(y1 > y0, y1 - y0, 1.0)
    frac = np.where(y1 > y0, (years[None, :, None] - y0) / span, 0.0)
    filled = np.where(missing, v0 + frac * (v1 - v0), cube)
    cells = [(unit_labels[u], year_labels[t_], field_labels[j], float(filled[u, t_, j]))
             for u, t_, j in np.argwhere(missing)]
    return filled, cells
