"""Assemble the productivity indicators (GVA per hour / per job, level and index) for every level.

Published ONS values are used wherever ONS publishes them; LEPs and England excluding London, which
ONS does not publish, are computed from LAD GVA and LAD hours/jobs as a ratio of sums and then
smoothed with ONS's filter. The same computation for ITL1 regions and combined authorities is checked
against ONS's own figures (see `validation`).
"""

from __future__ import annotations

import pandas as pd

from loaders.snapshot_schema import tidy_rows
from metrics.aggregation import ratio_of_sums, sum_members
from metrics.comparisons import percent_difference
from metrics.smoothing import PER_HOUR, PER_JOB, ons_smooth
from vocabulary.geography import ENGLAND, UK

WEEKS_PER_YEAR = 52
POUNDS_PER_MILLION = 1_000_000


def derived_productivity(
    gva_millions: pd.DataFrame, labour: pd.DataFrame, membership: pd.DataFrame, per: str
) -> pd.DataFrame:
    """GVA per hour (per="hour", labour = weekly hours) or per filled job (per="job", labour = jobs)
    for each group: group_code, period, unsmoothed, smoothed (£)."""
    scale = POUNDS_PER_MILLION / (WEEKS_PER_YEAR if per == "hour" else 1)
    ratio = ratio_of_sums(gva_millions, labour, membership, scale=scale)
    frames = []
    for group, series in ratio.groupby("group_code"):
        yearly = series.set_index("period")["value"].sort_index()
        ends = PER_HOUR if per == "hour" else PER_JOB
        smoothed = ons_smooth(yearly, ends) if len(yearly) >= 5 else pd.Series(float("nan"), index=yearly.index)
        frames.append(
            pd.DataFrame(
                {"group_code": group, "period": yearly.index, "unsmoothed": yearly.values, "smoothed": smoothed.values}
            )
        )
    return pd.concat(frames, ignore_index=True)


def published(frame: pd.DataFrame, measure: str, codes: set[str] | None = None) -> pd.DataFrame:
    """Rows of one measure from a parsed productivity workbook, with UKX recoded to the UK GSS code."""
    rows = frame[frame["measure"] == measure].copy()
    rows["area_code"] = rows["area_code"].replace({"UKX": UK})
    if codes is not None:
        rows = rows[rows["area_code"].isin(codes)]
    return rows


def index_to_uk(values: pd.DataFrame, uk: pd.DataFrame) -> pd.DataFrame:
    """value / UK value * 100 in the same year (values: area_code, area_name, period, value)."""
    uk_by_year = uk.set_index("period")["value"]
    out = values.copy()
    out["value"] = out["value"] / out["period"].map(uk_by_year) * 100
    return out.dropna(subset=["value"])


