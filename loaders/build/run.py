"""Rebuild the committed snapshot (`regional_data/`, `geo/`) from the official raw files.

    python -m loaders.build [--source ../shared/data] [--out .] [--accept-losses] [--recover] [--quiet]

The new snapshot is built in a staging folder beside the target and validated; then it is compared
with the current one, and a build that would lose areas, values or years beyond the limits of
loaders/build/snapshot_losses.py is refused unless --accept-losses is given. Only then is it swapped in,
crash-safely (loaders/snapshot_swap.py; --recover finishes a swap a crash interrupted). On any
failure the current snapshot is left exactly as it was and one line names the file at fault.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from loaders.build.assemble import BuildError, assemble
from loaders.build.catalogue import INDICATORS
from loaders.build.geography import Geography
from loaders.build.industry_gva import FILE_NAME as INDUSTRY_GVA
from loaders.build.industry_gva import write_industry_gva
from loaders.build.snapshot_losses import Provenance, coverage, coverage_problems, industry_gva_problems
from loaders.build.source_files import (
    ASHE_T7_WEEKLY,
    ELS_DIR,
    GDP_LA,
    GVA_LA_DIR,
    PRODUCTIVITY_LAD,
    check_sources,
    file_sha256,
    relative_to_source,
    source_manifest,
)
from loaders.errors import SourceFormatError
from loaders.snapshot_swap import (
    SwapError,
    fsync_dir,
    recover,
    remove_staging,
    require_writable,
    snapshot_lock,
    swap_in,
)
from loaders.sources.web_boundaries import simplify_coverage, snap_round_coverage, to_web_geojson

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
__all__ = ["ASHE_T7_WEEKLY", "ELS_DIR", "GDP_LA", "GVA_LA_DIR", "PRODUCTIVITY_LAD", "BuildError", "file_sha256"]

# Web boundaries: simplification tolerance (metres, British National Grid) and decimals per level.
WEB_TOLERANCE_M = {
    "lad": 1500.0,
    "lep": 800.0,
    "itl1": 1000.0,
    "itl2": 1000.0,
    "itl3": 1200.0,
    "cauth": 600.0,
    "rgn": 1000.0,
}
WEB_DECIMALS = 3


@dataclass
class Candidate:
    """A built and validated snapshot waiting in `folder` (regional_data/ and geo/) to be swapped in."""

    folder: Path
    table: pd.DataFrame
    manifest: dict
    provenance: Provenance = field(default_factory=dict)
    industry_gva: pd.DataFrame | None = None  # regional_data/industry_gva.parquet


def indicator_metadata(table: pd.DataFrame) -> dict:
    """Catalogue entries for every indicator in the table, with the levels and years it has."""
    meta = {}
    for indicator, rows in table.groupby("indicator"):
        if indicator not in INDICATORS:
            raise BuildError(f"indicator {indicator!r} has rows but no catalogue entry (loaders/build/catalogue.py)")
        entry = replace(
            INDICATORS[indicator],
            geographies=tuple(sorted(rows["geography"].unique())),
            periods=tuple(sorted(int(p) for p in rows["period"].unique())),
        )
        meta[indicator] = entry.as_dict()
    return meta


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


def write_candidate(
    folder: Path,
    table: pd.DataFrame,
    geography: Geography,
    geo_files: dict[str, bytes],
    manifest: dict,
    industry_gva: pd.DataFrame,
) -> None:
    """Write regional_data/ and geo/ into `folder` (a staging folder), each file flushed to disk."""
    data_dir, geo_dir = folder / "regional_data", folder / "geo"
    data_dir.mkdir()
    geo_dir.mkdir()
    table.to_parquet(data_dir / "indicators.parquet", index=False, compression="zstd")
    write_industry_gva(industry_gva, data_dir / INDUSTRY_GVA)
    geography.areas.to_parquet(data_dir / "areas.parquet", index=False)
    (data_dir / "indicators.json").write_text(json.dumps(indicator_metadata(table), indent=1, ensure_ascii=False))
    for level, payload in geo_files.items():
        (geo_dir / f"{level}.geojson").write_bytes(payload)
    manifest["outputs"] = {
        f"{sub.name}/{path.name}": {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
        for sub in (data_dir, geo_dir)
        for path in sorted(sub.iterdir())
    }
    manifest["snapshot_id"] = snapshot_id(manifest["outputs"])
    write_manifest(folder, manifest)


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write (or rewrite) the manifest, then flush every file of the candidate to disk: the swap's
    journal promises a complete snapshot even after a power cut."""
    (folder / "regional_data" / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False, default=str)
    )
    for sub in (folder / "regional_data", folder / "geo"):
        for path in sub.iterdir():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        fsync_dir(sub)


STEPS = [
    "boundaries and lookups",
    "ONS productivity workbooks",
    "ONS GVA by industry (12 workbooks)",
    "Explore Local Statistics",
    "productivity indicators and validation",
    "manufacturing indicators",
    "Nomis APS, UBC and BRES",
    "ELS levelling-up indicators, ASHE, population",
    "GVA by industry for every area",
    "web boundaries",
    "write snapshot",
]


