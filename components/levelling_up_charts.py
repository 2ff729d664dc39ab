"""The Levelling up page's scatter of two indicators across a level's areas and its small-multiple maps, with
their tables and exportable figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from components.charts import POINT_LABEL_LIMIT, SELECTED, SOURCE_LINE, label_side
from components.levelling_up import LevelIndicator
from components.static_maps import MapPanel, map_table
from components.view_choices import nearest_year
from vocabulary.geography import LEVELS
from vocabulary.indicators import Indicator

POINT = "#3b528b"


MEDIAN_RULE = "#b35806"


def d3_format(meta: Indicator) -> str:
    """d3-format for axes and tooltips. No currency prefix: d3's "$" prints a dollar sign whatever
    the unit, and the axis title already says "(£)"."""
    if meta.unit in {"count", "persons"}:
        return ",.0f"
    return f",.{int(meta.decimals)}f"


def _axis_title(meta: Indicator, year: int | None) -> str:
    unit = meta.unit
    suffix = "" if unit in {"index", "ratio", "count", "persons"} else f" ({unit})"
    return f"{meta.short_label}{suffix}, {year}"


class ScatterChart(alt.LayerChart):
    """A layer chart that skips altair's schema validation unless asked (the tests ask): Streamlit
    calls `to_dict()` on every rerun, and validating this fixed-shape spec costs more than building it."""

    def to_dict(self, validate: bool = False, **kwargs: Any) -> dict:
        return super().to_dict(validate=validate, **kwargs)


def scatter_chart(
    table: pd.DataFrame,
    x_meta: Indicator,
    y_meta: Indicator,
    years: ScatterYears,
    level: str,
    selected_name: str | None,
) -> ScatterChart:
    """Points for every area, the selected one as a larger magenta diamond with its name, dashed
    lines at the level's medians; tooltips name each area. Built through altair's constructors
    with explicit channel objects, which validate nothing until `to_dict` (several times faster)."""
    x_title, y_title = _axis_title(x_meta, years.x_year), _axis_title(y_meta, years.y_year)
    x_format, y_format = d3_format(x_meta), d3_format(y_meta)
    x = alt.X(
        field="x",
        type="quantitative",
        title=x_title,
        scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(format=x_format),
    )
    y = alt.Y(
        field="y",
        type="quantitative",
        title=y_title,
        scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(format=y_format),
    )
    selected = "datum.selected"
    points = alt.Chart(
        data=table[["area_code", "area_name", "x", "y", "selected"]],
        mark=alt.MarkDef(type="point", filled=True, opacity=0.8),
        encoding=alt.FacetedEncoding(
            x=x,
            y=y,
            color=alt.ColorValue(value=POINT, condition={"test": selected, "value": SELECTED}),
            shape=alt.ShapeValue(value="circle", condition={"test": selected, "value": "diamond"}),
            size=alt.SizeValue(value=45, condition={"test": selected, "value": 220}),
            tooltip=[
                alt.Tooltip(field="area_name", type="nominal", title="Area"),
                alt.Tooltip(field="x", type="quantitative", title=x_title, format=x_format),
                alt.Tooltip(field="y", type="quantitative", title=y_title, format=y_format),
            ],
        ),
    )
    label = alt.Chart(
        data=table.loc[table["selected"], ["area_name", "x", "y"]],
        mark=alt.MarkDef(
            type="text",
            dy=-10,
            fontSize=13,
            fontWeight="bold",
            color=SELECTED,
            limit=POINT_LABEL_LIMIT,
            **label_side(
                float(table.loc[table["selected"], "x"].iloc[0]) if table["selected"].any() else float("nan"),
                table["x"],
            ),
        ),
        encoding=alt.FacetedEncoding(x=x, y=y, text=alt.Text(field="area_name", type="nominal")),
    )
    noun = LEVELS[level].noun
    medians = pd.DataFrame({"x": [table["x"].median()], "y": [table["y"].median()], "label": [f"Median {noun}"]})
    rule = alt.MarkDef(type="rule", color=MEDIAN_RULE, strokeDash=[6, 3], size=1.5)
    line_tip = alt.Tooltip(field="label", type="nominal", title="Line")
    x_rule = alt.Chart(
        data=medians,
        mark=rule,
        encoding=alt.FacetedEncoding(
            x=alt.X(field="x", type="quantitative"),
            tooltip=[line_tip, alt.Tooltip(field="x", type="quantitative", title=x_title, format=x_format)],
        ),
    )
    y_rule = alt.Chart(
        data=medians,
        mark=rule,
        encoding=alt.FacetedEncoding(
            y=alt.Y(field="y", type="quantitative"),
            tooltip=[line_tip, alt.Tooltip(field="y", type="quantitative", title=y_title, format=y_format)],
        ),
    )
    year_text = f"{years.x_year}" if years.common else f"no common year: x from {years.x_year}, y from {years.y_year}"
    subtitle = [f"{LEVELS[level].label}, {year_text}; dashed lines: medians of the {len(table)} areas"]
    if selected_name:
        subtitle.append(f"Magenta diamond: {selected_name}")
    subtitle.append(SOURCE_LINE)
    return ScatterChart(
        layer=[points, x_rule, y_rule, label],
        title=alt.TitleParams(f"{y_meta.label} against {x_meta.label}", subtitle=subtitle, anchor="start", fontSize=16),
        width="container",
        height=320,
    )


def map_panels(
    prepared: Mapping[str, LevelIndicator], metadata: Mapping[str, Indicator], chosen: list[str], wanted_year: int
) -> list[MapPanel]:
    """One panel per chosen indicator with values at the level, each in its year nearest to
    `wanted_year` (the latest before it if missing, else the earliest after)."""
    panels = []
    for key in chosen:
        if key in prepared:
            year = nearest_year(prepared[key].years, wanted_year)
            panels.append(MapPanel(key, metadata[key], year, prepared[key].by_year[year]))
    return panels


def panel_column(panel: MapPanel) -> str:
    unit = panel.meta.unit
    suffix = "" if unit in {"index", "ratio", "count", "persons"} else f" ({unit})"
    return f"{panel.meta.short_label}{suffix}, {panel.year}"


def maps_table(boundaries: dict, panels: list[MapPanel]) -> pd.DataFrame:
    """The table alternative of the maps: one row per mapped area, one numeric column per map, and
    the maps on which the area's value is suppressed (a blank cell alone would hide that)."""
    features = boundaries["features"]
    table = pd.DataFrame(
        {
            "area_name": [f["properties"]["area_name"] for f in features],
            "area_code": [f["properties"]["area_code"] for f in features],
        }
    )
    suppressed: dict[str, list[str]] = {}
    for panel in panels:
        rows = panel.rows.drop_duplicates("area_code").set_index("area_code")
        table[panel_column(panel)] = rows["value"].reindex(table["area_code"]).to_numpy(dtype=float)
        for code in rows.index[(rows["status"] == "suppressed") & rows["value"].isna()]:
            suppressed.setdefault(code, []).append(panel.meta.short_label)
    table["suppressed_on"] = [", ".join(suppressed.get(code, [])) for code in table["area_code"]]
    return table.sort_values("area_name", ignore_index=True)


