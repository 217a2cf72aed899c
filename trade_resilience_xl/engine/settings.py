"""Every choice the paper leaves open, in one place, with the paper's defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .arrays import as_shift
from .errors import InputError
from .groups import check_alpha

#: The one default random seed (Settings sheet, Python API, command line).
DEFAULT_SEED = 20240601
#: Most permutations or bootstrap replicates accepted: 999 is usual, 100,000 already takes
#: minutes, and more would exhaust memory before giving any more precision worth having.
MAX_REPLICATES = 100_000

SCOPES = ("pooled", "per_year")
SCORES = ("topsis", "weighted_sum")
MISSING = ("interpolate", "stop")


@dataclass(frozen=True)
class Settings:
    """How a panel is measured.

    shift: y = h + shift after min-max normalisation (paper: 1). It changes the entropy weights a
        lot, the TOPSIS closeness not at all.
    normalization, weighting, ideal: "pooled" (min/max, weights and ideal points over all
        unit-years, so years stay comparable; the default) or "per_year".
    score: "topsis" (closeness, the paper) or "weighted_sum" (sum of w_j y_ij).
    theil_measure: "T", "L" or a GE alpha. paper_formula: the paper's printed (inexact) Theil T
        decomposition, for reproducing published numbers only.
    classification_basis: "mean" over years or one year.
    missing: "interpolate" (linear along years, nearest at the ends) or "stop".
    permutations, bootstrap: 0 switches the permutation test / weight intervals off.
    seed: makes permutations and bootstrap repeatable.
    moran_permutations: permutations of the global and local Moran tests (0: no p-values).
    lisa_year: the year of the local Moran table, "last" (the default) or a year.
    """

    shift: float = 1.0
    normalization: str = "pooled"
    weighting: str = "pooled"
    ideal: str = "pooled"
    score: str = "topsis"
    theil_measure: object = "T"
    paper_formula: bool = False
    classification_basis: object = "mean"
    missing: str = "interpolate"
    permutations: int = 0
    bootstrap: int = 0
    seed: int | None = DEFAULT_SEED
    # issue 14: convergence, spatial
    moran_permutations: int = 999
    lisa_year: object = "last"

    def checked(self) -> Settings:
        """A copy with values normalised, or an InputError naming the bad setting."""
        def pick(name, allowed):
            value = str(getattr(self, name)).strip().lower().replace(" ", "_").replace("-", "_")
            if value not in allowed:
                raise InputError(f"setting {name} is {getattr(self, name)!r}; expected one of "
                                 + ", ".join(a.replace("_", " ") for a in allowed), field=name)
            return value

        def count(name):
            value = getattr(self, name)
            if isinstance(value, bool) or not float(value).is_integer() or value < 0:
                raise InputError(f"setting {name} must be a whole number >= 0; got {value!r}",
                                 field=name)
            if value > MAX_REPLICATES:
                raise InputError(f"{name} is {int(value):,}; at most {MAX_REPLICATES:,} "
                                 "(999 is usual)", field=name)
            return int(value)

        basis = self.classification_basis
        if isinstance(basis, str) and basis.strip().lower() == "mean":
            basis = "mean"
        else:
            try:
                basis = int(basis)  # type: ignore[call-overload]  # any user value; errors below
            except (TypeError, ValueError):
                raise InputError(f"setting classification_basis is {basis!r}; "
                                 "expected mean or a year",
                                 field="classification_basis") from None
        theil_measure = self.theil_measure
        if isinstance(theil_measure, str):
            theil_measure = theil_measure.strip().upper()
        try:
            alpha = check_alpha(theil_measure)
        except InputError as error:
            error.field = "theil_measure"
            raise
        if self.paper_formula and alpha != 1.0:
            raise InputError("the paper's formula exists for Theil T only", field="theil_measure")
        weighting = pick("weighting", SCOPES)
        if count("bootstrap") and weighting != "pooled":
            raise InputError("bootstrap intervals need pooled weighting; set Bootstrap to 0 or "
                             "Weighting to pooled", field="bootstrap")
        lisa_year = self.lisa_year
        if isinstance(lisa_year, str) and lisa_year.strip().lower() == "last":
            lisa_year = "last"
        else:
            try:
                lisa_year = int(lisa_year)  # type: ignore[call-overload]  # any user value
            except (TypeError, ValueError):
                raise InputError(f"setting lisa_year is {lisa_year!r}; expected last or a year",
                                 field="lisa_year") from None
        return replace(self, moran_permutations=count("moran_permutations"), lisa_year=lisa_year,
                       shift=as_shift(self.shift),
                       normalization=pick("normalization", SCOPES), weighting=weighting,
                       ideal=pick("ideal", SCOPES), score=pick("score", SCORES),
                       missing=pick("missing", MISSING), permutations=count("permutations"),
                       bootstrap=count("bootstrap"), classification_basis=basis,
                       theil_measure=theil_measure)

    @classmethod
    def per_year(cls, **changes) -> Settings:
        """Normalisation, weights and ideal points all within each year."""
        return cls(normalization="per_year", weighting="per_year", ideal="per_year", **changes)
