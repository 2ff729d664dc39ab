"""The Manufacturing page's headline: an area's manufacturing share and how many times the benchmark
economy's share it is (the location quotient against the benchmark chosen in the sidebar)."""

from __future__ import annotations

import pandas as pd

from components.formatting import format_value
from components.manufacturing import FAMILY_WORDS, SUPPRESSED_STATUS, display_name
from components.quotients import Reference

PROVISIONAL = "provisional"


def _row_at(rows: pd.DataFrame, code: str, year: int, geography: str | None = None) -> tuple[float | None, str]:
    """(value, status) of one area in one year; (None, status or "") when it has no value."""
    match = rows[(rows["area_code"] == code) & (rows["period"] == year)]
    if geography is not None:
        match = match[match["geography"] == geography]
    valued = match.dropna(subset=["value"])
    if len(valued):
        return float(valued["value"].iloc[0]), str(valued["status"].iloc[0])
    return None, str(match["status"].iloc[0]) if len(match) else ""


def headline(
    share_rows: pd.DataFrame,
    family: str,
    level: str,
    area_code: str | None,
    area_name: str | None,
    year: int,
    reference: Reference,
) -> str | None:
    """'Manufacturing is 15.4% of GVA in North East LEP in 2023 (provisional; ONS GVA by industry,
    workplace-based), 1.56 times England excluding London's share (9.9%).' `share_rows` are all snapshot
    rows of the family's share; the ratio is the share over the reference's share in the same year (the
    location quotient). None without an area."""
    if not area_code or not area_name:
        return None
    name = display_name(area_name, level)
    what, basis = FAMILY_WORDS[family]
    share, status = _row_at(share_rows, area_code, year, level)
    if share is None:
        why = " (withheld by the source)" if status == SUPPRESSED_STATUS else ""
        return f"{name} has no manufacturing share of {what} for {year}{why}."
    base, base_status = _row_at(share_rows, reference.code, year)
    provisional = PROVISIONAL in (status, base_status)
    about = f"{'provisional; ' if provisional else ''}{basis}"
    shown = format_value(share, "%", 1)
    if family == "aps":
        text = f"{shown} of {name}'s residents in employment work in manufacturing in {year} ({about})"
    else:
        text = f"Manufacturing is {shown} of {what} in {name} in {year} ({about})"
    if not base:
        return text + f"; {reference.name} has no share for {year} to compare with."
    return text + f", {share / base:.2f} times {reference.name}'s share ({format_value(base, '%', 1)})."
