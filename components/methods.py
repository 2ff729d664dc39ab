"""Tables for the Data and methods page, from the build manifest and indicator metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from components.attribution import ATTRIBUTION
from components.data_files import csv_bytes, csvw_bytes, csvw_metadata, metadata_rows
from components.xlsx_writer import Progress, no_progress, xlsx_bytes
from vocabulary.indicators import Indicator

WHOLE_TABLE_STEM = "regional_productivity_indicators"
WHOLE_TABLE_TITLE = "Regional Productivity Explorer: tidy indicator table"

VALIDATION_KEYS = {
    "itl1_gva_per_hour_smoothed": "LADs → ITL1, GVA per hour (smoothed)",
    "itl1_gva_per_job_smoothed": "LADs → ITL1, GVA per job (smoothed)",
    "cauth_gva_per_hour_unsmoothed": "LADs → combined authorities, GVA per hour (unsmoothed)",
    "cauth_gva_per_hour_smoothed": "LADs → combined authorities, GVA per hour (smoothed)",
    "cauth_gva_per_job_unsmoothed": "LADs → combined authorities, GVA per job (unsmoothed)",
    "cauth_gva_per_job_smoothed": "LADs → combined authorities, GVA per job (smoothed)",
}


ENGLISH_ITL1 = {f"TL{letter}" for letter in "CDEFGHIJK"}


def validation_table(manifest: dict, england_only: bool = True) -> pd.DataFrame:
    """One row per check and area: max |% difference| over all years and the latest year's.

    ITL1 checks are limited to the nine English regions by default: LEPs are English, and ONS's
    Northern Ireland figures do not equal the sum of its LADs (see the page note)."""
    rows = []
    for key, label in VALIDATION_KEYS.items():
        check = manifest.get("validation", {}).get(key)
        if not check:
            continue
        for code, area in check["areas"].items():
            if england_only and key.startswith("itl1") and code not in ENGLISH_ITL1:
                continue
            rows.append(
                {
                    "check": label,
                    "area_code": code,
                    "area": area["area_name"],
                    "years": area["years"],
                    "max abs difference (%)": area["max_abs_pct_difference"],
                    "difference in latest year (%)": area["latest_pct_difference"],
                }
            )
    return pd.DataFrame(rows)


def indicator_catalogue_table(metadata: dict[str, Indicator]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": key,
                "indicator": meta.label,
                "unit": meta.unit,
                "polarity": meta.polarity.replace("_", " "),
                "basis": meta.basis,
                "levels": ", ".join(meta.geographies),
                "years": f"{meta.periods[0]}–{meta.periods[-1]}" if meta.periods else "",
                "source": meta.source,
                "released": meta.release,
                "link": meta.source_url,
                "caveats": " ".join(meta.caveats),
            }
            for key, meta in metadata.items()
        ]
    )


def source_files_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame(manifest["sources"])


def tidy_table_csv(table: pd.DataFrame) -> bytes:
    """The whole tidy table as a plain CSV (header first); what it is goes in `tidy_table_csvw`."""
    return csv_bytes(table)


def tidy_table_csvw(table: pd.DataFrame, metadata: Mapping[str, Indicator], manifest: Mapping[str, Any]) -> bytes:
    """The CSVW description of the whole-table CSV: columns, every indicator's unit, source and licence."""
    return csvw_bytes(
        csvw_metadata(
            table,
            csv_name=WHOLE_TABLE_STEM + ".csv",
            title=WHOLE_TABLE_TITLE,
            description=f"Snapshot {manifest.get('snapshot_id', '')}: one row per indicator, area and period",
            source=[ATTRIBUTION],
            indicator_keys=list(metadata),
            metadata=metadata,
            manifest=manifest,
        )
    )


