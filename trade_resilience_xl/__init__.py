"""trade_resilience_xl: entropy-weight TOPSIS composite indices and regional inequality
decompositions (Theil, Dagum Gini) for province x year panels, in Excel and from Python.

The Python API is the engine's:

>>> from trade_resilience_xl import run_panel, Settings, load_example_panel, paper_indicators
>>> result = run_panel(load_example_panel(), paper_indicators(), Settings(),
...                    columns={"unit": "Province", "region": "Region", "year": "Year",
...                             "population": "Population"})
>>> float(round(result.weights["weight"].sum(), 12))
1.0
"""

__version__ = "0.1.0"

from .engine import (  # noqa: E402,F401
    InputError, PanelResult, Settings, between_permutation_test, bootstrap_weights, classify,
    dagum_gini, entropy_weights, normalize, run_panel, theil, topsis, weighted_sum)
from .example_data import load_example_panel, paper_indicators  # noqa: E402,F401

__all__ = ["InputError", "PanelResult", "Settings", "between_permutation_test",
           "bootstrap_weights", "classify", "dagum_gini", "entropy_weights",
           "load_example_panel", "normalize", "paper_indicators", "run_panel", "theil", "topsis",
           "weighted_sum"]
