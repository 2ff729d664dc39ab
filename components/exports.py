"""Exports of the charts and maps a page shows: PNG (2x) and SVG rendered on the server by vl-convert
(offline: no URL may be loaded), the Vega-Lite JSON, and the plotted data as CSV and XLSX.

A `Figure` describes one chart or map: its title, subtitle, a Vega-Lite spec and the data it plots.
Spec and data may be given as zero-argument callables so that a page can describe a figure on every
rerun for nothing and the work is done only when someone downloads it. Every exported image carries
the title, the subtitle, a source line and the Open Government Licence text (maps also the OS
copyright line); every data file carries the same attribution.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from components.attribution import OS_DATA_YEAR
from components.data_files import csv_bytes, csvw_bytes, csvw_metadata, metadata_rows
from components.figures import Figure
from components.map_export import VL_SCHEMA
from components.xlsx_writer import xlsx_bytes
from vocabulary.indicators import Indicator

EXPORT_WIDTH = 900  # plot width (px) of a chart that fills its column on the page ("container")
EXPORT_HEIGHT = 420  # likewise for a chart without a height of its own
PNG_SCALE = 2
VL_VERSION = "6.4"  # the Vega-Lite version altair 6 writes ($schema v6.4.x); vl-convert bundles it
LICENCE_LINE = "Licensed under the Open Government Licence v3.0."
OS_LINE = f"Contains OS data © Crown copyright and database right {OS_DATA_YEAR}."
DEFAULT_SOURCE = "Office for National Statistics (and others as listed)"
TIDY_COLUMNS = ("area_code", "area_name", "period", "value", "unit", "status")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSVW_MIME = "application/csvm+json"  # the media type the CSVW recommendation registers

# Type sizes for an image that ends up on a 13.3-inch slide: a 900 px chart is then about 12 inches
# wide, so 13 px labels print at about 12 pt.
EXPORT_CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 13, "titleFontSize": 14},
    "legend": {"labelFontSize": 13, "titleFontSize": 13},
    "header": {"labelFontSize": 14, "titleFontSize": 14},
}
TITLE_SIZE, SUBTITLE_SIZE = 22, 14


def _resolve(value: Any) -> Any:
    return value() if callable(value) and not hasattr(value, "to_dict") else value


def spec_dict(spec: Any) -> dict:
    """A fresh Vega-Lite dict from a dict, an altair chart or a callable returning either."""
    spec = _resolve(spec)
    if hasattr(spec, "to_dict"):
        return spec.to_dict()
    return copy.deepcopy(spec)


def figure_data(figure: Figure) -> pd.DataFrame:
    """The plotted data with the tidy columns first (those the figure has)."""
    data = _resolve(figure.data)
    data = pd.DataFrame(data).reset_index(drop=True)
    first = [column for column in TIDY_COLUMNS if column in data.columns]
    return data[first + [column for column in data.columns if column not in first]]


def source_lines(figure: Figure) -> list[str]:
    """The source line(s) an exported image of the figure carries (maps add the OS copyright)."""
    names = "; ".join(dict.fromkeys(name for name in figure.sources if name)) or DEFAULT_SOURCE
    if figure.credit is not None:
        return [f"Source: {names}.", figure.credit]
    licence = LICENCE_LINE + (f" {OS_LINE}" if figure.kind == "map" else "")
    return [f"Source: {names}.", licence]


def _title_params(spec: dict, figure: Figure) -> dict:
    title = spec.get("title")
    if isinstance(title, (str, list)):
        title = {"text": title}
    title = dict(title or {})
    if not title.get("text"):
        title["text"] = figure.title
    subtitle = title.get("subtitle") or []
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    lines = [line for line in lines if not str(line).startswith("Source:")]  # replaced by the fuller one
    if not lines and figure.subtitle:
        lines = [figure.subtitle]
    title["subtitle"] = [*lines, *source_lines(figure)]
    title["fontSize"] = max(float(title.get("fontSize") or 0), TITLE_SIZE)
    title["subtitleFontSize"] = SUBTITLE_SIZE
    title.setdefault("anchor", "start")
    title["subtitleColor"] = "#333333"
    return title


def _merge(base: dict, extra: Mapping[str, Any]) -> dict:
    """`extra` under `base`: keys the spec already sets keep its values."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged.setdefault(key, value)
    return merged


def export_spec(figure: Figure, width: int = EXPORT_WIDTH) -> dict:
    """The figure's Vega-Lite spec made ready to render off the page: title, subtitle, source line and
    licence text present, a fixed width where the page let the chart fill its column, larger type, and
    a white background (a transparent PNG vanishes on a dark slide)."""
    spec = spec_dict(figure.spec)
    spec["title"] = _title_params(spec, figure)
    if spec.get("width") == "container":
        spec["width"] = width
    if spec.get("height") == "container":
        spec["height"] = EXPORT_HEIGHT
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    spec["config"] = _merge(spec.get("config", {}), EXPORT_CONFIG)
    if "view" in spec["config"] and not spec["config"]["view"]:
        spec["config"].pop("view")
    spec["background"] = "white"
    spec.setdefault("$schema", VL_SCHEMA)
    return spec


def _vl_convert() -> Any:
    import vl_convert  # a compiled module: imported on first export, not when a page loads

    return vl_convert


def png(spec: dict, scale: int = PNG_SCALE) -> bytes:
    """PNG of a Vega-Lite spec at `scale` times its CSS pixel size. No URL is loaded (offline)."""
    return bytes(_vl_convert().vegalite_to_png(spec, vl_version=VL_VERSION, scale=scale, allowed_base_urls=[]))


