"""Does a speed-up change any output? Refresh the same workbooks with the code of two git
revisions and compare every part of the files and every CSV.

    python benchmarks/same_output.py --before main            # demo + a 2,000-unit panel

The inputs are built once, by the ``--before`` code: the demo workbook and a panel of
``--units`` units x ``--years`` years (13 indicators resampled from the demo's values,
seeded) with a Neighbours sheet (rook contiguity on a grid), so that Moran's I and LISA run
from a user's list. Each is refreshed by the CLI of both revisions (``--csv`` too), in
fresh processes. Every zip part must be byte-identical, except the Log sheet's time stamp;
every CSV byte-identical. Where bytes differ, the report says which cells and by how much;
``--rtol`` accepts numbers that differ by rounding only (exit status 1 otherwise).
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STAMP = re.compile(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?( UTC)?")
CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>(.*?)</c>)')
RUN_CLI = ("import sys, trade_resilience_xl as t; from trade_resilience_xl.cli import main; "
           "print(t.__file__, file=sys.stderr); sys.exit(main())")


def source_of(revision: str, folder: Path) -> Path:
    """The folder holding the package of ``revision`` ("." : this work tree)."""
    if revision == ".":
        return ROOT
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "trade_resilience_xl"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def cli(source: Path, *args: str) -> None:
    env = {"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"}
    # Run from the package's parent: "-c" puts the working directory first on sys.path.
    done = subprocess.run([sys.executable, "-c", RUN_CLI, *args], capture_output=True,
                          text=True, env=env, cwd=source)
    if done.returncode != 0:
        raise SystemExit(f"{source}: trade-resilience {' '.join(args)} failed:\n"
                         f"{done.stderr[-2000:]}")
    imported = done.stderr.splitlines()[0]
    if not imported.startswith(str(source)):
        raise SystemExit(f"imported {imported}, not the package in {source}")


def panel_inputs(source: Path, folder: Path, units: int, years: int) -> Path:
    """A county-style workbook built by ``source``'s ``new``, plus a Neighbours sheet."""
    sys.path.insert(0, str(HERE))
    from cases_refresh import _county_rows  # seeded rows resampled from the demo

    from trade_resilience_xl.example_data import load_example_panel, paper_indicators
    demo = load_example_panel()
    codes = list(paper_indicators()["code"])
    header = [["Province", "Region", "Year", "Population", *codes]]
    demo_rows = [[None]] * 3 + demo[["Province", "Region", "Year", "Population",
                                     *codes]].values.tolist()
    rows = _county_rows(units, years, demo_rows)
    panel_csv, indicators_csv = folder / "panel.csv", folder / "indicators.csv"
    with panel_csv.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(header + rows)
    paper_indicators().to_csv(indicators_csv, index=False)
    book = folder / "panel.xlsx"
    cli(source, "new", str(book), "--data", str(panel_csv), "--indicators",
        str(indicators_csv), "--force")
    import openpyxl
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.create_sheet("Neighbours")
    sheet.append(["Unit", "Neighbour"])
    names = [f"County {u:04d}" for u in range(units)]
    side = 40
    for i in range(units):
        for j in (i + 1, i + side):
            if j < units and (j != i + 1 or j % side):
                sheet.append([names[i], names[j]])
    workbook.save(book)
    return book


def cells(xml: bytes) -> dict[str, bytes]:
    return {m.group(1).decode(): m.group(2) or b"" for m in CELL.finditer(xml)}


def _number(text: bytes) -> float | None:
    found = re.fullmatch(rb"<v>(.*)</v>", text)
    try:
        return float(found.group(1)) if found else None
    except ValueError:
        return None


def differing_cells(a: bytes, b: bytes) -> list[tuple[str, float]]:
    """Cells whose contents differ and the relative difference (inf for text)."""
    left, right = cells(a), cells(b)
    out = []
    for ref in sorted(set(left) | set(right)):
        x, y = left.get(ref), right.get(ref)
        if x == y:
            continue
        nx, ny = _number(x or b""), _number(y or b"")
        if nx is not None and ny is not None:
            rel = abs(nx - ny) / max(abs(nx), abs(ny), 1e-300)
            out.append((f"{ref}: {nx!r} vs {ny!r} (relative {rel:.1e})", rel))
        else:
            out.append((f"{ref}: {(x or b'')[:80]!r} vs {(y or b'')[:80]!r}", float("inf")))
    return out


