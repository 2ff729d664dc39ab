"""The official files the snapshot build reads: where they sit in the source folder, which release each
belongs to, a check that each is a readable regular file before any parser opens it, and the
manifest entry (size, checksum) of each."""

from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.build.els_indicators import ELS_FILES, ELS_METADATA
from loaders.build.geography import (
    BOUNDARY_FILES,
    ITL3_2021_2025_LOOKUP,
    LAD21_BOUNDARIES,
    LAD_CAUTH_LOOKUP,
    LAD_ITL_LOOKUP,
    LAD_RGN_LOOKUP,
)
from loaders.errors import SourceFormatError, file_problem

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
NOMIS_DIR = f"{STATS}/nomis"
GVA_LA_WORKBOOKS = 12  # one per ITL1 region

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
    NOMIS_DIR: "Nomis extracts of 24 April 2023 (APS, UBC) and 2022 (BRES CSV)",
    "geo/boundaries": "ONS Open Geography Portal boundaries (BUC), vintages in the file names",
    "geo/lookups": "ONS Open Geography Portal lookups",
    "stats/lookups": "ONS Open Geography Portal lookups",
}


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file read in 1 MiB chunks (sources can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def edition_of(relative_path: str) -> str:
    """The release a source file belongs to (longest matching prefix in EDITIONS)."""
    matches = [prefix for prefix in EDITIONS if relative_path.startswith(prefix)]
    return EDITIONS[max(matches, key=len)] if matches else ""


def _folder_entries(source: Path, folder: str, pattern: str | None = None) -> list[str]:
    """Relative paths of the entries of a source folder (all of them, or those matching `pattern`)."""
    path = source / folder
    if not path.is_dir():
        return []
    return [f"{folder}/{p.name}" for p in sorted(path.glob(pattern) if pattern else path.iterdir())]


def manifest_files(source: Path) -> list[str]:
    """Every raw file the build reads and lists in the manifest (relative paths)."""
    return [
        PRODUCTIVITY_LAD,
        PRODUCTIVITY_ITL,
        PRODUCTIVITY_CA,
        GDP_LA,
        GVA_ITL3,
        GVA_ITL_TABLE_6,
        ASHE_T7_WEEKLY,
        *_folder_entries(source, GVA_LA_DIR, "*.xlsx"),
        *(f"{ELS_DIR}/{name}" for name in (*ELS_FILES, *ELS_METADATA)),
        *_folder_entries(source, NOMIS_DIR),
        *(rel for rel, _ in BOUNDARY_FILES.values()),
        LAD_ITL_LOOKUP,
        LAD_CAUTH_LOOKUP,
        LAD_RGN_LOOKUP,
        ITL3_2021_2025_LOOKUP,
    ]


def check_sources(source: Path) -> None:
    """Every file the build reads is there and is a regular file (not a folder, pipe or broken link),
    before any parser opens one; SourceFormatError names the first that is not."""
    for folder in (GVA_LA_DIR, NOMIS_DIR):
        problem = file_problem(source / folder)
        if problem != "is a folder, not a file":
            raise SourceFormatError(
                source / folder,
                "folder not found"
                if problem == "file not found"
                else "is a file, not a folder"
                if problem is None
                else problem,
            )
    found = len(_folder_entries(source, GVA_LA_DIR, "*.xlsx"))
    if found != GVA_LA_WORKBOOKS:
        raise SourceFormatError(
            source / GVA_LA_DIR, f"expected {GVA_LA_WORKBOOKS} ITL1 workbooks (*.xlsx), found {found}"
        )
    for relative in (*manifest_files(source), LAD21_BOUNDARIES):
        problem = file_problem(source / relative)
        if problem:
            raise SourceFormatError(source / relative, problem)


def source_manifest(source: Path) -> list[dict]:
    """Every raw file the build read, with its edition, size and checksum."""
    return [
        {
            "path": rel,
            "edition": edition_of(rel),
            "bytes": (source / rel).stat().st_size,
            "sha256": file_sha256(source / rel),
        }
        for rel in manifest_files(source)
    ]


def relative_to_source(exc: SourceFormatError, source: Path) -> str:
    """A parser's message with the file's path inside the source folder (not just its name)."""
    try:
        where = exc.path.absolute().relative_to(source.absolute()).as_posix()
    except ValueError:
        return str(exc)
    return where + (f", sheet '{exc.sheet}'" if exc.sheet else "") + f": {exc.problem}"
