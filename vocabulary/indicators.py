"""Indicators: what each snapshot indicator is (label, unit, decimals, polarity, source) as one typed record.

The build defines the records (loaders' indicator catalogue), adds the geographies and years each one
actually has, and writes them to regional_data/indicators.json; the app reads them back into the same
type, so a misspelt field is an AttributeError at the line that misspells it, not a KeyError on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Literal

Polarity = Literal["higher_better", "lower_better", "neutral"]
HIGHER_BETTER: Polarity = "higher_better"
LOWER_BETTER: Polarity = "lower_better"
NEUTRAL: Polarity = "neutral"
POLARITY_TEXT: dict[str, str] = {
    HIGHER_BETTER: "higher is better",
    LOWER_BETTER: "lower is better",
    NEUTRAL: "neutral",
}
OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class Indicator:
    """One indicator of the snapshot."""

    id: str
    label: str  # "Business births, % of active enterprises"
    short_label: str  # "Business births"
    unit: str  # "%", "£", "index", "count", ...
    decimals: int
    polarity: Polarity
    category: str
    source: str
    source_url: str
    release: str
    basis: str = ""  # "workplace" or "residence" where it matters
    caveats: tuple[str, ...] = field(default_factory=tuple)
    licence: str = OGL
    geographies: tuple[str, ...] = ()  # levels with rows in the snapshot (filled in by the build)
    periods: tuple[int, ...] = ()  # years with rows in the snapshot (filled in by the build)

    @property
    def polarity_text(self) -> str:
        return POLARITY_TEXT[self.polarity]

    def as_dict(self) -> dict:
        """The JSON form written to indicators.json (lists, not tuples)."""
        data = asdict(self)
        for name in ("caveats", "geographies", "periods"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Indicator:
        """The record from its JSON form; unknown fields are an error naming them."""
        known = {item.name for item in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise ValueError(f"indicator {data.get('id')!r} has unknown fields {unknown}")
        values = dict(data)
        for name in ("caveats", "geographies", "periods"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values)


def indicators_from_json(document: Mapping[str, Mapping]) -> dict[str, Indicator]:
    """indicators.json (id -> fields) as typed records, in file order."""
    return {key: Indicator.from_dict(entry) for key, entry in document.items()}
