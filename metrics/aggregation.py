"""Aggregate additive components from member areas to groups (LEPs, regions, benchmarks).

Ratios such as GVA per hour are never averaged: a group's value is the sum of its members'
numerators over the sum of their denominators. A group-year with any member missing is left
missing rather than summed over the members that happen to be present.
"""

from __future__ import annotations

import pandas as pd


def sum_members(values: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Sum `values` (area_code, period, value) over each group in `membership` (member_code,
    group_code). Returns group_code, period, value, members; NaN where a member has no value."""
    expected = membership.groupby("group_code")["member_code"].nunique().rename("expected")
    joined = membership.merge(values, left_on="member_code", right_on="area_code", how="inner")
    grouped = joined.groupby(["group_code", "period"]).agg(
        value=("value", lambda s: s.sum(min_count=len(s))),
        present=("value", "count"),
    )
    grouped = grouped.join(expected, on="group_code")
    grouped.loc[grouped["present"] < grouped["expected"], "value"] = float("nan")
    result = grouped.reset_index().rename(columns={"present": "members"})
    return result[["group_code", "period", "value", "members"]]


def ratio_of_sums(
    numerator: pd.DataFrame, denominator: pd.DataFrame, membership: pd.DataFrame, scale: float = 1.0
) -> pd.DataFrame:
    """scale * sum(numerator) / sum(denominator) per group and period (group_code, period, value)."""
    top = sum_members(numerator, membership).set_index(["group_code", "period"])["value"]
    bottom = sum_members(denominator, membership).set_index(["group_code", "period"])["value"]
    ratio = (top / bottom * scale).dropna()
    return ratio.rename("value").reset_index()