def compare_books(before: Path, after: Path) -> tuple[list[str], float]:
    """What differs between two files, and the largest relative difference of a cell."""
    problems, worst = [], 0.0
    with zipfile.ZipFile(before) as a, zipfile.ZipFile(after) as b:
        names_a, names_b = a.namelist(), b.namelist()
        if names_a != names_b:
            problems.append(f"part lists differ: {sorted(set(names_a) ^ set(names_b))}")
            worst = float("inf")
        for name in [n for n in names_a if n in names_b]:
            x, y = a.read(name), b.read(name)
            if x == y or STAMP.sub(b"", x) == STAMP.sub(b"", y):
                continue
            diff = differing_cells(x, y) if name.startswith("xl/worksheets/") else []
            worst = max([worst] + [rel for _, rel in diff] if diff else [float("inf")])
            problems.append(f"{name}: {len(diff)} cells differ" + "".join(
                f"\n    {text}" for text, _ in diff[:10]) if diff else f"{name}: bytes differ")
    return problems, worst


def compare_csvs(before: Path, after: Path) -> tuple[list[str], float]:
    problems, overall = [], 0.0
    files = sorted(p.name for p in before.iterdir()) if before.exists() else []
    if files != (sorted(p.name for p in after.iterdir()) if after.exists() else []):
        problems.append(f"CSV file lists differ in {before} / {after}")
        overall = float("inf")
    for name in files:
        x, y = (before / name).read_bytes(), (after / name).read_bytes()
        if x == y:
            continue
        rows_x = list(csv.reader(io.StringIO(x.decode("utf-8-sig"))))
        rows_y = list(csv.reader(io.StringIO(y.decode("utf-8-sig"))))
        worst, count = 0.0, 0
        for rx, ry in zip(rows_x, rows_y):
            for vx, vy in zip(rx, ry):
                if vx != vy:
                    count += 1
                    try:
                        worst = max(worst, abs(float(vx) - float(vy))
                                    / max(abs(float(vx)), abs(float(vy)), 1e-300))
                    except ValueError:
                        worst = float("inf")
        worst = worst if len(rows_x) == len(rows_y) else float("inf")
        overall = max(overall, worst)
        problems.append(f"{name}: {count} values differ (largest relative difference "
                        f"{worst:.1e}; rows {len(rows_x)} vs {len(rows_y)})")
    return problems, overall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision of the old code")
    parser.add_argument("--after", default=".", help='git revision of the new code ("." = '
                        "this work tree)")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rtol", type=float, default=0.0, help="allow numbers to differ by "
                        "this relative amount (rounding of a different summation order)")
    parser.add_argument("--keep", type=Path, help="keep the workbooks and CSVs in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        before = source_of(args.before, folder / "before")
        after = source_of(args.after, folder / "after")
        demo = folder / "demo.xlsx"
        cli(before, "demo", "--out", str(demo))
        inputs = {"demo": demo, f"panel-{args.units}": panel_inputs(before, folder, args.units,
                                                                   args.years)}
        failed = False
        for label, book in inputs.items():
            outputs = {}
            for side, source in (("before", before), ("after", after)):
                out = folder / f"{label}-{side}.xlsx"
                cli(source, "refresh", str(book), "--out", str(out), "--csv",
                    str(folder / f"{label}-{side}-csv"))
                outputs[side] = out
            problems, worst = compare_books(outputs["before"], outputs["after"])
            in_csv, worst_csv = compare_csvs(folder / f"{label}-before-csv",
                                             folder / f"{label}-after-csv")
            problems, worst = problems + in_csv, max(worst, worst_csv)
            with zipfile.ZipFile(outputs["after"]) as z:
                parts = len(z.namelist())
            csvs = len(list((folder / f"{label}-after-csv").iterdir()))
            verdict = ("identical (Log time stamp aside)" if not problems else
                       f"numbers differ by at most {worst:.1e} relative (allowed {args.rtol:g})"
                       if worst <= args.rtol else "DIFFERENT")
            print(f"{label}: {parts} parts, {csvs} CSV files: {verdict}")
            for p in problems:
                print(f"  {p}")
            failed |= worst > args.rtol
    return 1 if failed else 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