def tidy_table_xlsx(
    table: pd.DataFrame,
    metadata: Mapping[str, Indicator],
    manifest: Mapping[str, Any],
    progress: Progress = no_progress,
) -> bytes:
    """The whole table as XLSX with its metadata sheet (about 3 s for ~320,000 rows here), telling
    `progress` where it is."""
    rows = metadata_rows(
        WHOLE_TABLE_TITLE,
        f"Snapshot {manifest.get('snapshot_id', '')}",
        [ATTRIBUTION],
        list(metadata),
        metadata,
        manifest,
        columns=table.columns,
    )
    return xlsx_bytes(table, rows, sheet_name="indicators", progress=progress)


# --- sources -------------------------------------------------------------------------------------------

# Which raw files (manifest paths) each indicator source in indicators.json was read from; the
# Explore Local Statistics sources name their dataset in brackets, which is also the file name.
SOURCE_FILE_RULES = (
    ("subregional productivity", "stats/productivity/"),
    ("gross value added (balanced) by industry", "stats/gva_gdp/gva_by_industry_local_authority/"),
    ("regional gross domestic product: local authorities", "stats/gva_gdp/ons_regional_gdp_local_authorities"),
    ("annual survey of hours and earnings", "stats/ashe/"),
    ("annual population survey via nomis", "stats/nomis/nomis_aps_"),
    ("business register and employment survey via nomis", "stats/nomis/nomis_bres_"),
    ("uk business counts via nomis", "stats/nomis/nomis_ubc_"),
)
ELS_PREFIX = "ONS Explore Local Statistics ("
ELS_DIR = "stats/levelling_up/explore_local_statistics/"


def files_of_source(source: str, manifest: dict) -> list[dict]:
    """The manifest's source files that an indicator source was built from (empty if unknown)."""
    if source.startswith(ELS_PREFIX) and source.endswith(")"):
        wanted = f"{ELS_DIR}{source[len(ELS_PREFIX) : -1]}.csv"
        return [entry for entry in manifest.get("sources", []) if entry["path"] == wanted]
    lowered = source.lower()
    prefixes = [prefix for phrase, prefix in SOURCE_FILE_RULES if phrase in lowered]
    return [entry for entry in manifest.get("sources", []) if any(entry["path"].startswith(p) for p in prefixes)]


def indicator_sources_table(metadata: dict[str, Indicator], manifest: dict) -> pd.DataFrame:
    """One row per source named in the indicator metadata: the edition of the files read (from the
    build manifest), release date, licence, link and the indicators drawn from it."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for meta in metadata.values():
        key = (meta.source, meta.release, meta.licence, meta.source_url)
        groups.setdefault(key, []).append(meta.short_label)
    rows = []
    for (source, release, licence, url), indicators in groups.items():
        files = files_of_source(source, manifest)
        editions = list(dict.fromkeys(entry.get("edition", "") for entry in files if entry.get("edition")))
        rows.append(
            {
                "source": source,
                "edition": " / ".join(editions) or "not recorded (see the source files)",
                "released": release,
                "licence": licence,
                "link": url,
                "files": len(files),
                "indicators": ", ".join(indicators),
            }
        )
    return pd.DataFrame(rows, columns=["source", "edition", "released", "licence", "link", "files", "indicators"])


# --- build manifest --------------------------------------------------------------------------------------


def manifest_summary_table(manifest: dict) -> pd.DataFrame:
    """The build's headline facts as item/value text pairs."""
    lookup = manifest.get("lad_lep_lookup", {})
    areas = manifest.get("areas_by_geography", {})
    items = [
        ("Snapshot id", manifest.get("snapshot_id", "not recorded")),
        ("Rows in the tidy table", f"{manifest.get('rows', 0):,}"),
        ("Indicators", f"{len(manifest.get('rows_by_indicator', {}))}"),
        ("Source files read", f"{len(manifest.get('sources', []))}"),
        ("Areas by level", ", ".join(f"{level} {count}" for level, count in areas.items())),
        ("LAD→LEP lookup", lookup.get("method", "not recorded")),
        ("LADs assigned to LEPs", f"{lookup.get('lads', '')} (to {lookup.get('leps', '')} LEPs)"),
        ("LADs in two LEPs", ", ".join(lookup.get("lads_in_two_leps", [])) or "none"),
    ]
    return pd.DataFrame(items, columns=["item", "value"])


