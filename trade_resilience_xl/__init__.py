"""trade_resilience_xl: entropy-weight TOPSIS composite indices and regional inequality
decompositions (Theil, Dagum Gini) for province x year panels, in Excel and from Python."""

__version__ = "0.1.0"
