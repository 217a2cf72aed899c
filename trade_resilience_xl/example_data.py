"""An ILLUSTRATIVE example panel for the default study - NOT official statistics.

The numbers are invented by a seeded random generator so that the workbook, the demo and
the tests have something realistic-looking to compute on: 31 provinces x 2010-2021, the
urban employed population (10k persons) as inequality weight, and X1..X13 in the units of
``trade_resilience_xl.paper.INDICATORS``. Magnitudes, trends and the East > Central /
Northeast > West ordering resemble Chinese yearbook data, but no value is a real
statistic: never cite them, never compare them with the paper's results.

A handful of cells (``N_GAPS``) are left empty, never a province's first or last year,
so that the "interpolate" setting has something to fill.

``load_example_panel()`` reads the shipped ``data/example_panel.csv``;
``generate_example_panel()`` rebuilds the same table from the seed (a test checks both
agree). Regenerate the CSV with ``python -m trade_resilience_xl.example_data``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from trade_resilience_xl.paper import INDICATOR_CODES, INDICATORS, PROVINCES, YEARS

ILLUSTRATIVE_NOTE = "Illustrative data, not official statistics / 示例数据，非官方统计"
DEFAULT_SEED = 20240531
N_GAPS = 8
CSV_NAME = "example_panel.csv"
COLUMNS: tuple[str, ...] = ("Province", "Region", "Year", "Population") + INDICATOR_CODES

# Rough latent (development, economic size) per province on a log-like scale, so the
# invented numbers keep the familiar picture (coastal East most developed, Guangdong and
# Jiangsu largest, Tibet and Qinghai smallest). Hand-set orders of magnitude, not data.
_LATENT: dict[str, tuple[float, float]] = {
    "Beijing": (1.3, 0.5), "Tianjin": (0.9, 0.0), "Hebei": (0.1, 0.55),
    "Shanxi": (-0.05, 0.0), "Inner Mongolia": (0.1, -0.1), "Liaoning": (0.2, 0.3),
    "Jilin": (0.0, -0.4), "Heilongjiang": (-0.05, -0.2), "Shanghai": (1.3, 0.6),
    "Jiangsu": (1.0, 1.45), "Zhejiang": (1.0, 1.1), "Anhui": (0.0, 0.5),
    "Fujian": (0.8, 0.6), "Jiangxi": (-0.1, 0.1), "Shandong": (0.6, 1.2),
    "Henan": (0.0, 0.9), "Hubei": (0.2, 0.6), "Hunan": (0.0, 0.55),
    "Guangdong": (1.0, 1.5), "Guangxi": (-0.4, 0.1), "Hainan": (0.2, -1.0),
    "Chongqing": (0.1, 0.15), "Sichuan": (-0.2, 0.8), "Guizhou": (-0.6, -0.1),
    "Yunnan": (-0.5, 0.1), "Tibet": (-0.7, -2.0), "Shaanxi": (0.0, 0.2),
    "Gansu": (-0.7, -0.7), "Qinghai": (-0.4, -1.5), "Ningxia": (-0.3, -1.3),
    "Xinjiang": (-0.4, -0.3),
}
# Indicators that get gaps: continuous series where interpolation is meaningful.
_GAP_CANDIDATES = ("X1", "X2", "X5", "X6", "X7", "X8", "X9", "X10", "X13")


def generate_example_panel(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate the illustrative (not official) panel from ``seed`` (numpy PCG64).

    Returns a DataFrame with ``COLUMNS``, one row per province-year in the NBS province
    order and ascending years, and ``N_GAPS`` NaN cells.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    n_prov, n_year = len(PROVINCES), len(YEARS)
    t = np.arange(n_year, dtype=float)  # 0 = 2010
    latent = np.array([_LATENT[p.name] for p in PROVINCES])
    dev = latent[:, 0] + rng.normal(0.0, 0.1, n_prov)    # latent development
    size = latent[:, 1] + rng.normal(0.0, 0.15, n_prov)  # latent economic size

    def grow(base, rate, noise):
        """base * exp(rate * t) with multiplicative yearly noise, shape (prov, year)."""
        shocks = rng.normal(0.0, noise, (n_prov, n_year))
        return base[:, None] * np.exp(rate * t[None, :] + shocks)

    cols: dict[str, np.ndarray] = {}
    population = grow(320.0 * np.exp(1.0 * size), 0.02, 0.01)
    cols["X1"] = grow(30000.0 * np.exp(0.45 * dev), 0.075, 0.015)
    urban = 48.0 + 13.0 * dev + rng.normal(0, 3.0, n_prov)
    cols["X2"] = np.minimum(89.5, urban[:, None] + 1.15 * t[None, :]
                            + rng.normal(0, 0.15, (n_prov, n_year)))
    # Distance to the largest partner: constant until the partner changes (some provinces).
    distance = rng.uniform(1800.0, 8500.0, n_prov) - 700.0 * dev
    x3 = np.repeat(distance[:, None], n_year, axis=1)
    switch = rng.random(n_prov) < 0.3
    switch_year = rng.integers(3, n_year, n_prov)
    for i in np.flatnonzero(switch):
        x3[i, switch_year[i]:] = rng.uniform(1500.0, 9000.0)
    cols["X3"] = x3
    ports0 = np.maximum(1, np.round(4 + 5 * dev + 2 * size + rng.normal(0, 1.5, n_prov)))
    ports_added = np.cumsum(rng.random((n_prov, n_year)) < 0.08, axis=1)
    cols["X4"] = ports0[:, None] + ports_added
    trade_trend = 0.055 * t - 0.08 * (t >= 5) + 0.02 * (t >= 7) + 0.15 * (t >= 11)
    cols["X5"] = (400.0 * np.exp(1.3 * dev + 1.1 * size))[:, None] * np.exp(
        trade_trend[None, :] + rng.normal(0, 0.05, (n_prov, n_year)))
    cols["X6"] = np.clip((55.0 + 6 * dev + rng.normal(0, 8, n_prov))[:, None]
                         + rng.normal(0, 2.5, (n_prov, n_year)), 15.0, 90.0)
    cols["X7"] = np.clip((50.0 - 4 * dev + rng.normal(0, 9, n_prov))[:, None]
                         - 0.3 * t[None, :] + rng.normal(0, 2.0, (n_prov, n_year)), 18.0, 85.0)
    cols["X8"] = grow(300.0 * np.exp(1.2 * dev + 0.9 * size), 0.06, 0.04)
    cols["X9"] = grow(12000.0 * np.exp(0.7 * dev + 0.8 * size), 0.11, 0.02)
    cols["X10"] = grow(13000.0 * np.exp(0.35 * dev), 0.085, 0.01)
    cols["X11"] = _pilot_zones(rng, dev, size)
    bonded0 = np.maximum(0, np.round(0.6 + 1.5 * dev + 0.6 * size + rng.normal(0, 0.5, n_prov)))
    bonded_rate = np.clip(0.15 + 0.6 * (dev + 0.5) + 0.3 * size, 0.02, 2.0)
    bonded_added = np.cumsum(rng.poisson(bonded_rate[:, None] * (t[None, :] >= 3)
                                         * 0.6, (n_prov, n_year)), axis=1)
    cols["X12"] = bonded0[:, None] + bonded_added
    cols["X13"] = grow(40.0 * np.exp(1.2 * dev + 0.8 * size), 0.10, 0.05)

    decimals = {"X1": 0, "X2": 2, "X3": 0, "X4": 0, "X5": 2, "X6": 2, "X7": 2, "X8": 2,
                "X9": 2, "X10": 0, "X11": 0, "X12": 0, "X13": 2}
    frame = pd.DataFrame({
        "Province": np.repeat([p.name for p in PROVINCES], n_year),
        "Region": np.repeat([p.region for p in PROVINCES], n_year),
        "Year": np.tile(np.array(YEARS, dtype=np.int64), n_prov),
        "Population": np.round(population.ravel(), 1),
    })
    for code in INDICATOR_CODES:
        frame[code] = np.round(cols[code].ravel().astype(float), decimals[code])

    # Gaps: distinct interior cells, so every province keeps its first and last year and
    # linear interpolation can fill them.
    chosen: set[tuple[int, int, str]] = set()
    while len(chosen) < N_GAPS:
        cell = (int(rng.integers(n_prov)), int(rng.integers(1, n_year - 1)),
                str(rng.choice(_GAP_CANDIDATES)))
        chosen.add(cell)
    for prov_index, year_index, code in sorted(chosen):
        frame.loc[prov_index * n_year + year_index, code] = np.nan
    return frame


def _pilot_zones(rng: np.random.Generator, dev: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Cross-border e-commerce pilot zones: none before 2015, then batches of new zones
    (sizes loosely like the real 2015-2020 waves) given to provinces with probability
    rising with development and size. Integer counts, many zeros."""
    n_prov, n_year = len(dev), len(YEARS)
    waves = {2015: 1, 2016: 12, 2018: 22, 2019: 24, 2020: 46}
    appeal = np.exp(1.5 * dev + 0.8 * size)
    new = np.zeros((n_prov, n_year))
    for year, count in waves.items():
        picks = rng.choice(n_prov, size=count, replace=True, p=appeal / appeal.sum())
        np.add.at(new[:, YEARS.index(year)], picks, 1)
    return np.cumsum(new, axis=1)