def printf_format(meta: Indicator) -> str:
    """st.column_config.NumberColumn format for an indicator's unit."""
    decimals = int(meta.decimals)
    if meta.unit == "£":
        return f"£%.{decimals}f"
    if meta.unit == "%":
        return f"%.{decimals}f%%"
    if meta.unit in {"count", "persons"}:
        return "%d"
    return f"%.{decimals}f"


def maps_description(panels: list[MapPanel], level: str, selected_name: str | None) -> str:
    """Alt text of the small multiples."""
    names = "; ".join(f"{panel.meta.label} ({panel.year})" for panel in panels)
    text = (
        f"{len(panels)} maps of {LEVELS[level].label.lower()}: {names}. Darker = higher value, "
        "in five quantile classes per map; grey = no data; white with dashed outline = suppressed."
    )
    if selected_name:
        text += f" {selected_name} is outlined."
    return text


def scatter_data(
    points: pd.DataFrame,
    x_key: str,
    y_key: str,
    x_year: int | None,
    y_year: int | None,
    metadata: Mapping[str, Indicator],
) -> pd.DataFrame:
    x_meta, y_meta = metadata[x_key], metadata[y_key]
    return pd.DataFrame(
        {
            "area_code": points["area_code"].to_numpy(dtype=object),
            "area_name": points["area_name"].to_numpy(dtype=object),
            "x_indicator": x_key,
            "x_period": x_year,
            "x_value": points["x"].to_numpy(dtype=float),
            "x_unit": x_meta.unit,
            "y_indicator": y_key,
            "y_period": y_year,
            "y_value": points["y"].to_numpy(dtype=float),
            "y_unit": y_meta.unit,
            "selected": points["selected"].to_numpy(dtype=bool),
        }
    )


def small_multiples_data(boundaries: dict, panels: Sequence[MapPanel], selected: str | None) -> pd.DataFrame:
    """Every area of every small map, one row per map and area, with the class it is coloured by."""
    frames = []
    for panel in panels:
        table, _, _ = map_table(boundaries, panel.rows, panel.meta, selected)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": table["area_code"],
                    "area_name": table["area_name"],
                    "period": panel.year,
                    "value": table["value"],
                    "unit": panel.meta.unit,
                    "status": table["status"],
                    "indicator": panel.indicator,
                    "map_class": table["class_label"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["indicator", "area_name"], ignore_index=True)


@dataclass(frozen=True)
class ScatterYears:
    x_year: int | None
    y_year: int | None
    common: bool


def scatter_years(x_years: list[int], y_years: list[int], wanted: int) -> ScatterYears:
    """The common year nearest to `wanted` (the latest before it if not available, else the
    earliest after); with no common year, each indicator's own nearest year."""
    common = sorted(set(x_years) & set(y_years))
    if common:
        year = nearest_year(common, wanted)
        return ScatterYears(year, year, True)
    return ScatterYears(nearest_year(x_years, wanted), nearest_year(y_years, wanted), False)


def scatter_table(x_rows: pd.DataFrame, y_rows: pd.DataFrame, selected_code: str | None) -> pd.DataFrame:
    """Areas with both values (area_code, area_name, x, y, selected); x_rows / y_rows are the level's
    rows of each indicator for the year it is drawn in."""
    x = x_rows.dropna(subset=["value"])[["area_code", "area_name", "value"]].rename(columns={"value": "x"})
    y = y_rows.dropna(subset=["value"])[["area_code", "value"]].rename(columns={"value": "y"})
    table = x.merge(y, on="area_code", how="inner").drop_duplicates("area_code")
    table["selected"] = table["area_code"] == selected_code
    return table.sort_values("selected", kind="stable").reset_index(drop=True)
