"""Matching an upload's codes and names to the official areas of a level (reviewable, never a guess), the
user's choices, the level suggestion, the values of the matched areas, and reading an upload without raising.
Reference areas come from the committed parquet files."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from components.view_choices import area_names
from loaders.errors import SourceFormatError
from loaders.uploads import matching, read_values_upload, safe_reading
from tests.loaders.hostile_builders import csv_bytes, xlsx_bytes
from vocabulary.geography import AREA_LEVEL_KEYS

REPO = Path(__file__).resolve().parents[3]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
REFERENCES = {level: area_names(AREAS, level) for level in AREA_LEVEL_KEYS}  # as the page builds them
XSS = "<img src=x onerror=alert(1)>"


def reference(level: str) -> dict[str, str]:
    rows = AREAS[AREAS["geography"] == level]
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


LEPS = reference("lep")
LADS = reference("lad")
NORTH_EAST = next(code for code, name in LEPS.items() if name == "North East")
CHESHIRE = next(code for code, name in LEPS.items() if name == "Cheshire and Warrington")


def test_codes_match_exactly_whatever_their_case() -> None:
    table = matching.match_table([NORTH_EAST.lower(), " " + CHESHIRE, "E06000001", "E99999999"], "code", LEPS)
    by_key = table.set_index("uploaded")
    assert by_key.loc[NORTH_EAST.lower(), "area_code"] == NORTH_EAST
    assert by_key.loc[" " + CHESHIRE, "official_name"] == "Cheshire and Warrington"
    assert by_key.loc["E06000001", "status"] == matching.UNMATCHED  # a LAD code is not a LEP
    assert by_key.loc["E99999999", "status"] == matching.UNMATCHED
    assert list(table.columns) == matching.MATCH_COLUMNS


def test_names_with_one_unmatched_and_one_ambiguous() -> None:
    upload = read_values_upload(
        "names.csv",
        csv_bytes([["Area", "Score"], ["North East", 1], ["Cheshire & Warrington", 2], ["Narnia", 3], ["Newport", 4]]),
    )
    # A reference with two areas called Newport (as a mixed-vintage list could have): never a guess.
    ref = {**LEPS, "W06000022": "Newport", "X00000001": "Newport"}
    table = matching.match_upload(upload, ref).set_index("uploaded")
    assert table.loc["North East", ["area_code", "status"]].tolist() == [NORTH_EAST, matching.MATCHED]
    assert table.loc["Cheshire & Warrington", ["area_code", "status"]].tolist() == [CHESHIRE, matching.MATCHED]
    assert table.loc["Narnia", ["area_code", "status"]].tolist() == ["", matching.UNMATCHED]
    assert table.loc["Newport", ["area_code", "status"]].tolist() == ["", matching.AMBIGUOUS]
    assert "W06000022 Newport" in table.loc["Newport", "detail"] and "X00000001" in table.loc["Newport", "detail"]
    summary = matching.match_summary(table.reset_index(), "LEPs")
    assert summary == "2 of 4 areas in your file matched LEPs; 1 unmatched, 1 ambiguous (not mapped until resolved)."


def test_normalised_names_match_but_two_rows_on_one_area_are_flagged() -> None:
    table = matching.match_table(["St Helens", "St. Helens", "Kingston upon Hull, City of"], "name", LADS)
    assert set(table["status"][:2]) == {matching.DUPLICATE}
    assert "2 rows match" in table["detail"][0]
    hull = next(code for code, name in LADS.items() if "Hull" in name)
    assert table.loc[2, ["area_code", "status"]].tolist() == [hull, matching.MATCHED]


def test_user_choices_resolve_rows_and_are_rechecked() -> None:
    table = matching.match_table(["Narnia", "North East", "north east"], "name", LEPS)
    assert table["status"].tolist() == [matching.UNMATCHED, matching.DUPLICATE, matching.DUPLICATE]
    resolved = matching.apply_choices(table, {"Narnia": CHESHIRE, "north east": matching.LEAVE_OUT}, LEPS)
    assert resolved["status"].tolist() == [matching.CHOSEN, matching.MATCHED, matching.LEFT_OUT]
    assert resolved.loc[0, "official_name"] == "Cheshire and Warrington"
    clash = matching.apply_choices(table, {"Narnia": NORTH_EAST, "north east": matching.LEAVE_OUT}, LEPS)
    assert clash["status"].tolist() == [matching.DUPLICATE, matching.DUPLICATE, matching.LEFT_OUT]
    ignored = matching.apply_choices(table, {"Narnia": "NOT A CODE"}, LEPS)
    assert ignored.loc[0, "status"] == matching.UNMATCHED


def test_level_suggestion_for_codes_of_another_level() -> None:
    lad_codes = list(LADS)[:25]
    assert matching.suggest_level(lad_codes, "code", REFERENCES, "lep") == ("lad", 25)
    assert matching.suggest_level(lad_codes, "code", REFERENCES, "lad") is None
    assert matching.suggest_level([], "code", REFERENCES, "lep") is None


def test_matched_values_by_period_and_column() -> None:
    upload = read_values_upload(
        "p.csv",
        csv_bytes(
            [
                ["code", "name", "year", "jobs", "firms"],
                [NORTH_EAST, XSS, 2021, 10, 1],
                [NORTH_EAST, XSS, 2022, 11, 2],
                [CHESHIRE, "Ches", 2022, "c", 3],
                ["E99999999", "Nowhere", 2022, 5, 5],
            ]
        ),
    )
    matches = matching.match_upload(upload, LEPS)
    assert matches.set_index("uploaded").loc[NORTH_EAST, "name_in_file"] == XSS
    assert matching.periods_of(upload, "jobs") == [2022, 2021]
    values = matching.matched_values(upload, matches, "jobs", 2022)
    assert values["area_code"].tolist() == [CHESHIRE, NORTH_EAST]  # sorted by official name
    assert values["area_name"].tolist() == ["Cheshire and Warrington", "North East"]
    assert math.isnan(values.loc[0, "value"]) and values.loc[0, "status"] == "suppressed"
    assert values.loc[1, "value"] == 11.0 and values.loc[1, "name_in_file"] == XSS
    assert matching.matched_values(upload, matches, "firms", 2021)["value"].tolist() == [1.0]


def test_read_safely_never_raises() -> None:
    assert safe_reading.read_safely(read_values_upload, "a.csv", b"")[1].problem == "file is empty"

    def broken(name: str, data: bytes) -> None:
        raise ZeroDivisionError("boom")

    result, error = safe_reading.read_safely(broken, "b.csv", b"x")
    assert result is None and isinstance(error, SourceFormatError)
    assert str(error) == (
        "b.csv: could not be read: part of it is in a form this page does not understand; check the file and try again"
    )


def test_xlsx_upload_matches_like_csv() -> None:
    upload = read_values_upload("a.xlsx", xlsx_bytes([["LEP name", "v"], ["North East", 2], ["Cumbria", 3]]))
    assert matching.match_upload(upload, LEPS)["status"].tolist() == [matching.MATCHED, matching.MATCHED]


def test_choices_from_the_edited_match_table() -> None:
    table = matching.match_table(["Narnia", "North East", "Mordor"], "name", LEPS)
    options = matching.choice_options(LEPS)
    assert options[:2] == ["", matching.LEAVE_OUT] and f"{CHESHIRE} Cheshire and Warrington" in options
    edited = table.assign(your_choice=[f"{CHESHIRE} Cheshire and Warrington", None, matching.LEAVE_OUT])
    choices = matching.choices_made(edited, LEPS)
    assert choices == {"Narnia": CHESHIRE, "Mordor": matching.LEAVE_OUT}
    assert matching.apply_choices(table, choices, LEPS)["status"].tolist() == [
        matching.CHOSEN,
        matching.MATCHED,
        matching.LEFT_OUT,
    ]
    assert matching.choices_made(table.assign(your_choice=["not an option", "", ""]), LEPS) == {}
