"""Shareable links: known parameters, presentation flags and slide numbers that never raise."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlsplit

from components.sharing import (
    FIGURE_PARAM,
    KNOWN_PARAMS,
    clamp_slide,
    embed_url,
    iframe_code,
    parse_flag,
    parse_slide,
    share_url,
    unknown_params,
)


def test_unknown_parameters_are_found() -> None:
    assert unknown_params(["level", "area", "utm_source", "indicator", "colour"]) == ["utm_source", "colour"]
    assert {"level", "area", "year", "benchmark", "indicator", "present", "slide", "plan"} <= KNOWN_PARAMS


def test_presentation_flag_words() -> None:
    assert parse_flag("1") is True and parse_flag(" Yes ") is True and parse_flag("true") is True
    assert parse_flag("0") is False and parse_flag(None) is False and parse_flag("") is False
    assert parse_flag("maybe") is None


def test_slide_numbers_count_from_one_and_bad_ones_are_refused() -> None:
    assert parse_slide("1") == 0 and parse_slide(" 3 ") == 2
    assert parse_slide("0") is None and parse_slide("-2") is None and parse_slide("two") is None
    assert parse_slide(None) is None and parse_slide("1e9x") is None


def test_slide_index_is_kept_in_range() -> None:
    assert clamp_slide(7, 3) == 2 and clamp_slide(-1, 3) == 0 and clamp_slide(1, 3) == 1
    assert clamp_slide(4, 0) == 0 and clamp_slide(None, 5) == 0


def test_link_carries_the_view_and_drops_what_no_page_reads() -> None:
    link = share_url(
        "http://localhost:8501/manufacturing?old=1#top",
        {"level": "lad", "area": "E08000021", "mfg_measure": "gva_lq", "junk": "x", "lu_maps": ""},
    )
    parts = urlsplit(link)
    assert parts.scheme == "http" and parts.path == "/manufacturing" and not parts.fragment
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query == {"level": ["lad"], "area": ["E08000021"], "mfg_measure": ["gva_lq"], "lu_maps": [""]}


def test_link_without_an_address_is_relative() -> None:
    assert share_url(None, {"level": "lep"}) == "?level=lep"
    assert share_url(None, {}) == "?"
    assert share_url("http://h/p", {"plan": "a b&c"}) == "http://h/p?plan=a+b%26c"
    assert share_url("http://h:8501", {"level": "lep"}) == "http://h:8501/?level=lep"  # the default page


def test_the_embed_url_is_the_share_link_with_the_figure_and_embed_flag() -> None:
    url = embed_url("http://127.0.0.1:8501/productivity_gaps?x=1", {"level": "lep", "area": "E37000025"}, "gaps_levels")
    parts = urlsplit(url)
    assert parts.path == "/productivity_gaps"
    assert parse_qsl(parts.query) == [
        ("level", "lep"),
        ("area", "E37000025"),
        ("figure", "gaps_levels"),
        ("embed", "true"),
    ]
    assert FIGURE_PARAM in KNOWN_PARAMS  # a link with figure= is not "stale"


def test_the_iframe_code_escapes_what_it_quotes() -> None:
    code = iframe_code('http://h/?a=1&b="x"', 'Gap <script>alert("1")</script>', "map")
    assert code.startswith('<iframe src="http://h/?a=1&amp;b=&quot;x&quot;" title="Gap &lt;script&gt;')
    assert "<script>" not in code and 'height="860"' in code and code.endswith("></iframe>")