def svg(spec: dict) -> str:
    """SVG of a Vega-Lite spec (text stays text, so titles and sources can be searched and edited)."""
    return _vl_convert().vegalite_to_svg(spec, vl_version=VL_VERSION, allowed_base_urls=[])


def vega_json(spec: dict, compact: bool = False) -> bytes:
    """The spec as a JSON file (compact for maps, whose coordinates would otherwise take a line each)."""
    if compact:
        return json.dumps(spec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json.dumps(spec, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class Export:
    label: str
    file_name: str
    mime: str
    build: Callable[[], bytes]


def data_exports(
    stem: str,
    label: str,
    *,
    title: str,
    description: str,
    source: list[str],
    data: Callable[[], pd.DataFrame],
    indicator_keys: Iterable[str],
    metadata: Mapping[str, Indicator],
    manifest: Mapping[str, Any],
) -> list[Export]:
    """CSV, its CSVW description and XLSX of one table: the CSV plain, the what/where/licence beside it."""
    keys = tuple(indicator_keys)

    def describe() -> bytes:
        return csvw_bytes(
            csvw_metadata(
                data(),
                csv_name=f"{stem}.csv",
                title=title,
                description=description,
                source=source,
                indicator_keys=keys,
                metadata=metadata,
                manifest=manifest,
            )
        )

    def workbook() -> bytes:
        frame = data()
        rows = metadata_rows(title, description, source, keys, metadata, manifest, columns=frame.columns)
        return xlsx_bytes(frame, rows)

    return [
        Export(f"{label} (CSV)", f"{stem}.csv", "text/csv", lambda: csv_bytes(data())),
        Export(f"{label} description (CSVW, JSON)", f"{stem}.csv-metadata.json", CSVW_MIME, describe),
        Export(f"{label} (XLSX)", f"{stem}.xlsx", XLSX_MIME, workbook),
    ]


def figure_exports(figure: Figure, metadata: Mapping[str, Indicator], manifest: Mapping[str, Any]) -> list[Export]:
    """The download menu of a figure: PNG (2x), SVG, Vega-Lite JSON, then CSV, its CSVW description and
    XLSX of the plotted data. Nothing is computed until a `build` is called."""
    stem = figure.stem
    return [
        Export("Image (PNG, 2x)", f"{stem}.png", "image/png", lambda: png(export_spec(figure))),
        Export("Image (SVG)", f"{stem}.svg", "image/svg+xml", lambda: svg(export_spec(figure)).encode("utf-8")),
        Export(
            "Vega-Lite JSON",
            f"{stem}.vl.json",
            "application/json",
            lambda: vega_json(export_spec(figure), compact=figure.kind == "map"),
        ),
        *data_exports(
            stem,
            "Data",
            title=figure.title,
            description=figure.subtitle,
            source=source_lines(figure),
            data=lambda: figure_data(figure),
            indicator_keys=figure.indicators,
            metadata={**metadata, **{meta.id: meta for meta in figure.definitions}},
            manifest=manifest,
        ),
    ]


def table_exports(
    stem: str,
    title: str,
    data: Callable[[], pd.DataFrame] | pd.DataFrame,
    indicator_keys: Iterable[str],
    metadata: Mapping[str, Indicator],
    manifest: Mapping[str, Any],
    sources: Iterable[str] = (),
    subtitle: str = "",
) -> list[Export]:
    """CSV, CSVW description and XLSX (with the metadata sheet) of a table the page shows."""
    names = "; ".join(dict.fromkeys(s for s in sources if s)) or DEFAULT_SOURCE

    def frame() -> pd.DataFrame:
        return pd.DataFrame(_resolve(data)).reset_index(drop=True)

    return data_exports(
        stem,
        "Table",
        title=title,
        description=subtitle,
        source=[f"Source: {names}.", LICENCE_LINE],
        data=frame,
        indicator_keys=indicator_keys,
        metadata=metadata,
        manifest=manifest,
    )


PRESENTATION_CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 16, "titleFontSize": 17},
    "legend": {"labelFontSize": 16, "titleFontSize": 16, "symbolSize": 160},
    "header": {"labelFontSize": 17, "titleFontSize": 17},
}
PRESENTATION_GROWTH = 1.3  # taller plots, so larger axis labels are not thinned out


def _grow_heights(node: Any, skip: tuple[str, ...] = ("data", "datasets", "encoding")) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "height" and isinstance(value, int | float) and not isinstance(value, bool):
                node[key] = round(value * PRESENTATION_GROWTH)
            elif key not in skip:
                _grow_heights(value)
    elif isinstance(node, list):
        for item in node:
            _grow_heights(item)


def presentation_spec(figure: Figure) -> dict:
    """A chart's spec for a summit screen: the same chart, still filling the screen's width, with the
    full source and licence lines, larger titles, axes and legends, and taller plots to match."""
    out = spec_dict(figure.spec)
    out["title"] = {**_title_params(out, figure), "fontSize": 30, "subtitleFontSize": 19}
    config = dict(out.get("config", {}))
    for group, values in PRESENTATION_CONFIG.items():
        config[group] = {**config.get(group, {}), **values}
    out["config"] = config
    _grow_heights(out, skip=("data", "datasets", "encoding", "title", "config"))
    if "autosize" not in out and not any(key in out for key in ("facet", "hconcat", "vconcat", "concat")):
        # Streamlit would otherwise fit titles and axes inside `height`, shrinking the plot again
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out
