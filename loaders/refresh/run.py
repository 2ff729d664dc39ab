"""Refresh the snapshot (`regional_data/`, `geo/`) from the official sources without ever losing data.

    python -m loaders.refresh [--mirror URL | --from-dir DIR] [--out DIR] [--report PATH] [--cache-dir DIR]
                              [--accept-losses] [--dry-run] [--list-sources]

1. Every file of the source catalogue (loaders/build/source_catalogue.py) is fetched into a staging
   source folder laid out like ../shared/data (loaders/refresh/fetch.py): from the official URLs
   (default), from `<mirror>/<path>` (--mirror), or checked in place (--from-dir, offline). Downloads
   (loaders/refresh/download.py) have timeouts, bounded retries with exponential backoff, a size
   limit, a conditional-request cache and a sha256 per file; content is sniffed before anything
   parses it (loaders/refresh/checks.py).
2. `loaders.build.build_candidate` builds a candidate snapshot into a staging folder beside the target.
3. The candidate is validated and diffed against the current snapshot (loaders/build/snapshot_diff.py): a
   candidate that loses areas, values or years beyond the limits (loaders/build/snapshot_losses.py) fails
   unless --accept-losses is given. The Markdown report is written whatever happens.
4. Only then are the new `regional_data/` and `geo/` swapped in, crash-safely
   (loaders/snapshot_swap.py). On any failure the current snapshot is left byte-for-byte unchanged,
   the message says what failed and where, and the exit status is 1.

The app never calls this module; the network is only used when this command is run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loaders.build import run as build
from loaders.build.snapshot_diff import Comparison, compare, render_report
from loaders.build.snapshot_losses import MIN_AREA_SHARE
from loaders.build.source_catalogue import CATALOGUE, SourceFile
from loaders.build.source_files import file_sha256, relative_to_source
from loaders.errors import SourceFormatError
from loaders.refresh.download import Downloader, FetchPolicy, RefreshError
from loaders.refresh.fetch import SourceRecord, check_folder, fetch_all
from loaders.snapshot_swap import (
    SNAPSHOT_DIRS,
    SwapError,
    recover,
    remove_staging,
    require_writable,
    snapshot_lock,
    swap_in,
)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regional-productivity-explorer"


def snapshot_hashes(target: Path) -> dict[str, str]:
    """sha256 of every file of the snapshot folders (used to prove a failed refresh changed nothing)."""
    return {
        str(p.relative_to(target)): file_sha256(p)
        for name in SNAPSHOT_DIRS
        if (target / name).is_dir()
        for p in sorted((target / name).rglob("*"))
        if p.is_file()
    }


@dataclass
class Options:
    out: Path = REPO
    mirror: str | None = None
    from_dir: Path | None = None
    fallback_dir: Path | None = build.DEFAULT_SOURCE
    cache_dir: Path = DEFAULT_CACHE
    report: Path | None = None
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    min_area_share: float = MIN_AREA_SHARE
    accept_losses: bool = False
    dry_run: bool = False
    show_progress: bool = True
    entries: tuple[SourceFile, ...] = CATALOGUE


@dataclass
class Outcome:
    ok: bool
    message: str
    stage: str = ""
    report_path: Path | None = None
    comparison: Comparison | None = None
    records: list[SourceRecord] = field(default_factory=list)
    manifest: dict | None = None


def _mode(options: Options) -> str:
    if options.from_dir:
        return f"offline, from folder {options.from_dir}"
    if options.mirror:
        return f"mirror {options.mirror}"
    return "official URLs (source catalogue)"


def _gather(options: Options, workdir: Path, outcome: Outcome) -> Path:
    """The source folder to build from: checked in place (--from-dir) or fetched into `workdir`."""
    if options.from_dir:
        source = options.from_dir.resolve()
        if not source.is_dir():
            raise RefreshError("setup", f"--from-dir folder {source} does not exist")
        outcome.records = check_folder(options.entries, source, options.show_progress)
        return source
    downloader = Downloader(options.policy, options.cache_dir, show_progress=options.show_progress)
    outcome.records = fetch_all(
        options.entries,
        workdir / "source",
        downloader,
        mirror=options.mirror,
        fallback_dir=options.fallback_dir,
        show_progress=options.show_progress,
    )
    return workdir / "source"


def _build(source: Path, staged: Path, show_progress: bool) -> build.Candidate:
    try:
        return build.build_candidate(source, staged, show_progress)
    except SourceFormatError as exc:
        raise RefreshError("build", relative_to_source(exc, source)) from exc
    except Exception as exc:  # a parser meeting a layout it does not know: one line, no traceback
        raise RefreshError("build", build.failure_line(exc, source)) from exc


def _validate(options: Options, target: Path, candidate: build.Candidate, outcome: Outcome) -> None:
    try:
        old, old_metadata = build.current_table(target)
    except build.BuildError as exc:
        raise RefreshError("validation", str(exc)) from exc
    metadata = json.loads((candidate.folder / "regional_data" / "indicators.json").read_text())
    outcome.comparison = compare(
        old,
        candidate.table,
        {**old_metadata, **metadata},
        min_share=options.min_area_share,
        accept_losses=options.accept_losses,
        provenance=candidate.provenance,
    )
    try:
        industry = build.industry_losses(target, candidate)
    except build.BuildError as exc:
        raise RefreshError("validation", str(exc)) from exc
    if industry and options.accept_losses:
        outcome.comparison.warnings += [f"loss (accepted with --accept-losses): {p}" for p in industry]
    else:
        outcome.comparison.problems += [f"loss: {p}" for p in industry]
    problems = outcome.comparison.problems
    if problems:
        hint = (
            ". If these losses are expected, rerun with --accept-losses"
            if any(p.startswith("loss: ") for p in problems)
            else ""
        )
        raise RefreshError(
            "validation",
            "the new snapshot failed validation: "
            + "; ".join(problems[:5])
            + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
            + hint,
        )


def run_refresh(options: Options) -> Outcome:
    """The whole refresh; never raises for expected failures (see Outcome.message)."""
    target = options.out.resolve()
    context = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": _mode(options),
        "target": str(target),
    }
    outcome = Outcome(False, "")
    try:
        if not target.is_dir():
            raise RefreshError("setup", f"target folder {target} does not exist")
        if options.mirror and options.from_dir:
            raise RefreshError("setup", "use either --mirror or --from-dir, not both")
        if not options.dry_run:
            require_writable(target)
        with snapshot_lock(target):
            for line in recover(target):
                context["recovered"] = line
            workdir = Path(tempfile.mkdtemp(prefix=".refresh-", dir=target))
            try:
                source = _gather(options, workdir, outcome)
                staged = workdir / "out"
                staged.mkdir()
                candidate = _build(source, staged, options.show_progress)
                _validate(options, target, candidate, outcome)
                manifest = candidate.manifest
                manifest["source_folder"] = _mode(options)
                manifest["refresh"] = {"mode": _mode(options), "files": [r.as_dict() for r in outcome.records]}
                build.write_manifest(staged, manifest)
                outcome.manifest = manifest
                if options.dry_run:
                    outcome.message = "dry run: the new snapshot passed validation; nothing was swapped in"
                else:
                    swap_in(staged, target)
                    outcome.message = f"refreshed {manifest['rows']:,} rows into {target}"
                accepted = [w for w in outcome.comparison.warnings if w.startswith("loss (accepted")]
                if accepted:
                    outcome.message += (
                        f" ({len(accepted)} losses accepted with --accept-losses: "
                        + "; ".join(w.split(": ", 1)[1] for w in accepted[:3])
                        + ")"
                    )
                outcome.ok = True
            finally:
                remove_staging(target, workdir)
    except RefreshError as exc:
        outcome.stage, outcome.message = exc.stage, str(exc)
    except SwapError as exc:
        outcome.stage, outcome.message = "swap", str(exc)
    except OSError as exc:  # disk full, permissions: still no traceback, still no damage
        where = f" ({exc.filename})" if exc.filename else ""
        outcome.stage, outcome.message = "file system", f"{exc.strerror or exc}{where}"
    outcome.report_path = _write_report(options, outcome, context)
    return outcome


def _write_report(options: Options, outcome: Outcome, context: dict[str, str]) -> Path | None:
    if outcome.ok:
        result = "passed; " + ("dry run, not swapped in" if options.dry_run else "new snapshot swapped in")
    else:
        result = f"FAILED at {outcome.stage}; current snapshot unchanged"
    text = render_report(
        outcome.comparison,
        outcome=result,
        context=context,
        failure=None if outcome.ok else outcome.message,
        sources=[r.as_dict() for r in outcome.records],
    )
    path = options.report or options.cache_dir / "last-refresh-report.md"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"warning: could not write the report to {path} ({exc})", file=sys.stderr)
        return None
    return path


def _list_sources() -> str:
    lines = []
    for entry in CATALOGUE:
        scrape = " (landing page scraped)" if entry.needs_scraping else ""
        lines.append(f"{entry.path}\n    {entry.method}{scrape}, confidence {entry.confidence}: {entry.url}")
        if entry.fallback_url:
            lines.append(f"    fallback: {entry.fallback_url}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loaders.refresh", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--mirror", metavar="URL", help="fetch every catalogue file from URL/<relative path>")
    where.add_argument(
        "--from-dir",
        type=Path,
        metavar="DIR",
        help="offline: build from a folder of official files laid out like ../shared/data",
    )
    parser.add_argument("--out", type=Path, default=REPO, help="folder holding regional_data/ and geo/ (repo root)")
    parser.add_argument(
        "--report", type=Path, help="Markdown diff report (default: <cache-dir>/last-refresh-report.md)"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"download cache (default {DEFAULT_CACHE})"
    )
    parser.add_argument(
        "--fallback-dir",
        type=Path,
        default=build.DEFAULT_SOURCE,
        help="where files without a machine-readable URL (Nomis extracts) are taken from online",
    )
    parser.add_argument("--max-bytes", type=int, default=FetchPolicy.max_bytes, help="size limit per file")
    parser.add_argument("--connect-timeout", type=float, default=FetchPolicy.connect_timeout, metavar="SECONDS")
    parser.add_argument(
        "--timeout",
        type=float,
        default=FetchPolicy.read_timeout,
        metavar="SECONDS",
        help="read timeout: longest wait for the server between bytes",
    )
    parser.add_argument("--retries", type=int, default=FetchPolicy.attempts, help="attempts per request")
    parser.add_argument(
        "--backoff",
        type=float,
        default=FetchPolicy.backoff_base,
        metavar="SECONDS",
        help="first retry delay, doubled each time (capped at 8 s)",
    )
    parser.add_argument(
        "--min-area-share",
        type=float,
        default=MIN_AREA_SHARE,
        help="fail if an indicator/level keeps less than this share of its areas",
    )
    parser.add_argument(
        "--accept-losses",
        "--accept-coverage-loss",
        dest="accept_losses",
        action="store_true",
        help="swap in a snapshot that loses areas, values or years beyond the limits (e.g. after a "
        "boundary change); the losses are reported as warnings",
    )
    parser.add_argument("--dry-run", action="store_true", help="fetch, build, validate and report; do not swap")
    parser.add_argument("--list-sources", action="store_true", help="print the source catalogue and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if args.retries < 1 or args.max_bytes < 1 or args.backoff < 0:
        parser.error("--retries and --max-bytes must be positive and --backoff not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_sources:
        print(_list_sources())
        return 0
    options = Options(
        out=args.out,
        mirror=args.mirror,
        from_dir=args.from_dir,
        fallback_dir=args.fallback_dir,
        cache_dir=args.cache_dir,
        report=args.report,
        policy=FetchPolicy(
            connect_timeout=args.connect_timeout,
            read_timeout=args.timeout,
            attempts=args.retries,
            backoff_base=args.backoff,
            max_bytes=args.max_bytes,
        ),
        min_area_share=args.min_area_share,
        accept_losses=args.accept_losses,
        dry_run=args.dry_run,
        show_progress=not args.quiet,
    )
    outcome = run_refresh(options)
    report = f" Report: {outcome.report_path}" if outcome.report_path else ""
    if outcome.ok:
        print(f"{outcome.message}.{report}")
        return 0
    print(f"refresh failed at {outcome.stage}, snapshot unchanged: {outcome.message}.{report}", file=sys.stderr)
    return 1
