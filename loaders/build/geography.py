"""Geographies of the snapshot: boundaries per level, LAD memberships of every group, the area table.

The statistics use the 2023 LAD set (361 UK LADs). Groups are built from it:
- LEPs (May 2021, 38): a LAD->LEP lookup derived here by largest-area overlay of the official LAD
  Dec 2023 and LEP May 2021 boundaries (no official lookup is available offline). The 2023 successor
  LADs each fall wholly inside one LEP; seven LADs sat in two LEPs and belong to both.
- ITL1 (official LAD Dec 2024 -> ITL Jan 2025 lookup; same LAD codes as 2023), ITL2 of 2021 (the map's
  vintage: official lookups chained, see loaders/build/derived_memberships.py), English regions
  (official LAD 2023 -> region lookup), combined authorities (official May 2025 lookup, whose two
  2025 codes for Barnsley and Sheffield are matched to the 2023 codes by exact name).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.build.derived_memberships import itl_2021_membership, lad_successors
from loaders.errors import SourceFormatError
from loaders.sources.boundaries import read_boundaries
from loaders.sources.lep_lookup import derive_lad_to_lep
from loaders.sources.lookups import read_lookup
from vocabulary.geography import BENCHMARKS, ENGLAND, ENGLAND_EXCL_LONDON, LONDON_ITL1, OFFICIAL_BENCHMARKS, UK

BOUNDARY_FILES = {
    "lep": ("geo/boundaries/lep/LEP_MAY_2021_EN_BUC.geojson", "LEP May 2021"),
    "lad": ("geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson", "LAD Dec 2023"),
    "itl1": ("geo/boundaries/itl/ITL1_JAN_2021_UK_BUC.geojson", "ITL1 Jan 2021 (codes as 2025)"),
    "itl2": ("geo/boundaries/itl/ITL2_JAN_2021_UK_BUC.geojson", "ITL2 Jan 2021"),
    "itl3": ("geo/boundaries/itl/ITL3_JAN_2021_UK_BUC.topo.json", "ITL3 Jan 2021"),
    "cauth": ("geo/boundaries/cauth/CAUTH_MAY_2025_EN_BUC.geojson", "CAUTH May 2025"),
    "rgn": ("geo/boundaries/rgn/RGN_DEC_2021_EN_BUC.geojson", "RGN Dec 2021"),
}
LAD21_BOUNDARIES = "geo/boundaries/lad/LAD_DEC_2021_UK_BUC.geojson"  # names only: Nomis labels follow LAD 2021
OTHER_COUNTRIES = {"W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland"}
LAD_ITL_LOOKUP = "stats/lookups/LAD_(December_2024)_to_LAU1_to_ITL3_to_ITL2_to_ITL1_(January_2025)_Lookup_in_the_UK.csv"
LAD_CAUTH_LOOKUP = "stats/lookups/Local_Authority_District_to_Combined_Authority_(May_2025)_Lookup_in_EN.csv"
LAD_RGN_LOOKUP = "geo/lookups/LAD23_RGN23_EN_LU.csv"
ITL3_2021_2025_LOOKUP = "geo/lookups/ITL321_ITL325_UK_LU.csv"


@dataclass
class Geography:
    boundaries: dict[str, gpd.GeoDataFrame]
    memberships: dict[str, pd.DataFrame]  # level -> member_code (LAD 2023), group_code
    names: dict[str, dict[str, str]]  # level -> code -> name
    lad_lep: pd.DataFrame
    cauth_recoded: dict[str, str]
    areas: pd.DataFrame
    itl2_facts: dict  # how LADs were placed in 2021 ITL2 regions, and the regions left out
    lad_successors: pd.DataFrame  # successor_code, successor_name, predecessor_code, predecessor_name
    itl3_facts: dict  # the same for 2021 ITL3 regions (used only for GVA by industry)


def membership(frame: pd.DataFrame, member: str, group: str) -> pd.DataFrame:
    out = frame[[member, group]].dropna().astype(str)
    return out.rename(columns={member: "member_code", group: "group_code"}).drop_duplicates()


def recode_by_name(codes_names: pd.DataFrame, reference: dict[str, str]) -> dict[str, str]:
    """Map codes missing from `reference` (code -> name) to the reference code with the same name.

    Used for LADs recoded between vintages with unchanged names (e.g. Barnsley, Sheffield in 2025).
    Fails if a missing code has no exact-name match, rather than dropping the LAD from its group.
    """
    by_name = {name: code for code, name in reference.items()}
    recoded = {}
    for code, name in codes_names.itertuples(index=False):
        if code in reference:
            continue
        if name not in by_name:
            raise LookupError(f"{code} {name}: no LAD of the statistics' vintage has this code or name")
        recoded[code] = by_name[name]
    return recoded


def load_geography(source: Path) -> Geography:
    """Read every boundary and lookup the snapshot needs and derive the memberships."""
    boundaries = {level: read_boundaries(source / rel) for level, (rel, _) in BOUNDARY_FILES.items()}
    names = {level: dict(zip(gdf["area_code"], gdf["area_name"], strict=True)) for level, gdf in boundaries.items()}
    lads_2021 = read_boundaries(source / LAD21_BOUNDARIES)
    names["lad21"] = dict(lads_2021[["area_code", "area_name"]].to_numpy())
    lad_names = names["lad"]
    lads = pd.DataFrame({"lad_code": list(lad_names)})

    lad_lep = derive_lad_to_lep(boundaries["lad"], boundaries["lep"])
    itl = read_lookup(
        source / LAD_ITL_LOOKUP, {"LAD24CD": "lad_code", "ITL125CD": "itl1_code", "ITL325CD": "itl3_2025"}
    )
    itl3_vintages = read_lookup(source / ITL3_2021_2025_LOOKUP, {"ITL321CD": "itl3_2021", "ITL325CD": "itl3_2025"})
    rgn = read_lookup(source / LAD_RGN_LOOKUP, {"LAD23CD": "lad_code", "RGN23CD": "rgn_code"}, unique=["lad_code"])
    cauth = read_lookup(
        source / LAD_CAUTH_LOOKUP,
        {"LAD25CD": "lad_code", "LAD25NM": "lad_name", "CAUTH25CD": "cauth_code"},
        unique=["lad_code"],
    )
    _require_lad_vintage(source / BOUNDARY_FILES["lad"][0], lad_names, set(itl["lad_code"]), set(rgn["lad_code"]))
    try:
        cauth_recoded = recode_by_name(cauth[["lad_code", "lad_name"]], lad_names)
    except LookupError as exc:
        raise SourceFormatError(source / LAD_CAUTH_LOOKUP, str(exc)) from exc
    cauth["lad_code"] = cauth["lad_code"].replace(cauth_recoded)
    _require_known_lads(source / LAD_ITL_LOOKUP, set(itl["lad_code"]), lad_names)
    _require_known_lads(source / LAD_RGN_LOOKUP, set(rgn["lad_code"]), lad_names)

    itl1 = membership(itl, "lad_code", "itl1_code")
    lad_itl3_2025, itl3_2021_2025 = itl[["lad_code", "itl3_2025"]].astype(str), itl3_vintages.astype(str)
    itl2, itl2_facts = itl_2021_membership(lad_itl3_2025, itl3_2021_2025, boundaries["lad"], boundaries["itl2"])
    itl3, itl3_facts = itl_2021_membership(
        lad_itl3_2025, itl3_2021_2025, boundaries["lad"], boundaries["itl3"], level="itl3"
    )
    english = lads[lads["lad_code"].str.startswith("E")]
    outside_london = english[~english["lad_code"].isin(itl1.loc[itl1["group_code"] == LONDON_ITL1, "member_code"])]
    memberships = {
        "lad": pd.DataFrame({"member_code": lads["lad_code"], "group_code": lads["lad_code"]}),
        "lep": membership(lad_lep, "lad_code", "lep_code"),
        "itl1": itl1,
        "itl2": itl2,
        "itl3": itl3,
        "rgn": membership(rgn, "lad_code", "rgn_code"),
        "cauth": membership(cauth, "lad_code", "cauth_code"),
        "country": pd.DataFrame({"member_code": english["lad_code"], "group_code": ENGLAND}),
        "uk": pd.DataFrame({"member_code": lads["lad_code"], "group_code": UK}),
        "benchmark": pd.DataFrame({"member_code": outside_london["lad_code"], "group_code": ENGLAND_EXCL_LONDON}),
    }
    names["country"] = {ENGLAND: BENCHMARKS[ENGLAND].name}
    names["uk"] = {UK: BENCHMARKS[UK].name}
    names["benchmark"] = {ENGLAND_EXCL_LONDON: BENCHMARKS[ENGLAND_EXCL_LONDON].name}
    areas = area_table(boundaries, memberships, lad_lep)
    return Geography(
        boundaries,
        memberships,
        names,
        lad_lep,
        cauth_recoded,
        areas,
        itl2_facts,
        lad_successors(lads_2021, boundaries["lad"]),
        itl3_facts,
    )


def _require_lad_vintage(path: Path, lad_names: dict[str, str], itl_codes: set[str], rgn_codes: set[str]) -> None:
    """The LAD boundary file sets the statistics' LAD vintage. When both official lookups (LAD->ITL,
    LAD->region) hold LADs it lacks, the boundary file is the odd one out, so it is named (not a lookup)."""
    missing = sorted((itl_codes | rgn_codes) - set(lad_names))
    if missing and itl_codes - set(lad_names) and rgn_codes - set(lad_names):
        unknown = sorted(set(lad_names) - itl_codes)
        examples = ", ".join(f"{code} {lad_names[code]}" for code in unknown[:3])
        raise SourceFormatError(
            path,
            f"LAD codes of another vintage: {len(missing)} LADs of the lookups are missing "
            f"(e.g. {', '.join(missing[:3])})"
            + (f" and {len(unknown)} of its codes are in no lookup (e.g. {examples})" if unknown else "")
            + "; the build needs the December 2023 LAD boundaries",
        )


def _require_known_lads(path: Path, codes: set[str], lad_names: dict[str, str]) -> None:
    unknown = codes - set(lad_names)
    if unknown:
        raise SourceFormatError(path, f"LAD codes not in the 2023 LAD set: {', '.join(sorted(unknown)[:5])}")


def _majority_parent(memberships: dict[str, pd.DataFrame], child: str, parent: str) -> dict[str, str]:
    """For each group of level `child`, the `parent` group holding most of its member LADs."""
    pairs = memberships[child].merge(memberships[parent], on="member_code", suffixes=("_child", "_parent"))
    counts = pairs.groupby(["group_code_child", "group_code_parent"]).size().rename("n").reset_index()
    best = counts.sort_values("n", ascending=False).drop_duplicates("group_code_child")
    return dict(zip(best["group_code_child"], best["group_code_parent"], strict=True))


def area_table(
    boundaries: dict[str, gpd.GeoDataFrame], memberships: dict[str, pd.DataFrame], lad_lep: pd.DataFrame
) -> pd.DataFrame:
    """One row per mapped area: code, name, geography, vintage and parent codes."""
    rows = []
    lad_itl1 = dict(zip(memberships["itl1"]["member_code"], memberships["itl1"]["group_code"], strict=True))
    lad_rgn = dict(zip(memberships["rgn"]["member_code"], memberships["rgn"]["group_code"], strict=True))
    lad_cauth = dict(zip(memberships["cauth"]["member_code"], memberships["cauth"]["group_code"], strict=True))
    lad_leps = lad_lep.groupby("lad_code")["lep_code"].agg(";".join).to_dict()
    parents = {
        "lep": (_majority_parent(memberships, "lep", "itl1"), _majority_parent(memberships, "lep", "rgn")),
        "cauth": (_majority_parent(memberships, "cauth", "itl1"), _majority_parent(memberships, "cauth", "rgn")),
    }
    for level, gdf in boundaries.items():
        for code, name in zip(gdf["area_code"], gdf["area_name"], strict=True):
            if level == "lad":
                itl1, rgn = lad_itl1.get(code, ""), lad_rgn.get(code, "")
            elif level in parents:
                itl1, rgn = parents[level][0].get(code, ""), parents[level][1].get(code, "")
            elif level.startswith("itl"):
                itl1, rgn = code[:3], ""
            else:
                itl1, rgn = "", code
            rows.append(
                {
                    "area_code": code,
                    "area_name": name,
                    "geography": level,
                    "vintage": BOUNDARY_FILES[level][1],
                    "parent_itl1": itl1,
                    "parent_rgn": rgn,
                    "parent_leps": lad_leps.get(code, "") if level == "lad" else "",
                    "parent_cauth": lad_cauth.get(code, "") if level == "lad" else "",
                }
            )
    for code, name in {**{b.code: b.name for b in OFFICIAL_BENCHMARKS}, **OTHER_COUNTRIES}.items():
        level = {UK: "uk"}.get(code, "benchmark" if code == ENGLAND_EXCL_LONDON else "country")
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "geography": level,
                "vintage": "",
                "parent_itl1": "",
                "parent_rgn": "",
                "parent_leps": "",
                "parent_cauth": "",
            }
        )
    return pd.DataFrame(rows)
