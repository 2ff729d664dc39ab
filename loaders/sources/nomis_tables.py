"""Indicators from the blocks of Nomis xlsx extracts (loaders/sources/nomis.py): APS employment rates, NVQ4+
qualifications and the manufacturing share of employment with their confidence intervals, and UK Business
Counts by size band. A published figure is never replaced by a guess; where a part is missing the status says
so (see nomis.py for the markers)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.nomis import STATUS_ORDER, read_nomis_blocks

INDICATOR_COLUMNS = ["indicator", "area_type", "area_name", "period", "value", "status", "lci", "uci"]
UBC_COLUMNS = ["industry", "sizeband", "area_type", "area_name", "period", "value", "status"]


def _pick(blocks: pd.DataFrame, code: str, path: Path) -> pd.DataFrame:
    """Rows of the one variable whose header starts with `code` (e.g. "T01:28 "), keyed by area/period."""
    pattern = re.compile(rf"^{re.escape(code)}(?!\d)")
    names = [v for v in blocks["variable"].unique() if pattern.match(str(v))]
    if len(names) != 1:
        found = "none" if not names else ", ".join(names)
        raise SourceFormatError(path, f"expected one column '{code} ...', found {found}")
    keyed = blocks[blocks["variable"] == names[0]]
    return keyed.set_index(["area_type", "area_name", "period"])[["value", "status", "conf"]]


def worst_status(statuses: pd.DataFrame) -> pd.Series:
    """Row-wise worst of several status columns (see STATUS_ORDER)."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    ranks = statuses.apply(lambda col: col.map(rank).fillna(0).astype(int))
    return ranks.min(axis=1).map(dict(enumerate(STATUS_ORDER)))


def _ratio(
    numerator: pd.DataFrame, parts: list[pd.DataFrame], indicator: str, partial_total: bool = False
) -> pd.DataFrame:
    """numerator / sum(parts) * 100 per area and period; the share takes the worst input status.

    A suppressed part is never treated as zero: the share is NaN. With `partial_total` the share
    is instead computed over the published parts and marked "partial" (the denominator is too
    small, so the share is an upper bound) - useful for small areas, never silent.
    """
    values = pd.concat([p["value"] for p in parts], axis=1)
    complete = values.notna().all(axis=1)
    denominator = values.sum(axis=1, min_count=1)
    if not partial_total:
        denominator = denominator.where(complete)
    denominator = denominator.where(denominator > 0)
    share = numerator["value"] / denominator * 100
    status = worst_status(pd.concat([numerator["status"], *[p["status"] for p in parts]], axis=1))
    hiding = status.isin(["unavailable", "suppressed"])
    status = status.mask(share.notna() & hiding, "").mask(share.isna() & ~hiding, "unavailable")
    status = status.mask(share.notna() & ~complete, "partial")
    return _indicator_frame(indicator, share, status)


def _indicator_frame(
    indicator: str, value: pd.Series, status: pd.Series, conf: pd.Series | None = None
) -> pd.DataFrame:
    frame = pd.DataFrame({"value": value, "status": status}).reset_index()
    frame.insert(0, "indicator", indicator)
    half = conf.to_numpy(dtype="float64") if conf is not None else np.full(len(frame), np.nan)
    frame["lci"] = frame["value"] - half
    frame["uci"] = frame["value"] + half
    return frame[INDICATOR_COLUMNS]


def aps_employment_rates(path: str | Path) -> pd.DataFrame:
    """APS T01: employment and economic activity rates of people aged 16-64 (percent), plus the
    16-64 population, employed and economically active counts (the additive parts from which group
    rates are built). Residence-based.

    Rates are T01:28 / T01:22 and T01:25 / T01:22 * 100. Nomis gives confidence intervals for
    the counts only; a rate interval would need the covariance of numerator and denominator, so
    rates carry lci/uci NaN rather than an invented interval. The population has value +/- conf.
    """
    path = Path(path)
    blocks = read_nomis_blocks(path)
    population = _pick(blocks, "T01:22", path)
    active = _pick(blocks, "T01:25", path)
    employed = _pick(blocks, "T01:28", path)
    frames = [
        _ratio(employed, [population], "employment_rate_16_64"),
        _ratio(active, [population], "economic_activity_rate_16_64"),
        _indicator_frame("population_16_64", population["value"], population["status"], population["conf"]),
        _indicator_frame("employment_16_64", employed["value"], employed["status"], employed["conf"]),
        _indicator_frame("economically_active_16_64", active["value"], active["status"], active["conf"]),
    ]
    return _finish(frames)