def rows_by_indicator_table(manifest: dict, metadata: dict[str, Indicator]) -> pd.DataFrame:
    counts = manifest.get("rows_by_indicator", {})
    return pd.DataFrame(
        [
            {"id": key, "label": (metadata[key].label if key in metadata else ""), "rows": int(n)}
            for key, n in counts.items()
        ],
        columns=["id", "label", "rows"],
    )


def boundary_sizes_table(manifest: dict) -> pd.DataFrame:
    """Web boundary file sizes per level (the map payload the browser receives)."""
    sizes = manifest.get("web_boundary_bytes", {})
    return pd.DataFrame(
        [{"level": level, "bytes": int(n), "KB": round(n / 1024, 1)} for level, n in sizes.items()],
        columns=["level", "bytes", "KB"],
    )


def outputs_table(manifest: dict) -> pd.DataFrame:
    outputs = manifest.get("outputs", {})
    return pd.DataFrame(
        [
            {"file": path, "bytes": entry.get("bytes"), "checksum (sha256)": entry.get("sha256")}
            for path, entry in outputs.items()
        ],
        columns=["file", "bytes", "checksum (sha256)"],
    )


# --- geography caveats -----------------------------------------------------------------------------------


def _lep_names(areas: pd.DataFrame) -> dict[str, str]:
    leps = areas[areas["geography"] == "lep"]
    return dict(zip(leps["area_code"], leps["area_name"], strict=True))


def _parent_leps(value: object) -> list[str]:
    return [code for code in str(value or "").split(";") if code]


def lep_overlaps_table(areas: pd.DataFrame) -> pd.DataFrame:
    """LADs that sat in more than one LEP (from the area table's parent_leps), with the LEPs' names."""
    names = _lep_names(areas)
    lads = areas[areas["geography"] == "lad"].sort_values("area_name")
    rows = [
        {"LAD code": code, "LAD": name, "LEPs": "; ".join(names.get(lep, lep) for lep in _parent_leps(parents))}
        for code, name, parents in zip(lads["area_code"], lads["area_name"], lads["parent_leps"], strict=True)
        if len(_parent_leps(parents)) > 1
    ]
    return pd.DataFrame(rows, columns=["LAD code", "LAD", "LEPs"])


