"""The Sector strengths page under AppTest: the sentence, the table and the chart for a LEP, a combined
authority, a local authority and an area group; levels without industry data say why; the link carries the
choices. Expected figures are recomputed here from the committed industry table with pandas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from components.targets import PRESET_GROUPS
from metrics.groups import member_lads
from tests.app_pages.markdown_text import map_legend

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/sector_strengths.py"
INDUSTRY = pd.read_parquet(REPO / "regional_data" / "industry_gva.parquet")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
CHESHIRE_AND_WARRINGTON, NORTH_EAST_CA, NORTHUMBERLAND = "E37000003", "E47000014", "E06000057"


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def headline(at: AppTest) -> str:
    bold = [m.value for m in at.markdown if m.value.startswith("**")]
    assert bold, "no sentence"
    return bold[0].strip("*").replace("\\", "")


def table(at: AppTest, first_column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if frame.value.columns[0] == first_column)


def gva(code: str, industry: str, year: int) -> float:
    rows = INDUSTRY[(INDUSTRY["area_code"] == code) & (INDUSTRY["industry"] == industry) & (INDUSTRY["period"] == year)]
    assert len(rows) == 1
    return float(rows["gva_current"].iloc[0])


def test_cheshire_and_warrington_detailed_industries_match_the_table_by_hand() -> None:
    at = open_page(level="lep", area=CHESHIRE_AND_WARRINGTON, sector_detail="detailed", year="2023")
    assert headline(at).startswith("Cheshire and Warrington LEP's strengths in 2023 (provisional) against ")
    shown = table(at, "Industry").set_index("Code")
    reference = shown.columns[3]
    assert reference == "England excluding London share (%)"  # the default benchmark
    for code in ("CD-CG", "CI-CL"):
        share = gva(CHESHIRE_AND_WARRINGTON, code, 2023) / gva(CHESHIRE_AND_WARRINGTON, "Total", 2023) * 100
        assert shown.loc[code, "Share of GVA (%)"] == pytest.approx(share)
        nominal_10y = (gva(CHESHIRE_AND_WARRINGTON, code, 2023) / gva(CHESHIRE_AND_WARRINGTON, code, 2013) - 1) * 100
        assert shown.loc[code, "Nominal growth, 10 years (%)"] == pytest.approx(nominal_10y)
        lq = shown.loc[code, "Share of GVA (%)"] / shown.loc[code, reference]
        assert shown.loc[code, "Location quotient"] == pytest.approx(lq)
    quotients = shown["Location quotient"].dropna()
    assert quotients.is_monotonic_decreasing  # most specialised first
    assert len(shown) == 37  # every detailed industry, even those without a figure


def test_every_strength_in_the_table_is_named_in_the_sentence() -> None:
    for params in (
        {"level": "lep", "area": CHESHIRE_AND_WARRINGTON},
        {"level": "cauth", "area": NORTH_EAST_CA},
        {"level": "lad", "area": NORTHUMBERLAND},
    ):
        at = open_page(**params)
        sentence = headline(at)
        shown = table(at, "Industry")
        strengths = shown.loc[shown["Strength"] == "strength", "Industry"]
        assert all(name in sentence for name in strengths), (params, sentence)
        if strengths.empty:
            assert "No industry in" in sentence


def test_the_chart_plots_every_industry_with_a_quotient_and_real_growth() -> None:
    at = open_page(level="lep", area=CHESHIRE_AND_WARRINGTON)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    spec = json.loads(proto.spec)
    datasets = {d.name: pa.ipc.open_stream(pa.py_buffer(d.data.data)).read_all().to_pandas() for d in proto.datasets}
    circles = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    plotted = datasets[circles["data"]["name"]]
    shown = table(at, "Industry")
    expected = shown.dropna(subset=["Location quotient", "Real growth, 5 years (%)"])
    assert sorted(plotted["industry"]) == sorted(expected["Code"])
    assert "Cheshire and Warrington, 2023" in json.dumps(spec["title"])


def test_an_area_group_is_summed_from_its_local_authorities() -> None:
    group = PRESET_GROUPS[0]
    at = open_page(level=group.level, sector_group=group.code, year="2023")
    assert headline(at).startswith((f"{group.name}'s strengths in 2023", f"No industry in {group.name} "))
    lads = member_lads(AREAS, group)
    rows = INDUSTRY[(INDUSTRY["geography"] == "lad") & INDUSTRY["area_code"].isin(lads) & (INDUSTRY["period"] == 2023)]
    summed = rows.groupby("industry")["gva_current"].sum()
    shown = table(at, "Industry").set_index("Code")
    assert shown.loc["C", "GVA (£m, current prices)"] == pytest.approx(summed["C"])
    assert shown.loc["C", "Share of GVA (%)"] == pytest.approx(summed["C"] / summed["Total"] * 100)


def test_an_itl3_region_is_summed_from_its_local_authorities() -> None:
    at = open_page(level="itl3", area="TLC11", year="2023")  # Hartlepool and Stockton-on-Tees
    shown = table(at, "Industry").set_index("Code")
    hartlepool, stockton = "E06000001", "E06000004"
    summed = gva(hartlepool, "C", 2023) + gva(stockton, "C", 2023)
    assert shown.loc["C", "GVA (£m, current prices)"] == pytest.approx(summed)
    share = (gva(hartlepool, "C", 2023) + gva(stockton, "C", 2023)) / (
        gva(hartlepool, "Total", 2023) + gva(stockton, "Total", 2023)
    )
    assert shown.loc["C", "Share of GVA (%)"] == pytest.approx(share * 100)
    assert at.get("vega_lite_chart")


def test_an_itl3_region_a_local_authority_straddles_says_why_it_has_no_figures() -> None:
    at = open_page(level="itl3", area="TLD11")  # West Cumbria: Cumberland lies partly in East Cumbria
    assert any("Cumberland lies partly inside" in info.value for info in at.info)
    under_map = next(caption.value for caption in at.caption if caption.value.startswith("No figures for"))
    assert "West Cumbria (Cumberland partly inside)" in under_map and "Highland" in under_map
    assert not at.get("vega_lite_chart")


def test_a_lep_shows_bres_employment_and_gva_per_job_of_the_latest_bres_year() -> None:
    at = open_page(level="lep", area=CHESHIRE_AND_WARRINGTON, year="2023", benchmark="E92000001")
    shown = table(at, "Industry").set_index("Code")
    rows = INDUSTRY[(INDUSTRY["area_code"] == CHESHIRE_AND_WARRINGTON) & (INDUSTRY["period"] == 2020)]
    jobs = rows.set_index("industry")["employment"]
    england = INDUSTRY[(INDUSTRY["area_code"] == "E92000001") & (INDUSTRY["period"] == 2020)]
    england_jobs = england.set_index("industry")["employment"]
    assert shown.loc["C", "Employment, 2020 (BRES)"] == pytest.approx(jobs["C"])
    share = jobs["C"] / jobs["Total"]
    assert shown.loc["C", "Share of employment, 2020 (%)"] == pytest.approx(share * 100)
    assert shown.loc["C", "Employment location quotient, 2020"] == pytest.approx(
        share / (england_jobs["C"] / england_jobs["Total"])
    )
    assert shown.loc["C", "GVA per job, 2020 (£)"] == pytest.approx(
        gva(CHESHIRE_AND_WARRINGTON, "C", 2020) * 1e6 / jobs["C"]
    )
    assert any("BRES 2020 (the latest BRES year up to 2023" in caption.value for caption in at.caption)


def test_a_local_authority_gets_no_employment_columns_and_is_told_why() -> None:
    at = open_page(level="lad", area=NORTHUMBERLAND, year="2019")
    shown = table(at, "Industry")
    assert not [column for column in shown.columns if "employment" in column.lower()]
    assert any("Employment by industry is not shown for Northumberland" in c.value for c in at.caption)


def test_the_link_carries_the_detail_and_the_mapped_industry() -> None:
    at = open_page(level="lad", area=NORTHUMBERLAND, sector_detail="detailed", sector="61-63")
    assert at.query_params["sector_detail"] == "detailed" and at.query_params["sector"] == "61-63"
    assert at.get("deck_gl_json_chart")
    assert "LQ of Telecommunications; information technology" in map_legend(at)


def test_similar_areas_show_their_quotients_in_the_chosen_areas_specialisms() -> None:
    at = open_page(level="lep", area=CHESHIRE_AND_WARRINGTON, year="2023")
    comparison = table(at, "Area")
    assert comparison["Area"].iloc[0] == "Cheshire and Warrington (chosen)"
    assert len(comparison) == 6  # the chosen LEP and the five most like it
    assert "Cheshire and Warrington" not in " ".join(comparison["Area"].iloc[1:])
    shown = table(at, "Industry").set_index("Code")
    specialised = shown[shown["Location quotient"] >= 1.25]
    assert len(comparison.columns) - 1 == min(len(specialised), 6)
    first = comparison.columns[1]
    assert comparison[first].iloc[0] == pytest.approx(specialised["Location quotient"].max())


def test_an_area_group_gets_no_similar_areas_but_says_why() -> None:
    group = PRESET_GROUPS[0]
    at = open_page(level=group.level, sector_group=group.code)
    assert any("not for area groups" in info.value for info in at.info)