def _csv_path() -> Path:
    return Path(str(resources.files("trade_resilience_xl") / "data" / CSV_NAME))


def example_csv():
    """A context manager giving a file path of the shipped illustrative panel CSV."""
    return resources.as_file(resources.files("trade_resilience_xl").joinpath("data", CSV_NAME))


def load_example_panel() -> pd.DataFrame:
    """Read the shipped illustrative (not official) panel ``data/example_panel.csv``."""
    with resources.files("trade_resilience_xl").joinpath("data", CSV_NAME).open(
            "r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    # Integer-valued columns without gaps would come back as int64; the generator gives
    # float64 for every measured column, and so does this.
    return frame.astype({"Year": "int64", "Population": "float64",
                         **{code: "float64" for code in INDICATOR_CODES}})


def paper_indicators() -> pd.DataFrame:
    """The paper's indicator system (errata applied) as the table ``run_panel`` takes:
    code, indicator, dimension, direction."""
    return pd.DataFrame({"code": [i.code for i in INDICATORS],
                         "indicator": [i.indicator for i in INDICATORS],
                         "dimension": [i.dimension for i in INDICATORS],
                         "direction": [i.direction for i in INDICATORS]})


def write_example_csv(path: str | Path | None = None, seed: int = DEFAULT_SEED) -> Path:
    """Write the illustrative (not official) panel to ``path`` (default: the shipped CSV)."""
    target = Path(path) if path is not None else _csv_path()
    # Fixed float format and "\n" line ends so regenerating gives the same bytes anywhere.
    generate_example_panel(seed).to_csv(target, index=False, lineterminator="\n",
                                        float_format="%.10g")
    return target


if __name__ == "__main__":
    print(f"wrote {write_example_csv()} (illustrative, not official statistics)")
