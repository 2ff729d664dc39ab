"""The snapshot builder end to end on the official files: contract, hand-checked aggregates,
published validation, reproducibility of the committed snapshot, and failure without damage."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry

from loaders.build.run import main
from tests.loaders.bad_sources import mirror

REPO = Path(__file__).resolve().parents[3]
LEVELS = ("cauth", "itl1", "itl2", "itl3", "lad", "lep", "rgn")
NE_LEP = "E37000025"
GVA_DIR = "stats/gva_gdp/gva_by_industry_local_authority"
LAD_PRODUCTIVITY = "stats/productivity/ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls"


@pytest.fixture(scope="module")
def built(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("snapshot")
    assert main(["--source", str(shared_data), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def table(built: Path) -> pd.DataFrame:
    return pd.read_parquet(built / "regional_data" / "indicators.parquet")


@pytest.fixture(scope="module")
def raw_gva_hours(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LA total GVA (£m) and weekly hours straight from the workbooks with pandas, not our parsers."""
    frames = []
    for path in sorted((shared_data / GVA_DIR).glob("*.xlsx")):
        sheet = pd.read_excel(path, sheet_name="Table 3", header=1, engine="calamine")
        frames.append(sheet[sheet["SIC07"] == "Total"])
    gva = pd.concat(frames).set_index("LA code")
    gva.columns = [str(c) for c in gva.columns]
    hours = pd.read_excel(
        shared_data / LAD_PRODUCTIVITY, sheet_name="Productivity Hours", header=4, engine="calamine"
    ).set_index("LAD_Code")
    return gva, hours


def _value(table: pd.DataFrame, indicator: str, code: str, year: int) -> float:
    rows = table[(table["indicator"] == indicator) & (table["area_code"] == code) & (table["period"] == year)]
    assert len(rows) == 1, (indicator, code, year)
    return float(rows["value"].iloc[0])


def test_contract_columns_and_required_indicators(table: pd.DataFrame) -> None:
    assert list(table.columns)[:7] == ["indicator", "geography", "area_code", "area_name", "period", "value", "status"]
    levels = table.groupby("indicator")["geography"].agg(set)
    productivity_levels = {"uk", "country", "itl1", "itl2", "itl3", "lad", "cauth", "lep", "benchmark"}
    for indicator in ("gva_per_hour", "gva_per_hour_index", "gva_per_job", "gva_per_job_index"):
        assert productivity_levels <= levels[indicator], indicator
    for indicator in ("manufacturing_gva_share", "manufacturing_gva_lq"):
        assert {"lad", "lep", "itl1", "cauth", "country", "benchmark"} <= levels[indicator]
    assert {"lep", "country", "itl3"} <= levels["manufacturing_employment_share"]
    assert {"lep", "country"} <= levels["manufacturing_employment_lq"]
    for indicator in ("employment_rate_16_64", "economic_activity_rate_16_64"):
        assert {"lep", "lad", "country", "rgn", "cauth"} <= levels[indicator]
    for indicator in (
        "median_weekly_pay",
        "gdhi_per_head",
        "gigabit_coverage",
        "qualifications_l3_plus",
        "unemployment_rate",
        "claimant_rate",
        "gdp_per_head",
        "population",
        "manufacturing_enterprises",
    ):
        assert indicator in levels, indicator
    assert set(table["status"]) <= {"", "provisional", "estimated", "derived", "suppressed", "unavailable"}


def test_38_leps_every_year(table: pd.DataFrame) -> None:
    lep = table[(table["indicator"] == "gva_per_hour") & (table["geography"] == "lep")]
    assert lep["area_code"].nunique() == 38
    assert lep.groupby("period")["value"].count().eq(38).all()
    assert sorted(lep["period"].unique()) == list(range(2004, 2024))