def lad_changes_table(areas: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """The April 2023 successor LADs, the districts they replaced (from the build's overlay of the official
    2021 and 2023 boundaries, in the manifest) and the LEP(s) they lie in."""
    names = _lep_names(areas)
    parents = dict(zip(areas["area_code"], areas["parent_leps"], strict=True))
    rows = []
    for code, successor in manifest.get("lad_2023_successors", {}).get("successors", {}).items():
        leps = _parent_leps(parents.get(code, ""))
        rows.append(
            {
                "LAD code": code,
                "LAD": successor["name"],
                "replaced": ", ".join(entry["name"] for entry in successor["replaced"]),
                "LEP": "; ".join(names.get(lep, lep) for lep in leps) or "not in the area table",
                "wholly in one LEP": "yes" if len(leps) == 1 else "no",
            }
        )
    return pd.DataFrame(rows, columns=["LAD code", "LAD", "replaced", "LEP", "wholly in one LEP"])


# --- statuses and definitions ----------------------------------------------------------------------------


def status_counts_table(table: pd.DataFrame, metadata: dict[str, Indicator]) -> pd.DataFrame:
    """Rows without a value per indicator, split into suppressed (withheld by the source) and
    unavailable (the source has no figure)."""
    empty = table.loc[table["status"].isin(["suppressed", "unavailable"]), ["indicator", "status"]]
    counts = pd.crosstab(empty["indicator"], empty["status"])
    counts = counts.reindex(columns=["suppressed", "unavailable"], fill_value=0)
    out = counts.reset_index().rename(columns={"indicator": "id"})
    out.insert(1, "label", out["id"].map(lambda key: metadata[key].label if key in metadata else ""))
    return out.sort_values("id", ignore_index=True)


POLARITY_WORDS = {"higher_better": "higher is better", "lower_better": "lower is better", "neutral": "neutral"}


def definitions_by_category(metadata: dict[str, Indicator]) -> dict[str, str]:
    """Markdown per category: each indicator's definition (label, id, unit, polarity, basis, levels,
    years) with its caveats as sub-points."""
    out: dict[str, list[str]] = {}
    for key, meta in metadata.items():
        periods = meta.periods or []
        facts = [f"unit {meta.unit}", POLARITY_WORDS.get(meta.polarity, meta.polarity)]
        if meta.basis:
            facts.append(f"{meta.basis}-based")
        facts.append("levels: " + ", ".join(meta.geographies))
        if periods:
            facts.append(f"years {min(periods)}–{max(periods)}")
        lines = [f"- **{meta.label}** (`{key}`): {'; '.join(facts)}. Source: {meta.source}, released {meta.release}."]
        lines += [f"    - {caveat}" for caveat in meta.caveats]
        out.setdefault(meta.category or "Other", []).extend(lines)
    return {category: "\n".join(lines) for category, lines in out.items()}


def english_itl1_max_difference(manifest: dict) -> float | None:
    """The largest |% difference| between LADs summed to an English ITL1 region and ONS's own figure
    (smoothed GVA per hour, any year): the measured error of the LEP aggregation method."""
    table = validation_table(manifest)
    if table.empty:
        return None
    rows = table[table["check"] == VALIDATION_KEYS["itl1_gva_per_hour_smoothed"]]
    return float(rows["max abs difference (%)"].abs().max()) if len(rows) else None


# --- manufacturing by region, and provisional figures -----------------------------------------------------

CHECK_NAMES = {
    "itl1_2025": "LADs → ITL1 regions",
    "itl2_2025": "LADs → ITL2 regions (2025 codes)",
    "itl3_2025": "LADs → ITL3 regions (2025 codes)",
}
DIFFERENCE_COLUMNS = {
    "max_abs_manufacturing_pct_difference": "manufacturing GVA, max |difference| (%)",
    "max_abs_total_pct_difference": "total GVA, max |difference| (%)",
    "max_abs_share_point_difference": "manufacturing share, max |difference| (points)",
}


def manufacturing_validation_table(manifest: dict) -> pd.DataFrame:
    """One row per check of LAD-summed manufacturing GVA against ONS's published regional figures."""
    checks = manifest.get("validation", {}).get("manufacturing_gva", {})
    rows = []
    for key, facts in checks.items():
        row = {"check": CHECK_NAMES.get(key, key), "areas": facts.get("areas"), "years": facts.get("years")}
        for column, label in DIFFERENCE_COLUMNS.items():
            row[label] = f"{facts[column]:.3f}" if column in facts else "not compared (manufacturing only)"
        left_out = facts.get("left_out_regions_with_split_lads", [])
        row["left out"] = ", ".join(left_out) if left_out else "none"
        rows.append(row)
    return pd.DataFrame(rows, columns=["check", "areas", "years", *DIFFERENCE_COLUMNS.values(), "left out"])


def provisional_table(manifest: dict, metadata: dict[str, Indicator]) -> pd.DataFrame:
    """Which indicators carry provisional figures, for which year, how many rows, and the source's words."""
    return pd.DataFrame(
        [
            {
                "indicator": metadata[key].label if key in metadata else key,
                "year": entry["year"],
                "rows": entry["rows"],
                "the source says": entry["source"],
            }
            for key, entry in manifest.get("provisional", {}).items()
        ],
        columns=["indicator", "year", "rows", "the source says"],
    )
