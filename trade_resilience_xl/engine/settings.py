"""Every choice the paper leaves open, in one place, with the paper's defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import InputError
from .groups import check_alpha
from .validation import as_shift

#: The one default random seed (Settings sheet, Python API, command line).
DEFAULT_SEED = 20240601
#: Most permutations or bootstrap replicates accepted: 999 is usual, 100,000 already takes
#: minutes, and more would exhaust memory before giving any more precision worth having.
MAX_REPLICATES = 100_000

SCOPES = ("pooled", "per_year")
SCORES = ("topsis", "weighted_sum")
MISSING = ("interpolate", "stop")
# issue 14: coupling, obstacle, density
COUPLING_MODELS = ("classic", "corrected")
COUPLING_RESCALE = {"none": False, "no": False, "off": False,
                    "0.01-0.99": True, "yes": True, "on": True}
DENSITY_YEAR_WORDS = ("first", "middle", "last")


def _numbers_text(value) -> list[str]:
    """"0.6, 0.4" or "2010; 2015 2021" -> its items (a lone number is one item)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [repr(value)]
    if isinstance(value, (tuple, list)):       # already checked, or from Python
        return [str(item) for item in value]
    return str(value).replace(";", ",").replace("，", ",").replace(",", " ").split()


def _coupling_weights(value):
    if value is None or str(value).strip().casefold() in ("", "equal"):
        return None
    try:
        weights = tuple(float(item) for item in _numbers_text(value))
    except ValueError:
        raise InputError(f"setting coupling_weights is {value!r}; expected equal or numbers "
                         "such as 0.6, 0.4", field="coupling_weights") from None
    if not weights or any(not (w >= 0) or w == float("inf") for w in weights) or sum(weights) <= 0:
        raise InputError(f"setting coupling_weights is {value!r}; weights must be numbers >= 0 "
                         "with a positive sum", field="coupling_weights")
    return weights