def validation_against_published(derived: pd.DataFrame, published_rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per area and year: our derived value, ONS's value and the % difference."""
    merged = derived.merge(
        published_rows[["area_code", "area_name", "period", "value"]],
        left_on=["group_code", "period"],
        right_on=["area_code", "period"],
    )
    merged["ours"] = merged[column]
    merged["ons"] = merged["value"]
    merged["pct_difference"] = percent_difference(merged["ours"], merged["ons"])
    return merged[["area_code", "area_name", "period", "ours", "ons", "pct_difference"]]


def group_rows(derived: pd.DataFrame, names: dict[str, str], column: str) -> pd.DataFrame:
    """Derived values as area_code/area_name/period/value rows."""
    out = derived.rename(columns={"group_code": "area_code", column: "value"})
    out["area_name"] = out["area_code"].map(names)
    return out[["area_code", "area_name", "period", "value"]].dropna(subset=["value"])


def productivity_rows(
    *,
    lad_tables: pd.DataFrame,
    itl_tables: pd.DataFrame,
    ca_tables: pd.DataFrame,
    els_itl1: pd.DataFrame,
    gva_total: pd.DataFrame,
    memberships: dict[str, pd.DataFrame],
    names: dict[str, dict[str, str]],
) -> tuple[pd.DataFrame, dict]:
    """All productivity snapshot rows plus the validation figures for the manifest.

    memberships: "lep", "itl1", "cauth", "benchmark" (member_code LAD -> group_code).
    els_itl1: published smoothed £ per hour / per job for ITL1, England and UK (measure column
    gva_per_hour / gva_per_job, Explore Local Statistics, June 2025 vintage).
    """
    rows: list[pd.DataFrame] = []
    validation: dict = {}
    lad_codes = set(gva_total["area_code"])
    for per, labour_measure in (("hour", "hours_weekly"), ("job", "filled_jobs")):
        level_id, index_id = f"gva_per_{per}", f"gva_per_{per}_index"
        labour = published(lad_tables, labour_measure, lad_codes)
        uk_smoothed = published(lad_tables, level_id, {UK})

        # Published: LADs and UK (June 2025), ITL2/ITL3 (June 2024), combined authorities (June 2025).
        rows.append(tidy_rows(published(lad_tables, level_id, lad_codes), level_id, "lad"))
        rows.append(tidy_rows(published(lad_tables, index_id, lad_codes), index_id, "lad"))
        rows.append(tidy_rows(uk_smoothed.assign(area_name="United Kingdom"), level_id, "uk"))
        rows.append(tidy_rows(published(lad_tables, index_id, {UK}).assign(area_name="United Kingdom"), index_id, "uk"))
        for level in ("ITL2", "ITL3"):
            for measure in (level_id, index_id, f"{level_id}_unsmoothed"):
                if per == "job" and measure.endswith("unsmoothed"):
                    continue
                part = published(itl_tables, measure)
                rows.append(tidy_rows(part[part["itl_level"] == level], measure, level.lower()))
        ca = ca_tables[ca_tables["area_code"].str.startswith("E47")]
        for measure in (level_id, index_id):
            rows.append(tidy_rows(published(ca, measure), measure, "cauth"))
        # Combined authorities newer than ONS's tables (e.g. Devon and Torbay): computed like LEPs.
        unpublished = set(memberships["cauth"]["group_code"]) - set(ca["area_code"])
        if unpublished:
            newer = memberships["cauth"][memberships["cauth"]["group_code"].isin(unpublished)]
            derived = derived_productivity(gva_total, labour, newer, per)
            smoothed = group_rows(derived, names["cauth"], "smoothed")
            rows.append(tidy_rows(smoothed, level_id, "cauth", status="derived"))
            rows.append(tidy_rows(index_to_uk(smoothed, uk_smoothed), index_id, "cauth", status="derived"))

        # Published ITL1 and England (Explore Local Statistics, same June 2025 vintage).
        els = els_itl1[els_itl1["measure"] == level_id]
        itl1 = els[els["area_code"].str.fullmatch(r"TL[C-N]")]
        england = els[els["area_code"] == ENGLAND]
        rows.append(tidy_rows(itl1, level_id, "itl1"))
        rows.append(tidy_rows(england, level_id, "country"))
        rows.append(tidy_rows(index_to_uk(itl1, uk_smoothed), index_id, "itl1", status="derived"))
        rows.append(tidy_rows(index_to_uk(england, uk_smoothed), index_id, "country", status="derived"))

        # Computed: LEPs and England excluding London (smoothed and index), unsmoothed for all.
        for group_level in ("lep", "benchmark"):
            derived = derived_productivity(gva_total, labour, memberships[group_level], per)
            smoothed = group_rows(derived, names[group_level], "smoothed")
            rows.append(tidy_rows(smoothed, level_id, group_level, status="derived"))
            rows.append(tidy_rows(index_to_uk(smoothed, uk_smoothed), index_id, group_level, status="derived"))
            if per == "hour":
                rows.append(
                    tidy_rows(
                        group_rows(derived, names[group_level], "unsmoothed"),
                        f"{level_id}_unsmoothed",
                        group_level,
                        status="derived",
                    )
                )
        if per == "hour":
            for group_level, geography in (
                ("uk", "uk"),
                ("country", "country"),
                ("itl1", "itl1"),
                ("cauth", "cauth"),
                ("lad", "lad"),
            ):
                derived = derived_productivity(gva_total, labour, memberships[group_level], per)
                rows.append(
                    tidy_rows(
                        group_rows(derived, names[geography], "unsmoothed"),
                        f"{level_id}_unsmoothed",
                        geography,
                        status="derived",
                    )
                )

        # Validation: the LEP method applied where ONS publishes the answer.
        itl1_derived = derived_productivity(gva_total, labour, memberships["itl1"], per)
        ca_derived = derived_productivity(gva_total, labour, memberships["cauth"], per)
        validation[f"itl1_{level_id}_smoothed"] = validation_against_published(itl1_derived, itl1, "smoothed")
        validation[f"cauth_{level_id}_unsmoothed"] = validation_against_published(
            ca_derived, published(ca, f"{level_id}_unsmoothed"), "unsmoothed"
        )
        validation[f"cauth_{level_id}_smoothed"] = validation_against_published(
            ca_derived, published(ca, level_id), "smoothed"
        )
    return pd.concat(rows, ignore_index=True), validation


def component_rows(
    gva_total: pd.DataFrame,
    lad_tables: pd.DataFrame,
    memberships: dict[str, pd.DataFrame],
    names: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """The additive parts of productivity (GVA £m, weekly hours worked, filled jobs) for LADs and every
    group of LADs, so that any other grouping (e.g. a user's group of LEPs) is a sum over sums."""
    lad_codes = set(gva_total["area_code"])
    parts = {
        "gva_current_prices": gva_total,
        "hours_worked_weekly": published(lad_tables, "hours_weekly", lad_codes)[["area_code", "period", "value"]],
        "filled_jobs": published(lad_tables, "filled_jobs", lad_codes)[["area_code", "period", "value"]],
    }
    rows = []
    for indicator, values in parts.items():
        for level, membership in memberships.items():
            summed = sum_members(values, membership).rename(columns={"group_code": "area_code"})
            summed["area_name"] = summed["area_code"].map(names[level])
            rows.append(tidy_rows(summed, indicator, level, status=None if level == "lad" else "derived"))
    return pd.concat(rows, ignore_index=True)
