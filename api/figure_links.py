"""The data API request that returns a figure's data: from the figure's plotted rows (area codes, years) and
its indicators, the filters of /api/v1/data.csv that select the snapshot rows it was drawn from.

A figure whose rows are not snapshot rows (a user's own data or groups, industries of the GVA-by-industry
table, figures the page derives from several indicators) gets no link, with the reason in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pandas as pd

from api.documents import API_ROOT
from api.query import MAX_CODES, DataQuery
from vocabulary.indicators import Indicator


@dataclass(frozen=True)
class FigureLink:
    """The API request behind a figure, or why there is none."""

    query: DataQuery | None
    reason: str = ""

    def url(self, page_url: str | None, extension: str = "csv") -> str:
        """The absolute URL on the server the page came from (a path alone when that is unknown)."""
        if self.query is None:
            return ""
        parts = urlsplit(page_url or "")
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        return f"{origin}{API_ROOT}/data.{extension}?{urlencode(self.query.params(), safe=',')}"


def figure_link(
    data: pd.DataFrame,
    indicators: Sequence[str],
    metadata: Mapping[str, Indicator],
    level_of_area: Mapping[str, str],
    areas_per_level: Mapping[str, int],
) -> FigureLink:
    """The filters that select a figure's rows: its snapshot indicators; the levels of its areas (area_code and
    columns such as benchmark_code, a gap chart's benchmarks) and their codes, left out when the figure shows
    every area of those levels or more than MAX_CODES; and its years (`period`, or a scatter's `x_period` and
    `y_period`: the span of both, so a superset if they differ)."""
    keys = tuple(key for key in dict.fromkeys(indicators) if key in metadata)
    if not keys:
        return FigureLink(None, "it shows no indicator of the snapshot (your own data, or figures computed in the app)")
    periods = [column for column in data.columns if str(column) == "period" or str(column).endswith("_period")]
    if "area_code" not in data.columns or not periods:
        return FigureLink(None, "it does not plot areas by year")
    code_columns = ["area_code", *(c for c in data.columns if str(c).endswith("_code") and c != "area_code")]
    plotted = pd.concat([data[column].dropna().astype(str) for column in code_columns])
    codes = [code for code in dict.fromkeys(plotted) if code in level_of_area]
    if not codes:
        return FigureLink(None, "its areas are not official areas of the snapshot (your own groups or data)")
    years = pd.concat([pd.to_numeric(data[column], errors="coerce") for column in periods]).dropna()
    if years.empty:
        return FigureLink(None, "its rows have no year")
    levels = tuple(dict.fromkeys(level_of_area[code] for code in codes))
    every_area = all(
        sum(level_of_area[code] == level for code in codes) >= areas_per_level.get(level, 0) for level in levels
    )
    areas = () if every_area or len(codes) > MAX_CODES else tuple(codes)
    query = DataQuery(keys, levels, areas, int(years.min()), int(years.max()))
    return FigureLink(query)