def build_candidate(source: Path, folder: Path, show_progress: bool = True) -> Candidate:
    """Parse, assemble, validate and write a new snapshot into `folder` (empty, beside the target)."""
    check_sources(source)
    with tqdm(total=len(STEPS), desc="build", unit="step", disable=not show_progress, file=sys.stderr) as bar:

        def progress(label: str) -> None:
            if bar.n or label != STEPS[0]:
                bar.update(1)
            bar.set_postfix_str(label)

        table, geography, facts, provenance, industry_gva = assemble(source, progress)
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
                "lads_in_two_leps": sorted(
                    geography.lad_lep.loc[geography.lad_lep["in_two_leps"], "lad_name"].unique().tolist()
                ),
            },
            **facts,
        }
        write_candidate(folder, table, geography, geo_files, manifest, industry_gva)
        bar.update(1)
    return Candidate(folder, table, manifest, provenance, industry_gva)


def current_table(target: Path) -> tuple[pd.DataFrame | None, dict]:
    """The current snapshot's indicator table and metadata (None if there is none yet)."""
    data = target / "regional_data"
    table_path, meta_path = data / "indicators.parquet", data / "indicators.json"
    if not table_path.exists():
        return None, {}
    try:
        return pd.read_parquet(table_path), json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise BuildError(
            f"the current snapshot {table_path} cannot be read ({exc.__class__.__name__}), so what the "
            "new one would lose cannot be checked; move regional_data/ away to build from scratch"
        ) from exc


def current_industry_gva(target: Path) -> pd.DataFrame | None:
    """The current snapshot's industry_gva.parquet (None if it has none yet)."""
    path = target / "regional_data" / INDUSTRY_GVA
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise BuildError(
            f"the current snapshot's {path} cannot be read ({exc.__class__.__name__}), so what the new one "
            "would lose cannot be checked; move regional_data/ away to build from scratch"
        ) from exc


def industry_losses(target: Path, candidate: Candidate) -> list[str]:
    """What the candidate's industry_gva.parquet would lose against the current one beyond the limits."""
    if candidate.industry_gva is None:
        return []
    files = [f"{GVA_LA_DIR}/*.xlsx (Table 2, Table 3)"]
    return industry_gva_problems(current_industry_gva(target), candidate.industry_gva, files)


def loss_problems(target: Path, candidate: Candidate) -> list[str]:
    """What the candidate would lose against the current snapshot beyond the limits (none: [])."""
    old, metadata = current_table(target)
    problems = industry_losses(target, candidate)
    if old is None:
        return problems
    return (
        coverage_problems(coverage(old, candidate.table), metadata=metadata, provenance=candidate.provenance) + problems
    )


def losses_message(problems: list[str], flag: str = "--accept-losses") -> str:
    shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
    return f"the new snapshot would lose data: {shown}. If these losses are expected, rerun with {flag}"


def build(source: Path, target: Path, show_progress: bool = True, accept_losses: bool = False) -> dict:
    """Build, check against the current snapshot and swap in a new snapshot; returns the manifest
    (with `accepted_losses` and `recovered` lists when there were any)."""
    started = time.perf_counter()
    if not source.is_dir():
        raise BuildError(f"source folder {source} does not exist")
    target.mkdir(parents=True, exist_ok=True)
    require_writable(target)
    with snapshot_lock(target):
        recovered = recover(target)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=target))
        try:
            candidate = build_candidate(source, staging, show_progress)
            problems = loss_problems(target, candidate)
            if problems and not accept_losses:
                raise BuildError(losses_message(problems))
            swap_in(staging, target)
        finally:
            remove_staging(target, staging)
    extra = {"accepted_losses": problems} if problems else {}
    extra |= {"recovered": recovered} if recovered else {}
    return {**candidate.manifest, **extra, "build_seconds": round(time.perf_counter() - started, 1)}


def failure_line(exc: Exception, source: Path) -> str:
    """One line for any failure of a build: the file and the problem, no traceback."""
    if isinstance(exc, SourceFormatError):
        return relative_to_source(exc, source)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, BuildError | SwapError):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}"  # a parser meeting a layout it does not know


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders.build", description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of official raw files")
    parser.add_argument("--out", type=Path, default=REPO, help="folder that holds regional_data/ and geo/")
    parser.add_argument(
        "--accept-losses",
        action="store_true",
        help="swap in a snapshot that loses areas, values or years beyond the limits (e.g. after a "
        "boundary change); the losses are listed",
    )
    parser.add_argument(
        "--recover",
        action="store_true",
        help="only finish a swap a crash interrupted and remove leftover staging folders",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    source, target = args.source.resolve(), args.out.resolve()
    try:
        if args.recover:
            with snapshot_lock(target):
                done = recover(target)
            print("; ".join(done) if done else f"nothing to recover in {target}")
            return 0
        manifest = build(source, target, show_progress=not args.quiet, accept_losses=args.accept_losses)
    except Exception as exc:  # every failure is one line naming the file and problem; the snapshot is unchanged
        print(f"build failed, snapshot unchanged: {failure_line(exc, source)}", file=sys.stderr)
        return 1
    for line in manifest.get("recovered", []):
        print(f"recovered: {line}", file=sys.stderr)
    for problem in manifest.get("accepted_losses", []):
        print(f"accepted loss (--accept-losses): {problem}", file=sys.stderr)
    print(f"built {manifest['rows']} rows in {manifest['build_seconds']} s -> {target / 'regional_data'}")
    return 0
