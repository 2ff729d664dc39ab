"""The shared sidebar under AppTest (shell/state.py): it keeps a person's choices across levels and says
when it cannot, the Year list offers the years the indicator has, and an area that ended or changed says
what replaced it. Expected values come from the committed parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
NORTH_EAST_LEP, CUMBERLAND = "E37000025", "E06000063"


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


def years(indicator: str, level: str) -> list[int]:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & PARQUET["value"].notna()]
    return sorted({int(year) for year in rows["period"]}, reverse=True)


def sidebar_text(at: AppTest) -> str:
    return "\n".join(element.value for element in at.sidebar.caption)


def open_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    return ok(at.run())


def test_indicator_and_year_come_back_after_a_level_without_them() -> None:
    at = open_app()
    choose(at, indicator="manufacturing_gva_share", year=1998)
    choose(at, level="itl3")  # ITL3 has neither the GVA manufacturing share nor 1998
    assert widget(at, "indicator") != "manufacturing_gva_share"
    said = sidebar_text(at)
    assert f"{METADATA['manufacturing_gva_share'].label} is not available for ITL3 regions" in said
    assert "1998 is not available" in said and "Your choice comes back" in said
    choose(at, level="lep")
    assert widget(at, "indicator") == "manufacturing_gva_share" and widget(at, "year") == 1998
    assert "is not available" not in sidebar_text(at)


def test_year_list_offers_the_years_the_indicator_has_at_the_level() -> None:
    at = open_app()
    assert list(at.selectbox(key="year").options) == [str(y) for y in years("gva_per_hour", "lep")]  # 2023-2004
    choose(at, indicator="manufacturing_gva_share")
    offered = [int(y) for y in at.selectbox(key="year").options]
    assert offered == years("manufacturing_gva_share", "lep") and offered[-1] == 1998


def test_an_ended_or_changed_area_says_what_replaced_it() -> None:
    at = open_app(level="lep", area=NORTH_EAST_LEP)
    notice = sidebar_text(at)
    assert "North East LEP" in notice and "April 2024" in notice and "North East combined authority (all 7)" in notice
    choose(at, level="lad", area=CUMBERLAND)
    assert "Cumberland was created in April 2023 from Allerdale, Carlisle and Copeland" in sidebar_text(at)
