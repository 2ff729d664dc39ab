"""What a person sees (issue 11), under AppTest: groups are valued on manufacturing with gaps to every
benchmark; the Manufacturing headline follows "Compare with"; Targets speak in labels, level nouns and units.
The sidebar's part (choices kept across levels, the Year list, ended areas) is in tests/shell/test_state.py.
Expected values come from the committed parquet."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app_pages.markdown_text import as_read, map_legend
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
CHESHIRE_WARRINGTON = "E37000003"
UK, ENGLAND = "K02000001", "E92000001"
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def widget(at: AppTest, key: str) -> Any:
    return at.selectbox(key=key).value


def choose(at: AppTest, **values: Any) -> AppTest:
    for key, value in values.items():
        ok(at.selectbox(key=key).set_value(value).run())
        assert widget(at, key) == value, key
    return at


def value(indicator: str, code: str, year: int) -> float:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)]
    return float(rows["value"].iloc[0])


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(parts)


def open_app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    ok(at.run())
    if page:
        at.switch_page(page)
        ok(at.run())
    return at


# --- defect 4: groups on the Overview --------------------------------------------------------------


def test_groups_are_valued_on_manufacturing_share_with_gaps_to_each_benchmark() -> None:
    at = open_app(level="lep", indicator="manufacturing_gva_share", year="2023")
    (groups,) = [frame for frame in frames(at) if "group" in frame.columns]
    row = groups.set_index("group").loc["North West manufacturing digitalisation pilot"]
    share = value("manufacturing_gva_share", "TLD", 2023)  # the five LEPs are the North West
    assert row["value"] == f"{share:.1f}% (provisional)"
    for code, name in (("ENG_EXCL_LONDON", "England excluding London"), (ENGLAND, "England"), (UK, "United Kingdom")):
        gap = (share / value("manufacturing_gva_share", code, 2023) - 1) * 100
        assert row[f"gap to {name}"] == f"{gap:+.1f}%"
    text = " ".join(groups.astype(str).to_numpy().ravel())
    assert "None" not in text and "nan" not in text and not RAW_KEY.search(text)


# --- defect 8: the Manufacturing headline follows "Compare with" -------------------------------------


def test_manufacturing_headline_compares_with_the_benchmark_chosen() -> None:
    at = open_app("app_pages/manufacturing.py", level="lep", area=CHESHIRE_WARRINGTON, year="2023")
    share = value("manufacturing_gva_share", CHESHIRE_WARRINGTON, 2023)
    for code, name in ((UK, "United Kingdom"), (ENGLAND, "England"), ("ENG_EXCL_LONDON", "England excluding London")):
        choose(at, benchmark=code)
        base = value("manufacturing_gva_share", code, 2023)
        headline = next(as_read(m.value) for m in at.markdown if m.value.startswith("**Manufacturing is"))
        assert f"{share / base:.2f} times {name}'s share ({base:.1f}%)" in headline
        assert "provisional" in headline  # 2023 GVA is provisional
    legend = map_legend(at)
    assert "Manufacturing" in legend
    choose(at, mfg_measure="gva_lq")
    legend = map_legend(at)
    assert "(England excluding London = 1)" in legend


# --- defects 8 and 9 on Targets --------------------------------------------------------------------


def test_targets_speak_in_labels_level_nouns_and_units() -> None:
    at = open_app("app_pages/targets.py")
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings and all(h.endswith("— North East LEP") for h in headings)
    text = page_text(at)
    assert "Indicators a group can be valued on:" in text
    groupable = next(c.value for c in at.caption if c.value.startswith("Indicators a group can be valued on"))
    assert METADATA["manufacturing_gva_share"].label in groupable and not RAW_KEY.search(groupable)
    verdicts = [m.value for m in at.markdown if "latest year with data" in m.value]
    assert verdicts, "no on/off-track verdict"
    for verdict in verdicts:
        numbers = re.findall(r"needs (?:a gap of )?(.+?) by then", verdict)
        assert numbers and all(re.search(r"%|percentage points|filled jobs|£", n) for n in numbers), verdict
    shown = " ".join([*(m.value for m in at.metric), text])
    assert "-0.00" not in shown and "-0.0%" not in shown
