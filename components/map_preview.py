"""A still picture of a deck.gl choropleth, drawn on the server and shown under the deck.gl canvas.

deck.gl needs its 3 MB bundle and a WebGL context before it draws anything; on a machine without a GPU
(software WebGL) that takes seconds. The picture is the same map in the same Web Mercator view, so
the reader sees the coloured map at once, and deck.gl, when it has drawn, covers it exactly with the
interactive one (its view clears to an opaque background, components.maps). Where WebGL is not available at all, the
picture stays: the map is still there, without zoom, tooltip or click-to-select.

The areas are rasterised once per geography level and view (a label image: which area each pixel
belongs to); a preview is then a palette lookup and a PNG encode, a few milliseconds.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from components.palettes import OUTLINE, RGBA, SELECTED_OUTLINE

TILE_SIZE = 512  # deck.gl's MapView: the world is 512 px wide at zoom 0
MAX_LATITUDE = 85.051129
SEA = 0  # label of pixels in no area
PREVIEW_CLASS = "rpe-map-preview"
SLOT_KEY_PREFIX = "map-slot-"  # a map's container key: its preview and its deck.gl chart share one grid cell
# The cell's CSS: one grid area, so the deck.gl chart (drawn after) lies exactly over the preview.
SLOT_CSS = (
    f'<style>[class*="st-key-{SLOT_KEY_PREFIX}"]{{display:grid!important;grid-template-columns:minmax(0,1fr)}}'
    f'[class*="st-key-{SLOT_KEY_PREFIX}"]>div{{grid-area:1/1}}'
    # the deck.gl chart's place before it is drawn: Streamlit shows an empty element as a grey loading bar
    f'[class*="st-key-{SLOT_KEY_PREFIX}"] [data-testid="stSkeleton"]{{display:none}}</style>'
)


@dataclass(frozen=True)
class AreaRaster:
    """Which area each pixel of the preview belongs to (0: none, i + 1: codes[i], len(codes) + 1: a
    boundary line), and where the image sits: its top-left corner relative to the view's centre, in
    CSS pixels (the view's centre is the map element's centre in deck.gl)."""

    labels: np.ndarray
    codes: tuple[str, ...]
    left: int
    top: int

    @property
    def outline_label(self) -> int:
        return len(self.codes) + 1


def mercator_pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude to deck.gl world pixels at a zoom (Web Mercator, y down)."""
    scale = TILE_SIZE * 2.0**zoom
    phi = np.radians(np.clip(lat, -MAX_LATITUDE, MAX_LATITUDE))
    x = (np.asarray(lon) + 180.0) / 360.0 * scale
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / math.pi) / 2.0 * scale
    return x, y


