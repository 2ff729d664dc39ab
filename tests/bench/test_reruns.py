"""The bench's map payload counts both things a map sends the browser: deck.gl's JSON and the preview."""

from __future__ import annotations

from bench.reruns import PAGES, measure_apptest


def test_the_map_payload_counts_the_deck_gl_json_and_the_still_preview() -> None:
    figures = measure_apptest(["lep"], {"overview": PAGES["overview"]})
    parts = figures["map_payload_parts"]["lep"]
    assert parts["deck_gl_json"] > 10_000 and parts["preview_html"] > 1_000  # the preview is st.html now
    assert figures["map_payload_bytes"]["lep"] == parts["deck_gl_json"] + parts["preview_html"]
