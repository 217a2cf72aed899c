"""LibreOffice renders the refreshed workbook: every chart is drawn, with data in it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import numpy as np
import PIL.Image  # noqa: E402  (Pillow is a test requirement)
import pytest

from trade_resilience_xl.workbook.openpyxl_io import refresh_file

import lo_helpers
from refresh_helpers import build_demo

PIL = PIL.Image
lo_helpers.require_soffice()
if shutil.which("pdftoppm") is None:
    if os.environ.get("TRX_REQUIRE_LIBREOFFICE"):
        pytest.fail("pdftoppm (poppler-utils) is required here", pytrace=False)
    pytest.skip("pdftoppm (poppler-utils) not installed", allow_module_level=True)

CHART_TITLES = ("Indicator weights (%)", "Mean foreign trade resilience index by year",
                "Theil index: within and between", "Theil index within each region",
                "Dagum Gini: within", "Resistance vs reconstruction",
                # issue 14: coupling, obstacle, density
                "Coupling coordination D by year", "Mean obstacle degree by dimension",
                "Kernel density, 2010, 2015, 2021",
                # issue 14: convergence, spatial
                "σ-convergence: coefficient of variation", "Global Moran's I by year",
                "Moran scatter")


def _to_pdf(path, folder):
    profile = (folder / "profile").as_uri()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(path)],
                   check=True, capture_output=True, timeout=180)
    return folder / f"{path.stem}.pdf"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    path = build_demo(folder / "demo.xlsm")
    assert refresh_file(path).ok
    return _to_pdf(path, folder)


@pytest.fixture(scope="module")
def own_pdf(tmp_path_factory):
    """A user's own system (US-state test panel, see other_system), built by `new`."""
    from trade_resilience_xl.cli import main

    import other_system

    folder = tmp_path_factory.mktemp("own")
    panel, indicators = other_system.write_csvs(folder)
    book = folder / "own.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators),
                 "--index-name", "State capacity / 州能力"]) == 0
    return _to_pdf(book, folder)


def _page_texts(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


def _rank_level_gaps(pdf) -> list[float]:
    """Space between a rank (a whole number) and the level word right of it on its line,
    from pdftotext's word boxes (its text output puts a space between them either way)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    words = [(float(x0), float(y0), float(x1), float(y1), word)
             for x0, y0, x1, y1, word in re.findall(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                 r"([^<]*)<", xml)]
    ranks = [w for w in words if w[4].isdigit()]
    levels = [w for w in words if w[4] in ("high", "medium", "low")]
    # In line heights, since each sheet is scaled to the page width on its own.
    return [(level[0] - rank[2]) / (rank[3] - rank[1]) for rank in ranks for level in levels
            if abs(level[1] - rank[1]) < 1.5 and 0 <= level[0] - rank[2] < 2 * (rank[3] - rank[1])]


def _coloured_pixels(pdf, page: int) -> int:
    """Pixels of the series colours: saturated, neither the dark-blue header fill nor red
    (block titles are red text; every chart has a blue, green or orange series)."""
    stem = pdf.parent / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "120", "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(stem)], check=True, timeout=60)
    rgb = np.asarray(PIL.open(f"{stem}.png").convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    saturated = (rgb.max(axis=-1) - rgb.min(axis=-1)) > 80
    header_blue = (abs(r - 31) < 25) & (abs(g - 78) < 25) & (abs(b - 121) < 25)
    red = (r > g + 60) & (r > b + 60)
    return int((saturated & ~header_blue & ~red).sum())


def test_every_chart_is_drawn_with_data(pdf):
    pages = _page_texts(pdf)
    log_page = next(i for i, t in enumerate(pages, 1) if "Refresh log" in t)
    baseline = _coloured_pixels(pdf, log_page)          # a result page without a chart
    for title in CHART_TITLES:
        on = [i for i, t in enumerate(pages, 1) if title in t]
        assert on, f"chart {title!r} not in the PDF"
        # LibreOffice also puts a clipped (invisible) copy of a chart's text on the page
        # above, so judge the page where the chart is drawn most.
        assert max(_coloured_pixels(pdf, page) for page in on) > max(150, 5 * baseline), title


def test_chinese_labels_are_rendered_as_text(pdf):
    text = "".join(_page_texts(pdf))
    for label in ("指标权重", "泰尔指数", "构高抗高型", "区域内"):
        assert label in text


def test_own_system_renders_in_its_own_words(own_pdf):
    """Charts drawn with the user's titles (the cells' words are checked in
    test_own_system and test_own_words), the index name as typed (issue 22: not
    lower-cased), no rank run into its level ("30high / 高"), no word of provinces."""
    pages = _page_texts(own_pdf)
    baseline = _coloured_pixels(own_pdf, next(i for i, t in enumerate(pages, 1)
                                              if "Refresh log" in t))
    for title in ("Mean State capacity index by year", "Economic base vs Tobacco control",
                  "Theil index within each region", "Indicator weights (%)"):
        on = [i for i, t in enumerate(pages, 1) if title in t]
        assert on, f"chart {title!r} not in the PDF"
        assert max(_coloured_pixels(own_pdf, page) for page in on) > max(150, 5 * baseline)
    text = "".join(pages)
    assert "State capacity index / 州能力综合指数" in text and "经济" in text
    assert "Resistance vs reconstruction" not in text
    gaps = _rank_level_gaps(own_pdf)
    assert len(gaps) >= 2 * 12 and min(gaps) > 0.3, gaps  # was 0.14: "30high / 高"
    assert "province" not in text.casefold() and "Paper" not in text
