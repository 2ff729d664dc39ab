"""The still map preview: Web Mercator as deck.gl draws it, the area raster, the palette PNG, and the
element that lines the picture up with deck.gl's view."""

from __future__ import annotations

import base64
import io
import json
import math
import re

import numpy as np
import pytest
from PIL import Image

from components.map_preview import (
    PREVIEW_CLASS,
    SEA,
    AreaRaster,
    area_raster,
    deck_preview_html,
    mercator_pixels,
    preview_html,
    preview_png,
)
from components.maps import choropleth_deck, view_for_level
from components.palettes import OUTLINE, SELECTED_OUTLINE, VIRIDIS_5
from loaders.snapshot import read_boundaries_json

VIEW = {"longitude": 0.0, "latitude": 52.0, "zoom": 6.0}


def square(code: str, west: float, south: float, size: float) -> dict:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def features() -> list[dict]:
    """Two neighbours, a small area inside the big one listed before it (an enclave), and an island off
    the north-east corner (so the image has sea inside its bounds)."""
    return [
        square("INNER", -0.9, 51.6, 0.3),
        square("BIG", -1.5, 51.0, 1.5),
        square("EAST", 0.0, 51.0, 1.5),
        square("ISLAND", 1.0, 52.7, 0.3),
    ]


def pixel_of(raster: AreaRaster, lon: float, lat: float, view: dict = VIEW) -> tuple[int, int]:
    """Where a place falls in the raster: deck.gl puts the view's centre at the element's centre."""
    x, y = mercator_pixels(np.array([lon]), np.array([lat]), view["zoom"])
    cx, cy = mercator_pixels(np.array([view["longitude"]]), np.array([view["latitude"]]), view["zoom"])
    return int(x[0] - cx[0] - raster.left), int(y[0] - cy[0] - raster.top)


def label_at(raster: AreaRaster, lon: float, lat: float) -> str | None:
    col, row = pixel_of(raster, lon, lat)
    label = int(raster.labels[row, col])
    return raster.codes[label - 1] if 0 < label <= len(raster.codes) else None


def test_web_mercator_matches_its_definition() -> None:
    """At zoom 0 the world is one 512 px tile: (0, 0) at its centre, the antimeridian at its edges, the
    Mercator limit at its top; each zoom level doubles it."""
    x, y = mercator_pixels(np.array([0.0, -180.0, 180.0, 0.0]), np.array([0.0, 0.0, 0.0, 85.051129]), 0)
    assert x == pytest.approx([256, 0, 512, 256]) and y[:3] == pytest.approx([256, 256, 256])
    assert y[3] == pytest.approx(0, abs=1e-3)
    x2, y2 = mercator_pixels(np.array([10.0]), np.array([50.0]), 2)
    x0, y0 = mercator_pixels(np.array([10.0]), np.array([50.0]), 0)
    assert (x2[0], y2[0]) == pytest.approx((4 * x0[0], 4 * y0[0]))
    # y from the textbook formula: ln(tan(pi/4 + phi/2))
    expected = 256 - 512 * math.log(math.tan(math.pi / 4 + math.radians(50) / 2)) / (2 * math.pi)
    assert y0[0] == pytest.approx(expected)


def test_raster_labels_each_area_where_it_lies() -> None:
    raster = area_raster(features(), VIEW)
    assert raster.codes == ("INNER", "BIG", "EAST", "ISLAND")
    assert label_at(raster, -0.3, 51.3) == "BIG"
    assert label_at(raster, 0.75, 51.75) == "EAST"
    assert label_at(raster, -0.75, 51.75) == "INNER"  # drawn over the bigger area that encloses it
    col, row = pixel_of(raster, -1.0, 52.85)  # inside the image's bounds, in no area
    assert raster.labels[row, col] == SEA
    # the shared edge at longitude 0 is a boundary line
    col, row = pixel_of(raster, 0.0, 51.5)
    assert raster.outline_label in raster.labels[row, col - 1 : col + 2]


def test_raster_bounds_follow_the_areas() -> None:
    """The image spans the areas' projected extent (plus a pixel), placed relative to the view's centre."""
    raster = area_raster(features(), VIEW)
    west, north = pixel_of(raster, -1.5, 53.0)
    east, south = pixel_of(raster, 1.5, 51.0)
    assert 0 <= west <= 2 and 0 <= north <= 2
    assert raster.labels.shape[1] - 3 <= east <= raster.labels.shape[1]
    assert raster.labels.shape[0] - 3 <= south <= raster.labels.shape[0]


