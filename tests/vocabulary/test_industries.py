"""The industry vocabulary agrees with the twelve ONS local-authority workbooks it describes, and its two
partitions (SECTIONS, FINEST) add up to the total in every LAD and year, up to ONS's rounding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vocabulary.industries import FINEST, INDUSTRIES, KINDS, SECTIONS, TOTAL, children, industry

FOLDER = "stats/gva_gdp/gva_by_industry_local_authority"
# Measured on the April 2025 workbooks (Table 3, £m), over every LAD and year with no withheld part:
# the 37 FINEST parts differ from the total by at most 7 £m (Cheshire East, 2005), the 18 SECTIONS by at
# most 5 £m (Southampton, 2020). ONS: "Components may not sum to totals as a result of rounding."
MAX_FINEST_RESIDUAL_GBP_M = 7
MAX_SECTIONS_RESIDUAL_GBP_M = 5


def test_codes_are_unique_and_every_parent_is_an_industry() -> None:
    assert len(INDUSTRIES) == 49
    assert len({row.code for row in INDUSTRIES}) == len({row.file_code for row in INDUSTRIES}) == 49
    assert all(row.parent is None or industry(row.parent) for row in INDUSTRIES)
    assert {row.kind for row in INDUSTRIES} <= set(KINDS)
    assert [row.code for row in INDUSTRIES if row.parent is None] == ["Total"]


def test_short_codes_and_sic_ranges() -> None:
    assert industry("CD-CG").file_code == "CD-CG (19-23)" and industry("CD-CG").sic == "19-23"
    assert industry("CD-CG").label == "Manufacture of petroleum, chemicals and other minerals"
    assert industry("C").sic == "10-33" and industry("C").parent == "A-E"
    assert industry("61-63").file_code == "61-63" and industry("61-63").parent == "J"
    assert industry("68IMP").parent == "L" and industry("F").parent == "Total"
    with pytest.raises(KeyError, match="no industry with code 'CD'"):
        industry("CD")


def test_sections_and_finest_are_the_expected_partitions() -> None:
    assert [row.code for row in SECTIONS] == [
        "AB",
        "C",
        "DE",
        "F",
        "G",
        "H",
        "I",
        "J",
        "K",
        "L",
        "M",
        "N",
        "O",
        "P",
        "Q",
        "R",
        "S",
        "T",
    ]
    assert [row.code for row in FINEST] == [
        "AB",
        "CA-CB",
        "CC",
        "CD-CG",
        "CH",
        "CI-CL",
        "CM",
        "DE",
        "41",
        "42",
        "43",
        "45",
        "46",
        "47",
        "49-51",
        "52-53",
        "I",
        "58-60",
        "61-63",
        "K",
        "68IMP",
        "68",
        "69",
        "70",
        "71",
        "72-75",
        "77",
        "78-80",
        "81",
        "82",
        "O",
        "P",
        "Q",
        "R",
        "94-95",
        "96",
        "T",
    ]
    assert [row.code for row in children("A-E")] == ["AB", "C", "DE"]


@pytest.fixture(scope="module")
def workbooks(shared_data: Path) -> dict[str, dict[str, pd.DataFrame]]:
    """Table 2 and Table 3 of each workbook, read with pandas alone (not the app's parser)."""
    files = sorted((shared_data / FOLDER).glob("*.xlsx"))
    assert len(files) == 12
    out = {}
    for path in files:
        out[path.name] = {}
        for sheet in ("Table 2", "Table 3"):
            frame = pd.read_excel(path, sheet_name=sheet, header=1, engine="calamine")
            frame.columns = [str(c).removesuffix(".0") for c in frame.columns]
            out[path.name][sheet] = frame
    return out


def test_every_industry_is_in_every_workbook_with_its_label(workbooks: dict) -> None:
    expected = {(row.file_code, row.label) for row in INDUSTRIES}
    for name, sheets in workbooks.items():
        for sheet, frame in sheets.items():
            found = set(
                zip(frame["SIC07"].astype(str).str.strip(), frame["SIC07 description"].str.strip(), strict=True)
            )
            assert found == expected, (name, sheet, found ^ expected)
            per_area = frame.groupby("LA code")["SIC07"].nunique()
            assert per_area.eq(49).all(), (name, sheet)


def _lad_table_3(workbooks: dict) -> pd.DataFrame:
    frames = [sheets["Table 3"] for sheets in workbooks.values()]
    long = pd.concat(frames).melt(id_vars=["ITL1 region", "LA code", "LA name", "SIC07", "SIC07 description"])
    long["code"] = long["SIC07"].astype(str).str.split(" ").str[0]
    long["value"] = pd.to_numeric(long["value"], errors="coerce")  # [c]: withheld
    return long.pivot(index=["LA code", "variable"], columns="code", values="value")


@pytest.mark.parametrize(
    ("parts", "limit"), [(FINEST, MAX_FINEST_RESIDUAL_GBP_M), (SECTIONS, MAX_SECTIONS_RESIDUAL_GBP_M)]
)
def test_partitions_sum_to_the_total_in_every_lad_and_year(workbooks: dict, parts: tuple, limit: int) -> None:
    wide = _lad_table_3(workbooks)
    assert len(wide) == 361 * 26
    codes = [row.code for row in parts]
    complete = wide[codes].notna().all(axis=1)
    residual = wide.loc[complete, codes].sum(axis=1) - wide.loc[complete, TOTAL.code]
    assert complete.sum() > 9000
    assert residual.abs().max() <= limit
    assert residual.abs().max() >= 1  # rounded £m: the test measures a real residual, not an exact identity
    # where ONS withheld a part, the published parts still fit under the total (never more than rounding)
    partial = wide.loc[~complete, codes].sum(axis=1) - wide.loc[~complete, TOTAL.code]
    assert (partial <= limit).all()


def test_every_parent_is_the_sum_of_its_children_up_to_rounding(workbooks: dict) -> None:
    wide = _lad_table_3(workbooks)
    for parent in {row.parent for row in INDUSTRIES if row.parent}:
        codes = [row.code for row in children(parent)]
        complete = wide[[*codes, parent]].notna().all(axis=1)
        residual = (wide.loc[complete, codes].sum(axis=1) - wide.loc[complete, parent]).abs()
        assert residual.max() <= 0.5 * (len(codes) + 1), parent  # each published £m rounded by at most 0.5
