"""From a long table of unit-years and an indicator table to validated, gap-filled arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError
from .interpolate import interpolate_years
from .validation import MAX_MAGNITUDE, direction_sign

COLUMNS = {"unit": "unit", "region": "region", "year": "year", "population": "population"}


@dataclass(frozen=True)
class PanelArrays:
    """A balanced panel as arrays: ``values`` is units x years x indicators, ``population`` units
    x years (None for equal weights). Indicator metadata follows the indicator table's order."""

    units: list
    regions: list            # one per unit
    years: list
    codes: list
    names: list
    dimensions: list         # one per indicator
    dimension_order: list    # distinct dimensions, in order of first appearance
    directions: np.ndarray   # +1 / -1 per indicator
    values: np.ndarray
    population: np.ndarray | None
    filled: list             # (unit, year, field, value) for every interpolated cell
    warnings: list
    # dimension -> its short Chinese label (for Chinese type names), where one was given
    dimension_zh: dict = field(default_factory=dict)


# The columns of an indicator table: those of `trade-resilience new`'s indicators CSV, plus
# "indicator" (the name, as the workbook's Indicators sheet calls it). Any other column is
# refused: it may be one of these misspelt, and would be ignored without a word.
INDICATOR_COLUMNS = ("code", "dimension", "direction", "indicator", "name", "name_zh",
                     "dimension_zh", "unit", "unit_zh", "explanation")


def read_indicators(indicators) -> tuple[list, list, list, np.ndarray]:
    """Codes, names, dimensions and direction signs from a table with columns code, dimension,
    direction and optionally the name (column indicator or name) and the other columns of
    ``INDICATOR_COLUMNS``."""
    table = pd.DataFrame(indicators)
    table.columns = [str(c).strip().lower() for c in table.columns]
    for col in ("code", "dimension", "direction"):
        if col not in table.columns:
            raise InputError(f"the indicator table has no column {col!r}", field=col)
    unknown = [c for c in table.columns if c not in INDICATOR_COLUMNS]
    if unknown:
        raise InputError(f"the indicator table has a column {unknown[0]!r} that is not read "
                         f"(known: {', '.join(INDICATOR_COLUMNS)})", field=unknown[0])
    if {"indicator", "name"} <= set(table.columns):
        raise InputError("the indicator table has both 'indicator' and 'name' columns; keep "
                         "one (both are the indicator's name)", field="name")
    table = table.rename(columns={"name": "indicator"})
    if table.empty:
        raise InputError("the indicator table lists no indicators")
    codes, names, dims, signs = [], [], [], []
    for i, row in enumerate(table.itertuples(index=False)):
        code = "" if pd.isna(row.code) else str(row.code).strip()
        if not code:
            raise InputError(f"indicator row {i + 1} has no code", row=i, field="code")
        if code in codes:
            raise InputError(f"indicator code {code} is listed twice", row=i, field="code")
        dim = "" if pd.isna(row.dimension) else str(row.dimension).strip()
        if not dim:
            raise InputError(f"indicator {code} has no dimension", row=i, field="dimension")
        sign = direction_sign(row.direction)
        if sign is None:
            raise InputError(f"indicator {code} has direction {row.direction!r}; use + or -",
                             row=i, field="direction")
        name = getattr(row, "indicator", None)
        codes.append(code)
        names.append(code if name is None or pd.isna(name) else str(name))
        dims.append(dim)
        signs.append(sign)
    return codes, names, dims, np.array(signs, dtype=float)


def short_chinese_labels(indicators, dimensions) -> dict:
    """Dimension -> short Chinese label from an optional ``dimension_zh`` column of the
    indicator table (e.g. "经济" for "Economic base"); every indicator of one dimension that
    gives a label must give the same one."""
    table = pd.DataFrame(indicators)
    table.columns = [str(c).strip().lower() for c in table.columns]
    if "dimension_zh" not in table.columns:
        return {}
    labels: dict = {}
    for i, (dim, label) in enumerate(zip(dimensions, table["dimension_zh"], strict=True)):
        if label is None or pd.isna(label) or not str(label).strip():
            continue
        label = str(label).strip()
        if labels.setdefault(dim, label) != label:
            raise InputError(f"dimension {dim} has two Chinese labels, {labels[dim]} and {label}",
                             row=i, field="dimension")
    return labels


def _numeric(frame: pd.DataFrame, cols, unit_col, year_col):
    """Columns as floats; text that is not a number is an error naming unit, year and column."""
    out = {}
    for col in cols:
        raw = frame[col]
        if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
            num = raw.astype(float)
        else:
            num = pd.to_numeric(raw, errors="coerce").astype(float)
            # Only cells that did not convert are looked at as text; blanks count as missing.
            rejected = num.isna() & raw.notna()
            if rejected.any():
                text = raw[rejected].astype(str).str.strip()
                bad = text[text != ""]
                if len(bad):
                    i = frame.index.get_loc(bad.index[0])
                    r = frame.iloc[i]
                    raise InputError(f"{col} for {r[unit_col]}, {r[year_col]} is {raw.iloc[i]!r}; "
                                     "a number expected", row=int(i), unit=r[unit_col],
                                     year=r[year_col], field=col)
        values = num.to_numpy()
        bad = np.abs(np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=np.inf)) > MAX_MAGNITUDE
        if bad.any():
            i = int(bad.argmax())
            r = frame.iloc[i]
            what = "infinite" if np.isinf(values[i]) else (
                f"{values[i]:g}; numbers above {MAX_MAGNITUDE:g} in size cannot be computed with")
            raise InputError(f"{col} for {r[unit_col]}, {r[year_col]} is {what}", row=i,
                             unit=r[unit_col], year=r[year_col], field=col)
        out[col] = num
    return pd.DataFrame(out, index=frame.index)