def test_benchmarks_present(table: pd.DataFrame) -> None:
    hour = table[table["indicator"] == "gva_per_hour"]
    codes = set(hour["area_code"])
    assert {"K02000001", "E92000001", "ENG_EXCL_LONDON"} <= codes
    assert set(hour.loc[hour["area_code"] == "ENG_EXCL_LONDON", "geography"]) == {"benchmark"}
    assert _value(table, "gva_per_hour", "K02000001", 2023) == pytest.approx(41.87, abs=0.005)
    assert _value(table, "gva_per_hour", "E92000001", 2023) == pytest.approx(42.39, abs=0.01)


def test_north_east_lep_is_ratio_of_sums_by_hand(table: pd.DataFrame, raw_gva_hours) -> None:
    gva, hours = raw_gva_hours
    # The seven North East LEP districts (unchanged since 2021), read off the LEP boundary overlay.
    lads = ["E06000047", "E08000037", "E08000021", "E08000022", "E06000057", "E08000023", "E08000024"]
    year = 2022
    by_hand = gva.loc[lads, str(year)].sum() * 1e6 / (hours.loc[lads, f"Hours_{year}"].sum() * 52)
    assert _value(table, "gva_per_hour_unsmoothed", NE_LEP, year) == pytest.approx(by_hand, rel=1e-9)


def test_england_excluding_london_from_additive_parts(table: pd.DataFrame, raw_gva_hours) -> None:
    gva, hours = raw_gva_hours
    year = 2021
    england = [code for code in gva.index if code.startswith("E")]
    london = [code for code in england if code.startswith("E09")]
    rest = sorted(set(england) - set(london))
    by_hand = gva.loc[rest, str(year)].sum() * 1e6 / (hours.loc[rest, f"Hours_{year}"].sum() * 52)
    assert _value(table, "gva_per_hour_unsmoothed", "ENG_EXCL_LONDON", year) == pytest.approx(by_hand, rel=1e-9)
    # and it sits below England, which includes London
    assert _value(table, "gva_per_hour", "ENG_EXCL_LONDON", year) < _value(table, "gva_per_hour", "E92000001", year)


def test_north_east_gap_to_england_excluding_london_is_negative(table: pd.DataFrame) -> None:
    for year in range(2004, 2024):
        assert _value(table, "gva_per_hour", NE_LEP, year) < _value(table, "gva_per_hour", "ENG_EXCL_LONDON", year)


def test_manifest_publishes_itl1_validation(built: Path) -> None:
    manifest = json.loads((built / "regional_data" / "manifest.json").read_text())
    areas = manifest["validation"]["itl1_gva_per_hour_smoothed"]["areas"]
    english = {code: areas[code] for code in ("TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK")}
    assert all(area["years"] == 20 for area in english.values())
    assert max(area["max_abs_pct_difference"] for area in english.values()) < 0.1
    assert manifest["validation"]["english_itl1_max_abs_pct_difference"] < 0.1
    assert manifest["lad_lep_lookup"]["leps"] == 38
    assert len(manifest["lad_lep_lookup"]["lads_in_two_leps"]) == 7
    assert len(manifest["snapshot_id"]) == 12
    assert all(len(source["sha256"]) == 64 for source in manifest["sources"])


def test_lad_boundaries_within_payload_budget(built: Path) -> None:
    lad = built / "geo" / "lad.geojson"
    assert lad.stat().st_size <= 350_000
    assert len(json.loads(lad.read_text())["features"]) == 361


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Geometry-dependent manifest entries (sizes and hashes of the boundary files); everything else must match.
GEOMETRY_KEYS = ("web_boundary_bytes", "outputs", "snapshot_id")
# A fresh build's boundaries may differ from the committed ones only by what a geometry-library release
# changes at the 3-decimal (~110 m) rounding: each area's symmetric difference at most 1% of its area.
MAX_AREA_CHANGE = 0.01


