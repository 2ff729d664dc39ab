"""GVA by industry for every area the build knows (regional_data/industry_gva.parquet).

One row per area, geography level, year and industry (the 49 rows of vocabulary/industries.py):
`gva_current` is current basic prices (£m, Table 3 of the ONS local-authority workbooks) and `gva_cvm`
chained volume measures in £m of the reference year's money value (Table 2; the year is in the build
facts). LADs carry ONS's published values; every group is the sum of its LADs' £m over the memberships
the manufacturing indicators use (loaders.build.manufacturing_indicators.industry_totals).

Chained volume measures are not additive (ONS: "Components will not sum to totals since chain-linking
produces non-additive volume estimates"), so a group's `gva_cvm`, and an industry's against the total,
is an approximation: good for growth rates over a few years near the reference year, less so far from it.
Current-price £m are additive up to ONS's rounding of each published £m.

`status` is "suppressed" where ONS withheld the value of any member (the value is then missing, never
zero) and "unavailable" where a member's cell is empty without a withheld marker (no such cell in the
April 2025 release). The reference economies and ITL1 regions have no withheld industry: there a
withheld LAD sum is replaced by ONS's own figure, the sum of the area's ITL3 regions in Table 3c, with status
"itl3_sum" (current prices only; fill_withheld_from_itl3). The latest year is provisional (facts:
provisional_year).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from loaders.build.manufacturing_indicators import industry_totals
from loaders.errors import SourceFormatError
from loaders.snapshot_schema import INDUSTRY_GVA_COLUMNS, INDUSTRY_GVA_FILE
from loaders.sources.gva_by_industry import LOCAL_AUTHORITIES_CVM, money_value_year, read_gva_by_industry
from vocabulary.industries import FINEST, INDUSTRIES, SECTIONS, TOTAL

FILE_NAME = INDUSTRY_GVA_FILE
COLUMNS = INDUSTRY_GVA_COLUMNS
GVA_COLUMNS = [column for column in COLUMNS if column != "employment"]  # employment: industry_employment.py
FILE_CODES = tuple(row.file_code for row in INDUSTRIES)
SHORT_CODE = {row.file_code: row.code for row in INDUSTRIES}
INDUSTRY_ORDER = {row.code: position for position, row in enumerate(INDUSTRIES)}
# Levels in the order the file lists them
FOLD = 10_000  # industry i, year y -> key i * FOLD + y (years are below 10,000)
LEVEL_ORDER = ("uk", "country", "benchmark", "itl1", "rgn", "itl2", "itl3", "cauth", "lep", "lad")
CVM_NOTE = (
    "gva_cvm of a group (any area but a LAD) is the sum of its LADs' chained volume measures, an "
    "approximation: chain-linked volumes are not additive (ONS Notes, note 1)"
)


def read_cvm(files: list[Path]) -> tuple[pd.DataFrame, int]:
    """Table 2 of every LA workbook (all 49 industries for every authority) and its money-value year,
    which every workbook must state alike."""
    frames, years = [], {}
    for path in files:
        frame = read_gva_by_industry(path, FILE_CODES, LOCAL_AUTHORITIES_CVM)
        years[path.name] = money_value_year(path, frame.attrs["title"])
        frames.append(frame)
    if len(set(years.values())) != 1:
        raise SourceFormatError(files[0].parent, f"workbooks disagree on the money-value year of Table 2: {years}")
    return pd.concat(frames, ignore_index=True), next(iter(years.values()))


def sum_industries(rows: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """industry_totals (group_code, period, industry, value, suppressed) over every industry at once:
    each industry is folded into the period key, which industry_totals sums per group, then unfolded.
    `rows`: area_code, period, industry, value, status. For the 'lad' level (each LAD its own group) the
    rows are the totals; ONS's withheld values stay withheld."""
    if membership["member_code"].equals(membership["group_code"]):
        kept = rows[rows["area_code"].isin(membership["member_code"])]
        return pd.DataFrame(
            {
                "group_code": kept["area_code"].to_numpy(),
                "period": kept["period"].to_numpy(),
                "value": kept["value"].to_numpy(),
                "suppressed": (kept["status"] == "suppressed").to_numpy(),
                "industry": kept["industry"].to_numpy(),
            }
        )
    codes, industries = pd.factorize(rows["industry"])
    folded = rows.assign(period=codes * FOLD + rows["period"].to_numpy(), industry="")
    totals = industry_totals(folded, membership)
    return totals.assign(
        industry=industries[totals["period"].to_numpy() // FOLD], period=totals["period"].to_numpy() % FOLD
    )


def _level_table(current: pd.DataFrame, cvm: pd.DataFrame, membership: pd.DataFrame, level: str) -> pd.DataFrame:
    keys = ["group_code", "period", "industry"]
    current_totals, cvm_totals = sum_industries(current, membership), sum_industries(cvm, membership)
    both = current_totals.merge(cvm_totals, on=keys, suffixes=("_current", "_cvm"), validate="1:1")
    if not len(both) == len(current_totals) == len(cvm_totals):
        raise ValueError(f"{level}: Table 2 and Table 3 do not have the same areas, years and industries")
    withheld = both["suppressed_current"] | both["suppressed_cvm"]
    missing = both["value_current"].isna() | both["value_cvm"].isna()
    return pd.DataFrame(
        {
            "area_code": both["group_code"].astype(str).to_numpy(),
            "geography": level,
            "period": both["period"].to_numpy(),
            "industry": both["industry"].map(SHORT_CODE).to_numpy(),
            "gva_current": both["value_current"].to_numpy(),
            "gva_cvm": both["value_cvm"].to_numpy(),
            "status": np.where(withheld, "suppressed", np.where(missing, "unavailable", "")),
        }
    )


def industry_gva_table(current: pd.DataFrame, cvm: pd.DataFrame, memberships: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The file's rows for every level of `memberships` (LAD -> group; 'lad' maps each LAD to itself).
    `current`, `cvm`: parsed Table 3 and Table 2 rows (industry as the files write it)."""
    unknown = (set(current["industry"]) | set(cvm["industry"])) - set(FILE_CODES)
    if unknown:
        raise ValueError(f"industries not in vocabulary/industries.py: {', '.join(sorted(unknown))}")
    columns = ["area_code", "period", "industry", "value", "status"]
    parts = [
        _level_table(current[columns], cvm[columns], memberships[level], level)
        for level in LEVEL_ORDER
        if level in memberships
    ]
    table = pd.concat(parts, ignore_index=True)
    order = pd.DataFrame(
        {
            "level": table["geography"].map({level: i for i, level in enumerate(LEVEL_ORDER)}),
            "industry": table["industry"].map(INDUSTRY_ORDER),
        }
    )
    table = table.iloc[np.lexsort((table["period"], order["industry"], table["area_code"], order["level"]))]
    return table.reset_index(drop=True).astype(
        {"period": "int16", "gva_current": "float32", "gva_cvm": "float32", "status": "str"}
    )[GVA_COLUMNS]


def write_industry_gva(table: pd.DataFrame, path: Path) -> None:
    """zstd Parquet; the same table gives the same bytes."""
    table.to_parquet(path, index=False, compression="zstd")


def rounding_residuals(lad_rows: pd.DataFrame) -> dict:
    """The largest |sum of parts - Total| (£m) over LADs and years where every part is published, for
    the SECTIONS and FINEST partitions, and how many LAD-years have a withheld part."""
    wide = lad_rows.pivot(index=["area_code", "period"], columns="industry", values="gva_current")
    out = {}
    for name, parts in (("sections", SECTIONS), ("finest", FINEST)):
        codes = [row.code for row in parts]
        complete = wide[codes].notna().all(axis=1)
        residual = (wide.loc[complete, codes].sum(axis=1) - wide.loc[complete, TOTAL.code]).abs()
        worst = residual.idxmax()
        out[name] = {
            "max_abs_residual_gbp_m": round(float(residual.max()), 3),
            "worst": f"{worst[0]} {int(worst[1])}",
            "lad_years_checked": int(complete.sum()),
            "lad_years_with_a_withheld_part": int((~complete).sum()),
        }
    return out


def industry_gva_facts(table: pd.DataFrame, money_year: int, provisional: tuple[int, str] | None) -> dict:
    """What the manifest says about industry_gva.parquet."""
    return {
        "file": f"regional_data/{FILE_NAME}",
        "rows": int(len(table)),
        "levels": {level: int(n) for level, n in table.groupby("geography", sort=False)["area_code"].nunique().items()},
        "years": [int(table["period"].min()), int(table["period"].max())],
        "industries": len(INDUSTRIES),
        "gva_current": "current basic prices, £ million (ONS Table 3)",
        "gva_cvm": f"chained volume measures in {money_year} money value, £ million (ONS Table 2)",
        "cvm_groups_are_approximate": CVM_NOTE,
        "provisional_year": provisional[0] if provisional else None,
        "provisional_source": provisional[1] if provisional else None,
        "suppressed_rows": int((table["status"] == "suppressed").sum()),
        "rounding_residuals": rounding_residuals(table[table["geography"] == "lad"]),
    }


# The economies a location quotient is taken against, and the ITL1 regions, are never left with a withheld
# industry: where the LAD sum misses a withheld authority, ONS's own figure is used instead, the sum of its
# ITL3 regions in Table 3c (which withholds nothing). ITL3 code prefixes of each such area (2025 ITL codes).
ENGLISH_ITL1_PREFIXES = tuple(f"TL{letter}" for letter in "CDEFGHIJK")
PUBLISHED_PARTS: dict[str, tuple[str, ...]] = {
    "K02000001": ("TL",),  # the UK
    "E92000001": ENGLISH_ITL1_PREFIXES,  # England
    "ENG_EXCL_LONDON": tuple(p for p in ENGLISH_ITL1_PREFIXES if p != "TLI"),
    "W92000004": ("TLL",),
    "S92000003": ("TLM",),
    "N92000002": ("TLN",),
    **{f"TL{letter}": (f"TL{letter}",) for letter in "CDEFGHIJKLMN"},  # ITL1 regions
}
FROM_ITL3 = "itl3_sum"  # the status of a row filled from Table 3c
PUBLISHED_NOTE = (
    "where an authority's figure is withheld, the UK, its countries, England, England excluding London and "
    "the ITL1 regions take current-price GVA from ONS Table 3c (their ITL3 regions summed), so every location "
    "quotient has a whole reference economy; their chained volume measures stay withheld"
)


def fill_withheld_from_itl3(table: pd.DataFrame, published_itl3: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table with the withheld current-price rows of the areas in PUBLISHED_PARTS replaced by ONS's
    Table 3c figures (`published_itl3`: area_code (ITL3), period, industry (LA short code), value £m); a
    filled row's status is FROM_ITL3 (its gva_cvm stays missing). Returns the table and how many rows were filled."""
    sums = []
    for code, prefixes in PUBLISHED_PARTS.items():
        rows = published_itl3[published_itl3["area_code"].str.startswith(prefixes)]
        summed = rows.groupby(["period", "industry"])["value"].sum(min_count=1).reset_index()
        sums.append(summed.assign(area_code=code))
    published = pd.concat(sums, ignore_index=True).set_index(["area_code", "period", "industry"])["value"]
    withheld = (table["status"] == "suppressed") & table["area_code"].isin(PUBLISHED_PARTS)
    keys = pd.MultiIndex.from_frame(table.loc[withheld, ["area_code", "period", "industry"]].astype({"period": int}))
    values = published.reindex(keys).to_numpy()
    found = ~np.isnan(values)
    out = table.copy()
    rows = out.index[withheld.to_numpy()][found]
    out.loc[rows, "gva_current"] = values[found].astype("float32")
    out.loc[rows, "status"] = FROM_ITL3
    return out, int(found.sum())
