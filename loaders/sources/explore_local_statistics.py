"""Parser for ONS Explore Local Statistics (ELS) tidy indicator CSVs (their JSON metadata: els_metadata.py).

Two column schemas occur and both are accepted, matched case-insensitively:

* common: ``areacd, areanm, geography, indicator, period, observation, measure, unit, lci_95,
  uci_95, status, notes`` (UTF-8, some files with a BOM), period as ISO 8601 (``2023-01-01/P1Y``
  or a date such as ``2025-04-30``);
* ``gdp-per-head.csv``: ``AREACD, AREANM, Geography, Indicator, Observation, Unit, Measure,
  Period`` (integer year), ``Lower/Upper Confidence Interval (95%)``, ``Observation Status``.

Status mapping (the files leave ``observation`` empty whenever a marker is set):

=========================  ====================  ==============================================
marker (status or cell)    status                meaning in these files
=========================  ====================  ==============================================
``x`` / ``[x]``, ``z``,    ``"unavailable"``     ONS "not available" / "not applicable": NI rows
``.``, ``-`` , ``..``                            of GB-only series, areas that did not yet exist
``u`` / ``[u]``, ``c``     ``"suppressed"``      withheld as unreliable ("suppressed due to
                                                 uncertainty", e.g. City of London) or
                                                 confidential
``u`` with a value, or a   ``"estimated"``       published but flagged low-reliability
note "...unreliable..."                          (APS small samples, City of London)
``p``, ``provisional``     ``"provisional"``
``e``, ``est``,            ``"estimated"``
``estimated``
(none)                     ``""``
=========================  ====================  ==============================================

Suppressed/unavailable rows keep ``value`` = NaN, never 0. Any other marker, a non-numeric
observation, or an empty observation without a marker raises SourceFormatError.

Geography codes (verified in the files): gross-value-added.csv gives the UK only as
``K99000002`` "UK less Extra-Regio" (labelled "ITL Level 1"); gdp-per-head.csv has both
``K02000001`` and ``K99000002`` (different values: 2023 £39,845 vs £39,403). England is ``TLB``
("ITL Level 1") in GVA, GDP per head and GDHI; GDHI also has ``E92000001`` with the same values,
so de-duplicate England there. ITL codes are the 2025 vintage (ITL3 TLC31...); the ITL2 areas that
match a combined authority appear under its E47 code. ELS labels unitary
authorities "County or Unitary Authority", puts E47 combined authorities under "ITL Level 2" in
GDP/GDHI, and Inner/Outer London (E13) under "Combined Authority or City Region" in GDHI, so
classify areas with :func:`classify_area_code`, never by the label.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.errors import SourceFormatError, read_csv_text

OUTPUT_COLUMNS: tuple[str, ...] = (
    "area_code",
    "area_name",
    "els_geography",
    "indicator_label",
    "period",
    "period_label",
    "value",
    "unit",
    "measure",
    "lci",
    "uci",
    "status",
    "notes",
)

# Lower-cased source header -> canonical name. Covers both schemas.
_COLUMN_ALIASES: dict[str, str] = {
    "areacd": "area_code",
    "areanm": "area_name",
    "geography": "els_geography",
    "indicator": "indicator_label",
    "period": "period_label",
    "observation": "observation",
    "measure": "measure",
    "unit": "unit",
    "lci_95": "lci",
    "lower confidence interval (95%)": "lci",
    "uci_95": "uci",
    "upper confidence interval (95%)": "uci",
    "status": "status_marker",
    "observation status": "status_marker",
    "notes": "notes",
}
_REQUIRED: tuple[str, ...] = (
    "area_code",
    "area_name",
    "els_geography",
    "indicator_label",
    "period_label",
    "observation",
    "measure",
    "unit",
)
_OPTIONAL: tuple[str, ...] = ("lci", "uci", "status_marker", "notes")

# Marker (lower case, brackets removed) -> status. See the module docstring for the evidence.
STATUS_MARKERS: dict[str, str] = {
    "x": "unavailable",
    "z": "unavailable",
    ".": "unavailable",
    "..": "unavailable",
    "-": "unavailable",
    "not available": "unavailable",
    "u": "suppressed",
    "c": "suppressed",
    "low": "suppressed",
    "p": "provisional",
    "provisional": "provisional",
    "e": "estimated",
    "est": "estimated",
    "estimated": "estimated",
}
_NO_VALUE_STATUSES = frozenset({"unavailable", "suppressed"})

# Exact indicator labels found in each file (column `indicator` / `Indicator`).
ELS_FILE_INDICATORS: dict[str, tuple[str, ...]] = {
    "gross-value-added.csv": ("Gross value added per hour worked", "Gross value added per filled job"),
    "employment-rate.csv": ("Employment rate", "Economically inactive"),
    "gross-median-weekly-pay.csv": ("Gross median weekly pay",),
    "gross-disposable-household-income-per-head.csv": ("Gross disposable household income",),
    "gigabit-capable-broadband.csv": ("Gigabit capable broadband",),
    "qualifications-level-3-or-above.csv": ("Level 3 or above qualifications (Great Britain)",),
    "modelled-unemployment.csv": ("Modelled unemployment rate",),
    "claimant-count.csv": ("Claimant Count",),
    "gdp-per-head.csv": (
        "Gross domestic product per head at current market price",
        "Gross domestic product per head in chained volume measure",
    ),
    "business-demography.csv": (
        "Business births",
        "Business deaths",
        "Active businesses",
        "High growth businesses",
        "One-year survival rate",
        "Two-year survival rate",
        "Three-year survival rate",
        "Four-year survival rate",
        "Five-year survival rate",
    ),
}

# Suggested indicator ids for the snapshot builder, keyed by the exact ELS label (labels are
# unique across files). Business demography: births, deaths and high growth are % of active
# businesses; survival rates are % of businesses born in `period`; "Active businesses" is a count.
ELS_INDICATOR_IDS: dict[str, str] = {
    "Gross value added per hour worked": "gva_per_hour",
    "Gross value added per filled job": "gva_per_job",
    "Employment rate": "employment_rate_16_64",
    "Economically inactive": "economic_inactivity_rate_16_64",
    "Gross median weekly pay": "median_weekly_pay",
    "Gross disposable household income": "gdhi_per_head",
    "Gigabit capable broadband": "gigabit_coverage",
    "Level 3 or above qualifications (Great Britain)": "qualifications_l3_plus",
    "Modelled unemployment rate": "unemployment_rate",
    "Claimant Count": "claimant_rate",
    "Gross domestic product per head at current market price": "gdp_per_head",
    "Gross domestic product per head in chained volume measure": "gdp_per_head_cvm",
    "Business births": "business_birth_rate",
    "Business deaths": "business_death_rate",
    "High growth businesses": "high_growth_business_rate",
    "Active businesses": "active_businesses",
    "One-year survival rate": "business_survival_1y",
    "Two-year survival rate": "business_survival_2y",
    "Three-year survival rate": "business_survival_3y",
    "Four-year survival rate": "business_survival_4y",
    "Five-year survival rate": "business_survival_5y",
}

_PERIOD_RE = re.compile(r"^(\d{4})(?:-\d{2}(?:-\d{2})?(?:T[\d:.]+Z?)?)?(?:/P[0-9YMWDTHS]+)?$")
_ITL_RE = re.compile(r"^TL[A-N][0-9A-Z]{0,2}$")
_GSS_LEVELS: dict[str, str] = {
    "E92": "country",
    "W92": "country",
    "S92": "country",
    "N92": "country",
    "E12": "rgn",
    "E47": "cauth",
    "E06": "lad",
    "E07": "lad",
    "E08": "lad",
    "E09": "lad",
    "W06": "lad",
    "S12": "lad",
    "N09": "lad",
    "E10": "county",
    "E11": "county",
    "E13": "county",
}


def classify_area_code(code: str) -> str:
    """Geography level of a GSS or ITL code, because ELS geography labels are unreliable.

    K02000001 and K99000002 (UK less Extra-Regio, ELS's only UK row for GVA) -> "uk";
    ``TLB`` (ONS's ITL-style code for England in ELS) -> "country"; other 3/4/5-character ITL
    codes -> "itl1"/"itl2"/"itl3"; K03 (GB), K04 (E&W), W42/N34 city regions -> "other".
    """
    code = str(code).strip().upper()
    if code in {"K02000001", "K99000002"}:
        return "uk"
    if code == "TLB":
        return "country"
    if _ITL_RE.match(code):
        return {3: "itl1", 4: "itl2", 5: "itl3"}[len(code)]
    if re.fullmatch(r"[EWSNK]\d{8}", code):
        return _GSS_LEVELS.get(code[:3], "other")
    return "other"


def parse_period(label: str) -> int | None:
    """Start year of an ISO 8601 period or date ("2023-01-01/P1Y", "2025-04-30", "2026-01",
    "1998"), or None if the label is not one of those forms."""
    match = _PERIOD_RE.match(str(label).strip())
    return int(match.group(1)) if match else None


def read_els_csv(path: str | Path) -> pd.DataFrame:
    """One ELS CSV as a tidy frame with columns OUTPUT_COLUMNS.

    Strict on purpose: unknown markers, unparseable numbers or periods, duplicate
    (area, indicator, period) rows and missing columns raise SourceFormatError naming the file,
    so no wrong or silently missing figure reaches the dashboard.
    """
    path = Path(path)
    raw = _read_table(path)
    frame = _canonical_columns(raw, path)
    frame = frame.assign(
        area_code=frame["area_code"].str.strip(),
        area_name=frame["area_name"].str.strip(),
        indicator_label=frame["indicator_label"].str.strip(),
        period_label=frame["period_label"].str.strip(),
    )
    _require_non_blank(frame, ("area_code", "indicator_label", "period_label"), path)
    period = _periods(frame["period_label"], path)
    value, status = _values_and_status(frame, path)
    tidy = pd.DataFrame(
        {
            "area_code": frame["area_code"],
            "area_name": frame["area_name"],
            "els_geography": frame["els_geography"].str.strip(),
            "indicator_label": frame["indicator_label"],
            "period": period,
            "period_label": frame["period_label"],
            "value": value,
            "unit": frame["unit"].str.strip(),
            "measure": frame["measure"].str.strip(),
            "lci": _optional_numbers(frame, "lci", path),
            "uci": _optional_numbers(frame, "uci", path),
            "status": status,
            "notes": frame["notes"].str.strip(),
        }
    )
    _require_unique(tidy, path)
    return tidy.reset_index(drop=True)


def els_indicator_labels(path: str | Path) -> list[str]:
    """The distinct indicator labels in one ELS CSV, in file order, without validating values."""
    path = Path(path)
    frame = _canonical_columns(_read_table(path), path)
    return list(dict.fromkeys(frame["indicator_label"].str.strip()))


# --- helpers -------------------------------------------------------------------------------


def _read_table(path: Path) -> pd.DataFrame:
    text = read_csv_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be parsed as CSV ({exc})") from exc
    if frame.empty:
        raise SourceFormatError(path, "has a header but no data rows")
    return frame


def _canonical_columns(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    renamed: dict[str, str] = {}
    for column in raw.columns:
        canonical = _COLUMN_ALIASES.get(str(column).strip().lower())
        if canonical and canonical not in renamed.values():
            renamed[column] = canonical
    missing = [name for name in _REQUIRED if name not in renamed.values()]
    if missing:
        wanted = {canonical: source for source, canonical in _COLUMN_ALIASES.items()}
        names = ", ".join(f"'{wanted[name]}'" for name in missing)
        raise SourceFormatError(path, f"missing required column(s) {names} (found: {', '.join(map(str, raw.columns))})")
    frame = raw.loc[:, list(renamed)].rename(columns=renamed)
    for name in _OPTIONAL:
        if name not in frame.columns:
            frame[name] = ""
    return frame


def _require_non_blank(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    for column in columns:
        blank = frame.index[frame[column] == ""]
        if len(blank):
            raise SourceFormatError(path, f"empty {column} in row {_line(blank[0])}")


def _periods(labels: pd.Series, path: Path) -> pd.Series:
    unique = pd.Series(labels.unique())
    years = dict(zip(unique, unique.map(parse_period), strict=True))
    bad = [label for label, year in years.items() if year is None]
    if bad:
        row = labels.index[labels == bad[0]][0]
        raise SourceFormatError(path, f"column 'period': unrecognised period '{bad[0]}' in row {_line(row)}")
    return labels.map(years).astype("int64")


def _values_and_status(frame: pd.DataFrame, path: Path) -> tuple[pd.Series, pd.Series]:
    observation = frame["observation"].str.strip()
    value = pd.to_numeric(observation, errors="coerce")
    obs_marker = observation.where(value.isna() & (observation != ""), "")
    marker = frame["status_marker"].str.strip().where(frame["status_marker"].str.strip() != "", obs_marker)
    keys = marker.str.lower().str.strip("[]").str.strip()
    unknown = keys[(keys != "") & ~keys.isin(list(STATUS_MARKERS))]
    if len(unknown):
        row = unknown.index[0]
        where = "observation" if obs_marker[row] else "status"
        raise SourceFormatError(path, f"column '{where}': unknown marker '{marker[row]}' in row {_line(row)}")
    status = keys.map(lambda key: STATUS_MARKERS.get(key, "")).astype(str)
    unreliable = frame["notes"].str.contains("unreliable", case=False, regex=False)
    status = status.mask((status == "") & unreliable & value.notna(), "estimated")
    status = status.mask((keys == "u") & value.notna(), "estimated")
    missing = value.isna() & ~status.isin(list(_NO_VALUE_STATUSES))
    if missing.any():
        row = missing.idxmax()
        problem = (
            "no observation and no marker"
            if observation[row] == ""
            else f"non-numeric observation '{observation[row]}'"
        )
        raise SourceFormatError(path, f"column 'observation': {problem} in row {_line(row)}")
    contradictory = value.notna() & status.isin(list(_NO_VALUE_STATUSES))
    if contradictory.any():
        row = contradictory.idxmax()
        raise SourceFormatError(path, f"row {_line(row)} has a value and the suppression marker '{marker[row]}'")
    return value.astype("float64"), status


def _optional_numbers(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    text = frame[column].str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        row = bad.idxmax()
        raise SourceFormatError(path, f"column '{column}': non-numeric '{text[row]}' in row {_line(row)}")
    return numbers.astype("float64")


def _require_unique(tidy: pd.DataFrame, path: Path) -> None:
    dup = tidy.duplicated(["area_code", "indicator_label", "period_label"])
    if dup.any():
        row = tidy.index[dup.to_numpy()][0]
        raise SourceFormatError(
            path,
            f"duplicate row for {tidy.at[row, 'area_code']} / {tidy.at[row, 'indicator_label']} / "
            f"{tidy.at[row, 'period_label']} (row {_line(row)})",
        )


def _line(index: Any) -> int:
    """1-based line number in the file of a data row (the header is line 1)."""
    return int(index) + 2


__all__ = [
    "ELS_FILE_INDICATORS",
    "ELS_INDICATOR_IDS",
    "OUTPUT_COLUMNS",
    "STATUS_MARKERS",
    "classify_area_code",
    "els_indicator_labels",
    "parse_period",
    "read_els_csv",
]
