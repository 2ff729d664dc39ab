"""Location quotients as a person chose them: against the benchmark picked in the sidebar where it is an
economy (the UK, England, England excluding London), against England otherwise, with the reason on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from metrics.location_quotients import quotient_rows, reference_share
from vocabulary.geography import BENCHMARKS, ENGLAND, ENGLAND_EXCL_LONDON, UK
from vocabulary.indicators import Indicator

LQ_SHARES = {  # each stored location quotient (England = 1) and the share it is computed from
    "manufacturing_gva_lq": "manufacturing_gva_share",
    "manufacturing_employment_lq": "manufacturing_employment_share",
}
ECONOMIES = (UK, ENGLAND, ENGLAND_EXCL_LONDON)
STORED_REFERENCE = "(England = 1)"


@dataclass(frozen=True)
class Reference:
    code: str
    name: str
    note: str | None  # why the reference differs from the benchmark chosen, if it does


def lq_reference(benchmark_code: str, share_rows: pd.DataFrame, share_label: str) -> Reference:
    """The economy a location quotient is taken against for this benchmark choice."""
    if benchmark_code not in ECONOMIES:
        return Reference(
            ENGLAND,
            BENCHMARKS[ENGLAND].name,
            "A location quotient compares an area with a whole "
            "economy, not with the median area, so it is taken against England here.",
        )
    if reference_share(share_rows, benchmark_code).empty:
        return Reference(
            ENGLAND,
            BENCHMARKS[ENGLAND].name,
            f"The snapshot has no {share_label.lower()} for {BENCHMARKS[benchmark_code].name}, so the "
            "location quotient is taken against England.",
        )
    return Reference(benchmark_code, BENCHMARKS[benchmark_code].name, None)


def relabelled(meta: Indicator, reference: Reference) -> Indicator:
    """An LQ's metadata with its reference named in the labels ("(United Kingdom = 1)")."""
    named = f"({reference.name} = 1)"
    label = meta.label.replace(STORED_REFERENCE, named) if STORED_REFERENCE in meta.label else f"{meta.label} {named}"
    return replace(
        meta,
        label=label,
        short_label=meta.short_label.replace(STORED_REFERENCE, named),
        caveats=(f"The area's share divided by {reference.name}'s share in the same year.",),
    )


def quotient_view(
    indicator: str, benchmark_code: str, rows_of: Callable[[str], pd.DataFrame], metadata: dict[str, Indicator]
) -> tuple[pd.DataFrame, dict, Reference] | None:
    """For a location-quotient indicator: its rows against the chosen reference, the relabelled metadata
    and the reference. None for any other indicator."""
    share = LQ_SHARES.get(indicator)
    if share is None:
        return None
    share_rows = rows_of(share)
    reference = lq_reference(benchmark_code, share_rows, metadata[share].label)
    return quotient_rows(share_rows, reference.code), relabelled(metadata[indicator], reference), reference
