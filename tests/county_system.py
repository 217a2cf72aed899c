"""A county panel that shares nothing with the paper: counties (header "County"), three
regions of the user's own, 1981-1987, two dimensions named by the user, no population
column. Seeded random numbers, for tests only (not statistics of any kind); and the scan
for the paper's words that a workbook of such a system must pass."""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl

COUNTIES = {f"{name} County": region
            for names, region in ((("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum",
                                    "Hazel", "Ivy", "Juniper"), "Uplands"),
                                  (("Larch", "Maple", "Nettle", "Oak", "Pine", "Quince",
                                    "Rowan", "Sumac", "Teak", "Umber"), "River Valley"),
                                  (("Vine", "Willow", "Yew", "Zelkova", "Aspen", "Beech",
                                    "Clover", "Daisy", "Ember", "Fern"), "Coast"))
            for name in names}
YEARS = list(range(1981, 1988))
INDICATORS = [  # code, dimension, direction, name
    ("F1", "Farm output", "+", "Grain yield"),
    ("F2", "Farm output", "+", "Livestock per farm"),
    ("F3", "Farm output", "-", "Crop loss share"),
    ("W1", "Water supply", "+", "Piped water share"),
    ("W2", "Water supply", "+", "Reservoir capacity"),
    ("W3", "Water supply", "-", "Drought days"),
]
CODES = [code for code, *_ in INDICATORS]
INDEX_NAME = "Rural capacity"

# The paper's words (issue 22): none may appear in a workbook of another system. English
# words match whole words, case-insensitively; the region names as written (capitalised).
PAPER_WORDS = ("province", "provinces", "provincial", "trade", "paper", "Wang", "cf.")
REGION_WORDS = ("East", "Central", "Northeast", "West")
CHINESE_WORDS = ("外贸", "省", "东部", "中部", "东北", "西部")
PAPER_YEAR = re.compile(r"(?<!\d)20(1\d|2[01])(?!\d)")
# The product's own name (ribbon tab, command, package) is not the paper's word.
PRODUCT_NAMES = ("Trade Resilience", "trade-resilience", "trade_resilience_xl")


def write_csvs(folder: Path, *, population: bool = False) -> tuple[Path, Path]:
    rng = np.random.default_rng(1981)
    folder.mkdir(parents=True, exist_ok=True)
    panel, indicators = folder / "counties.csv", folder / "county_indicators.csv"
    with open(indicators, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "dimension", "direction", "name"])
        writer.writerows([code, dimension, direction, name]
                         for code, dimension, direction, name in INDICATORS)
    with open(panel, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["County", "region", "year"] + (["population"] if population else [])
                        + CODES)
        for i, (county, region) in enumerate(COUNTIES.items()):
            level = rng.uniform(0.5, 2.0, len(CODES))
            for t, year in enumerate(YEARS):
                values = level * (1 + 0.04 * t) * rng.uniform(0.9, 1.1, len(CODES))
                writer.writerow([county, region, year]
                                + ([1000 + 50 * i] if population else [])
                                + [round(float(v) * 100, 3) for v in values])
    return panel, indicators


def _chart_texts(path: Path) -> list[str]:
    """Every title, axis title and series name of every chart (the <a:t> runs and the
    cached string values)."""
    texts = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/charts/chart"):
                xml = package.read(name).decode("utf-8")
                texts += re.findall(r"<a:t>([^<]*)</a:t>", xml)
                texts += re.findall(r"<c:strCache>.*?</c:strCache>", xml, flags=re.S)
    return texts


def function_help() -> list[tuple[str, str]]:
    """What Excel's Insert Function shows: each UDF's description and argument help."""
    from trade_resilience_xl.workbook.template.vba import _module_with_windows_decorators

    texts = []   # on Linux xlwings' decorators record nothing; the Windows ones do
    for value in vars(_module_with_windows_decorators("trade_resilience_xl.udfs")).values():
        meta = getattr(value, "__xlfunc__", None)
        if meta is not None:
            texts.append((meta["name"], meta["ret"]["doc"] or ""))
            texts += [(f"{meta['name']}({arg['name']})", arg.get("doc") or "")
                      for arg in meta["args"]]
    return texts


def workbook_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) for every text cell of every sheet, each sheet name, each chart text."""
    book = openpyxl.load_workbook(path)
    texts = [(f"{ws.title}!{cell.coordinate}", cell.value)
             for ws in book.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    texts += [("sheet name", ws.title) for ws in book.worksheets]
    return texts + [("chart", text) for text in _chart_texts(path)]


def paper_words_in(texts: list[tuple[str, str]]) -> list[str]:
    """The texts holding one of the paper's words, each with the word found."""
    english = re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in PAPER_WORDS)
                         + r")(?!\w)", re.I)
    regions = re.compile(r"\b(" + "|".join(REGION_WORDS) + r")\b")
    found = []
    for where, text in texts:
        plain = text
        for name in PRODUCT_NAMES:
            plain = plain.replace(name, "")
        for match in (english.search(plain), regions.search(plain), PAPER_YEAR.search(plain)):
            if match:
                found.append(f"{match.group(0)!r} in {where}: {text[:160]!r}")
        found += [f"{word!r} in {where}: {text[:160]!r}" for word in CHINESE_WORDS
                  if word in plain]
    return found
