"""Write a panel run's result tables as tidy CSV files (one observation per row).

The files are for R, Stata, pandas and other tools, so they follow the usual conventions:

* plain UTF-8 **without** a byte-order mark by default. pandas, readr, data.table and Stata
  (14+) read UTF-8 as the standard encoding; a BOM is invisible noise to them at best, and at
  worst becomes part of the first column name (``\\ufeffunit`` with Python's csv module,
  ``X.U.FEFF.unit`` with R's ``read.csv`` unless ``fileEncoding = "UTF-8-BOM"``). Excel users
  have the workbook itself; if a CSV must open by double-click in a Chinese-locale Excel
  (which otherwise decodes it as GBK and garbles 构高抗高型), pass ``bom=True``
  (``trade-resilience refresh --csv DIR --csv-bom``); Excel's Data > From Text/CSV reads
  the BOM-less files correctly either way.
* ``,`` separator, ``\\n`` line ends, a header row, ``.`` decimal point, floats written
  with full round-trip precision (so they equal the workbook cells exactly), missing
  values as empty fields, no index column.

* text that a spreadsheet would run as a formula is neutralised the standard way (OWASP,
  "CSV injection"): a text field starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, so Excel and LibreOffice show it as text
  instead of evaluating it (``=HYPERLINK(...)`` or ``@SUM(...)`` in a province or
  indicator name). A lone ``+`` or ``-`` (the direction column) cannot be a formula and
  is left as it is. Numbers are numbers and are never touched.

``weights, scores, types, filled`` (and ``coupling, obstacles, obstacle_top, density``) are
written in the engine's row order; ``theil`` and
``dagum`` are long ``year, component, group, value`` tables where ``group`` is empty for
the whole-panel components and holds the region for per-region ones.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from trade_resilience_xl.atomic import replacing

# File name -> (PanelResult attribute, columns in order). The column lists are the public
# contract documented in docs/cli.md; a column the engine adds later does not leak in.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "weights.csv": ("weights", ("code", "indicator", "dimension", "direction", "entropy",
                                "divergence", "weight")),
    "scores.csv": ("scores", ("unit", "region", "year", "index", "score")),
    "types.csv": ("types", ("unit", "region", "dimension", "score", "rank", "level",
                            "type_en", "type_zh")),
    "theil.csv": ("theil", ("year", "component", "group", "value")),
    "dagum.csv": ("dagum", ("year", "component", "group", "value")),
    "filled.csv": ("filled", ("unit", "year", "code", "value")),
    # issue 14: coupling, obstacle, density
    "obstacles.csv": ("obstacles", ("unit", "region", "year", "level", "factor", "obstacle")),
    "obstacle_top.csv": ("obstacle_top", ("unit", "region", "basis", "rank", "factor",
                                          "obstacle")),
    # issue 14: convergence, spatial
    "beta_convergence.csv": ("beta", ("first_year", "last_year", "n", "alpha", "beta",
                                      "se_beta", "t", "p_value", "r_squared", "theta",
                                      "half_life", "note")),
}
# Written only when the run computed them (Permutations / Bootstrap settings above 0).
OPTIONAL_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "permutation.csv": ("permutation", ("year", "observed", "p_value")),
    "bootstrap.csv": ("bootstrap", ("code", "weight", "lower", "upper")),
    # issue 14: coupling (needs 2+ dimensions), density (needs 3+ units); the sub-indices
    # the coupling used follow year as u_<dimension> columns.
    "coupling.csv": ("coupling", ("unit", "region", "year", "coupling", "comprehensive",
                                  "coordination", "class", "class_en", "class_zh")),
    "density.csv": ("density", ("year", "point", "density", "bandwidth")),
    # issue 14: convergence, spatial (absent when not computed; the Log says why)
    "sigma_convergence.csv": ("sigma", ("year", "group", "mean", "sd", "cv")),
    "moran.csv": ("moran", ("year", "moran_i", "expected", "p_value")),
    "lisa.csv": ("lisa", ("unit", "region", "year", "index", "z", "lag_z", "local_i",
                          "quadrant", "p_value")),
    # issue 25: robustness of the weights, dynamics between levels (engine/
    # panel_robustness_dynamics.py; absent when not computed, the Log says why)
    "method_weights.csv": ("robustness.method_weights", ("method", "code", "weight")),
    "method_ranks.csv": ("robustness.method_ranks", ("unit", "region", "method", "score_year",
                                                     "rank_year", "score_mean", "rank_mean")),
    "rank_agreement.csv": ("robustness.agreement", ("basis", "method_a", "method_b",
                                                    "spearman", "kendall")),
    "weight_sensitivity.csv": ("robustness.sensitivity", ("unit", "region", "rank", "rank_low",
                                                          "rank_high", "keeps_level")),
    "markov.csv": ("robustness.markov", ("chain", "from_class", "to_class", "count",
                                         "probability")),
    "markov_shares.csv": ("robustness.markov_shares", ("chain", "class", "first_year",
                                                       "last_year", "steady_state")),
    "spatial_markov.csv": ("robustness.spatial_markov", ("lag_class", "from_class", "to_class",
                                                         "count", "probability")),
    "spatial_markov_test.csv": ("robustness.spatial_test", ("statistic", "value", "dof",
                                                            "p_value")),
}


def _table(result, attribute: str):
    """The table at a dotted attribute path; None where any step is None."""
    value = result
    for part in attribute.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _columns_for(name: str, frame: pd.DataFrame, wanted: tuple[str, ...]) -> list[str]:
    columns = list(wanted)
    if name in ("weights.csv", "method_weights.csv") and "year" in frame.columns:
        columns.insert(0, "year")  # per-year weighting: one block of weights per year
    if name == "coupling.csv":     # issue 14: one column per dimension, named by the user
        columns[3:3] = [c for c in frame.columns if c.startswith("u_")]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: the result table has no column(s) {', '.join(missing)}")
    return columns


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_inert_text(value):
    """``value`` unchanged unless it is text a spreadsheet would evaluate as a formula;
    then the same text behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value not in ("+", "-"):
        return "'" + value
    return value


