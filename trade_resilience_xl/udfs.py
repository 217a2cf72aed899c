"""Worksheet functions a researcher can type: =ENTROPY_WEIGHTS(...), =TOPSIS(...), ...

Thin fronts over ``trade_resilience_xl.engine``: parse the Excel-shaped arguments
(``udf_args``), call the engine, return a plain 2-D list that Excel 365 spills. A bad
input returns one line of text ``NAME: what is wrong, where``; see docs/formulas.md.

Rules that keep both of xlwings' paths working (classic VBA and Office.js/``XLWINGS_ON_SERVER``):
- no annotations on parameters or returns: xlwings reads them as converters;
- no ``ndim``/``expand`` options: both paths squeeze ranges, udf_args normalises shapes;
- ``@excel_function`` sits under the xlwings decorators; ``functools.wraps`` keeps the name
  and signature xlwings inspects. xlwings' generator wraps every name in ``dir(module)`` that
  carries ``__xlfunc__`` (only the decorated functions); the ``_`` helpers here carry none.
- docstrings and argument docs are Excel's function-wizard text: at most 255 characters.

The functions live in one module per topic (``udfs_index``, ``udfs_inequality``,
``udfs_analyses``, ``udfs_robustness``); this module gathers them, because xlwings' VBA
generator and the xlwings Lite program read one module: ``dir(trade_resilience_xl.udfs)``,
every name carrying ``__xlfunc__``, in alphabetical order, whichever module defines it. The
generated wrappers call ``trade_resilience_xl.udfs.NAME``, so the workbook's VBA is the same as
before the split.
"""
from __future__ import annotations

from trade_resilience_xl.udfs_analyses import (
    BETA_CONVERGENCE,
    COUPLING_COORDINATION,
    KERNEL_DENSITY,
    LOCAL_MORAN,
    MORAN_I,
    OBSTACLE_DEGREE,
    SIGMA_CONVERGENCE,
)
from trade_resilience_xl.udfs_index import (
    COMPOSITE_SCORE,
    ENTROPY_TABLE,
    ENTROPY_WEIGHTS,
    NORMALIZE,
    RESILIENCE_TYPE,
    TOPSIS,
)
from trade_resilience_xl.udfs_inequality import (
    DAGUM_GINI,
    THEIL,
    THEIL_DECOMP,
)
from trade_resilience_xl.udfs_robustness import (
    MARKOV_MATRIX,
    OBJECTIVE_WEIGHTS,
    RANK_AGREEMENT,
)

__all__ = [
    "BETA_CONVERGENCE",
    "COMPOSITE_SCORE",
    "COUPLING_COORDINATION",
    "DAGUM_GINI",
    "ENTROPY_TABLE",
    "ENTROPY_WEIGHTS",
    "KERNEL_DENSITY",
    "LOCAL_MORAN",
    "MARKOV_MATRIX",
    "MORAN_I",
    "NORMALIZE",
    "OBJECTIVE_WEIGHTS",
    "OBSTACLE_DEGREE",
    "RANK_AGREEMENT",
    "RESILIENCE_TYPE",
    "SIGMA_CONVERGENCE",
    "THEIL",
    "THEIL_DECOMP",
    "TOPSIS",
]
