"""ONS smoothing filter: exact on constructed series, and reproducing ONS's published LAD values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders.sources.gva_by_industry import TOTAL, read_gva_by_industry
from loaders.sources.productivity import read_productivity_workbook
from metrics.smoothing import PER_JOB, ons_smooth


def test_interior_years_use_1_2_3_2_1_over_9() -> None:
    series = pd.Series([10.0, 20, 40, 80, 160, 320, 640], index=range(2010, 2017))
    smoothed = ons_smooth(series)
    assert smoothed[2012] == pytest.approx((10 + 2 * 20 + 3 * 40 + 2 * 80 + 160) / 9)
    assert smoothed[2014] == pytest.approx((40 + 2 * 80 + 3 * 160 + 2 * 320 + 640) / 9)


def test_constant_series_stays_constant_including_end_years() -> None:
    smoothed = ons_smooth(pd.Series(7.5, index=range(2004, 2024)))
    assert np.allclose(smoothed.to_numpy(), 7.5, atol=1e-9)


def test_rejects_short_or_gappy_series() -> None:
    with pytest.raises(ValueError, match="at least 5 years"):
        ons_smooth(pd.Series([1.0, 2, 3], index=[2001, 2002, 2003]))
    with pytest.raises(ValueError, match="consecutive"):
        ons_smooth(pd.Series([1.0, 2, 3, 4, 5], index=[2001, 2002, 2004, 2005, 2006]))


def test_reproduces_ons_published_smoothed_lad_series(shared_data: Path) -> None:
    """Unsmoothed LAD £/hour = GVA / (weekly hours x 52); smoothing it must give ONS's own table A3
    for every LAD and year (all 20 years, end years included) to the published two decimals."""
    productivity = read_productivity_workbook(
        shared_data / "stats/productivity/ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls",
        {"gva_per_hour", "hours_weekly"},
    )
    folder = shared_data / "stats/gva_gdp/gva_by_industry_local_authority"
    gva = pd.concat([read_gva_by_industry(path, [TOTAL]) for path in sorted(folder.glob("*.xlsx"))])
    gva = gva.set_index(["area_code", "period"])["value"]
    hours = productivity[productivity["measure"] == "hours_weekly"].set_index(["area_code", "period"])["value"]
    published = productivity[productivity["measure"] == "gva_per_hour"].set_index(["area_code", "period"])["value"]
    errors = []
    for code in gva.index.get_level_values(0).unique():
        unsmoothed = (gva.loc[code] * 1e6 / (hours.loc[code] * 52)).dropna()
        ours = ons_smooth(unsmoothed)
        errors.append((ours - published.loc[code].reindex(ours.index)).abs().max())
    assert len(errors) == 361
    assert max(errors) < 0.006


def test_reproduces_ons_published_smoothed_lad_gva_per_job(shared_data: Path) -> None:
    """Per filled job (2002-2023, whole pounds): the same check with the per-job end weights."""
    productivity = read_productivity_workbook(
        shared_data / "stats/productivity/ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls",
        {"gva_per_job", "filled_jobs"},
    )
    folder = shared_data / "stats/gva_gdp/gva_by_industry_local_authority"
    gva = pd.concat([read_gva_by_industry(path, [TOTAL]) for path in sorted(folder.glob("*.xlsx"))])
    gva = gva.set_index(["area_code", "period"])["value"]
    jobs = productivity[productivity["measure"] == "filled_jobs"].set_index(["area_code", "period"])["value"]
    published = productivity[productivity["measure"] == "gva_per_job"].set_index(["area_code", "period"])["value"]
    worst = 0.0
    for code in gva.index.get_level_values(0).unique():
        if code.startswith("N"):
            continue  # ONS has no Northern Ireland LAD jobs for 2023
        unsmoothed = (gva.loc[code] * 1e6 / jobs.loc[code]).dropna()
        ours = ons_smooth(unsmoothed, PER_JOB)
        theirs = published.loc[code].reindex(ours.index)
        worst = max(worst, float(((ours - theirs).abs() / theirs).max()))
    assert worst < 0.0005
