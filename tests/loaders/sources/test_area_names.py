"""Matching Nomis area names to GSS codes: normalisation rules, errors, every name in the real extracts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import SourceFormatError
from loaders.sources import bres
from loaders.sources.area_names import ALIASES, NameMatchError, match_codes, normalise_area_name
from tests.loaders.sources.test_nomis import blocks  # shares the parsed-file cache

NOMIS_XLSX = [
    "nomis/nomis_aps_T01_econ_activity_16to64_england_lep_lad_2018_2022.xlsx",
    "nomis/nomis_aps_T19_qualifications_nvq_england_lep_lad_2017_2021.xlsx",
    "nomis/nomis_aps_T13a_employment_by_industry_england_lep_lad_2018_2022.xlsx",
    "nomis/nomis_ubc_enterprises_by_sizeband_england_lep_lad_2018_2022.xlsx",
    "nomis/nomis_ubc_enterprises_by_industry_sizeband_england_lep_lad_2018_2022.xlsx",
]
BRES_CSV = [f"nomis/nomis_bres_employment_by_industry_england_lep_gb_nuts3_{year}.csv" for year in range(2016, 2021)]


def geojson_names(path: Path, code_field: str, name_field: str) -> dict[str, str]:
    """code -> name from a boundary file's properties (read directly; no geo loader dependency)."""
    with path.open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return {f["properties"][code_field]: f["properties"][name_field] for f in features}


@pytest.fixture(scope="module")
def lep21(geo_dir: Path) -> dict[str, str]:
    names = geojson_names(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson", "LEP21CD", "LEP21NM")
    assert len(names) == 38
    return names


@pytest.fixture(scope="module")
def lad21(geo_dir: Path) -> dict[str, str]:
    return geojson_names(geo_dir / "boundaries/lad/LAD_DEC_2021_UK_BUC.geojson", "LAD21CD", "LAD21NM")


@pytest.fixture(scope="module")
def lad23(geo_dir: Path) -> dict[str, str]:
    return geojson_names(geo_dir / "boundaries/lad/LAD_DEC_2023_UK_BUC.geojson", "LAD23CD", "LAD23NM")


def areas(path: Path) -> pd.DataFrame:
    return blocks(path)[["period", "area_type", "area_name"]].drop_duplicates()


# --- every name in the real extracts -------------------------------------------------------


@pytest.mark.parametrize("relative", NOMIS_XLSX)
def test_nomis_lep_names_cover_all_38_lep21_codes(stats_dir: Path, lep21: dict[str, str], relative: str) -> None:
    frame = areas(stats_dir / relative)
    for period, group in frame[frame["area_type"] == "lep"].groupby("period"):
        names = list(group["area_name"])
        matched = match_codes(names, lep21, source=relative)
        assert len(names) == 38, period
        assert sorted(matched.values()) == sorted(lep21), period  # one-to-one onto all 38 codes


@pytest.mark.parametrize("relative", NOMIS_XLSX)
def test_nomis_ladu_names_are_lad_december_2021(
    stats_dir: Path, lad21: dict[str, str], lad23: dict[str, str], relative: str
) -> None:
    frame = areas(stats_dir / relative)
    ladu = frame[frame["area_type"] == "ladu"]
    expected = 374 if "ubc" in relative else 363  # UK Business Counts add Northern Ireland's 11
    for period, group in ladu.groupby("period"):
        matched = match_codes(group["area_name"], lad21, source=relative)
        codes = set(matched.values())
        assert len(codes) == len(group) == expected, period
        english = {code for code in lad21 if code.startswith("E")}
        assert english <= codes, period  # all 309 English 2021 districts
    with pytest.raises(NameMatchError, match="Allerdale"):  # abolished April 2023: not the 2023 set
        match_codes(ladu["area_name"].unique(), lad23)


@pytest.mark.parametrize("relative", BRES_CSV)
def test_bres_csv_lep_names(stats_dir: Path, lep21: dict[str, str], relative: str) -> None:
    frame = bres.read_bres_csv(stats_dir / relative)
    names = frame.loc[frame["area_type"] == "lep", "area_name"].unique()
    matched = match_codes(names, lep21, source=relative)
    assert sorted(matched.values()) == sorted(lep21)


def test_aliases_are_needed_and_point_at_real_names(
    geo_dir: Path, lep21: dict[str, str], lad21: dict[str, str]
) -> None:
    lep22 = geojson_names(geo_dir / "boundaries/lep/LEP_DEC_2022_EN_BUC.geojson", "LEP22CD", "LEP22NM")
    official = set(lep21.values()) | set(lad21.values()) | set(lep22.values())
    for nomis_name, target in ALIASES.items():
        assert target in official, target
        assert normalise_area_name(nomis_name) != normalise_area_name(target)
    assert match_codes(["Sheffield City Region"], lep22) == {"Sheffield City Region": "E37000054"}
    assert match_codes(["Buckinghamshire Thames Valley"], lep21) == {"Buckinghamshire Thames Valley": "E37000043"}
    with pytest.raises(NameMatchError, match="Hull and East Riding"):
        match_codes(["Hull and East Riding"], lep21, aliases={})


# --- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kingston upon Hull, City of", "City of Kingston upon Hull"),
        ("Herefordshire, County of", "County of Herefordshire"),
        ("Brighton & Hove", "Brighton and Hove"),
        ("St. Helens", "St Helens"),
        ("Stoke-on-Trent", "Stoke on Trent"),
        ("  Newcastle   upon Tyne ", "Newcastle upon Tyne"),
        ("King's Lynn and West Norfolk", "Kings Lynn and West Norfolk"),
        ("King\u2019s Lynn and West Norfolk", "King's Lynn and West Norfolk"),
        ("Ynys Môn", "Ynys Mon"),
        ("Dumfries & Galloway", "Dumfries and Galloway"),
    ],
)
def test_normalise_equates(a: str, b: str) -> None:
    assert normalise_area_name(a) == normalise_area_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("North East", "North East Lincolnshire"),
        ("Stafford", "Staffordshire"),
        ("City of London", "London"),
        ("Kingston upon Hull, City of", "Kingston upon Hull"),
        ("Durham", "County Durham"),
    ],
)
def test_normalise_keeps_different_places_apart(a: str, b: str) -> None:
    assert normalise_area_name(a) != normalise_area_name(b)


