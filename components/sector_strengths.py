"""Sector strengths page: the tables, the sentence and the map of one industry's location quotient. The
arithmetic is in metrics/sectors.py, the words for industries and groupings in vocabulary/; the chart in
components/sector_strengths_charts.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from components.area_notices import regions_left_out
from components.figures import Figure, choropleth_figure
from components.formatting import format_signed
from components.manufacturing import Measure, MeasureMap, build_measure_map, display_name
from metrics.sectors import LONG_SPAN, NEVER_STRENGTHS, SHORT_SPAN, STRENGTH_LQ
from vocabulary.geography import LEVELS
from vocabulary.indicators import Indicator
from vocabulary.industries import FINEST, SECTIONS, industry
from vocabulary.sector_groups import COVERAGE_MEANING, SECTOR_GROUPS, SectorGroup

DETAILS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sections": (f"SIC sections ({len(SECTIONS)})", tuple(row.code for row in SECTIONS)),
    "detailed": (f"Detailed industries ({len(FINEST)})", tuple(row.code for row in FINEST)),
}
STATUS_WORDS = {
    "suppressed": "withheld by ONS",
    "unavailable": "no figure",
    "itl3_sum": "ONS's regional figure (an authority's is withheld); no real-terms figure",
}
LQ_MEASURE = Measure("industry_lq", "industry_lq", "Location quotient of GVA", "gva", True)
BUILT_GROUPS: tuple[SectorGroup, ...] = tuple(group for group in SECTOR_GROUPS if group.industries)


def industry_name(code: str) -> str:
    """'Manufacture of petroleum, chemicals and other minerals (SIC 19-23)'; a grouping's name with its
    coverage, so a proxy never reads as the official definition."""
    group = next((g for g in SECTOR_GROUPS if g.key == code), None)
    if group is not None:
        return group.label
    found = industry(code)
    return f"{found.label} (SIC {found.sic})"


def strengths_sentence(
    profile: pd.DataFrame,
    area_name: str,
    level: str,
    year: int,
    reference_name: str,
    provisional: bool,
    first_year: int,
) -> str:
    """One sentence: the area's strengths in `year`, most specialised first, each with since when it has been
    specialised (`first_year`, the tables' first, reads "since at least"); then the industries as specialised
    whose real GVA fell; or, with no strength, the most specialised industry and why it is not one."""
    name = display_name(area_name, level)
    when = f"{year} (provisional)" if provisional else str(year)
    ranked = profile.dropna(subset=["lq"]).sort_values(["lq", "industry"], ascending=[False, True])
    ranked = ranked[~ranked["industry"].isin(NEVER_STRENGTHS)]
    if ranked.empty:
        return f"{name} has no industry figures for {when}: ONS withheld them."
    strengths = ranked[ranked["strength"]]
    shrinking = ranked[(ranked["lq"] >= STRENGTH_LQ) & ~ranked["strength"]]
    if strengths.empty:
        top = ranked.iloc[0]
        reason = (
            f"its location quotient is {top['lq']:.2f}, below {STRENGTH_LQ}"
            if top["lq"] < STRENGTH_LQ
            else f"its real GVA did not grow over the {SHORT_SPAN} years to {year}"
        )
        return (
            f"No industry in {name} meets the strength rule in {when}; the most specialised is "
            f"{industry_name(top['industry'])}, but {reason}."
        )
    listed = _listed([_strength_words(row, first_year) for _, row in strengths.iterrows()])
    text = f"{name}'s strengths in {when} against {reference_name}: {listed}"
    if not shrinking.empty:
        falling = _listed(
            [
                f"{industry_name(row['industry'])} ({row['lq']:.2f} times the share; real GVA "
                f"{format_signed(row[f'real_growth_{SHORT_SPAN}y'], 1, '%')})"
                for _, row in shrinking.iterrows()
            ]
        )
        text += f". Also specialised, but shrinking in real terms since {year - SHORT_SPAN}: {falling}"
    return text + "."


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]


def _strength_words(row: pd.Series, first_year: int) -> str:
    since = row["specialised_since"]
    since_words = "" if pd.isna(since) else f", since {'at least ' if since <= first_year else ''}{int(since)}"
    return f"{industry_name(row['industry'])} ({row['lq']:.2f} times the share{since_words})"


def profile_table(profile: pd.DataFrame, reference_name: str, jobs: EmploymentView | None = None) -> pd.DataFrame:
    """The strengths table as shown and downloaded: one row per industry, most specialised first; with `jobs`,
    the BRES employment columns of its year (named with the year, which may be before the GVA year)."""
    out = pd.DataFrame(
        {
            "Industry": [industry_name(code) for code in profile["industry"]],
            "Code": profile["industry"].to_numpy(),
            "GVA (£m, current prices)": profile["gva"].to_numpy(),
            "Share of GVA (%)": profile["share_pct"].to_numpy(),
            f"{reference_name} share (%)": profile["reference_share_pct"].to_numpy(),
            "Location quotient": profile["lq"].to_numpy(),
            f"Location quotient {SHORT_SPAN} years before": profile["lq_before"].to_numpy(),
            f"Change in share, {SHORT_SPAN} years (pp)": profile[f"share_change_{SHORT_SPAN}y"].to_numpy(),
            f"Change in share, {LONG_SPAN} years (pp)": profile[f"share_change_{LONG_SPAN}y"].to_numpy(),
            f"Nominal growth, {SHORT_SPAN} years (%)": profile[f"nominal_growth_{SHORT_SPAN}y"].to_numpy(),
            f"Nominal growth, {LONG_SPAN} years (%)": profile[f"nominal_growth_{LONG_SPAN}y"].to_numpy(),
            f"Real growth, {SHORT_SPAN} years (%)": profile[f"real_growth_{SHORT_SPAN}y"].to_numpy(),
            f"Real growth, {LONG_SPAN} years (%)": profile[f"real_growth_{LONG_SPAN}y"].to_numpy(),
            "Specialised since": profile["specialised_since"].astype("Int64").to_numpy(),
            "Strength": np.where(profile["strength"], "strength", ""),
            "Status": profile["status"].map(lambda status: STATUS_WORDS.get(status, status)).to_numpy(),
        }
    )
    if jobs is not None:
        found = jobs.profile.set_index("industry").reindex(profile["industry"])
        y, where = jobs.year, len(out.columns) - 3  # before "Specialised since", "Strength", "Status"
        for offset, (column, values) in enumerate(
            {
                f"Employment, {y} (BRES)": found["employment"],
                f"Share of employment, {y} (%)": found["employment_share_pct"],
                f"{jobs.reference_name} share of employment, {y} (%)": found["reference_employment_share_pct"],
                f"Employment location quotient, {y}": found["employment_lq"],
                f"GVA per job, {y} (£)": found["gva_per_job"],
            }.items()
        ):
            out.insert(where + offset, column, values.to_numpy())
    order = profile["lq"].fillna(-np.inf).to_numpy().argsort(kind="stable")[::-1]
    return out.iloc[order].reset_index(drop=True)


@dataclass(frozen=True)
class EmploymentView:
    """BRES employment by industry for the strengths table: its year (the latest BRES year up to the GVA
    year), the economy its location quotients are taken against, and employment_profile's rows."""

    year: int
    reference_name: str
    profile: pd.DataFrame


def groups_table(profile: pd.DataFrame, reference_name: str) -> pd.DataFrame:
    """The sector groupings as proxies: every grouping of both frameworks, with its coverage and why; those the
    tables cannot build are listed with the reason and no figures (never a zero)."""
    by_key = profile.set_index("industry")
    rows = []
    for group in SECTOR_GROUPS:
        built = group.key in by_key.index
        row = by_key.loc[group.key] if built else None
        rows.append(
            {
                "Grouping": group.name,
                "Coverage": group.coverage,
                "Framework": group.framework,
                "Built from": ", ".join(industry_name(code) for code in group.industries) or "nothing available",
                "Share of GVA (%)": row["share_pct"] if built else np.nan,
                f"{reference_name} share (%)": row["reference_share_pct"] if built else np.nan,
                "Location quotient": row["lq"] if built else np.nan,
                f"Real growth, {SHORT_SPAN} years (%)": row[f"real_growth_{SHORT_SPAN}y"] if built else np.nan,
                "Why this coverage": f"{COVERAGE_MEANING[group.coverage].capitalize()}: {group.reason}",
            }
        )
    return pd.DataFrame(rows)


def sector_lq_indicator(base: Indicator, code: str, reference_name: str) -> Indicator:
    """The metadata of one industry's location quotient (the source fields are those of the GVA-by-industry
    indicators the snapshot already describes, `base`)."""
    name = industry_name(code)
    return replace(
        base,
        id=f"industry_lq_{code}",
        label=f"Location quotient of GVA: {name} ({reference_name} = 1)",
        short_label=f"LQ of {industry(code).label if code not in _GROUP_KEYS else name}",
        unit="ratio",
        decimals=2,
        caveats=(f"The area's share of GVA in this industry divided by {reference_name}'s share in the same year.",),
    )


_GROUP_KEYS = {group.key for group in SECTOR_GROUPS}


def sector_map(
    lq_rows: pd.DataFrame,
    meta: Indicator,
    boundaries: dict,
    level: str,
    year: int,
    benchmark_code: str,
    selected_code: str | None,
    reference_name: str,
    names: dict[str, str],
) -> MeasureMap:
    """The choropleth of one industry's location quotient (classes around 1, as the Manufacturing map)."""
    named = lq_rows.assign(area_name=lq_rows["area_code"].map(names))
    return build_measure_map(
        named, meta, LQ_MEASURE, boundaries, level, year, benchmark_code, selected_code, reference_name
    )


def sector_map_figure(view: MeasureMap, meta: Indicator, level: str, year: int, reference_name: str) -> Figure:
    """The map's exportable twin; its XLSX defines the industry's quotient (`meta`, derived on the page)."""
    figure = choropleth_figure(
        "sector_map",
        features=view.features,
        legend=view.legend,
        legend_title=view.legend_title,
        legend_note=view.legend_note,
        table=view.table,
        meta=meta,
        indicator=meta.id,
        level=level,
        year=year,
        subtitle=f"{LEVELS[level].plural}; {reference_name} = 1",
        metadata={meta.id: meta},
    )
    return replace(figure, definitions=(meta,))


def years_of(table: pd.DataFrame, level: str) -> list[int]:
    """Years with any industry figure at this level."""
    rows = table[(table["geography"] == level) & table["gva_current"].notna()]
    return sorted(int(year) for year in rows["period"].unique())


def sector_choices(detail: str) -> Sequence[str]:
    """The industries of one level of detail, then the groupings the tables can build."""
    return (*DETAILS[detail][1], *(group.key for group in BUILT_GROUPS))


def number_format(column: str) -> str:
    """How a column of the strengths table is shown: £m with thousands separators, quotients to 2 places,
    percentages and changes to 1."""
    if column.startswith(("GVA", "Employment,")):
        return "localized"
    return "%.2f" if "quotient" in column else "%.1f"


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the page shows it: a figure that rounds to zero at its shown precision is a plain 0 (the
    grid would print "-0.0"); downloads keep the full figures."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype.kind == "f" and not column.startswith(("GVA", "Employment,")):
            places = 2 if "quotient" in column else 1
            out[column] = out[column].mask(out[column].round(places) == 0, 0.0)
    return out


def groupings_method_table() -> pd.DataFrame:
    """Every sector grouping with the industries it is built from and its coverage, for Data and methods."""
    return pd.DataFrame(
        {
            "Framework": [group.framework for group in SECTOR_GROUPS],
            "Grouping": [group.name for group in SECTOR_GROUPS],
            "Built from": [
                ", ".join(industry_name(code) for code in group.industries) or "nothing available"
                for group in SECTOR_GROUPS
            ],
            "Coverage": [group.coverage for group in SECTOR_GROUPS],
            "Why": [group.reason for group in SECTOR_GROUPS],
        }
    )


def industry_validation_table(manifest: dict) -> pd.DataFrame:
    """Per industry, the largest difference between its share of GVA summed from local authorities and
    ONS's own regional figure, for ITL1 (English regions), ITL2 and ITL3, as the build measured it."""
    checks = manifest.get("validation", {}).get("industry_shares", {})
    rows = []
    for level, label in (("itl1_2025", "ITL1 (English)"), ("itl2_2025", "ITL2"), ("itl3_2025", "ITL3")):
        for code, found in checks.get(level, {}).get("by_industry", {}).items():
            rows.append(
                {
                    "Industry": industry_name(code),
                    "Regions": label,
                    "Largest difference in share (percentage points)": found["max_abs_share_point_difference"],
                    "Largest difference (£m)": found["max_abs_gbp_m_difference"],
                    "Where": found["worst"],
                }
            )
    return pd.DataFrame(rows)


def similar_areas_quotients(
    quotients: pd.DataFrame, chosen: str, neighbours: Sequence[str], names: dict[str, str], focus: Sequence[str]
) -> pd.DataFrame:
    """The chosen area and its similar areas, each with its location quotient in the `focus` industries (the
    chosen area's strengths and specialisms): how far its strengths are shared by areas like it."""
    order = [chosen, *(code for code in neighbours if code in quotients.index)]
    out = pd.DataFrame({"Area": [names.get(code, code) + (" (chosen)" if code == chosen else "") for code in order]})
    for code in focus:
        values = quotients[code].reindex(order) if code in quotients.columns else np.nan
        out[f"{industry(code).label} (SIC {industry(code).sic})"] = np.asarray(values, dtype=float)
    return out


def specialisms(profile: pd.DataFrame, most: int = 6, fallback: int = 3) -> list[str]:
    """The industries an area is specialised in (location quotient at least STRENGTH_LQ, imputed rent and
    households left out), most specialised first, at most `most`; without any, its `fallback` most
    specialised."""
    ranked = profile.dropna(subset=["lq"])
    ranked = ranked[~ranked["industry"].isin(NEVER_STRENGTHS)].sort_values(["lq", "industry"], ascending=[False, True])
    chosen = ranked[ranked["lq"] >= STRENGTH_LQ]
    return list((chosen if len(chosen) else ranked).head(most if len(chosen) else fallback)["industry"])


def employment_note(jobs: EmploymentView | None, subject_name: str, year: int, jobs_span: tuple[int, int]) -> str:
    """What the employment columns are (their year, source, reference and why GVA per job is approximate), or
    why there are none for this area and year."""
    first, last = jobs_span
    if jobs is None:
        return (
            f"Employment by industry is not shown for {subject_name} in {year}: this snapshot has BRES employment by "
            f"industry for LEPs, ITL3 regions and England in {first}-{last} only (the Nomis extracts it is built "
            "from), and area groups are not summed from it."
        )
    when = "" if jobs.year == year else f" (the latest BRES year up to {year}; the GVA columns are {year}'s)"
    return (
        f"Employment columns: BRES {jobs.year}{when}, workplace-based employees and working owners, rounded by "
        f"Nomis; employment location quotients against {jobs.reference_name}. GVA per job divides the same year's "
        "GVA (current prices) by BRES employment. It is approximate: GVA counts the output of all work, including "
        "self-employed people and others BRES leaves out, so it overstates output per BRES job, most in industries "
        "with many self-employed (construction, agriculture); BRES is a sample survey, rounded; and SIC sections "
        "the GVA tables join (A with B, D with E) are joined here too. Real estate's uses GVA excluding "
        "owner-occupiers' imputed rent, which no job produces. The total's includes it, as ONS's GVA per filled "
        "job does."
    )


def no_industry_figures(code: str, name: str, manifest: dict) -> str:
    """Why an area has no GVA by industry: an ITL2 or ITL3 region a local authority straddles cannot be summed
    from whole authorities (the build's facts name them); otherwise the snapshot simply has none."""
    for level in ("itl2", "itl3"):
        facts = regions_left_out(level, manifest).get(code)
        if facts:
            return (
                f"{name} has no GVA by industry: ONS publishes it for whole local authorities, and "
                f"{', '.join(facts['straddling_lads'])} lies partly inside this region and partly outside, so the "
                "region cannot be summed from them (see Data and methods)."
            )
    return f"{name} has no GVA by industry in this snapshot."