def _rings(geometry: dict) -> list[list[list[float]]]:
    """The exterior rings of a (Multi)Polygon. Holes are left out: in these boundaries a hole is another
    area (an enclave), which is drawn over it."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def area_raster(features: Sequence[dict], view: dict) -> AreaRaster:
    """Rasterise the areas of a FeatureCollection (properties.code) in a deck.gl view (longitude,
    latitude, zoom). Larger areas are drawn first, so an area enclosed by another stays visible."""
    zoom = float(view["zoom"])
    centre_x, centre_y = mercator_pixels(np.array([view["longitude"]]), np.array([view["latitude"]]), zoom)
    projected: list[tuple[float, int, np.ndarray]] = []
    for index, feature in enumerate(features, start=1):
        for ring in _rings(feature["geometry"]):
            points = np.asarray(ring, dtype=float)
            x, y = mercator_pixels(points[:, 0], points[:, 1], zoom)
            xy = np.column_stack([x - centre_x[0], y - centre_y[0]])
            width, height = np.ptp(xy, axis=0)
            projected.append((width * height, index, xy))
    every = np.vstack([xy for _, _, xy in projected]) if projected else np.zeros((1, 2))
    left, top = np.floor(every.min(axis=0)).astype(int) - 1
    right, bottom = np.ceil(every.max(axis=0)).astype(int) + 1
    image = Image.new("I", (int(right - left), int(bottom - top)), SEA)
    draw = ImageDraw.Draw(image)
    shifted = [(size, index, [tuple(point) for point in (xy - (left, top)).tolist()]) for size, index, xy in projected]
    for _, index, points in sorted(shifted, key=lambda item: item[0], reverse=True):
        if len(points) >= 3:
            draw.polygon(points, fill=index)
    outline = len(features) + 1
    for _, _, points in shifted:
        draw.line([*points, points[0]], fill=outline, width=1)
    return AreaRaster(
        np.asarray(image).astype(np.uint16), tuple(f["properties"]["code"] for f in features), int(left), int(top)
    )


def _grow(mask: np.ndarray, pixels: int) -> np.ndarray:
    """The mask widened by `pixels` in the four directions."""
    grown = mask.copy()
    for _ in range(pixels):
        step = grown.copy()
        step[1:, :] |= grown[:-1, :]
        step[:-1, :] |= grown[1:, :]
        step[:, 1:] |= grown[:, :-1]
        step[:, :-1] |= grown[:, 1:]
        grown = step
    return grown


def preview_png(
    raster: AreaRaster, fills: dict[str, RGBA], selected: str | None = None, outline: RGBA = OUTLINE
) -> bytes:
    """The choropleth as an 8-bit palette PNG: each area in its fill, lines in the outline colour, the
    selected area (if any) ringed in the selection colour about 3 px wide, as deck.gl draws it; sea
    transparent."""
    colours: list[RGBA] = [(0, 0, 0, 0)]
    class_of_label = np.zeros(raster.outline_label + 1, dtype=np.uint8)
    for label, code in enumerate(raster.codes, start=1):
        fill = tuple(int(part) for part in fills.get(code, (0, 0, 0, 0)))
        if fill not in colours:
            colours.append(fill)  # type: ignore[arg-type]
        class_of_label[label] = colours.index(fill)  # type: ignore[arg-type]
    colours.append(tuple(outline))  # type: ignore[arg-type]
    class_of_label[raster.outline_label] = len(colours) - 1
    classes = class_of_label[raster.labels]
    if selected in raster.codes:
        inside = raster.labels == raster.codes.index(selected) + 1
        colours.append(tuple(SELECTED_OUTLINE))  # type: ignore[arg-type]
        classes[(_grow(inside, 2) & ~inside) | (inside & _grow(~inside, 1))] = len(colours) - 1
    image = Image.fromarray(classes)  # 8-bit; the palette makes it a "P" image
    image.putpalette([channel for colour in colours for channel in colour[:3]])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, transparency=bytes(colour[3] for colour in colours))
    return buffer.getvalue()


def preview_html(png: bytes, raster: AreaRaster, height: int) -> str:
    """An element as tall as the map holding the picture with its centre offset, so it lines up with
    deck.gl's view at any width. Decorative: the map's alt text and table describe it."""
    source = base64.b64encode(png).decode("ascii")
    image_style = f"position:absolute;left:calc(50% + {raster.left}px);top:calc(50% + {raster.top}px);max-width:none"
    return (
        f'{SLOT_CSS}<div class="{PREVIEW_CLASS}" aria-hidden="true" '
        f'style="position:relative;height:{height}px;overflow:hidden">'
        f'<img alt="" src="data:image/png;base64,{source}" style="{image_style}">'
        f"</div>"
    )


_RASTERS: dict[tuple, AreaRaster] = {}  # a few per geography level: one per set of areas and view


@functools.lru_cache(maxsize=128)  # ~20 KB each at most; thread-safe, as sessions run in threads
def _cached_preview(raster_key: tuple, fills: tuple[RGBA, ...], selected: str | None, height: int) -> str:
    raster = _RASTERS[raster_key]
    return preview_html(preview_png(raster, dict(zip(raster.codes, fills, strict=True)), selected), raster, height)


def deck_preview_html(spec: dict, height: int) -> str:
    """The preview element for a choropleth deck spec (components.maps.choropleth_deck): the area raster
    is kept per set of areas and view for the process's life, the picture per colouring and selection,
    so a rerun of the same view costs a cache lookup."""
    (layer,) = (layer for layer in spec["layers"] if layer["@@type"] == "GeoJsonLayer")
    features = layer["data"]["features"]
    view = spec["initialViewState"]
    raster_key = (
        tuple(feature["properties"]["code"] for feature in features),
        view["longitude"],
        view["latitude"],
        view["zoom"],
    )
    if raster_key not in _RASTERS:  # two sessions may both draw it once; either result is the same
        _RASTERS[raster_key] = area_raster(features, view)
    fills = tuple(tuple(feature["properties"]["fill"]) for feature in features)
    selected = next(
        (
            feature["properties"]["code"]
            for feature in features
            if tuple(feature["properties"].get("line", ())) == SELECTED_OUTLINE
        ),
        None,
    )
    return _cached_preview(raster_key, fills, selected, height)  # type: ignore[arg-type]
