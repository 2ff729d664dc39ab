"""Rebuild the committed snapshot (`regional_data/`, `geo/`) from the official raw files.

    python -m loaders.build [--source ../shared/data] [--out .]

Everything is built in a temporary folder beside the target, validated, and only then swapped in;
on any failure the current snapshot is left exactly as it was and the error names the file at fault.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from loaders.ashe import read_ashe_table
from loaders.catalogue import INDICATORS
from loaders.derived_memberships import successors_fact
from loaders.els_indicators import ELS_FILES, ELS_METADATA, els_rows, read_all_els
from loaders.errors import SourceFormatError
from loaders.gdp_local_authorities import read_gdp_la_table
from loaders.geography import BOUNDARY_FILES, ITL3_2021_2025_LOOKUP, LAD_ITL_LOOKUP, Geography, load_geography
from loaders.gva_by_industry import (
    ITL3_SUBSECTORS,
    ITL3_TABLE_3C,
    MANUFACTURING,
    MANUFACTURING_SUBSECTORS,
    TOTAL,
    read_gva_by_industry,
)
from loaders.manufacturing_indicators import manufacturing_rows
from loaders.manufacturing_validation import manufacturing_validation, read_lad_itl
from loaders.nomis_indicators import nomis_rows
from loaders.pay_indicators import workplace_pay_rows
from loaders.population_indicators import gdp_per_head_rows, population_rows
from loaders.productivity import read_productivity_workbook
from loaders.productivity_indicators import component_rows, productivity_rows
from loaders.provisional import mark_provisional, provisional_rules
from loaders.snapshot_schema import COLUMNS, validate_snapshot
from loaders.web_boundaries import simplify_coverage, snap_round_coverage, to_web_geojson

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
STATS = "stats"
PRODUCTIVITY_LAD = f"{STATS}/productivity/ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls"
PRODUCTIVITY_ITL = f"{STATS}/productivity/ons_subregional_productivity_itl2_itl3_jun2024_labourproductivityitls.xls"
PRODUCTIVITY_CA = f"{STATS}/productivity/ons_subregional_productivity_ca_eer_jun2025_labourproductivitycaeer3.xlsx"
GVA_LA_DIR = f"{STATS}/gva_gdp/gva_by_industry_local_authority"
GDP_LA = f"{STATS}/gva_gdp/ons_regional_gdp_local_authorities_apr2025.xlsx"
GVA_ITL3 = f"{STATS}/gva_gdp/ons_regional_gva_by_industry_itl3_table3c_apr2025_trimmed.xlsx"
GVA_ITL_TABLE_6 = f"{STATS}/gva_gdp/ons_regional_gva_perhead_and_income_components_itl_apr2025.xlsx"
ELS_DIR = f"{STATS}/levelling_up/explore_local_statistics"
ASHE_T7_WEEKLY = f"{STATS}/ashe/ashe_2024prov_table7.1a_workplace_weekly_pay_gross.xlsx"

# Web boundaries: simplification tolerance (metres, British National Grid) and decimals per level.
WEB_TOLERANCE_M = {"lad": 1500.0, "lep": 800.0, "itl1": 1000.0, "itl2": 1000.0, "itl3": 1200.0, "cauth": 600.0,
                   "rgn": 1000.0}
WEB_DECIMALS = 3
VALIDATION_LIMIT_PCT = 0.1  # an English LAD->ITL1 aggregation difference above this fails the build
ENGLISH_ITL1 = tuple(f"TL{letter}" for letter in "CDEFGHIJK")


class BuildError(RuntimeError):
    """The snapshot could not be built; the message says what failed and where."""


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file read in 1 MiB chunks (sources can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validation_summary(table: pd.DataFrame) -> dict:
    """Per-area max |%| difference and the latest year's difference, plus the overall max."""
    per_area = {}
    for code, rows in table.groupby("area_code"):
        latest = rows.loc[rows["period"].idxmax()]
        per_area[code] = {
            "area_name": rows["area_name"].iloc[0],
            "max_abs_pct_difference": round(float(rows["pct_difference"].abs().max()), 4),
            "latest_year": int(latest["period"]),
            "latest_pct_difference": round(float(latest["pct_difference"]), 4),
            "years": int(len(rows)),
        }
    return {"max_abs_pct_difference": round(float(table["pct_difference"].abs().max()), 4), "areas": per_area}


def indicator_metadata(table: pd.DataFrame) -> dict:
    """Catalogue entries for every indicator in the table, with the levels and years it has."""
    meta = {}
    for indicator, rows in table.groupby("indicator"):
        if indicator not in INDICATORS:
            raise BuildError(f"indicator {indicator!r} has rows but no catalogue entry (loaders/catalogue.py)")
        entry = INDICATORS[indicator].as_dict()
        entry["geographies"] = sorted(rows["geography"].unique())
        entry["periods"] = sorted(int(p) for p in rows["period"].unique())
        meta[indicator] = entry
    return meta


