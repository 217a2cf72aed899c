import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def mexico():
    """PySAL's Mexican state per-capita GDP, 1940-2000, and Hanson's 1998 regions (real data)."""
    import libpysal
    f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    y = np.array([f.by_col[f"pcgdp{d}"] for d in range(1940, 2010, 10)]).T
    return y, np.array(f.by_col("hanson98")), [str(s) for s in f.by_col("State")]


@pytest.fixture(scope="session")
def example_panel():
    from trade_resilience_xl.example_data import load_example_panel
    return load_example_panel()


@pytest.fixture(scope="session")
def indicator_table():
    from trade_resilience_xl import paper
    return pd.DataFrame({"code": [i.code for i in paper.INDICATORS],
                         "indicator": [i.indicator for i in paper.INDICATORS],
                         "dimension": [i.dimension for i in paper.INDICATORS],
                         "direction": [i.direction for i in paper.INDICATORS]})

