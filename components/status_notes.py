"""A line under a figure when some of its values are provisional, so the flag is seen where values are."""

from __future__ import annotations

from collections.abc import Iterable

PROVISIONAL = "provisional"


def provisional_note(statuses: Iterable[str], years: Iterable[int]) -> str | None:
    """'Provisional: the 2023 figures (ONS will revise them) ...' when any status is provisional, else None.
    `years` are the years of the rows `statuses` belong to (same order)."""
    marked = sorted({int(year) for status, year in zip(statuses, years, strict=True) if status == PROVISIONAL})
    if not marked:
        return None
    which = ", ".join(str(year) for year in marked)
    return (
        f"Provisional: the source marks its {which} figures provisional (subject to revision); they are "
        "labelled 'provisional' in the tooltips and tables."
    )