def test_welsh_double_names_match_either_half() -> None:
    reference = {"W06000001": "Isle of Anglesey / Ynys Môn", "W06000015": "Cardiff / Caerdydd"}
    assert match_codes(["Isle of Anglesey", "Caerdydd"], reference) == {
        "Isle of Anglesey": "W06000001",
        "Caerdydd": "W06000015",
    }


def test_unmatched_names_are_all_listed() -> None:
    reference = {"E06000001": "Hartlepool", "E06000002": "Middlesbrough"}
    with pytest.raises(NameMatchError) as caught:
        match_codes(["Hartlepool", "Atlantis", "Hartlepol"], reference, source="t01.xlsx")
    error = caught.value
    assert isinstance(error, SourceFormatError)
    assert error.unmatched == ["Atlantis", "Hartlepol"]  # no fuzzy guess for the typo
    assert "t01.xlsx" in str(error) and "Atlantis" in str(error) and "match no code" in str(error)


def test_ambiguous_names_raise() -> None:
    reference = {"E1": "Bristol, City of", "E2": "City of Bristol"}
    with pytest.raises(NameMatchError, match=r"match several codes: 'City of Bristol' -> \['E1', 'E2'\]"):
        match_codes(["City of Bristol"], reference)


def test_alias_is_only_a_fallback() -> None:
    reference = {"X1": "Buckinghamshire Thames Valley", "X2": "Buckinghamshire"}
    assert match_codes(["Buckinghamshire Thames Valley"], reference) == {"Buckinghamshire Thames Valley": "X1"}
