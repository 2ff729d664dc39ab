"""Map legends as small HTML blocks beside the map (deck.gl canvases carry no legend of their own)."""

from __future__ import annotations

from html import escape

from components.palettes import LegendEntry, rgba_css


def legend_html(title: str, entries: list[LegendEntry]) -> str:
    """Swatches with labels; suppressed gets a dashed border so it differs from no data without colour.

    The entries are a real list (<ul> of <li>), so screen readers announce "list, n items" and the ARIA
    list/listitem ownership rule holds; the title is outside the list and names it."""
    rows = []
    for entry in entries:
        border = "1px dashed #333" if entry.kind == "suppressed" else "1px solid #555"
        rows.append(
            "<li style='display:flex;align-items:center;gap:6px;margin:2px 0;padding:0'>"
            f"<span style='display:inline-block;flex:none;width:18px;height:14px;background:{rgba_css(entry.rgba)};"
            f"border:{border}' aria-hidden='true'></span><span>{escape(entry.label)}</span></li>"
        )
    return (
        f"<div><strong>{escape(title)}</strong>"
        f"<ul aria-label='Map legend' style='list-style:none;margin:0;padding:0'>{''.join(rows)}</ul></div>"
    )
