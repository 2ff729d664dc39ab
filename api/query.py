"""The filters of a data request (indicator, geography, area codes, years, paging), checked once, and the
tidy rows they select from the snapshot. The HTTP API and the notebook interface both go through
`parse_data_query` and `select_rows`, so a filter means the same in both.

Every bad value is an ApiError naming the parameter and what is wrong with it, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from loaders.snapshot import Snapshot
from vocabulary.geography import LEVELS
from vocabulary.indicators import Indicator

MAX_ROWS = 10_000  # rows in one response (the largest indicator at one level has 9,747)
MAX_CODES = 200  # area codes in one request
MAX_INDICATORS = 20
MAX_VALUE_CHARS = 4_000  # one parameter's text
FIRST_YEAR, LAST_YEAR = 1900, 2100  # what can be a year at all (the snapshot's own years are narrower)
AREA_CODE = re.compile(r"[A-Za-z0-9_]{1,20}")
DATA_PARAMS = ("indicator", "geography", "area", "from", "to", "year", "limit", "offset")
TIDY_COLUMNS = ["indicator", "geography", "area_code", "area_name", "period", "value", "unit", "status", "lci", "uci"]
SORT_COLUMNS = ["indicator", "geography", "area_code", "period"]


class ApiError(ValueError):
    """A request the API cannot answer: the HTTP status, the parameter at fault and the reason."""

    def __init__(self, status: int, parameter: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class DataQuery:
    """What a data request asks for; an empty tuple means no filter on that field."""

    indicators: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    limit: int | None = None  # None: the whole selection, if it fits in MAX_ROWS
    offset: int = 0

    def params(self, *, paging: bool = True) -> dict[str, str]:
        """The query string that asks for this again (for links to the next page and the CSVW url)."""
        out: dict[str, str] = {}
        for name, values in (("indicator", self.indicators), ("geography", self.geographies), ("area", self.areas)):
            if values:
                out[name] = ",".join(values)
        if self.first_year is not None:
            out["from"] = str(self.first_year)
        if self.last_year is not None:
            out["to"] = str(self.last_year)
        if paging and self.limit is not None:
            out["limit"] = str(self.limit)
        if paging and self.offset:
            out["offset"] = str(self.offset)
        return out


def _values(items: Iterable[tuple[str, str]], allowed: Collection[str]) -> dict[str, list[str]]:
    """Parameter name -> its comma-separated values (a parameter may also be repeated)."""
    found: dict[str, list[str]] = {}
    for name, raw in items:
        if name not in allowed:
            raise ApiError(400, name, f"unknown parameter {name!r}; the parameters are {', '.join(allowed)}")
        if len(raw) > MAX_VALUE_CHARS:
            raise ApiError(400, name, f"{name} is longer than {MAX_VALUE_CHARS:,} characters")
        found.setdefault(name, []).extend(part.strip() for part in raw.split(",") if part.strip())
    return found


def _one(found: Mapping[str, list[str]], name: str) -> str | None:
    values = found.get(name, [])
    if len(values) > 1:
        raise ApiError(400, name, f"{name} takes one value, not {len(values)}")
    return values[0] if values else None


def _whole_number(found: Mapping[str, list[str]], name: str, low: int, high: int, what: str) -> int | None:
    raw = _one(found, name)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{1,9}", raw) or not low <= int(raw) <= high:
        raise ApiError(400, name, f"{name}={raw[:20]!r} is not {what} ({low}-{high})")
    return int(raw)


def parse_data_query(
    items: Iterable[tuple[str, str]], metadata: Mapping[str, Indicator], area_codes: Collection[str]
) -> DataQuery:
    """The request's filters, checked against the snapshot's indicators, levels and area codes."""
    found = _values(items, DATA_PARAMS)
    indicators = tuple(dict.fromkeys(found.get("indicator", [])))
    if len(indicators) > MAX_INDICATORS:
        raise ApiError(400, "indicator", f"at most {MAX_INDICATORS} indicators at once, not {len(indicators)}")
    if unknown := [key for key in indicators if key not in metadata]:
        raise ApiError(
            400, "indicator", f"unknown indicator {unknown[0][:60]!r}; /api/v1/indicators lists the {len(metadata)}"
        )
    geographies = tuple(dict.fromkeys(found.get("geography", [])))
    if unknown := [key for key in geographies if key not in LEVELS]:
        raise ApiError(400, "geography", f"unknown geography {unknown[0][:30]!r}; the levels are {', '.join(LEVELS)}")
    areas = tuple(dict.fromkeys(found.get("area", [])))
    if len(areas) > MAX_CODES:
        raise ApiError(400, "area", f"at most {MAX_CODES} area codes at once, not {len(areas)}; filter by geography")
    if malformed := [code for code in areas if not AREA_CODE.fullmatch(code)]:
        raise ApiError(400, "area", f"{malformed[0][:30]!r} is not an area code (letters, digits and _, up to 20)")
    if unknown := [code for code in areas if code not in area_codes]:
        raise ApiError(400, "area", f"unknown area code {unknown[0]!r}; /api/v1/areas lists the codes")
    year = _whole_number(found, "year", FIRST_YEAR, LAST_YEAR, "a year")
    first = _whole_number(found, "from", FIRST_YEAR, LAST_YEAR, "a year")
    last = _whole_number(found, "to", FIRST_YEAR, LAST_YEAR, "a year")
    if year is not None:
        if first is not None or last is not None:
            raise ApiError(400, "year", "give either year or from/to, not both")
        first = last = year
    if first is not None and last is not None and first > last:
        raise ApiError(400, "from", f"from={first} is after to={last}")
    limit = _whole_number(found, "limit", 1, MAX_ROWS, "a number of rows")
    offset = _whole_number(found, "offset", 0, 10**9, "a row offset") or 0
    return DataQuery(indicators, geographies, areas, first, last, limit, offset)


def query_items(**filters: object) -> list[tuple[str, str]]:
    """Keyword filters (indicator="a", geography=["lep", "itl1"], year=2023, from_=2010) as query items."""
    items: list[tuple[str, str]] = []
    for name, value in filters.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str | int) else list(value)  # type: ignore[call-overload]
        items += [(name.rstrip("_"), str(item)) for item in values]
    return items


def select_rows(snapshot: Snapshot, query: DataQuery) -> pd.DataFrame:
    """The tidy rows a query selects, with each indicator's unit, in a stable order (for paging)."""
    if query.indicators:
        parts = [snapshot.by_indicator[key] for key in query.indicators if key in snapshot.by_indicator]
        frame = pd.concat(parts) if parts else snapshot.indicators.iloc[0:0]
    else:
        frame = snapshot.indicators
    keep = pd.Series(True, index=frame.index)
    if query.geographies:
        keep &= frame["geography"].isin(query.geographies)
    if query.areas:
        keep &= frame["area_code"].isin(query.areas)
    if query.first_year is not None:
        keep &= frame["period"] >= query.first_year
    if query.last_year is not None:
        keep &= frame["period"] <= query.last_year
    rows = frame[keep]
    units = {key: meta.unit for key, meta in snapshot.metadata.items()}
    rows = rows.assign(unit=rows["indicator"].map(units))
    return rows[TIDY_COLUMNS].sort_values(SORT_COLUMNS, kind="stable", ignore_index=True)


def page_of(rows: pd.DataFrame, query: DataQuery) -> pd.DataFrame:
    """The rows one response holds: the page asked for, or everything if it fits (413 otherwise)."""
    if query.limit is None and query.offset == 0:
        if len(rows) > MAX_ROWS:
            raise ApiError(
                413,
                "limit",
                f"the filters match {len(rows):,} rows, more than the {MAX_ROWS:,} one response holds; "
                "narrow them (geography, area, from/to) or page with limit and offset",
            )
        return rows
    limit = query.limit if query.limit is not None else MAX_ROWS
    return rows.iloc[query.offset : query.offset + limit]
