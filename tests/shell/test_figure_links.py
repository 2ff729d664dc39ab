"""The data API URL and embed code in every download menu, and the figure-only view (?figure=<key>), under
AppTest: the URL's filters select the snapshot rows the figure is drawn from; the view draws that figure alone."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from api.query import parse_data_query, select_rows
from loaders.snapshot import read_snapshot
from tests.shell.test_figures import NEWCASTLE, ok, open_app

NORTH_EAST_LEP = "E37000025"


def api_urls(at) -> list[str]:
    return [code.value for code in at.code if "/api/v1/data.csv" in code.value]


def iframes(at) -> list[str]:
    return [code.value for code in at.code if code.value.startswith("<iframe")]


def test_the_manufacturing_map_links_to_its_rows_and_every_menu_has_an_embed_code() -> None:
    at = open_app("manufacturing", {"level": "lad", "area": NEWCASTLE, "year": "2021"})
    menus = [block for block in at.get("popover") if block.proto.popover.label.startswith("Download this")]
    assert len(iframes(at)) == len(menus) >= 3
    urls = api_urls(at)
    assert urls, "no data API URL in the menus"
    map_url = urls[0]  # the map is the page's first figure
    params = dict(parse_qsl(urlsplit(map_url).query))
    assert params["geography"] == "lad" and params["from"] == params["to"] == "2021" and "area" not in params
    snapshot = read_snapshot()
    query = parse_data_query(parse_qsl(urlsplit(map_url).query), snapshot.metadata, set(snapshot.areas["area_code"]))
    rows = select_rows(snapshot, query)
    lads = set(snapshot.areas.loc[snapshot.areas["geography"] == "lad", "area_code"])
    assert set(rows["area_code"]) <= lads and NEWCASTLE in set(rows["area_code"])
    assert set(rows["indicator"]) == set(query.indicators) and len(query.indicators) == 1


def test_the_figure_only_view_draws_one_figure_without_menus() -> None:
    params = {"level": "lep", "area": NORTH_EAST_LEP}
    full = open_app("productivity_gaps", params)
    [embed] = [code for code in iframes(full) if "figure=gaps_levels" in code]
    src = dict(parse_qsl(urlsplit(embed.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")).query))
    assert src["figure"] == "gaps_levels" and src["embed"] == "true" and src["area"] == NORTH_EAST_LEP
    charts = {chart.proto.spec: chart for chart in full.get("vega_lite_chart")}
    assert len(charts) >= 3
    src.pop("embed")  # Streamlit's own parameter, not in st.query_params
    alone = open_app("productivity_gaps", src)
    drawn = alone.get("vega_lite_chart")
    assert len(drawn) == 1 and drawn[0].proto.spec in charts  # the same chart as on the full page
    assert "North East LEP and its benchmarks" in drawn[0].proto.spec
    assert not [block for block in alone.get("popover") if block.proto.popover.label.startswith("Download this")]
    assert any("Open Government Licence" in caption.value for caption in alone.caption)


def test_an_unknown_figure_says_so() -> None:
    at = ok(open_app("overview", {"level": "lep", "figure": "no_such_chart"}))
    assert not at.get("vega_lite_chart") and not at.get("deck_gl_json_chart")
    assert any("no chart or map called 'no\\_such\\_chart'" in warning.value for warning in at.warning)
