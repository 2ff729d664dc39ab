"""Sector strengths: what an area is specialised in, how that has changed and how fast each industry grew.

Input is the industry table of the snapshot (regional_data/industry_gva.parquet): one row per area, year and
industry with GVA in current prices (£m, additive) and in chained volume measures (£m of 2022, summed for
groups: an approximation, because chain-linked volumes do not add up exactly). Every share and location
quotient is a ratio of sums (a group's £m over its total £m), never a mean of its members' ratios.

The rule for a strength is stated once here (STRENGTH_RULE) and shown on the page as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from metrics.comparisons import location_quotient
from vocabulary.industries import TOTAL as TOTAL_INDUSTRY
from vocabulary.sector_groups import SectorGroup

TOTAL = TOTAL_INDUSTRY.code
SUPPRESSED = "suppressed"
STRENGTH_LQ = 1.25
SHORT_SPAN, LONG_SPAN = 5, 10
# Not production by local businesses (the rent owner-occupiers are imputed to pay themselves; households as
# employers): shown in the tables, never called a strength.
NEVER_STRENGTHS = ("68IMP", "T")
STRENGTH_RULE = (
    f"A strength is an industry whose location quotient is at least {STRENGTH_LQ} (its share of the area's GVA is "
    f"at least {STRENGTH_LQ:g} times the benchmark economy's share) in the year shown, and whose real GVA "
    f"(chained volume measures) grew over the {SHORT_SPAN} years before it. Owner-occupiers' imputed rental and "
    "households as employers are never counted."
)


def _pivot(table: pd.DataFrame, area_code: str, column: str) -> pd.DataFrame:
    """period x industry of one column for one area (missing where withheld: a withheld value is NaN, and a
    row marked suppressed for its other column keeps the value it has)."""
    rows = table[table["area_code"] == area_code]
    values = rows[column].astype(float)
    return (
        rows.assign(_value=values)
        .pivot_table(index="period", columns="industry", values="_value", aggfunc="first", dropna=False)
        .sort_index()
    )


def shares(table: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """period x industry: the industry's share of the area's total GVA (current prices), in %."""
    gva = _pivot(table, area_code, "gva_current")
    return gva.div(gva[TOTAL], axis=0) * 100


def quotients(table: pd.DataFrame, area_code: str, reference_code: str) -> pd.DataFrame:
    """period x industry: location quotients of the area against the reference economy."""
    area, reference = shares(table, area_code), shares(table, reference_code)
    return location_quotient(area, reference.reindex_like(area))


def _growth(values: pd.DataFrame, year: int, span: int) -> pd.Series:
    """% change of each column from `span` years before `year` to `year` (NaN where either is missing)."""
    if year not in values.index or year - span not in values.index:
        return pd.Series(np.nan, index=values.columns)
    return (values.loc[year] / values.loc[year - span] - 1) * 100


def _row(frame: pd.DataFrame, year: int) -> pd.Series:
    return frame.loc[year] if year in frame.index else pd.Series(np.nan, index=frame.columns)


def specialised_since(lq: pd.Series, threshold: float = STRENGTH_LQ) -> int | None:
    """The first year of the unbroken run of years, ending at the last year of `lq` (period -> LQ), in which
    the LQ was at least `threshold`. None if the last year is below it or missing."""
    run_start = None
    for year, value in lq.sort_index(ascending=False).items():
        if pd.isna(value) or value < threshold:
            break
        run_start = int(year)
    return run_start


def industry_profile(
    table: pd.DataFrame, area_code: str, reference_code: str, year: int, industries: Sequence[str]
) -> pd.DataFrame:
    """One row per industry for one area and year against a reference economy: GVA (£m), share of the area's
    GVA and the reference's (%), location quotient now and SHORT_SPAN years before, change in share
    (percentage points) and nominal and real growth (%) over SHORT_SPAN and LONG_SPAN years, whether it is a
    strength (STRENGTH_RULE) and since when it has been specialised (LQ >= STRENGTH_LQ without a break)."""
    gva, cvm = _pivot(table, area_code, "gva_current"), _pivot(table, area_code, "gva_cvm")
    area_shares = gva.div(gva[TOTAL], axis=0) * 100
    reference_shares = shares(table, reference_code).reindex_like(area_shares)
    lq = location_quotient(area_shares, reference_shares)
    status = table[(table["area_code"] == area_code) & (table["period"] == year)].set_index("industry")["status"]
    out = pd.DataFrame(index=pd.Index(list(industries), name="industry"))
    out["gva"] = _row(gva, year).reindex(out.index)
    out["share_pct"] = _row(area_shares, year).reindex(out.index)
    out["reference_share_pct"] = _row(reference_shares, year).reindex(out.index)
    out["lq"] = _row(lq, year).reindex(out.index)
    out["lq_before"] = _row(lq, year - SHORT_SPAN).reindex(out.index)
    for span in (SHORT_SPAN, LONG_SPAN):
        out[f"share_change_{span}y"] = (_row(area_shares, year) - _row(area_shares, year - span)).reindex(out.index)
        out[f"nominal_growth_{span}y"] = _growth(gva, year, span).reindex(out.index)
        out[f"real_growth_{span}y"] = _growth(cvm, year, span).reindex(out.index)
    out["status"] = status.reindex(out.index).fillna("unavailable")
    up_to_year = lq[lq.index <= year]
    out["specialised_since"] = [
        specialised_since(up_to_year[code]) if code in up_to_year.columns else None for code in out.index
    ]
    out["strength"] = (
        (out["lq"] >= STRENGTH_LQ) & (out[f"real_growth_{SHORT_SPAN}y"] > 0) & ~out.index.isin(NEVER_STRENGTHS)
    )
    return out.reset_index()


def with_groups(table: pd.DataFrame, groups: Iterable[SectorGroup]) -> pd.DataFrame:
    """The industry table plus one row per area, year and grouping (industry = the grouping's key): sums of
    its industries' £m (missing where any part is). Groupings the tables cannot build are left out."""
    frames = [table]
    for group in groups:
        if group.industries:
            parts = table[table["industry"].isin(group.industries)]
            summed = whole_sums(parts, ["area_code", "geography", "period"])
            frames.append(summed.assign(industry=group.key))
    return pd.concat(frames, ignore_index=True)


class TablesByArea(Mapping[str, pd.DataFrame]):
    """The industry table with its groupings (key "all") and each area's rows of it (key: the area code), in
    the table's order as a groupby split gives them, but taken when asked for: a split held every row a
    second time (~66 MB per process), while the positions take 4 bytes a row."""

    def __init__(self, table: pd.DataFrame) -> None:
        self._table = table
        self._positions = {
            code: rows.astype(np.int32) for code, rows in table.groupby("area_code", sort=False).indices.items()
        }

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key == "all":
            return self._table
        return self._table.iloc[self._positions[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(["all", *self._positions])

    def __len__(self) -> int:
        return 1 + len(self._positions)


def whole_sums(parts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The £m of `parts` summed per `keys`, each column missing where any part's is (a sum missing a part
    would be too low, never a zero); status "suppressed" where any part was withheld."""
    grouped = parts.groupby(keys, observed=True, sort=False)
    summed = grouped[["gva_current", "gva_cvm"]].sum(min_count=1)
    gaps = parts[["gva_current", "gva_cvm"]].isna().groupby([parts[key] for key in keys], observed=True, sort=False)
    summed = summed.mask(gaps.any().reindex(summed.index))
    hidden = parts["status"].eq(SUPPRESSED).groupby([parts[key] for key in keys], observed=True, sort=False).any()
    summed["status"] = np.where(hidden.reindex(summed.index), SUPPRESSED, "")
    return summed.reset_index()


def quotient_rows(table: pd.DataFrame, industry: str, reference_code: str, geography: str) -> pd.DataFrame:
    """Indicator-style rows (geography, area_code, period, value, status) of one industry's location
    quotient for every area of a level and every year, against the reference economy."""
    rows = table[table["industry"].isin([industry, TOTAL])]
    reference = rows[rows["area_code"] == reference_code]
    level = rows[rows["geography"] == geography]

    def share(frame: pd.DataFrame) -> pd.Series:
        values = frame["gva_current"].astype(float)
        wide = frame.assign(_v=values).pivot_table(
            index=["area_code", "period"], columns="industry", values="_v", aggfunc="first", dropna=False
        )
        return wide[industry] / wide[TOTAL] if industry in wide and TOTAL in wide else pd.Series(dtype=float)

    area_share = share(level)
    reference_share = share(reference).droplevel("area_code")
    lq = location_quotient(area_share, area_share.index.get_level_values("period").map(reference_share).to_numpy())
    suppressed = level[level["industry"] == industry].set_index(["area_code", "period"])["status"] == SUPPRESSED
    out = lq.rename("value").reset_index()
    out["geography"] = geography
    hit = suppressed.reindex(pd.MultiIndex.from_frame(out[["area_code", "period"]])).fillna(False).to_numpy()
    missing = out["value"].isna().to_numpy()
    out["status"] = np.where(hit & missing, SUPPRESSED, np.where(missing, "unavailable", "derived"))
    return out[["geography", "area_code", "period", "value", "status"]]


def group_rows(table: pd.DataFrame, member_lads: Iterable[str], code: str, geography: str) -> pd.DataFrame:
    """An area group's industry rows: the sums of its member local authorities' £m per year and industry,
    under the group's code (missing where any member's is)."""
    members = table[(table["geography"] == "lad") & table["area_code"].isin(set(member_lads))]
    return whole_sums(members, ["period", "industry"]).assign(area_code=code, geography=geography)


def quotients_of(
    tables: Mapping[str, pd.DataFrame], codes: Sequence[str], reference_code: str, year: int
) -> pd.DataFrame:
    """area x industry: each area's location quotients in `year` against the reference (`tables`: each area's
    industry rows by area code; areas without rows are left out)."""
    reference = shares(tables[reference_code], reference_code)
    rows = {}
    for code in codes:
        if code in tables:
            own = shares(tables[code], code)
            rows[code] = location_quotient(_row(own, year), _row(reference, year).reindex(own.columns))
    return pd.DataFrame.from_dict(rows, orient="index")


# Real estate's GVA includes the rent owner-occupiers are imputed to pay themselves, which no job produces: its
# GVA per job divides the GVA of division 68 excluding imputed rental by the section's jobs.
GVA_PER_JOB_OUTPUT = {"L": "68"}


def employment_year(table: pd.DataFrame, area_code: str, year: int) -> int | None:
    """The latest year up to `year` in which the area has employment by industry (BRES), or None."""
    rows = table[(table["area_code"] == area_code) & (table["period"] <= year) & table["employment"].notna()]
    return int(rows["period"].max()) if len(rows) else None


def employment_profile(
    table: pd.DataFrame, area_code: str, reference_code: str, year: int, industries: Sequence[str]
) -> pd.DataFrame:
    """One row per industry for one area in `year` (a BRES year): employment, its share of the area's
    employment and the reference's (%), the employment location quotient, and GVA per job (£, the same year's
    current-price GVA over BRES employment; GVA_PER_JOB_OUTPUT for real estate). Missing where BRES has no
    figure (industries BRES does not split, such as the manufacturing sub-sections, or a section with a
    withheld part)."""
    jobs = _row(_pivot(table, area_code, "employment"), year)
    reference_jobs = _row(_pivot(table, reference_code, "employment"), year)
    gva = _row(_pivot(table, area_code, "gva_current"), year)
    out = pd.DataFrame(index=pd.Index(list(industries), name="industry"))
    out["employment"] = jobs.reindex(out.index)
    out["employment_share_pct"] = (jobs / jobs.get(TOTAL, np.nan) * 100).reindex(out.index)
    reference_share = (reference_jobs / reference_jobs.get(TOTAL, np.nan) * 100).reindex(out.index)
    out["reference_employment_share_pct"] = reference_share
    out["employment_lq"] = location_quotient(out["employment_share_pct"], reference_share)
    output = pd.Series([GVA_PER_JOB_OUTPUT.get(code, code) for code in out.index], index=out.index)
    out["gva_per_job"] = gva.reindex(output.to_numpy()).to_numpy() * 1e6 / out["employment"].replace(0, np.nan)
    return out.reset_index()
