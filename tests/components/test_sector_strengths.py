"""The Sector strengths view: the sentence, the tables and the chart as a person reads them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.sector_strengths import (
    for_display,
    groups_table,
    industry_name,
    profile_table,
    strengths_sentence,
)
from components.sector_strengths_charts import bubble_chart, bubble_data, strength_labels
from vocabulary.sector_groups import SECTOR_GROUPS


def _profile(rows: list[tuple[str, float, float, bool, int | None]]) -> pd.DataFrame:
    """industry, lq, real growth over 5 years, strength, specialised since."""
    return pd.DataFrame(
        {
            "industry": [r[0] for r in rows],
            "gva": 100.0,
            "share_pct": 10.0,
            "reference_share_pct": 8.0,
            "lq": [r[1] for r in rows],
            "lq_before": 1.0,
            "share_change_5y": 0.5,
            "share_change_10y": 1.0,
            "nominal_growth_5y": 20.0,
            "nominal_growth_10y": 40.0,
            "real_growth_5y": [r[2] for r in rows],
            "real_growth_10y": 30.0,
            "status": "",
            "specialised_since": [r[4] for r in rows],
            "strength": [r[3] for r in rows],
        }
    )


def test_sentence_names_each_strength_with_its_quotient_and_since_when() -> None:
    profile = _profile([("CD-CG", 3.1, 5.0, True, 1998), ("K", 0.7, 2.0, False, None), ("CI-CL", 1.9, 8.0, True, 2012)])
    text = strengths_sentence(
        profile, "Cheshire and Warrington", "lep", 2023, "England", provisional=True, first_year=1998
    )
    assert text.startswith("Cheshire and Warrington LEP's strengths in 2023 (provisional) against England: ")
    assert "Manufacture of petroleum, chemicals and other minerals (SIC 19-23) (3.10 times the share" in text
    assert "since at least 1998" in text  # the first year of the tables: the run may be longer
    assert text.index("SIC 19-23") < text.index("SIC 26-30")  # most specialised first
    assert "(1.90 times the share, since 2012)" in text
    assert "Financial" not in text
    assert "shrinking" not in text


def test_sentence_adds_the_specialised_industries_whose_real_output_fell() -> None:
    profile = _profile([("CI-CL", 1.9, 8.0, True, 2012), ("CD-CG", 3.1, -12.04, False, 1998)])
    text = strengths_sentence(profile, "Cheshire and Warrington", "lep", 2023, "England", False, 1998)
    assert text.endswith(
        "Also specialised, but shrinking in real terms since 2018: Manufacture of petroleum, chemicals and other "
        "minerals (SIC 19-23) (3.10 times the share; real GVA -12.0%)."
    )


def test_sentence_without_strengths_says_why_the_most_specialised_is_not_one() -> None:
    below = strengths_sentence(
        _profile([("K", 1.1, 5.0, False, None)]), "Hartlepool", "lad", 2023, "the UK", False, 1998
    )
    assert below.startswith("No industry in Hartlepool meets the strength rule in 2023")
    assert "1.10, below 1.25" in below
    shrinking = strengths_sentence(
        _profile([("K", 1.6, -3.0, False, 2015)]), "Hartlepool", "lad", 2023, "UK", False, 1998
    )
    assert "its real GVA did not grow over the 5 years to 2023" in shrinking
    withheld = strengths_sentence(
        _profile([("K", np.nan, np.nan, False, None)]), "Isles", "lad", 2023, "UK", False, 1998
    )
    assert "no industry figures" in withheld and "withheld" in withheld


def test_strengths_table_puts_the_most_specialised_first_and_missing_last() -> None:
    table = profile_table(
        _profile([("K", 0.7, 1, False, None), ("F", np.nan, 1, False, None), ("C", 2.0, 1, True, 2000)]), "England"
    )
    assert table["Code"].tolist() == ["C", "K", "F"]
    assert table.loc[0, "Strength"] == "strength" and table.loc[1, "Strength"] == ""
    assert "England share (%)" in table.columns


def test_groupings_table_lists_both_frameworks_and_never_a_zero_for_what_cannot_be_built() -> None:
    built = [g for g in SECTOR_GROUPS if g.industries]
    profile = _profile([(g.key, 1.5, 3.0, False, None) for g in built])
    table = groups_table(profile, "England")
    assert len(table) == len(SECTOR_GROUPS)
    assert set(table["Framework"]) == {g.framework for g in SECTOR_GROUPS}
    unavailable = table[table["Coverage"] == "not available"]
    assert set(unavailable["Grouping"]) >= {"Defence", "Nuclear", "Offshore wind"}
    assert unavailable["Location quotient"].isna().all()  # no figure, not 0
    assert (table.loc[table["Coverage"] != "not available", "Location quotient"] == 1.5).all()
    assert table["Why this coverage"].str.len().min() > 40  # every row says why


def test_a_proxy_grouping_never_reads_as_the_official_definition() -> None:
    for group in SECTOR_GROUPS:
        assert industry_name(group.key).endswith(f"({group.coverage})")


def test_strength_names_are_placed_on_the_side_with_room() -> None:
    profile = _profile([("CD-CG", 20.0, 5.0, True, 2000), ("CC", 1.3, 5.0, True, 2000), ("K", 0.5, 1.0, False, None)])
    data = bubble_data(profile, "Somewhere", 2023)
    layers = strength_labels(data, *_xy(data))
    aligned = {code: layer.mark.align for layer in layers for code in layer.data["industry"]}
    assert aligned == {"CD-CG": "right", "CC": "left"}  # log midpoint of 0.5..20 is sqrt(10) = 3.16


def test_bubble_chart_marks_the_strength_threshold_and_puts_legends_below() -> None:
    profile = _profile([("CD-CG", 3.0, 5.0, True, 2000), ("K", 0.5, -1.0, False, None)])
    spec = bubble_chart(bubble_data(profile, "Somewhere", 2023), "Somewhere", 2023, "England").to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"].get("type", layer["mark"]) == "rule"]
    assert any(layer.get("mark", {}).get("strokeDash") for layer in rules)  # the dashed line at 1.25
    bubbles = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert bubbles["encoding"]["x"]["scale"]["type"] == "log"
    assert bubbles["encoding"]["size"]["legend"]["orient"] == "bottom"
    assert bubbles["encoding"]["shape"]["field"] == bubbles["encoding"]["color"]["field"] == "kind"  # not colour alone
    assert "Somewhere, 2023" in spec["title"]["text"]


def _xy(data: pd.DataFrame):
    import altair as alt

    return alt.X("lq:Q", scale=alt.Scale(type="log")), alt.Y("real_growth_pct:Q")


def test_close_names_on_the_same_side_are_pushed_apart() -> None:
    profile = _profile(
        [("CD-CG", 3.0, 10.0, True, 2000), ("CI-CL", 2.9, 10.5, True, 2000), ("K", 0.5, -30.0, False, None)]
    )
    data = bubble_data(profile, "Somewhere", 2023)
    (layer,) = strength_labels(data, *_xy(data))
    heights = sorted(layer.data["real_growth_pct"])
    span = 10.5 - (-30.0)
    assert heights[1] - heights[0] >= 0.055 * span - 1e-9  # a name's height apart, not 0.5 points
    assert abs(sum(heights) / 2 - 10.25) < 1e-9  # centred on the bubbles


def test_plotted_rows_of_a_provisional_year_say_so() -> None:
    profile = _profile([("CD-CG", 3.0, 5.0, True, 2000)])
    assert bubble_data(profile, "Somewhere", 2023, provisional=True)["status"].tolist() == ["provisional"]
    assert bubble_data(profile, "Somewhere", 2022)["status"].tolist() == [""]


def test_a_change_that_rounds_to_nothing_is_shown_as_zero_not_minus_zero() -> None:
    profile = _profile([("K", 0.7, 1.0, False, None)]).assign(share_change_5y=-0.004, lq=0.004)
    shown = for_display(profile_table(profile, "England"))
    assert (
        shown.loc[0, "Change in share, 5 years (pp)"] == 0
        and str(shown.loc[0, "Change in share, 5 years (pp)"]) == "0.0"
    )
    assert shown.loc[0, "Location quotient"] == 0.0
    assert profile_table(profile, "England").loc[0, "Change in share, 5 years (pp)"] == -0.004  # downloads keep it
