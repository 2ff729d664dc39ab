"""Made-up indicator records for tests of drawing and wording (never shown as data)."""

from __future__ import annotations

from vocabulary.indicators import Indicator


def synthetic_indicator(label: str = "Test rate", **fields) -> Indicator:
    """An Indicator with test defaults; any field can be given (unit, decimals, polarity, geographies...)."""
    defaults = {
        "id": "test_rate",
        "label": label,
        "short_label": label,
        "unit": "%",
        "decimals": 1,
        "polarity": "higher_better",
        "category": "Test",
        "source": "Test source",
        "source_url": "https://example.invalid/",
        "release": "test",
    }
    return Indicator(**{**defaults, **fields})
