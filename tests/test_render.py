"""LibreOffice renders the refreshed workbook: every chart is drawn, with data in it."""
from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

import lo_helpers
from refresh_helpers import build_demo
from trade_resilience_xl.workbook.openpyxl_io import refresh_file

import PIL.Image  # noqa: E402  (Pillow is a test requirement)

PIL = PIL.Image
lo_helpers.require_soffice()
if shutil.which("pdftoppm") is None:
    if os.environ.get("TRX_REQUIRE_LIBREOFFICE"):
        pytest.fail("pdftoppm (poppler-utils) is required here", pytrace=False)
    pytest.skip("pdftoppm (poppler-utils) not installed", allow_module_level=True)

CHART_TITLES = ("Indicator weights (%)", "Mean resilience index by year",
                "Theil index: within and between", "Theil index within each region",
                "Dagum Gini: within", "Resistance vs reconstruction")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    path = build_demo(folder / "demo.xlsm")
    assert refresh_file(path).ok
    profile = (folder / "profile").as_uri()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(path)],
                   check=True, capture_output=True, timeout=180)
    return folder / "demo.pdf"


def _page_texts(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


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
