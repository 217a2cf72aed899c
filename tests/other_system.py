"""A made-up panel that is nothing like the paper's: US states (header "State"), the four
Census regions, two dimensions with other names, other years. Seeded random numbers, for
tests only (not statistics of any kind)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

# South first: the order of first appearance is neither the paper's nor alphabetical.
STATES = {"Texas": "South", "Ohio": "Midwest", "Maine": "Northeast", "Oregon": "West",
          "Georgia": "South", "Iowa": "Midwest", "Vermont": "Northeast", "Utah": "West",
          "Alabama": "South", "Kansas": "Midwest", "New York": "Northeast", "Nevada": "West"}
REGION_ORDER = ["South", "Midwest", "Northeast", "West"]
YEARS = list(range(1995, 2001))
INDICATORS = [  # code, dimension, dimension_zh, direction, name
    ("GDP", "Economic base", "经济", "+", "Income per head"),
    ("EMP", "Economic base", "经济", "+", "Employment rate"),
    ("SMK", "Tobacco control", "控烟", "-", "Adult smoking rate"),
    ("TAX", "Tobacco control", "控烟", "+", "Cigarette tax"),
]
CODES = [code for code, *_ in INDICATORS]
# Words of the paper that must not appear on the result sheets of this system.
PAPER_WORDS = ("resilience", "Resistance", "reconstruction", "Province", "省份", "东北",
               "西部", "cf. paper", "外贸")


def panel_values(seed: int = 7) -> dict[tuple[str, int], list[float]]:
    rng = np.random.default_rng(seed)
    out = {}
    for i, state in enumerate(STATES):
        level = rng.uniform(0.5, 2.0, len(CODES))
        for t, year in enumerate(YEARS):
            population = round(float(1000 + 300 * i + 10 * t), 1)
            values = [round(float(v), 4) for v in level * (1 + 0.05 * t)
                      * rng.uniform(0.9, 1.1, len(CODES)) * [30000, 60, 20, 1]]
            out[state, year] = [population] + values
    return out


def write_csvs(folder: Path, *, tidy: bool = False, chinese: bool = True,
               unit_header: str = "State") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    panel, indicators = folder / "panel.csv", folder / "indicators.csv"
    with open(indicators, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "dimension", "direction", "name"]
                        + (["dimension_zh"] if chinese else []))
        for code, dimension, zh, direction, name in INDICATORS:
            writer.writerow([code, dimension, direction, name] + ([zh] if chinese else []))
    with open(panel, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        head = [unit_header, "region", "year", "population"]
        writer.writerow(head + (["code", "value"] if tidy else CODES))
        for (state, year), (population, *values) in panel_values().items():
            ident = [state, STATES[state], year, population]
            if tidy:
                writer.writerows(ident + [code, value] for code, value in zip(CODES, values))
            else:
                writer.writerow(ident + values)
    return panel, indicators


def rewrite_csv(path: Path, change) -> None:
    """Apply ``change`` (a function of the list of rows) to the CSV file at ``path``."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
