"""Targets components: presets computed from the snapshot, the JSON file format, link encoding."""

from __future__ import annotations

import hashlib
import json
import re
import time
import tracemalloc

import pytest

from components.targets import (
    FILE_FORMAT,
    MAX_FILE_BYTES,
    MAX_LINK_TOKEN,
    PRESET_GROUPS,
    PRESET_TARGETS,
    PlanFileError,
    decode_from_link,
    encode_for_link,
    evaluate,
    first_measurable_baseline,
    plan_from_json,
    plan_to_json,
    trajectory_chart,
)
from loaders.snapshot import read_snapshot
from metrics.groups import AreaGroup
from metrics.targets import CLOSE_GAP, NOT_MEASURABLE, OFF_TRACK, ON_TRACK, Target
from tests.loaders.hostile_builders import bomb_token


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


@pytest.fixture(scope="module")
def known(snapshot):
    return dict(zip(snapshot.areas["area_code"], snapshot.areas["geography"], strict=True)), set(snapshot.metadata)


def _value(snapshot, indicator: str, code: str, year: int) -> float:
    rows = snapshot.rows(indicator)
    return float(rows[(rows["area_code"] == code) & (rows["period"] == year)]["value"].iloc[0])


def _evaluate(snapshot, target: Target):
    unit = snapshot.metadata[target.indicator].unit
    return evaluate(target, unit, lambda i, level: snapshot.rows(i, level), snapshot.areas, list(PRESET_GROUPS))


def test_six_north_east_presets(snapshot) -> None:
    assert len(PRESET_TARGETS) == 6
    assert {t.area for t in PRESET_TARGETS} == {"E37000025"}
    assert {(t.baseline_year, t.target_year) for t in PRESET_TARGETS} == {(2014, 2024)}


def test_gva_per_hour_preset_is_measured_as_a_relative_gap(snapshot) -> None:
    target = next(t for t in PRESET_TARGETS if t.indicator == "gva_per_hour")
    result = _evaluate(snapshot, target)
    baseline = (
        _value(snapshot, "gva_per_hour", "E37000025", 2014) / _value(snapshot, "gva_per_hour", "ENG_EXCL_LONDON", 2014)
        - 1
    ) * 100
    latest = (
        _value(snapshot, "gva_per_hour", "E37000025", 2023) / _value(snapshot, "gva_per_hour", "ENG_EXCL_LONDON", 2023)
        - 1
    ) * 100
    assert result.baseline == pytest.approx(baseline)
    assert result.latest == pytest.approx(latest) and result.latest_year == 2023
    assert result.target == pytest.approx(baseline / 2)
    expected = ON_TRACK if latest >= baseline + (baseline / 2 - baseline) * 9 / 10 else OFF_TRACK
    assert result.verdict == expected


def test_jobs_preset_counts_filled_jobs(snapshot) -> None:
    target = PRESET_TARGETS[0]
    result = _evaluate(snapshot, target)
    start = _value(snapshot, "filled_jobs", "E37000025", 2014)
    assert result.baseline == pytest.approx(start) and result.target == pytest.approx(start + 100_000)


def test_level_charts_do_not_start_at_zero_but_gap_charts_show_it(snapshot) -> None:
    """834,022 -> 934,022 jobs on an axis from zero would flatten the shortfall to the path."""
    jobs = _evaluate(snapshot, PRESET_TARGETS[0])
    level = trajectory_chart(jobs, title="t", subtitle="s", value_title="jobs", is_gap=False).to_dict()
    assert level["layer"][0]["encoding"]["y"]["scale"] == {"zero": False}
    gap_target = next(t for t in PRESET_TARGETS if t.indicator == "gva_per_hour")
    gap = trajectory_chart(
        _evaluate(snapshot, gap_target), title="t", subtitle="s", value_title="gap", is_gap=True
    ).to_dict()
    assert gap["layer"][0]["encoding"]["y"]["scale"] == {"zero": True}


def test_unmeasurable_presets_explain_and_can_be_rebased(snapshot) -> None:
    verdicts = {t.name: _evaluate(snapshot, t) for t in PRESET_TARGETS}
    assert sum(v.verdict == NOT_MEASURABLE for v in verdicts.values()) == 4
    employment = next(t for t in PRESET_TARGETS if t.indicator == "employment_rate_16_64")
    result = verdicts[employment.name]
    assert "baseline year 2014" in result.reason and "2018-2022" in result.reason
    unit = snapshot.metadata["employment_rate_16_64"].unit
    alternative = first_measurable_baseline(
        employment, result, unit, lambda i, lv: snapshot.rows(i, lv), snapshot.areas, []
    )
    assert alternative is not None and alternative.baseline_year == 2018
    rebased = _evaluate(snapshot, alternative)
    gap_2018 = _value(snapshot, "employment_rate_16_64", "E37000025", 2018) - _value(
        snapshot, "employment_rate_16_64", "ENG_EXCL_LONDON", 2018
    )
    assert rebased.baseline == pytest.approx(gap_2018)  # percentage points for a rate


def test_group_targets(snapshot) -> None:
    pilot = PRESET_GROUPS[0]
    target = Target("pilot", pilot.code, "gva_per_hour", CLOSE_GAP, 50, 2015, 2030, "ENG_EXCL_LONDON")
    assert _evaluate(snapshot, target).verdict != NOT_MEASURABLE
    pay = Target("pay", pilot.code, "median_weekly_pay", CLOSE_GAP, 50, 2015, 2030, "E92000001")
    result = _evaluate(snapshot, pay)
    assert result.verdict == NOT_MEASURABLE and "cannot be summed" in result.reason


