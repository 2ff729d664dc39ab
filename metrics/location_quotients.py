"""Location quotients against a chosen reference economy (the UK, England or England excluding London):
an area's share of an activity over the reference's share in the same year (1 = the same concentration).

The snapshot stores the shares; the quotient is taken here, so it follows the benchmark a person picks
instead of being fixed to England.
"""

from __future__ import annotations

import pandas as pd

from metrics.comparisons import location_quotient

PROVISIONAL, DERIVED = "provisional", "derived"
EMPTY_STATUSES = ("suppressed", "unavailable")


def reference_share(share_rows: pd.DataFrame, reference_code: str) -> pd.Series:
    """period -> the reference area's share (years without a value left out)."""
    rows = share_rows[(share_rows["area_code"] == reference_code) & share_rows["value"].notna()]
    return rows.drop_duplicates("period").set_index("period")["value"].astype(float)


def quotient_rows(share_rows: pd.DataFrame, reference_code: str) -> pd.DataFrame:
    """The share rows (any levels and years) with value = share / the reference's share that year. Status:
    provisional where the share or the reference is provisional, kept where the value is missing
    (suppressed, unavailable), "unavailable" where the reference has no share that year, else derived."""
    reference = reference_share(share_rows, reference_code)
    provisional_years = set(
        share_rows.loc[
            (share_rows["area_code"] == reference_code) & (share_rows["status"] == PROVISIONAL), "period"
        ].astype(int)
    )
    out = share_rows.copy()
    base = out["period"].map(reference)
    out["value"] = location_quotient(out["value"].astype(float), base)
    status = pd.Series(DERIVED, index=out.index, dtype=object)
    status[(out["status"] == PROVISIONAL) | out["period"].isin(provisional_years)] = PROVISIONAL
    status[out["value"].isna()] = out["status"].where(out["status"].isin(EMPTY_STATUSES), "unavailable")
    out["status"] = status
    out["lci"] = out["uci"] = float("nan")  # a share's interval does not carry over to the quotient
    return out
