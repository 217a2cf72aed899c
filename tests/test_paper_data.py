"""The paper's published material: transcribed exactly, errata applied, internally consistent."""
import subprocess
import sys

import pytest

from trade_resilience_xl import paper

METHODS_NOTE_REGIONS = {
    "East": {"Beijing", "Tianjin", "Hebei", "Shanghai", "Jiangsu", "Zhejiang", "Fujian",
             "Shandong", "Guangdong", "Hainan"},
    "Central": {"Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"},
    "Northeast": {"Liaoning", "Jilin", "Heilongjiang"},
    "West": {"Inner Mongolia", "Guangxi", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet",
             "Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"},
}


def test_thirteen_indicators_in_order_with_errata_directions():
    assert paper.INDICATOR_CODES == tuple(f"X{i}" for i in range(1, 14))
    directions = {ind.code: ind.direction for ind in paper.INDICATORS}
    assert directions["X3"] == "-"   # paper prints +, explanation says nearer is better
    assert directions["X4"] == "+"   # paper prints nothing
    assert {c for c, d in directions.items() if d == "-"} == {"X3", "X7", "X8"}


def test_dimensions_split_x1_x8_and_x9_x13():
    for ind in paper.INDICATORS:
        number = int(ind.code[1:])
        expected = paper.RESISTANCE if number <= 8 else paper.RECONSTRUCTION
        assert (ind.dimension, ind.dimension_zh) == (expected.name, expected.name_zh)
    assert paper.RESISTANCE.name_zh == "抵抗与恢复能力"
    assert paper.RECONSTRUCTION.name_zh == "重构能力"


def test_weights_match_table2_and_x6_is_the_only_derived_one():
    printed = {code: w for code, w in paper.TABLE2_WEIGHTS_PCT.items() if w is not None}
    assert set(paper.TABLE2_WEIGHTS_PCT) == set(paper.INDICATOR_CODES)
    assert paper.TABLE2_WEIGHTS_PCT["X6"] is None
    assert sum(printed.values()) == pytest.approx(95.911, abs=1e-9)
    for ind in paper.INDICATORS:
        if ind.code == "X6":
            assert ind.weight_derived and ind.paper_weight_pct == 4.089
        else:
            assert not ind.weight_derived
            assert ind.paper_weight_pct == printed[ind.code]
    assert sum(ind.paper_weight_pct for ind in paper.INDICATORS) == pytest.approx(100, abs=1e-9)
    assert paper.TABLE2_WEIGHTS_PCT["X5"] == 20.208 and paper.TABLE2_WEIGHTS_PCT["X13"] == 12.081


def test_every_indicator_has_bilingual_texts_and_a_unit():
    for ind in paper.INDICATORS:
        for field in ("indicator", "indicator_zh", "sub_dimension", "sub_dimension_zh", "unit",
                      "explanation", "explanation_zh"):
            assert getattr(ind, field).strip(), (ind.code, field)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in ind.indicator_zh)


def test_provinces_nbs_order_regions_and_chinese_names():
    assert len(paper.PROVINCES) == 31
    assert len(set(paper.PROVINCE_NAMES)) == 31
    codes = [p.code for p in paper.PROVINCES]
    assert codes == sorted(codes)  # NBS order = administrative division code order
    for region, members in METHODS_NOTE_REGIONS.items():
        assert {p.name for p in paper.PROVINCES if p.region == region} == members
    zh = {"East": "东部", "Central": "中部", "Northeast": "东北", "West": "西部"}
    assert all(p.region_zh == zh[p.region] for p in paper.PROVINCES)
    assert paper.PROVINCE_BY_NAME["Shanxi"].name_zh == "山西"
    assert paper.PROVINCE_BY_NAME["Shaanxi"].name_zh == "陕西"
    assert paper.PROVINCE_BY_NAME["Heilongjiang"].name_zh == "黑龙江"


def test_shanxi_and_shaanxi_are_distinct_rows():
    assert paper.PROVINCE_BY_NAME["Shanxi"].region == "Central"
    assert paper.PROVINCE_BY_NAME["Shaanxi"].region == "West"
    assert paper.TABLE3_INDEX["Shanxi"] == (0.0740, 0.0830, 0.1020, 0.1030, 0.1610, 0.1387)
    assert paper.TABLE3_INDEX["Shaanxi"] == (0.0870, 0.1020, 0.1100, 0.0880, 0.1620, 0.1032)


def test_table3_covers_every_province_and_amur_is_heilongjiang():
    assert paper.TABLE3_YEARS == (2011, 2013, 2015, 2017, 2019, 2021)
    assert set(paper.TABLE3_INDEX) == set(paper.PROVINCE_NAMES)
    assert all(len(v) == 6 for v in paper.TABLE3_INDEX.values())
    labels = dict(paper.TABLE3_PRINTED_LABELS)
    assert labels["Amur"] == "Heilongjiang"
    assert sorted(labels.values()) == sorted(paper.PROVINCE_NAMES)
    assert paper.TABLE3_INDEX["Heilongjiang"][0] == 0.1030
    assert paper.TABLE3_INDEX["Guangdong"][4] == 0.8640
    assert paper.TABLE3_INDEX["Gansu"][5] == 0.3678


def test_table3_rows_reproduce_the_printed_mean_row():
    # A transcription slip in any single row moves a column mean by more than the
    # printed rounding allows (the printed means have 4 decimals).
    for k, printed in enumerate(paper.TABLE3_MEAN):
        mean = sum(values[k] for values in paper.TABLE3_INDEX.values()) / 31
        assert mean == pytest.approx(printed, abs=6e-5), paper.TABLE3_YEARS[k]


def test_errata_are_stated_in_both_languages():
    assert len(paper.ERRATA) == len(paper.ERRATA_ZH) == 3
    assert "X3" in paper.ERRATA[0] and "X4" in paper.ERRATA[1] and "4.089" in paper.ERRATA[2]


def test_indicator_lookup():
    assert paper.indicator("X10").indicator == "Per capita disposable income"
    with pytest.raises(KeyError, match="X14"):
        paper.indicator("X14")


def test_paper_module_does_not_need_numpy():
    code = ("import sys, trade_resilience_xl.paper; "
            "sys.exit(1 if 'numpy' in sys.modules or 'pandas' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