def aps_qualifications_nvq4(path: str | Path, partial_total: bool = False) -> pd.DataFrame:
    """APS T19: share of people aged 16-64 whose highest qualification is NVQ4+ (percent).

    T19 has no total column, so the denominator is the sum of the seven all-people categories
    T19:1..T19:7 (None, NVQ1, NVQ2, Trade apprenticeships, NVQ3, NVQ4+, Other). If any category is
    suppressed the share is NaN (status of the worst input); `partial_total=True` computes it over
    the published categories instead, with status "partial".
    """
    path = Path(path)
    blocks = read_nomis_blocks(path)
    parts = [_pick(blocks, f"T19:{i}", path) for i in range(1, 8)]
    _require_label(parts[5], blocks, "T19:6", "NVQ4+", path)
    return _finish([_ratio(parts[5], parts, "qualifications_nvq4_plus", partial_total)])


def aps_manufacturing_employment_share(path: str | Path, partial_total: bool = False) -> pd.DataFrame:
    """APS T13a: people in employment working in C Manufacturing as a percent of all nine
    industry groups (A; B,D,E; C; F; G,I; H,J; K-N; O-Q; R-U). Residence-based, unlike BRES.

    The denominator is the sum of the nine groups (T13a covers ages 16+, so T01 16-64 employment is
    not a substitute), so a suppressed group makes the share NaN. `partial_total=True` computes it
    over the published groups with status "partial" - that is how figures such as Pendle 27.7% or
    Black Country 13.9% (2022) arise; they overstate the share because suppressed groups count as 0.
    """
    path = Path(path)
    blocks = read_nomis_blocks(path)
    codes = [f"T13a:{i}" for i in (1, 4, 7, 10, 13, 16, 19, 22, 25)]
    parts = [_pick(blocks, code, path) for code in codes]
    _require_label(parts[2], blocks, "T13a:7", "Manufacturing", path)
    return _finish([_ratio(parts[2], parts, "manufacturing_employment_share_aps", partial_total)])


def _require_label(part: pd.DataFrame, blocks: pd.DataFrame, code: str, word: str, path: Path) -> None:
    """Guard against Nomis renumbering: the column picked by code must also say what we expect."""
    names = [v for v in blocks["variable"].unique() if str(v).startswith(code + " ")]
    if not names or word.lower() not in names[0].lower():
        raise SourceFormatError(path, f"column {code} is '{names[0] if names else ''}', expected {word}")
    if part.empty:
        raise SourceFormatError(path, f"column {code} has no rows")


def _finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    out["period"] = out["period"].astype("int64")
    return out.sort_values(["indicator", "area_type", "area_name", "period"], ignore_index=True)


_SIZEBANDS = {"total": "total", "micro": "micro", "small": "small", "medium": "medium", "large": "large"}


def _sizeband(variable: str) -> str | None:
    word = re.split(r"[\s(-]", variable.strip().lower(), maxsplit=1)[0]
    return _SIZEBANDS.get(word)


def ubc_enterprises_by_sizeband(path: str | Path) -> pd.DataFrame:
    """UK Business Counts enterprises by employment size band (counts as at March of `period`).

    Works for the all-industries download (industry "All") and the by-broad-industry download
    (industry = the Nomis label, e.g. "3 : Manufacturing (C)"). Columns: UBC_COLUMNS.
    """
    path = Path(path)
    blocks = read_nomis_blocks(path)
    sizeband = blocks["variable"].map(_sizeband)
    if sizeband.isna().any():
        unknown = sorted(blocks.loc[sizeband.isna(), "variable"].unique())
        raise SourceFormatError(path, f"unexpected size band column(s) {unknown}")
    missing = set(_SIZEBANDS.values()) - set(sizeband)
    if missing:
        raise SourceFormatError(path, f"size band column(s) missing: {sorted(missing)}")
    out = blocks.assign(sizeband=sizeband, industry=blocks["block_label"].replace("", "All"))
    return out[UBC_COLUMNS].reset_index(drop=True)
