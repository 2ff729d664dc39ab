"""The Productivity gaps charts (components.productivity_gaps_charts) on the committed snapshot. Expected
values are computed here from the parquet files with pandas, never taken from the code under test."""

from __future__ import annotations

import pandas as pd
import pytest

from components.productivity_gaps import benchmark_lines, shared_benchmark
from components.productivity_gaps_charts import convergence_chart, gap_chart, hour_job_chart, level_chart
from metrics.gaps import convergence, gap_frame, hour_job_frame
from tests.snapshot_rows import AREAS, snapshot, values

EXCL_LONDON = "ENG_EXCL_LONDON"
NORTH_EAST_LEP = "E37000025"


def all_rows(indicator: str) -> pd.DataFrame:
    return snapshot().rows(indicator)


def layer_marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]


def test_gap_chart_has_a_zero_line_distinct_dashes_and_direct_labels() -> None:
    area = values("gva_per_hour", NORTH_EAST_LEP)
    lines = benchmark_lines(all_rows("gva_per_hour"), AREAS, "lep", NORTH_EAST_LEP)
    spec = gap_chart(gap_frame(area, lines), "North East LEP", "GVA per hour").to_dict()
    assert layer_marks(spec) == ["rule", "line", "text"]
    line = spec["layer"][1]
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    assert len(dashes) == 5 and len({tuple(d) for d in dashes}) == 5
    assert line["encoding"]["strokeDash"]["scale"]["domain"][0] == "England excluding London"
    labels = pd.DataFrame(spec["datasets"][spec["layer"][2]["data"]["name"]])
    assert set(labels["series"]) == {line.label for line in lines}
    assert (labels["period"] == 2023).all()
    assert "2004–2023" in spec["title"]["text"]


def test_level_chart_draws_the_area_and_every_benchmark() -> None:
    area = values("gva_per_hour", NORTH_EAST_LEP)
    lines = benchmark_lines(all_rows("gva_per_hour"), AREAS, "lep", NORTH_EAST_LEP)
    spec = level_chart(area, "North East LEP", lines, "GVA per hour worked (smoothed)", "£", 2).to_dict()
    data = pd.DataFrame(spec["datasets"][spec["layer"][0]["data"]["name"]])
    assert set(data["series"]) == {"North East LEP", *(line.label for line in lines)}
    mine = data[data["series"] == "North East LEP"]
    assert mine["value"].to_numpy() == pytest.approx(area.to_numpy())


def test_convergence_chart_highlights_and_names_the_selected_area() -> None:
    rows = all_rows("gva_per_hour")
    result = convergence(rows[rows["geography"] == "lep"], shared_benchmark(rows, "lep", EXCL_LONDON), 2004, 2023)
    spec = convergence_chart(
        result,
        NORTH_EAST_LEP,
        benchmark_name="England excluding London",
        start=2004,
        end=2023,
        level="lep",
        indicator_label="GVA per hour",
        value_fmt="$,.2f",
    ).to_dict()
    marks = layer_marks(spec)
    points = spec["layer"][marks.index("point")]
    data = pd.DataFrame(spec["datasets"][points["data"]["name"]])
    assert len(data) == 38
    assert data.loc[data["role"] == "selected", "area_code"].tolist() == [NORTH_EAST_LEP]
    assert points["encoding"]["shape"]["scale"]["range"] == ["circle", "diamond"]
    label = pd.DataFrame(spec["datasets"][spec["layer"][-1]["data"]["name"]])
    assert label["area_name"].tolist() == ["North East"]
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert len(rules) == 2  # level with the benchmark (x = 0) and the benchmark's own growth


def test_charts_without_a_selected_area_have_no_highlight() -> None:
    snap = snapshot()
    frame = hour_job_frame(
        snap.rows("gva_per_hour_index", "itl1", 2023),
        snap.rows("gva_per_job_index", "itl1", 2023),
        snap.rows("gva_per_hour", "itl1", 2023),
        snap.rows("gva_per_job", "itl1", 2023),
    )
    spec = hour_job_chart(frame, None, 2023, "itl1").to_dict()
    assert layer_marks(spec) == ["line", "point"]
    data = pd.DataFrame(spec["datasets"][spec["layer"][1]["data"]["name"]])
    assert len(data) == 12 and (data["role"] == "other").all()