def _labels(column: pd.Series) -> pd.Series:
    """Labels as stripped text; the distinct values are converted once, not every row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    cleaned = np.array(["" if pd.isna(u) else str(u).strip() for u in uniques], dtype=object)
    return pd.Series(cleaned[codes], index=column.index)


def _check_keys(frame, unit_col, region_col, year_col):
    units, regions = _labels(frame[unit_col]), _labels(frame[region_col])
    for col, labels in ((unit_col, units), (region_col, regions)):
        blank = labels == ""
        if blank.any():
            i = int(blank.to_numpy().argmax())
            raise InputError(f"data row {i + 1} has no {col}", row=i, field=col)
    years = pd.to_numeric(frame[year_col], errors="coerce")
    bad = years.isna() | (years % 1 != 0)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(f"data row {i + 1}: year {frame[year_col].iloc[i]!r} "
                         "is not a whole number", row=i, field=year_col)
    dup = pd.DataFrame({"u": units, "y": years}).duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise InputError(f"{units.iloc[i]} has more than one row for {int(years.iloc[i])}",
                         row=i, unit=units.iloc[i], year=int(years.iloc[i]))
    pairs = pd.DataFrame({"u": units, "r": regions}).drop_duplicates()
    mixed = pairs["u"].duplicated(keep=False)
    if mixed.any():
        unit = pairs.loc[mixed, "u"].iloc[0]
        both = pairs.loc[pairs["u"] == unit, "r"]
        raise InputError(f"{unit} is in more than one region ({', '.join(both)})",
                         unit=unit, field=region_col)
    return units, regions, years.astype(int)


def prepare_panel(data: pd.DataFrame, indicators, *, missing="interpolate",
                  columns=None) -> PanelArrays:
    """Validate a long panel (one row per unit-year) and arrange it as arrays.

    ``columns`` maps the roles unit, region, year, population to the frame's column names
    (population may be absent: equal weights). Every unit must have every year; gaps in values
    are filled by linear interpolation along years (``missing="interpolate"``) or stop the run.
    """
    roles = {**COLUMNS, **(columns or {})}
    unit_col, region_col, year_col, pop_col = (roles[k] for k in
                                               ("unit", "region", "year", "population"))
    codes, names, dims, signs = read_indicators(indicators)
    for col in (unit_col, region_col, year_col):
        if col not in data.columns:
            raise InputError(f"the data have no column {col!r}", field=col)
    absent = [c for c in codes if c not in data.columns]
    if absent:
        raise InputError(f"indicator {absent[0]} has no column in the data", field=absent[0])
    if len(data) == 0:
        raise InputError("the data have no rows")
    units, regions, years = _check_keys(data, unit_col, region_col, year_col)
    has_pop = pop_col in data.columns and data[pop_col].notna().any()
    numeric = _numeric(data.assign(**{unit_col: units, year_col: years}),
                       codes + ([pop_col] if has_pop else []), unit_col, year_col)
    unit_order = pd.unique(units).tolist()
    year_order = sorted(pd.unique(years).tolist())
    if len(unit_order) < 2:
        raise InputError(f"the data hold {len(unit_order)} unit; at least 2 are needed")
    counts = pd.Series(1, index=units.to_numpy()).groupby(level=0).size()
    short = counts[counts < len(year_order)]
    if len(short):
        u = short.index[0]
        have = set(years[units == u])
        lost = [y for y in year_order if y not in have]
        raise InputError(f"{u} has no row for {', '.join(map(str, lost[:5]))}"
                         + (" and more" if len(lost) > 5 else "") + "; every unit needs every year",
                         unit=u, year=lost[0])
    index = pd.MultiIndex.from_product([unit_order, year_order])
    numeric.index = pd.MultiIndex.from_arrays([units.to_numpy(), years.to_numpy()])
    cube = numeric.reindex(index).to_numpy().reshape(len(unit_order), len(year_order), -1)
    fields = codes + (["population"] if has_pop else [])
    if np.isnan(cube).any() and missing == "stop":
        u, t, j = (int(v) for v in np.argwhere(np.isnan(cube))[0])
        raise InputError(f"{fields[j]} is missing for {unit_order[u]}, {year_order[t]} "
                         "(missing values are set to stop)", unit=unit_order[u],
                         year=year_order[t], field=fields[j])
    cube, filled = interpolate_years(cube, year_order, unit_labels=unit_order, field_labels=fields)
    warnings = []
    population = None
    if has_pop:
        population = cube[:, :, -1]
        cube = cube[:, :, :-1]
        bad = population <= 0
        if bad.any():
            u, t = (int(v) for v in np.argwhere(bad)[0])
            raise InputError(f"population for {unit_order[u]}, {year_order[t]} is "
                             f"{population[u, t]:g}; it must be positive",
                             unit=unit_order[u], year=year_order[t], field=pop_col)
    else:
        warnings.append("no population given: every unit weighs the same in Theil and Gini")
    if filled:
        warnings.append(f"{len(filled)} missing value(s) filled by interpolation along years")
    region_of = pd.Series(regions.to_numpy(), index=units.to_numpy())
    region_of = region_of[~region_of.index.duplicated()]
    return PanelArrays(unit_order, region_of.reindex(unit_order).tolist(), year_order, codes, names,
                       dims, list(dict.fromkeys(dims)), signs, cube, population, filled, warnings,
                       short_chinese_labels(indicators, dims))
