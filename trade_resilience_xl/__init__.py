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

_ENGINE = ("InputError", "PanelResult", "Settings", "between_permutation_test", "bootstrap_weights",
           "classify", "dagum_gini", "entropy_weights", "normalize", "run_panel", "theil", "topsis",
           "weighted_sum",
           # issue 14: convergence, spatial
           "beta_convergence", "global_moran", "local_moran", "sigma_convergence")
_EXAMPLES = ("load_example_panel", "paper_indicators")
__all__ = sorted(_ENGINE + _EXAMPLES)


def __getattr__(name):
    # Lazy, so that importing a light submodule (paper, the ribbon entry points) does not
    # pay for numpy and pandas.
    if name in _ENGINE:
        from . import engine
        return getattr(engine, name)
    if name in _EXAMPLES:
        from . import example_data
        return getattr(example_data, name)
    raise AttributeError(f"module 'trade_resilience_xl' has no attribute {name!r}")
