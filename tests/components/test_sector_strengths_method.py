"""The Sector strengths method text names what the build left out and the BRES years, from the manifest."""

from __future__ import annotations

from components.sector_strengths_method import sector_strengths_method
from metrics.sectors import STRENGTH_RULE


def test_the_method_names_the_regions_left_out_and_the_bres_years() -> None:
    manifest = {
        "itl3_2021_membership": {
            "regions_left_out": {"TLD11": {"name": "West Cumbria", "straddling_lads": ["Cumberland"]}}
        },
        "industry_gva": {"employment": {"years": [2016, 2020]}},
    }
    text = sector_strengths_method(manifest)
    assert "has no figures: West Cumbria (Cumberland)." in text
    assert "by SIC section, 2016-2020, for LEPs" in text
    assert STRENGTH_RULE in text and "**GVA per job**" in text
