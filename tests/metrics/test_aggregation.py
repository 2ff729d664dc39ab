"""Aggregation from member areas: ratio of sums, never a mean of ratios; missing members propagate."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.aggregation import ratio_of_sums, sum_members

MEMBERS = pd.DataFrame({"member_code": ["a", "b", "c"], "group_code": ["G", "G", "H"]})


def _values(data: dict[tuple[str, int], float]) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": k[0], "period": k[1], "value": v} for k, v in data.items()])


def test_ratio_of_sums_is_not_mean_of_ratios() -> None:
    gva = _values({("a", 2020): 100.0, ("b", 2020): 300.0, ("c", 2020): 50.0})
    hours = _values({("a", 2020): 10.0, ("b", 2020): 60.0, ("c", 2020): 5.0})
    result = ratio_of_sums(gva, hours, MEMBERS).set_index("group_code")["value"]
    assert result["G"] == pytest.approx(400 / 70)  # not (10 + 5) / 2 = 7.5
    assert result["H"] == pytest.approx(10.0)


def test_group_with_a_missing_member_is_missing() -> None:
    gva = _values({("a", 2020): 100.0, ("b", 2020): float("nan"), ("a", 2021): 1.0})
    summed = sum_members(gva, MEMBERS).set_index(["group_code", "period"])
    assert math.isnan(summed.loc[("G", 2020), "value"])
    assert math.isnan(summed.loc[("G", 2021), "value"])  # b has no 2021 row at all


def test_members_may_sit_in_two_groups() -> None:
    overlapping = pd.DataFrame({"member_code": ["a", "b", "b"], "group_code": ["G", "G", "H"]})
    values = _values({("a", 2020): 1.0, ("b", 2020): 2.0})
    summed = sum_members(values, overlapping).set_index("group_code")["value"]
    assert summed["G"] == 3.0 and summed["H"] == 2.0


def test_scale() -> None:
    gva = _values({("a", 2020): 2.0, ("b", 2020): 2.0})
    hours = _values({("a", 2020): 1.0, ("b", 2020): 3.0})
    scaled = ratio_of_sums(gva, hours, MEMBERS[MEMBERS["group_code"] == "G"], scale=1e6 / 52)
    assert scaled["value"].item() == pytest.approx(1e6 / 52)
