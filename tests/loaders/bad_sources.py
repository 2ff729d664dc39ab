"""A corpus of broken official source folders for `loaders.build` / `loaders.refresh`, made on the fly
from ../shared/data (nothing is committed): the companion of bad_files.py (uploads) for the build side.

Each BadSource damages a mirror of the source folder (symbolic links to the official files, so one
file can be replaced cheaply) and says what the one-line failure must contain: the file at fault and
the problem. The loss edits (rows or years removed from an official CSV) are used by the loss tests.

    python -m tests.loaders.bad_sources SHARED_DATA OUT_DIR NAME   # one damaged mirror, to try by hand
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from loaders.build.run import ELS_DIR, GVA_LA_DIR, PRODUCTIVITY_LAD

ASHE_PAY_CSV = f"{ELS_DIR}/gross-median-weekly-pay.csv"  # the ASHE pay CSV (median_weekly_pay)
GVA_NORTH_EAST = f"{GVA_LA_DIR}/regionalgrossvalueaddedbalancedbyindustrylocalauthoritiestlcnortheast.xlsx"
LAD_BOUNDARIES = "geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson"
LAD_2021_BOUNDARIES = "geo/boundaries/lad/LAD_DEC_2021_UK_BUC.geojson"


def mirror(shared_data: Path, target: Path) -> Path:
    """A copy of the source tree made of symbolic links to the official files."""
    for path in shared_data.rglob("*"):
        if path.is_file():
            link = target / path.relative_to(shared_data)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    return target


def replace(folder: Path, relative: str, data: bytes) -> None:
    """Put `data` in place of the (linked) file at `relative`."""
    (folder / relative).unlink()
    (folder / relative).write_bytes(data)


# --- edits of official files ------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def every_other_row(data: bytes) -> bytes:
    """An ELS CSV with every other data row removed (the header kept)."""
    rows = _csv_rows(data)
    return _csv_bytes([rows[0], *rows[1::2]])


def years_from(first_year: int) -> Callable[[bytes], bytes]:
    """An ELS CSV keeping only the rows of `first_year` onwards (period column starts with the year)."""

    def change(data: bytes) -> bytes:
        rows = _csv_rows(data)
        period = rows[0].index("period")
        return _csv_bytes([rows[0], *(row for row in rows[1:] if int(row[period][:4]) >= first_year)])

    return change


def scaled_gva(path: Path, factor: float) -> bytes:
    """A GVA-by-industry workbook whose Table 3 values (GBP million) are multiplied by `factor`."""
    book = openpyxl.load_workbook(path)
    for row in book["Table 3"].iter_rows():
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.value = cell.value * factor
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadSource:
    name: str
    file: str  # relative path of the file at fault: the message must name it
    expect: str  # the problem, as the message words it
    damage: Callable[[Path, Path], None]  # (mirror folder, official folder) -> None


def _folder_in_place(relative: str) -> Callable[[Path, Path], None]:
    def damage(folder: Path, _: Path) -> None:
        (folder / relative).unlink()
        (folder / relative).mkdir()

    return damage


def _pipe_in_place(relative: str) -> Callable[[Path, Path], None]:
    def damage(folder: Path, _: Path) -> None:
        (folder / relative).unlink()
        os.mkfifo(folder / relative)

    return damage


def _dangling_link(relative: str) -> Callable[[Path, Path], None]:
    def damage(folder: Path, _: Path) -> None:
        (folder / relative).unlink()
        (folder / relative).symlink_to(folder / "nowhere" / Path(relative).name)

    return damage


def _lad_2021_as_2023(folder: Path, official: Path) -> None:
    (folder / LAD_BOUNDARIES).unlink()
    (folder / LAD_BOUNDARIES).symlink_to(official / LAD_2021_BOUNDARIES)


def _gva_times_1000(folder: Path, official: Path) -> None:
    replace(folder, GVA_NORTH_EAST, scaled_gva(official / GVA_NORTH_EAST, 1000))


def corpus() -> list[BadSource]:
    return [
        BadSource(
            "folder-in-place-of-workbook",
            PRODUCTIVITY_LAD,
            "is a folder, not a file",
            _folder_in_place(PRODUCTIVITY_LAD),
        ),
        BadSource(
            "named-pipe-in-place-of-csv",
            ASHE_PAY_CSV,
            "is a named pipe (FIFO), not a regular file",
            _pipe_in_place(ASHE_PAY_CSV),
        ),
        BadSource(
            "dangling-symbolic-link",
            LAD_BOUNDARIES,
            "is a symbolic link to a missing file",
            _dangling_link(LAD_BOUNDARIES),
        ),
        BadSource(
            "lad-boundaries-of-2021",
            LAD_BOUNDARIES,
            "LAD codes of another vintage: 4 LADs of the lookups are missing",
            _lad_2021_as_2023,
        ),
        BadSource(
            "gva-workbook-times-1000",
            GVA_NORTH_EAST,
            "LAD->ITL1 aggregation differs from ONS by up to",
            _gva_times_1000,
        ),
    ]


def main(argv: list[str]) -> None:
    shared, out, name = Path(argv[0]), Path(argv[1]), argv[2]
    case = next(case for case in corpus() if case.name == name)
    case.damage(mirror(shared, out), shared)
    print(f"{out}: {case.file} {case.expect}")


if __name__ == "__main__":
    main(sys.argv[1:])
