"""Notices for areas that ended or changed (issue 11), built from the snapshot's area table and manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from components.area_notices import area_label, area_notice, lep_successors

REPO = Path(__file__).resolve().parents[2]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))


def test_labels_say_what_kind_of_area() -> None:
    assert area_label("North East", "lep") == "North East LEP"
    assert area_label("North East", "rgn") == "North East (region)"
    assert area_label("Hartlepool", "lad") == "Hartlepool (local authority)"


def test_a_lep_names_the_combined_authorities_its_districts_are_now_in() -> None:
    lads = AREAS[(AREAS["geography"] == "lad") & AREAS["parent_leps"].str.contains("E37000012")]
    successors = dict(lep_successors(AREAS, "E37000012"))  # Greater Birmingham and Solihull
    assert sum(len(names) for names in successors.values()) == len(lads)
    cauths = AREAS[AREAS["geography"] == "cauth"].set_index("area_code")["area_name"]
    in_cauth = lads[lads["parent_cauth"].fillna("") != ""]
    assert {cauths[code] for code in in_cauth["parent_cauth"]} == {k for k in successors if k is not None}
    notice = area_notice("E37000025", "lep", AREAS, MANIFEST)
    assert notice.startswith("North East LEP: ") and "April 2024" in notice
    assert "North East combined authority (all 7)" in notice


def test_a_2023_unitary_authority_names_the_districts_it_replaced() -> None:
    notice = area_notice("E06000065", "lad", AREAS, MANIFEST)
    assert notice.startswith(
        "North Yorkshire was created in April 2023 from Craven, Hambleton, Harrogate, "
        "Richmondshire, Ryedale, Scarborough and Selby."
    )
    assert area_notice("E06000001", "lad", AREAS, MANIFEST) is None  # Hartlepool did not change
    assert area_notice("TLC", "itl1", AREAS, MANIFEST) is None
