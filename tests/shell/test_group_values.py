"""The preset area groups' values on the Targets page are built at warm-up, once per process (issue 15: the
first visit to Targets paid ~0.1 s for them). Counted, not timed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import shell.group_values
from components.targets import PRESET_GROUPS
from metrics.groups import GroupError, group_series
from shell.group_values import SUMMARY_INDICATORS, group_values, warm_group_values
from shell.snapshot_cache import cached_snapshot


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """(group, indicator) of every group_series call made through shell.group_values, on an empty cache."""
    calls: list[tuple[str, str]] = []

    def counted(group, indicator, *args, **kwargs):
        calls.append((group.name, indicator))
        return group_series(group, indicator, *args, **kwargs)

    monkeypatch.setattr(shell.group_values, "group_series", counted)
    group_values.clear()
    yield calls
    group_values.clear()


def _every_preset_value() -> dict[tuple[str, str], object]:
    snapshot_id = cached_snapshot().manifest["snapshot_id"]
    values: dict[tuple[str, str], object] = {}
    for group in PRESET_GROUPS:
        for indicator in SUMMARY_INDICATORS:
            try:
                values[(group.name, indicator)] = group_values(group, indicator, snapshot_id)
            except GroupError as exc:
                values[(group.name, indicator)] = str(exc)
    return values


def test_warm_up_builds_the_preset_groups_values_once(builds: list[tuple[str, str]]) -> None:
    built = warm_group_values()
    assert built >= len(PRESET_GROUPS)  # at least one indicator per preset group has values
    warmed = list(builds)
    assert len(set(warmed)) == len(warmed) == len(PRESET_GROUPS) * len(SUMMARY_INDICATORS)
    values = _every_preset_value()
    # the page's calls after the warm-up rebuild only what cannot be built (GroupError is not kept)
    rebuilt = builds[len(warmed) :]
    assert len(rebuilt) == len(warmed) - built
    assert all(isinstance(values[key], str) for key in rebuilt)


def test_the_values_are_the_groups_sums() -> None:
    snapshot = cached_snapshot()
    group_values.clear()
    for (name, indicator), value in _every_preset_value().items():
        group = next(g for g in PRESET_GROUPS if g.name == name)
        try:
            expected = group_series(group, indicator, snapshot.rows, snapshot.areas)
        except GroupError as exc:
            assert value == str(exc)
            continue
        assert value.equals(expected)
