"""Read the committed snapshot (regional_data/, geo/). No Streamlit here: the app's cached readers, one
read-only copy per server process, are in shell/snapshot_cache.py.

A snapshot is only read whole: a swap that a crash interrupted (its journal is left) or files that do
not match the checksums in manifest.json (regional_data/ and geo/ from different builds) raise a
SnapshotError that says what to run, rather than showing a mix of two snapshots.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from loaders.snapshot_schema import INDUSTRY_GVA_COLUMNS, INDUSTRY_GVA_FILE
from loaders.snapshot_swap import RECOVER_COMMAND, interrupted_swap
from vocabulary.indicators import Indicator, indicators_from_json

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "regional_data"
GEO_DIR = REPO / "geo"
# The indicator table's repeated labels, held as pandas categoricals: 45 indicators, 10 levels, ~660 areas and
# 6 statuses over ~320,000 rows take ~28 MB as strings, ~2 MB as codes (per process). The categories are in
# lexical order, so sorting and grouping by them orders rows as strings would.
LABEL_COLUMNS = ("indicator", "geography", "area_code", "area_name", "status")


class SnapshotError(RuntimeError):
    """The snapshot is missing or unreadable; the message says which file."""


@dataclass(frozen=True)
class Snapshot:
    """The tidy indicator table with its metadata, area table and build manifest."""

    indicators: pd.DataFrame
    metadata: dict[str, Indicator]  # indicators.json as typed records, by indicator id
    areas: pd.DataFrame
    manifest: dict

    @cached_property
    def by_indicator(self) -> dict[str, pd.DataFrame]:
        """Rows per indicator, split once so pages never filter the whole table."""
        return {key: rows for key, rows in self.indicators.groupby("indicator", sort=False)}

    @cached_property
    def years_by_level(self) -> dict[str, list[int]]:
        """Every year with at least one value, per geography level, newest first."""
        valued = self.indicators[self.indicators["value"].notna()]
        return {
            level: sorted((int(year) for year in years), reverse=True)
            for level, years in valued.groupby("geography")["period"].unique().items()
        }

    def rows(self, indicator: str, geography: str | None = None, period: int | None = None) -> pd.DataFrame:
        frame = self.by_indicator.get(indicator, self.indicators.iloc[0:0])
        if geography is not None:
            frame = frame[frame["geography"] == geography]
        if period is not None:
            frame = frame[frame["period"] == period]
        return frame


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path.name} is missing from {path.parent}; run python -m loaders.build") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path.name} cannot be read ({exc})") from exc


def _indicators(path: Path) -> dict[str, Indicator]:
    try:
        return indicators_from_json(_read_json(path))
    except (TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(f"{path.name} does not describe indicators as the build writes them ({exc})") from exc


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path.name} is missing from {path.parent}; run python -m loaders.build") from exc
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise SnapshotError(f"{path.name} cannot be read ({exc})") from exc


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"{path.parent.name}/{path.name} is missing; run {RECOVER_COMMAND}, or rebuild with python -m loaders.build"
        ) from exc
    except OSError as exc:
        raise SnapshotError(f"{path.name} cannot be read ({exc.strerror or exc})") from exc


def check_whole(data_dir: Path) -> dict:
    """The manifest, after checking that regional_data/ and geo/ (beside it) are the complete output of
    one build (SnapshotError otherwise)."""
    problem = interrupted_swap(data_dir.parent)
    if problem:
        raise SnapshotError(problem)
    manifest = _read_json(data_dir / "manifest.json")
    for name, entry in sorted((manifest.get("outputs") or {}).items()):
        if _sha256(data_dir.parent / name) != entry.get("sha256"):
            raise SnapshotError(
                f"{name} does not match manifest.json, so regional_data/ and geo/ are not from one "
                f"build; run {RECOVER_COMMAND}, or rebuild with python -m loaders.build"
            )
    return manifest


def read_snapshot(data_dir: Path = DATA_DIR) -> Snapshot:
    manifest = check_whole(data_dir)
    indicators = _read_parquet(data_dir / "indicators.parquet")
    indicators["period"] = indicators["period"].astype(int)
    indicators = indicators.astype({column: "category" for column in LABEL_COLUMNS if column in indicators})
    return Snapshot(
        indicators=indicators,
        metadata=_indicators(data_dir / "indicators.json"),
        areas=_read_parquet(data_dir / "areas.parquet"),
        manifest=manifest,
    )


def read_industry_gva(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """GVA by industry for every area, level, year and industry (industry_gva.parquet: area_code,
    geography, period, industry, gva_current, gva_cvm (£m), status; see loaders/build/industry_gva.py),
    after checking that it belongs to the same build as the rest of the snapshot."""
    check_whole(data_dir)
    table = _read_parquet(data_dir / INDUSTRY_GVA_FILE)
    missing = [column for column in INDUSTRY_GVA_COLUMNS if column not in table.columns]
    if missing:
        raise SnapshotError(
            f"{INDUSTRY_GVA_FILE} lacks column(s) {', '.join(missing)}; rebuild with python -m loaders.build"
        )
    return table[INDUSTRY_GVA_COLUMNS]


def read_boundaries_json(level: str, geo_dir: Path = GEO_DIR, sha256: str | None = None) -> dict:
    """The web-ready GeoJSON FeatureCollection of one level (parsed). With `sha256` (from the manifest of
    the snapshot already read), a file swapped since then is refused rather than mixed in."""
    path = geo_dir / f"{level}.geojson"
    if sha256 is not None and _sha256(path) != sha256:
        raise SnapshotError(
            f"geo/{path.name} changed since this process read the snapshot (a new snapshot was "
            "swapped in); restart the app to show it"
        )
    return _read_json(path)