def test_png_paints_fills_lines_and_a_transparent_sea() -> None:
    raster = area_raster(features(), VIEW)
    fills = {"BIG": VIRIDIS_5[0], "EAST": VIRIDIS_5[4], "INNER": VIRIDIS_5[2]}
    image = Image.open(io.BytesIO(preview_png(raster, fills))).convert("RGBA")
    assert image.size == (raster.labels.shape[1], raster.labels.shape[0])
    assert image.getpixel(pixel_of(raster, -0.3, 51.3)) == tuple(VIRIDIS_5[0])
    assert image.getpixel(pixel_of(raster, 0.75, 51.75)) == tuple(VIRIDIS_5[4])
    assert image.getpixel(pixel_of(raster, -0.75, 51.75)) == tuple(VIRIDIS_5[2])
    assert image.getpixel((0, raster.labels.shape[0] - 1))[3] == 0  # a corner of sea: transparent
    lines = np.argwhere(raster.labels == raster.outline_label)
    row, col = lines[len(lines) // 2]
    assert image.getpixel((int(col), int(row))) == tuple(OUTLINE)


def test_the_selected_area_is_ringed_in_the_selection_colour() -> None:
    raster = area_raster(features(), VIEW)
    fills = {"BIG": VIRIDIS_5[0], "EAST": VIRIDIS_5[4], "INNER": VIRIDIS_5[2], "ISLAND": VIRIDIS_5[1]}

    def colours(png: bytes) -> set[tuple[int, ...]]:
        return {colour for _, colour in Image.open(io.BytesIO(png)).convert("RGBA").getcolors() or []}

    assert tuple(SELECTED_OUTLINE) not in colours(preview_png(raster, fills))
    image = Image.open(io.BytesIO(preview_png(raster, fills, selected="ISLAND"))).convert("RGBA")
    col, row = pixel_of(raster, 1.0, 52.85)  # the island's west edge
    assert tuple(SELECTED_OUTLINE) in {image.getpixel((c, row)) for c in range(col - 2, col + 3)}
    assert image.getpixel(pixel_of(raster, 1.15, 52.85)) == tuple(VIRIDIS_5[1])  # its middle keeps its fill
    col, row = pixel_of(raster, 0.0, 51.5)  # a boundary far from it keeps the plain outline
    assert tuple(SELECTED_OUTLINE) not in {image.getpixel((c, row)) for c in range(col - 2, col + 3)}


def test_an_area_without_a_fill_is_left_transparent() -> None:
    raster = area_raster(features(), VIEW)
    image = Image.open(io.BytesIO(preview_png(raster, {"BIG": VIRIDIS_5[0]}))).convert("RGBA")
    assert image.getpixel(pixel_of(raster, 0.75, 51.75))[3] == 0


def test_html_places_the_picture_against_the_view_centre() -> None:
    raster = area_raster(features(), VIEW)
    html = preview_html(preview_png(raster, {}), raster, 560)
    assert f'class="{PREVIEW_CLASS}"' in html and 'aria-hidden="true"' in html and 'alt=""' in html
    assert "height:560px" in html
    assert f"left:calc(50% + {raster.left}px)" in html and f"top:calc(50% + {raster.top}px)" in html
    source = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert source and Image.open(io.BytesIO(base64.b64decode(source.group(1)))).format == "PNG"


@pytest.mark.parametrize("level", ["lep", "lad"])
def test_real_boundaries_each_area_appears(level: str) -> None:
    """Every LEP, and nearly every LAD (the smallest are a few pixels of outline at the UK view), is
    coloured somewhere in the preview: the projection and the drawing cover the real map."""
    boundaries = read_boundaries_json(level)
    feats = [
        {"geometry": f["geometry"], "properties": {"code": f["properties"]["area_code"]}}
        for f in boundaries["features"]
    ]
    raster = area_raster(feats, view_for_level(level))
    present = set(np.unique(raster.labels).tolist())
    shown = sum(1 for label in range(1, len(feats) + 1) if label in present)
    assert shown >= (len(feats) if level == "lep" else 0.95 * len(feats))


def test_deck_preview_matches_the_deck_and_is_reused() -> None:
    boundaries = read_boundaries_json("lep")
    feats = []
    for number, feature in enumerate(boundaries["features"]):
        fill = list(VIRIDIS_5[number % 5])
        feats.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {"code": feature["properties"]["area_code"], "fill": fill},
            }
        )
    spec = json.loads(choropleth_deck({"type": "FeatureCollection", "features": feats}, "lep").to_json())
    first = deck_preview_html(spec, 560)
    assert deck_preview_html(spec, 560) is first  # cached: a rerun of the same view costs a lookup
    assert deck_preview_html(spec, 680) != first
    recoloured = json.loads(json.dumps(spec))
    recoloured["layers"][0]["data"]["features"][0]["properties"]["fill"] = [1, 2, 3, 255]
    assert deck_preview_html(recoloured, 560) != first
    selected = json.loads(json.dumps(spec))
    selected["layers"][0]["data"]["features"][0]["properties"]["line"] = list(SELECTED_OUTLINE)
    assert deck_preview_html(selected, 560) != first  # the selection is drawn too
    source = re.search(r'base64,([^"]+)"', first)
    assert source is not None
    colours = {
        colour
        for _, colour in Image.open(io.BytesIO(base64.b64decode(source.group(1))))
        .convert("RGBA")
        .getcolors(maxcolors=4096)
        or []
    }
    assert {tuple(colour) for colour in VIRIDIS_5} <= colours
    assert len(first) < 20_000  # beside the deck.gl JSON, inside the 350 KB map payload budget
