"""read_lookup on the official lookup CSVs and on broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.errors import SourceFormatError
from loaders.sources.lookups import read_lookup

LAD_CA = {"LAD25CD": "lad_code", "LAD25NM": "lad_name", "CAUTH25CD": "ca_code", "CAUTH25NM": "ca_name"}


def test_lad23_to_region(geo_dir: Path) -> None:
    cols = {"LAD23CD": "lad_code", "LAD23NM": "lad_name", "RGN23CD": "rgn_code", "RGN23NM": "rgn_name"}
    frame = read_lookup(geo_dir / "lookups/LAD23_RGN23_EN_LU.csv", cols, unique=["lad_code"])
    assert list(frame.columns) == list(cols.values())
    assert len(frame) == 296 and frame.rgn_code.nunique() == 9
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= set(frame.lad_code)


def test_bom_csv_lad25_to_cauth(geo_dir: Path) -> None:
    path = geo_dir / "lookups/LAD25_CAUTH25_EN_LU.csv"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # the file really has a BOM
    frame = read_lookup(path, LAD_CA, unique=["lad_code"])
    assert len(frame) == 106 and frame.ca_code.nunique() == 15
    assert frame.lad_code.iloc[0] == "E08000001"


def test_itl_2021_to_2025_is_many_to_many(geo_dir: Path) -> None:
    path = geo_dir / "lookups/ITL321_ITL325_UK_LU.csv"
    cols = {"ITL321CD": "itl321", "ITL325CD": "itl325"}
    frame = read_lookup(path, cols, unique=["itl321", "itl325"])
    assert (len(frame), frame.itl321.nunique(), frame.itl325.nunique()) == (193, 179, 182)
    with pytest.raises(SourceFormatError, match="ITL321_ITL325_UK_LU.csv: duplicate key itl321: TLD11"):
        read_lookup(path, cols, unique=["itl321"])


@pytest.mark.parametrize(
    ("name", "cols", "rows", "lads"),
    [
        (
            "LAD24_ITL325_ITL225_ITL125_UK_LU_derived.csv",
            {"LAD24CD": "lad_code", "ITL325CD": "itl3"},
            362,
            361,
        ),
        (
            "LAD21_ITL321_ITL221_ITL121_UK_LU_derived.csv",
            {"LAD21CD": "lad_code", "ITL321CD": "itl3"},
            378,
            374,
        ),
    ],
)
def test_derived_lad_to_itl(geo_dir: Path, name: str, cols: dict, rows: int, lads: int) -> None:
    frame = read_lookup(geo_dir / "derived" / name, {**cols, "PRIMARY": "primary"})
    assert len(frame) == rows and frame.lad_code.nunique() == lads
    primary = frame[frame.primary == "1"]
    assert primary.lad_code.is_unique and len(primary) == lads


def test_dfe_lad20_lep20_blank_cells_and_codes(geo_dir: Path) -> None:
    cols = {"LAD20CD": "lad_code", "LEP20CD": "lep_code"}
    frame = read_lookup(geo_dir / "lookups/LAD20_LEP20_EN_LU_DfE_unofficial.csv", cols, unique=["lad_code"])
    assert len(frame) == 314 and frame.lep_code.nunique() == 38
    derived = read_lookup(geo_dir / "derived/LAD21_LEP21_EN_LU_derived.csv", {"LAD21CD": "lad", "LEP21CD2": "lep2"})
    assert derived.lep2.notna().sum() == 7  # blank second-LEP cells are <NA>, not ""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_codes_stay_strings_and_are_stripped(tmp_path: Path) -> None:
    path = _write(tmp_path, "lu.csv", "\ufeffCODE,NAME\n 00AB ,  Somewhere \n0123,Else\n", encoding="utf-8")
    frame = read_lookup(path, {"CODE": "code", "NAME": "name"}, unique=["code"])
    assert frame.code.tolist() == ["00AB", "0123"] and frame.name.tolist() == ["Somewhere", "Else"]


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("empty.csv", "", "file is empty"),
        ("header.csv", "LAD25CD,LAD25NM,CAUTH25CD,CAUTH25NM\n", "no rows"),
        ("cols.csv", "LAD24CD,LAD24NM,CAUTH24CD,CAUTH24NM\nE1,a,E47,b\n", "missing column.*LAD25CD"),
        (
            "dups.csv",
            "LAD25CD,LAD25NM,CAUTH25CD,CAUTH25NM\nE1,a,E47,b\nE1,a,E47,c\n",
            "duplicate key lad_code: E1",
        ),
        ("blank.csv", "LAD25CD,LAD25NM,CAUTH25CD,CAUTH25NM\n,a,E47,b\n", "blank values in key"),
    ],
)
def test_broken_lookups_name_the_file(tmp_path: Path, name: str, text: str, match: str) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(SourceFormatError, match=match) as info:
        read_lookup(path, LAD_CA, unique=["lad_code"])
    assert name in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="nope.csv: file not found"):
        read_lookup(tmp_path / "nope.csv", LAD_CA)