def _write_one(frame: pd.DataFrame, target: Path, encoding: str) -> None:
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text_columns:
        frame = frame.copy()
        for column in text_columns:
            frame[column] = frame[column].map(as_inert_text)
    with replacing(target, "w", encoding=encoding, newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")


def write_tidy_csv(result, directory: str | os.PathLike, *, bom: bool = False) -> list[Path]:
    """Write the result tables of ``result`` (a ``PanelResult``) into ``directory``.

    Creates the folder if needed, overwrites files of the same names, and returns the
    paths written: weights, scores, types, theil, dagum, filled, obstacles, obstacle_top,
    beta_convergence (+ permutation, bootstrap, coupling, density, sigma_convergence, moran and
    lisa when computed). ``bom=True`` writes UTF-8 with a byte-order mark for Excel
    double-click. All or nothing: see ``stage_tidy_csv``.
    """
    return stage_tidy_csv(result, directory, bom=bom).commit()


class StagedCsv:
    """CSV files written in a temporary folder beside their folder, not yet in place:
    ``commit()`` moves them in (one rename each), ``discard()`` removes them."""

    def __init__(self, folder: Path, temp: Path) -> None:
        self.folder, self.temp = folder, temp
        self.names: list[str] = []

    def commit(self) -> list[Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in self.names:
            try:
                os.replace(self.temp / name, self.folder / name)
            except OSError as error:
                raise _naming(error, self.folder / name, "could not be moved into place "
                              f"from {self.temp}") from error
        self.discard()
        return [self.folder / name for name in self.names]

    def discard(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)


def _naming(error: OSError, path: Path, what: str) -> OSError:
    """``error`` as one that names ``path`` (a failed write names no file by itself)."""
    reason = "the disk is full" if error.errno == errno.ENOSPC else (
        error.strerror or str(error))
    return OSError(error.errno, f"{what} ({reason})", str(path))


def stage_tidy_csv(result, directory: str | os.PathLike, *, bom: bool = False) -> StagedCsv:
    """The CSV files of ``write_tidy_csv``, written into a temporary folder beside
    ``directory`` (same file system, so moving them in is a rename). A failure (a full
    disk...) removes that folder and raises an OSError naming the CSV file: nothing is
    left half-written, and no file in ``directory`` has changed. ``refresh --csv`` stages
    the files before it saves the workbook and moves them in after (issue 23)."""
    folder = Path(directory)
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp",
                                     dir=folder.parent))
    except OSError as error:
        raise _naming(error, folder, "no temporary folder could be made beside it") from error
    staged = StagedCsv(folder, temp)
    encoding = "utf-8-sig" if bom else "utf-8"
    try:
        for name, (attribute, wanted) in (TABLES | OPTIONAL_TABLES).items():
            frame = _table(result, attribute)
            if frame is None:
                if name in TABLES:
                    raise ValueError(f"the result has no {attribute} table")
                continue
            try:
                _write_one(frame[_columns_for(name, frame, wanted)], temp / name, encoding)
            except OSError as error:
                raise _naming(error, folder / name, "could not be written; no CSV file "
                              "was changed") from error
            staged.names.append(name)
    except BaseException:
        staged.discard()
        raise
    return staged