def _as_float(value) -> float:
    """The number in a setting's text or cell; NaN when there is none (caller words it)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _density_bandwidth(value):
    if isinstance(value, str) and value.strip().casefold() == "silverman":
        return "silverman"
    h = _as_float(value)
    if not (0 < h < float("inf")):
        raise InputError(f"setting density_bandwidth is {value!r}; expected silverman or a "
                         "number > 0", field="density_bandwidth")
    return h


def _density_years(value):
    items = []
    for item in _numbers_text(value):
        word = item.casefold()
        if word in DENSITY_YEAR_WORDS:
            items.append(word)
            continue
        year = _as_float(item)
        if not year.is_integer():
            raise InputError(f"setting density_years is {value!r}; expected years such as "
                             "2010, 2015, 2021 or first, middle, last", field="density_years")
        items.append(int(year))
    if not items:
        raise InputError("setting density_years is empty; expected first, middle, last or years",
                         field="density_years")
    return tuple(dict.fromkeys(items))


def _last_or_year(value, name):
    if isinstance(value, str) and value.strip().casefold() == "last":
        return "last"
    year = _as_float(value)
    if not year.is_integer():
        raise InputError(f"setting {name} is {value!r}; expected last or a year", field=name)
    return int(year)
# end issue 14


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
    coupling_model: "classic" (SPSSAU's C) or "corrected" (Wang et al. 2021).
    coupling_rescale: "none" or "0.01-0.99" (SPSSAU's rescaling of each sub-index first).
    coupling_weights: "equal" or one weight per dimension ("0.6, 0.4"), for T.
    obstacle_year: "last" or the year whose top three obstacles are shown.
    density_bandwidth: "silverman" or a bandwidth > 0. density_years: years of the density
        chart, "first, middle, last" or years such as "2010, 2015, 2021".
    moran_permutations: permutations of the global and local Moran tests (0: no p-values).
    lisa_year: the year of the local Moran table, "last" (the default) or a year.
    robustness_year: the year whose ranks the Robustness sheet compares ("last" or a year).
    combined_weights: "product" or "mean" of the entropy and CRITIC weights.
    sensitivity_draws, sensitivity_concentration: Dirichlet draws around the entropy weights
        (0 switches the sensitivity off) and their concentration (larger: closer draws).
    markov_classes: quantile classes of the Markov chains (2-9; 4 = quartiles).
    markov_breaks: "pooled" (fixed breaks over all unit-years, as the spatial chain) or
        "per_year" (quantiles within each year: equal shares in every year by construction).
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
    # issue 14: coupling, obstacle, density
    coupling_model: str = "classic"
    coupling_rescale: object = "none"
    coupling_weights: object = "equal"
    obstacle_year: object = "last"
    density_bandwidth: object = "silverman"
    density_years: object = "first, middle, last"
    # issue 14: convergence, spatial
    moran_permutations: int = 999
    lisa_year: object = "last"
    # issue 25: robustness of the weights, dynamics between levels
    robustness_year: object = "last"
    combined_weights: str = "product"
    sensitivity_draws: int = 1000
    sensitivity_concentration: float = 100.0
    markov_classes: int = 4
    markov_breaks: str = "pooled"

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
                       theil_measure=theil_measure, **self._after_index_checked(),
                       **self._dynamics_checked(count))

    # issue 25: robustness of the weights, dynamics between levels
    def _dynamics_checked(self, count) -> dict:
        combine = str(self.combined_weights).strip().casefold()
        if combine not in ("product", "mean"):
            raise InputError(f"setting combined_weights is {self.combined_weights!r}; expected "
                             "product or mean", field="combined_weights")
        concentration = _as_float(self.sensitivity_concentration)
        if not (0 < concentration < float("inf")):
            raise InputError("setting sensitivity_concentration is "
                             f"{self.sensitivity_concentration!r}; expected a number > 0",
                             field="sensitivity_concentration")
        classes = _as_float(self.markov_classes)
        if not (classes.is_integer() and 2 <= classes <= 9):
            raise InputError(f"setting markov_classes is {self.markov_classes!r}; expected a "
                             "whole number from 2 to 9", field="markov_classes")
        breaks = str(self.markov_breaks).strip().casefold().replace(" ", "_").replace("-", "_")
        if breaks not in SCOPES:
            raise InputError(f"setting markov_breaks is {self.markov_breaks!r}; expected per "
                             "year or pooled", field="markov_breaks")
        return {"robustness_year": _last_or_year(self.robustness_year, "robustness_year"),
                "combined_weights": combine, "sensitivity_draws": count("sensitivity_draws"),
                "sensitivity_concentration": concentration, "markov_classes": int(classes),
                "markov_breaks": breaks}

    # issue 14: coupling, obstacle, density
    def _after_index_checked(self) -> dict:
        rescale = str(self.coupling_rescale).strip().casefold() if not isinstance(
            self.coupling_rescale, bool) else ("0.01-0.99" if self.coupling_rescale else "none")
        if rescale not in COUPLING_RESCALE:
            raise InputError(f"setting coupling_rescale is {self.coupling_rescale!r}; expected "
                             "none or 0.01-0.99", field="coupling_rescale")
        model = str(self.coupling_model).strip().casefold()
        if model not in COUPLING_MODELS:
            raise InputError(f"setting coupling_model is {self.coupling_model!r}; expected "
                             "classic or corrected", field="coupling_model")
        return {"coupling_model": model, "coupling_rescale": COUPLING_RESCALE[rescale],
                "coupling_weights": _coupling_weights(self.coupling_weights),
                "obstacle_year": _last_or_year(self.obstacle_year, "obstacle_year"),
                "density_bandwidth": _density_bandwidth(self.density_bandwidth),
                "density_years": _density_years(self.density_years)}

    @classmethod
    def per_year(cls, **changes) -> Settings:
        """Normalisation, weights and ideal points all within each year."""
        return cls(normalization="per_year", weighting="per_year", ideal="per_year", **changes)
