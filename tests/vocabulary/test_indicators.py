"""Indicator records read back from indicators.json exactly as the build wrote them."""

from __future__ import annotations

import json

import pytest

from loaders.snapshot import DATA_DIR
from vocabulary.indicators import POLARITY_TEXT, Indicator, indicators_from_json


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads((DATA_DIR / "indicators.json").read_text(encoding="utf-8"))


def test_every_indicator_round_trips_through_its_record(document: dict) -> None:
    records = indicators_from_json(document)
    assert list(records) == list(document)
    assert {key: record.as_dict() for key, record in records.items()} == document


def test_records_are_typed(document: dict) -> None:
    for record in indicators_from_json(document).values():
        assert isinstance(record.caveats, tuple) and isinstance(record.geographies, tuple)
        assert all(isinstance(year, int) for year in record.periods)
        assert record.polarity in POLARITY_TEXT
        assert record.polarity_text == POLARITY_TEXT[record.polarity]


def test_an_unknown_field_is_an_error_naming_it(document: dict) -> None:
    key = next(iter(document))
    with pytest.raises(ValueError, match=r"'colour'"):
        Indicator.from_dict({**document[key], "colour": "red"})
