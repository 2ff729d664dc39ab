"""Location quotients against a chosen reference economy (issue 11): share over the reference's share in the
same year, with statuses that keep a withheld value withheld and carry a provisional reference."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.location_quotients import quotient_rows, reference_share


def shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "share",
            "geography": ["lep", "lep", "lep", "uk", "uk", "country"],
            "area_code": ["A", "B", "A", "UK", "UK", "ENG"],
            "area_name": "x",
            "period": [2022, 2022, 2023, 2022, 2023, 2022],
            "value": [20.0, math.nan, 9.0, 10.0, 12.0, 8.0],
            "status": ["", "suppressed", "", "", "provisional", ""],
            "lci": 1.0,
            "uci": 2.0,
        }
    )


def test_quotient_is_the_share_over_the_reference_share_in_the_same_year() -> None:
    out = quotient_rows(shares(), "UK").set_index(["area_code", "period"])
    assert out.loc[("A", 2022), "value"] == pytest.approx(2.0)
    assert out.loc[("A", 2023), "value"] == pytest.approx(0.75)
    assert out.loc[("ENG", 2022), "value"] == pytest.approx(0.8)
    england = quotient_rows(shares(), "ENG").set_index(["area_code", "period"])
    assert england.loc[("A", 2022), "value"] == pytest.approx(2.5)


def test_statuses_follow_the_parts() -> None:
    out = quotient_rows(shares(), "UK").set_index(["area_code", "period"])
    assert out.loc[("B", 2022), "status"] == "suppressed" and math.isnan(out.loc[("B", 2022), "value"])
    assert out.loc[("A", 2023), "status"] == "provisional"  # the UK's 2023 share is provisional
    assert out.loc[("A", 2022), "status"] == "derived"
    england = quotient_rows(shares(), "ENG").set_index(["area_code", "period"])
    assert england.loc[("A", 2023), "status"] == "unavailable"  # England has no 2023 share
    assert out["lci"].isna().all()  # a share's interval is not the quotient's


def test_reference_share_by_year() -> None:
    assert reference_share(shares(), "UK").to_dict() == {2022: 10.0, 2023: 12.0}
    assert reference_share(shares(), "nowhere").empty