def test_committed_values_equal_a_fresh_build(built: Path, table: pd.DataFrame) -> None:
    """Values exactly (not to a tolerance), metadata byte for byte, the manifest but for boundary hashes."""
    committed = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
    pd.testing.assert_frame_equal(committed, table, check_exact=True)
    pd.testing.assert_frame_equal(
        pd.read_parquet(REPO / "regional_data" / "areas.parquet"),
        pd.read_parquet(built / "regional_data" / "areas.parquet"),
        check_exact=True,
    )
    assert _sha(REPO / "regional_data" / "indicators.json") == _sha(built / "regional_data" / "indicators.json")
    manifests = [json.loads((root / "regional_data" / "manifest.json").read_text()) for root in (REPO, built)]
    for manifest in manifests:
        for key in GEOMETRY_KEYS:
            manifest.pop(key)
    assert manifests[0] == manifests[1]


def _features(path: Path) -> tuple[list[dict], list[shapely.Geometry]]:
    features = json.loads(path.read_text())["features"]
    return [f["properties"] for f in features], [shapely.geometry.shape(f["geometry"]) for f in features]


@pytest.mark.parametrize("level", LEVELS)
def test_committed_boundaries_match_a_fresh_build(built: Path, level: str) -> None:
    committed_props, committed = _features(REPO / "geo" / f"{level}.geojson")
    fresh_props, fresh = _features(built / "geo" / f"{level}.geojson")
    assert committed_props == fresh_props  # same areas, codes, names and order
    change = shapely.area(shapely.symmetric_difference(committed, fresh)) / shapely.area(committed)
    worst = int(np.argmax(change))
    assert change[worst] <= MAX_AREA_CHANGE, (
        f"{committed_props[worst]['area_name']} differs by {change[worst]:.2%} of its area: rebuild the snapshot "
        "(python -m loaders.build) with the pinned geometry libraries and commit geo/"
    )


def test_build_is_byte_identical_on_rerun(shared_data: Path, built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["--source", str(shared_data), "--out", str(again), "--quiet"]) == 0
    assert _snapshot_hashes(again) == _snapshot_hashes(built)


def _snapshot_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_failed_build_leaves_snapshot_untouched(
    shared_data: Path, built: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(built / "regional_data", out / "regional_data")
    shutil.copytree(built / "geo", out / "geo")
    before = _snapshot_hashes(out)
    source = mirror(shared_data, tmp_path / "source")
    victim = source / LAD_PRODUCTIVITY
    victim.unlink()
    if damage == "garbage":
        victim.write_bytes(b"<html>404 Not Found</html>")
    assert main(["--source", str(source), "--out", str(out), "--quiet"]) == 1
    message = capsys.readouterr().err
    assert "snapshot unchanged" in message and victim.name in message
    assert _snapshot_hashes(out) == before
    assert not any(p.name.startswith(".snapshot-") for p in out.iterdir())


def test_additive_components_for_groups(table: pd.DataFrame, raw_gva_hours) -> None:
    """Groups defined later (by users) are built from these parts, so they must be exact sums."""
    gva, hours = raw_gva_hours
    lads = ["E06000047", "E08000037", "E08000021", "E08000022", "E06000057", "E08000023", "E08000024"]
    assert _value(table, "gva_current_prices", NE_LEP, 2014) == pytest.approx(gva.loc[lads, "2014"].sum())
    assert _value(table, "hours_worked_weekly", NE_LEP, 2014) == pytest.approx(hours.loc[lads, "Hours_2014"].sum())
    # APS counts (PROVENANCE: England 16-64 population 34,994,700 in 2022) and the rate they imply
    population = _value(table, "population_16_64", "E92000001", 2022)
    assert population == pytest.approx(34_994_700)
    employed = _value(table, "employment_16_64", NE_LEP, 2022)
    lep_population = _value(table, "population_16_64", NE_LEP, 2022)
    assert employed / lep_population * 100 == pytest.approx(_value(table, "employment_rate_16_64", NE_LEP, 2022))