def test_plan_round_trip(known) -> None:
    levels, indicators = known
    groups = [AreaGroup("Pair", "lep", ("E37000025", "E37000034"))]
    targets = [Target("T", "group:Pair", "gva_per_hour", CLOSE_GAP, 50.0, 2015, 2030, "ENG_EXCL_LONDON")]
    text = plan_to_json(groups, targets)
    assert plan_from_json(text, levels, indicators) == (groups, targets)
    assert plan_from_json(decode_from_link(encode_for_link(text)), levels, indicators) == (groups, targets)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "not valid JSON"),
        (json.dumps({"format": "other"}), "not a groups-and-targets file"),
        (json.dumps({"format": FILE_FORMAT, "version": 9}), "unsupported version"),
        (json.dumps({"format": FILE_FORMAT, "version": 1, "groups": {}}), "must be a list"),
        (
            json.dumps(
                {"format": FILE_FORMAT, "version": 1, "groups": [{"name": "g", "level": "lep", "members": ["TLC"]}]}
            ),
            "not lep codes: TLC",
        ),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "groups": [{"name": "", "level": "lep", "members": ["E37000025"]}],
                }
            ),
            '"name"',
        ),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "targets": [{"name": "t", "area": "E37000025", "indicator": "nope"}],
                }
            ),
            "unknown indicator",
        ),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "targets": [
                        {
                            "name": "t",
                            "area": "E37000025",
                            "indicator": "gva_per_hour",
                            "kind": "close_gap",
                            "amount": 50,
                            "baseline_year": 2020,
                            "target_year": 2010,
                            "benchmark": "ENG_EXCL_LONDON",
                        }
                    ],
                }
            ),
            "after the baseline",
        ),
        (
            json.dumps(
                {
                    "format": FILE_FORMAT,
                    "version": 1,
                    "targets": [
                        {
                            "name": "t",
                            "area": "E37000025",
                            "indicator": "gva_per_hour",
                            "kind": "close_gap",
                            "amount": "50",
                            "baseline_year": 2010,
                            "target_year": 2020,
                        }
                    ],
                }
            ),
            "must be a number",
        ),
    ],
)
def test_bad_plan_files_get_clear_errors(known, document: str, message: str) -> None:
    levels, indicators = known
    with pytest.raises(PlanFileError, match=message):
        plan_from_json(document, levels, indicators)


def test_oversized_and_non_utf8_files(known) -> None:
    levels, indicators = known
    with pytest.raises(PlanFileError, match="limit is 100,000"):
        plan_from_json(b" " * 100_001, levels, indicators)
    with pytest.raises(PlanFileError, match="not UTF-8"):
        plan_from_json(b"\xff\xfe{", levels, indicators)
    with pytest.raises(PlanFileError, match="damaged"):
        decode_from_link("!!!not-base64")


def test_a_decompression_bomb_in_the_link_is_refused_without_inflating_it(record_property) -> None:
    """A 200 MB bomb in a ~260 KB token (the front end passes long query strings over the WebSocket,
    so no URL limit protects the server) and a 60 MB one within the token cap: neither is inflated
    beyond the plan size limit. The old code inflated both in full (hundreds of MB)."""
    for expanded_mb in (200, 60):
        token = bomb_token(expanded_mb)
        tracemalloc.start()
        started = time.perf_counter()
        with pytest.raises(PlanFileError) as caught:
            decode_from_link(token)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        record_property(
            f"bomb_{expanded_mb}mb",
            {"token_chars": len(token), "seconds": round(elapsed, 3), "peak_mb": round(peak / 1e6, 2)},
        )
        message = str(caught.value)
        if len(token) > MAX_LINK_TOKEN:
            assert message == (
                f"the link's plan parameter is {len(token):,} characters long; a plan's is at most {MAX_LINK_TOKEN:,}"
            )
        else:
            assert message == "the link's plan expands beyond 100,000 bytes, the limit for a plan"
        assert peak < 5 * len(token) + 2 * MAX_FILE_BYTES  # the token, its bytes and one plan's worth
        assert elapsed < 5


def test_any_plan_within_the_size_limit_round_trips_through_the_link() -> None:
    digest = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(MAX_FILE_BYTES // 32 + 1))
    text = "".join(chr(0x21 + byte % 94) for byte in digest[:MAX_FILE_BYTES])  # hardly compressible
    token = encode_for_link(text)
    assert len(token) <= MAX_LINK_TOKEN
    assert decode_from_link(token) == text
    with pytest.raises(PlanFileError, match="expands beyond 100,000 bytes"):
        decode_from_link(encode_for_link(text + "!"))
    with pytest.raises(PlanFileError, match="damaged or incomplete"):
        decode_from_link(token[: len(token) // 2])


def test_verdicts_carry_units_and_never_minus_zero(snapshot) -> None:
    """Issue 11, defect 8: 'needs -3.81' had no unit; gaps now read in % of the benchmark (money) or
    percentage points (rates), counts with what they count."""
    from components.targets import PRESET_TARGETS, evaluate

    rows_of = lambda indicator, level: snapshot.rows(indicator, level)  # noqa: E731
    reasons = {}
    for target in PRESET_TARGETS:
        meta = snapshot.metadata[target.indicator]
        result = evaluate(target, meta.unit, rows_of, snapshot.areas, [], int(meta.decimals), meta.short_label.lower())
        reasons[target.name] = result.reason
    assert "needs a gap of -" in reasons["Halve the GVA per hour worked gap"]
    assert re.search(
        r"needs a gap of -\d+\.\d\d% by then and the actual gap is -\d+\.\d\d%\.?$",
        reasons["Halve the GVA per hour worked gap"],
    )
    assert re.search(
        r"needs [\d,]+ filled jobs by then and the actual is [\d,]+ filled jobs",
        reasons["Increase the number of jobs by 100,000"],
    )
    assert not any("-0.00" in reason for reason in reasons.values())