def with_official_names(table: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """One name per area: sources spell some differently ("Hartlepool UA", "Durham CC"), so rows of
    areas in the area table take its official boundary name."""
    official = areas.drop_duplicates(["area_code", "geography"]).set_index(["area_code", "geography"])["area_name"]
    keys = pd.MultiIndex.from_frame(table[["area_code", "geography"]])
    names = official.reindex(keys).to_numpy()
    out = table.copy()
    out["area_name"] = pd.Series(names, index=table.index).fillna(table["area_name"])
    return out


def assemble(source: Path, progress: Callable[[str], None]) -> tuple[pd.DataFrame, Geography, dict]:
    """Parse every source and assemble the indicator table. Returns (table, geography, build facts)."""
    progress("boundaries and lookups")
    geography = load_geography(source)
    facts: dict = {"cauth_lookup_recoded": geography.cauth_recoded}
    memberships, names = geography.memberships, geography.names

    progress("ONS productivity workbooks")
    lad_tables = read_productivity_workbook(source / PRODUCTIVITY_LAD)
    itl_tables = read_productivity_workbook(source / PRODUCTIVITY_ITL)
    ca_tables = read_productivity_workbook(source / PRODUCTIVITY_CA)

    progress("ONS GVA by industry (12 workbooks)")
    gva_files = sorted((source / GVA_LA_DIR).glob("*.xlsx"))
    if len(gva_files) != 12:
        raise BuildError(f"{source / GVA_LA_DIR}: expected 12 ITL1 workbooks, found {len(gva_files)}")
    gva = pd.concat(
        [read_gva_by_industry(path, [TOTAL, MANUFACTURING, *MANUFACTURING_SUBSECTORS]) for path in gva_files],
        ignore_index=True,
    )
    unknown = set(gva["area_code"]) - set(names["lad"])
    if unknown:
        raise BuildError(f"GVA workbooks hold LA codes outside the 2023 LAD set: {sorted(unknown)[:5]}")
    gva_total = gva.loc[gva["industry"] == TOTAL, ["area_code", "period", "value"]]

    progress("Explore Local Statistics")
    els = read_all_els(source / ELS_DIR)
    els_itl1 = els[els["indicator"].isin(["gva_per_hour", "gva_per_job"])].copy()
    els_itl1["area_code"] = els_itl1["area_code"].replace({"TLB": "E92000001"})
    els_itl1 = els_itl1.drop(columns="measure").rename(columns={"indicator": "measure"})

    progress("productivity indicators and validation")
    rows, validation = productivity_rows(
        lad_tables=lad_tables,
        itl_tables=itl_tables,
        ca_tables=ca_tables,
        els_itl1=els_itl1,
        gva_total=gva_total,
        memberships=memberships,
        names=names,
    )
    parts = [rows]
    facts["validation"] = {key: validation_summary(table) for key, table in validation.items()}
    english = validation["itl1_gva_per_hour_smoothed"]
    english = english[english["area_code"].isin(ENGLISH_ITL1)]
    worst = float(english["pct_difference"].abs().max())
    facts["validation"]["english_itl1_max_abs_pct_difference"] = round(worst, 4)
    if worst > VALIDATION_LIMIT_PCT:
        raise BuildError(
            f"LAD->ITL1 aggregation differs from ONS by up to {worst:.3f}% (limit {VALIDATION_LIMIT_PCT}%)"
        )

    levels = ("lad", "lep", "itl1", "cauth", "country", "uk", "benchmark")
    parts.append(component_rows(gva_total, lad_tables, {k: memberships[k] for k in levels}, names))

    progress("manufacturing indicators")
    itl3_gva = read_gva_by_industry(source / GVA_ITL3, [MANUFACTURING, *(p for parts in ITL3_SUBSECTORS.values()
                                                                          for p in parts)], ITL3_TABLE_3C)
    parts.append(manufacturing_rows(gva, {k: memberships[k] for k in (*levels, "rgn", "itl2")}, names, itl3_gva))
    facts["validation"]["manufacturing_gva"] = manufacturing_validation(
        gva, read_lad_itl(source / LAD_ITL_LOOKUP), source / GVA_ITL_TABLE_6, itl3_gva)
    facts["itl2_2021_membership"] = geography.itl2_facts
    facts["lad_2023_successors"] = successors_fact(geography.lad_successors)

    progress("Nomis APS, UBC and BRES")
    nomis, nomis_facts = nomis_rows(source / STATS / "nomis", names, geography.lad_lep)
    parts.append(nomis)
    facts.update(nomis_facts)

    progress("ELS levelling-up indicators, ASHE, population")
    els_part, els_facts = els_rows(els, names["lad"])
    parts.append(els_part)
    facts.update(els_facts)
    ashe = read_ashe_table(source / ASHE_T7_WEEKLY)
    parts.append(workplace_pay_rows(ashe, set(names["lad"])))
    population = read_gdp_la_table(source / GDP_LA, "Table 6")
    gdp = read_gdp_la_table(source / GDP_LA, "Table 5")
    parts.append(population_rows(population, {k: memberships[k] for k in levels}, names))
    parts.append(population_rows(gdp, {k: memberships[k] for k in levels}, names, "gdp_current_prices"))
    parts.append(gdp_per_head_rows(gdp, population, {k: memberships[k] for k in ("lep", "benchmark")}, names))

    table = pd.concat(parts, ignore_index=True)[COLUMNS]
    table = with_official_names(table, geography.areas)
    table, facts["provisional"] = mark_provisional(table, provisional_rules(
        gva_files, source / GDP_LA, gva, gdp, [source / ELS_DIR / name for name in ELS_METADATA],
        ("median_weekly_pay_workplace", ashe, EDITIONS[ASHE_T7_WEEKLY])))
    table = table.sort_values(["indicator", "geography", "area_code", "period"], ignore_index=True)
    problems = validate_snapshot(table)
    if problems:
        raise BuildError("snapshot failed validation: " + "; ".join(problems))
    return table, geography, facts


def web_boundaries(geography: Geography) -> dict[str, bytes]:
    """Coverage-simplified (shared edges kept), snap-rounded (valid at the rounding) GeoJSON per level."""
    out = {}
    for level, gdf in geography.boundaries.items():
        simplified = simplify_coverage(gdf, WEB_TOLERANCE_M[level])
        out[level] = to_web_geojson(snap_round_coverage(simplified, WEB_DECIMALS), decimals=WEB_DECIMALS)
    return out


def snapshot_id(outputs: dict[str, dict]) -> str:
    """A short content hash of the output files: the same data give the same id on any machine, so
    it names a snapshot (and keys caches) where a build time would make every rebuild differ."""
    digest = hashlib.sha256("".join(f"{name}:{entry['sha256']};" for name, entry in sorted(outputs.items())).encode())
    return digest.hexdigest()[:12]


def write_snapshot(target: Path, table: pd.DataFrame, geography: Geography, facts: dict,
                   geo_files: dict[str, bytes], manifest: dict) -> None:
    """Write regional_data/ and geo/ into temporary folders, then swap them in.

    The old folders are moved aside first and restored if the swap fails, so the target never
    holds a half-written snapshot.
    """
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=target))
    try:
        data_dir, geo_dir = staging / "regional_data", staging / "geo"
        data_dir.mkdir()
        geo_dir.mkdir()
        table.to_parquet(data_dir / "indicators.parquet", index=False, compression="zstd")
        geography.areas.to_parquet(data_dir / "areas.parquet", index=False)
        (data_dir / "indicators.json").write_text(json.dumps(indicator_metadata(table), indent=1, ensure_ascii=False))
        for level, payload in geo_files.items():
            (geo_dir / f"{level}.geojson").write_bytes(payload)
        manifest["outputs"] = {
            f"{folder.name}/{path.name}": {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
            for folder in (data_dir, geo_dir)
            for path in sorted(folder.iterdir())
        }
        manifest["snapshot_id"] = snapshot_id(manifest["outputs"])
        (data_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
        _swap_in(staging, target, ("regional_data", "geo"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path, names: tuple[str, ...]) -> None:
    moved: list[tuple[Path, Path]] = []
    try:
        for name in names:
            current, backup = target / name, staging / f"{name}.old"
            if current.exists():
                os.replace(current, backup)
                moved.append((backup, current))
            os.replace(staging / name, current)
    except OSError:
        for backup, current in moved:
            if current.exists():
                shutil.rmtree(current)
            os.replace(backup, current)
        raise


EDITIONS = {
    PRODUCTIVITY_LAD: "ONS subregional productivity, LAD tables, June 2025 release (2004-2023)",
    PRODUCTIVITY_ITL: "ONS subregional productivity, ITL2/ITL3 tables, June 2024 release (2004-2022)",
    PRODUCTIVITY_CA: "ONS subregional productivity, CA/EER tables, June 2025 release (2004-2023)",
    GDP_LA: "ONS regional GDP: local authorities, April 2025 release (1998-2023)",
    ASHE_T7_WEEKLY: "ONS ASHE table 7.1a, 2024 provisional",
    GVA_LA_DIR: "ONS regional GVA (balanced) by industry: local authorities, April 2025 release (1998-2023)",
    GVA_ITL3: "ONS regional GVA (balanced) by industry: all ITL regions, Table 3c (ITL3), April 2025 (1998-2023)",
    GVA_ITL_TABLE_6: "ONS regional GVA (balanced) per head and income components, Table 6, April 2025 (1998-2023)",
    ELS_DIR: "ONS Explore Local Statistics data repository (files of 2024-2026; see indicators.json)",
    f"{STATS}/nomis": "Nomis extracts of 24 April 2023 (APS, UBC) and 2022 (BRES CSV)",
    "geo/boundaries": "ONS Open Geography Portal boundaries (BUC), vintages in the file names",
    "geo/lookups": "ONS Open Geography Portal lookups",
    "stats/lookups": "ONS Open Geography Portal lookups",
}


def edition_of(relative_path: str) -> str:
    """The release a source file belongs to (longest matching prefix in EDITIONS)."""
    matches = [prefix for prefix in EDITIONS if relative_path.startswith(prefix)]
    return EDITIONS[max(matches, key=len)] if matches else ""


def source_manifest(source: Path) -> list[dict]:
    """Every raw file the build read, with its edition, size and checksum."""
    files = [
        PRODUCTIVITY_LAD, PRODUCTIVITY_ITL, PRODUCTIVITY_CA, GDP_LA, GVA_ITL3, GVA_ITL_TABLE_6, ASHE_T7_WEEKLY,
        *(f"{GVA_LA_DIR}/{p.name}" for p in sorted((source / GVA_LA_DIR).glob("*.xlsx"))),
        *(f"{ELS_DIR}/{name}" for name in (*ELS_FILES, *ELS_METADATA)),
        *(f"{STATS}/nomis/{p.name}" for p in sorted((source / STATS / "nomis").iterdir())),
        *(rel for rel, _ in BOUNDARY_FILES.values()),
        "stats/lookups/LAD_(December_2024)_to_LAU1_to_ITL3_to_ITL2_to_ITL1_(January_2025)_Lookup_in_the_UK.csv",
        "stats/lookups/Local_Authority_District_to_Combined_Authority_(May_2025)_Lookup_in_EN.csv",
        "geo/lookups/LAD23_RGN23_EN_LU.csv",
        ITL3_2021_2025_LOOKUP,
    ]
    return [
        {"path": rel, "edition": edition_of(rel), "bytes": (source / rel).stat().st_size,
         "sha256": file_sha256(source / rel)}
        for rel in files
    ]


def build(source: Path, target: Path, show_progress: bool = True) -> dict:
    """Build and swap in a new snapshot; returns the manifest."""
    started = time.perf_counter()
    if not source.is_dir():
        raise BuildError(f"source folder {source} does not exist")
    steps = ["boundaries and lookups", "ONS productivity workbooks", "ONS GVA by industry (12 workbooks)",
             "Explore Local Statistics", "productivity indicators and validation", "manufacturing indicators",
             "Nomis APS, UBC and BRES", "ELS levelling-up indicators, ASHE, population", "web boundaries",
             "write snapshot"]
    with tqdm(total=len(steps), desc="build", unit="step", disable=not show_progress, file=sys.stderr) as bar:
        def progress(label: str) -> None:
            if bar.n or label != steps[0]:
                bar.update(1)
            bar.set_postfix_str(label)

        table, geography, facts = assemble(source, progress)
        progress("web boundaries")
        geo_files = web_boundaries(geography)
        progress("write snapshot")
        manifest = {
            "source_folder": os.path.relpath(source, REPO),
            "sources": source_manifest(source),
            "rows": int(len(table)),
            "rows_by_indicator": {k: int(v) for k, v in table.groupby("indicator").size().items()},
            "areas_by_geography": {k: int(v) for k, v in table.groupby("geography")["area_code"].nunique().items()},
            "web_boundary_bytes": {level: len(payload) for level, payload in geo_files.items()},
            "lad_lep_lookup": {
                "method": "largest-area overlay of LAD Dec 2023 BUC on LEP May 2021 BUC in EPSG:27700 (>= 50%)",
                "lads": int(geography.lad_lep["lad_code"].nunique()),
                "leps": int(geography.lad_lep["lep_code"].nunique()),
                "lads_in_two_leps": sorted(geography.lad_lep.loc[geography.lad_lep["in_two_leps"], "lad_name"]
                                           .unique().tolist()),
            },
            **facts,
        }
        write_snapshot(target, table, geography, facts, geo_files, manifest)
        bar.update(1)
    return {**manifest, "build_seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of official raw files")
    parser.add_argument("--out", type=Path, default=REPO, help="folder that holds regional_data/ and geo/")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.source.resolve(), args.out.resolve(), show_progress=not args.quiet)
    except (SourceFormatError, BuildError) as exc:
        print(f"build failed, snapshot unchanged: {exc}", file=sys.stderr)
        return 1
    print(f"built {manifest['rows']} rows in {manifest['build_seconds']} s -> {args.out / 'regional_data'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
