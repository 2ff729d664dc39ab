"""Similar areas (issue 13 item 3): nearest neighbours on standardised measures. The expected distances of the
small examples are worked out by hand in the comments; the last tests run on the committed snapshot."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from loaders.snapshot import read_snapshot
from metrics.similar_areas import (
    DIFFERENCE_SUFFIX,
    INDUSTRY_MIX,
    SIMILARITY_MEASURES,
    Z_SUFFIX,
    SimilarityMeasure,
    area_features,
    comparison_year,
    industry_mix_shares,
    measure_weights,
    similar_areas,
)


def square() -> pd.DataFrame:
    """Four areas at the corners of a square: x is 0, 0, 2, 2 and y is 0, 2, 0, 2. Both have mean 1 and
    population standard deviation 1, so the z-scores are -1 or +1."""
    return pd.DataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "area_name": ["Ayr", "Bude", "Cork", "Deal"],
            "x": [0.0, 0.0, 2.0, 2.0],
            "y": [0.0, 2.0, 0.0, 2.0],
        }
    )


def distances(result) -> dict[str, float]:
    return dict(zip(result.table["area_code"], result.table["distance"], strict=True))


# --- the method on hand-worked examples ------------------------------------------------------------------


def test_equal_weights_on_a_square() -> None:
    # From A (-1, -1): B (-1, 1) and C (1, -1) differ by 2 in one z-score: sqrt(0.5 * 4) = sqrt(2);
    # D (1, 1) by 2 in both: sqrt(0.5 * 4 + 0.5 * 4) = 2. B and C tie: B first by code.
    result = similar_areas(square(), {"x": 1.0, "y": 1.0}, "A", count=3)
    assert list(result.table["area_code"]) == ["B", "C", "D"]
    assert list(result.table["rank"]) == [1, 2, 3]
    assert list(result.table["area_name"]) == ["Bude", "Cork", "Deal"]
    assert result.table["distance"].tolist() == pytest.approx([math.sqrt(2), math.sqrt(2), 2.0])
    # why: each measure's z-score and its difference from A's
    b = result.table.iloc[0]
    assert (b[f"x{Z_SUFFIX}"], b[f"y{Z_SUFFIX}"]) == pytest.approx((-1.0, 1.0))
    assert (b[f"x{DIFFERENCE_SUFFIX}"], b[f"y{DIFFERENCE_SUFFIX}"]) == pytest.approx((0.0, 2.0))
    assert result.area_z == pytest.approx({"x": -1.0, "y": -1.0})


def test_z_scores_use_the_population_standard_deviation() -> None:
    # x = 1, 2, 6: mean 3, squared deviations 4, 1, 9, population variance 14/3, sd sqrt(14/3) = 2.16025.
    # From P: Q is 1/2.16025 = 0.46291 away, R 5/2.16025 = 2.31455 (with the sample sd, sqrt(7), 0.378).
    features = pd.DataFrame({"area_code": ["P", "Q", "R"], "area_name": ["p", "q", "r"], "x": [1.0, 2.0, 6.0]})
    result = similar_areas(features, {"x": 1.0}, "P")
    assert distances(result) == pytest.approx({"Q": 0.46291, "R": 2.31455}, abs=1e-5)


def test_weights_change_the_answer_in_the_expected_direction() -> None:
    # Weights 3:1 become 0.75 and 0.25. From A: B differs only in y, sqrt(0.25 * 4) = 1; C only in x,
    # sqrt(0.75 * 4) = sqrt(3). Weighting y instead swaps them.
    on_x = similar_areas(square(), {"x": 3.0, "y": 1.0}, "A", count=3)
    assert list(on_x.table["area_code"]) == ["B", "C", "D"]
    assert on_x.table["distance"].tolist() == pytest.approx([1.0, math.sqrt(3), 2.0])
    on_y = similar_areas(square(), {"x": 1.0, "y": 3.0}, "A", count=3)
    assert list(on_y.table["area_code"]) == ["C", "B", "D"]
    assert on_y.table["distance"].tolist() == pytest.approx([1.0, math.sqrt(3), 2.0])


def test_the_area_itself_is_never_a_neighbour() -> None:
    frame = square()
    for code in frame["area_code"]:
        result = similar_areas(frame, {"x": 1.0, "y": 1.0}, code, count=10)
        assert code not in set(result.table["area_code"])
        assert len(result.table) == 3  # every other area, and no more than there are


def test_count_limits_the_neighbours() -> None:
    result = similar_areas(square(), {"x": 1.0, "y": 1.0}, "D", count=1)
    assert list(result.table["area_code"]) == ["B"]  # B and C tie at sqrt(2) from D: B by code


def test_same_input_same_neighbours_whatever_the_row_order() -> None:
    # The extra areas lie on the diagonal, so x and y keep the same mean and sd and B and C stay tied from A:
    # only the tie rule (then by code) orders them, never the order of the rows.
    rng = np.random.default_rng(13)  # shuffles the rows only
    frame = pd.concat(
        [
            square(),
            pd.DataFrame(
                {"area_code": ["E", "F", "G"], "area_name": ["e", "f", "g"], "x": [1.0, 3.0, 0.5], "y": [1.0, 3.0, 0.5]}
            ),
        ],
        ignore_index=True,
    )
    first = similar_areas(frame, {"x": 1.0, "y": 1.0}, "A", count=4)
    assert list(first.table["area_code"]) == ["G", "E", "B", "C"]  # E is 1 off in both, B and C 2 in one
    assert first.table["distance"].iloc[2] == first.table["distance"].iloc[3]
    again = similar_areas(frame, {"x": 1.0, "y": 1.0}, "A", count=4)
    pd.testing.assert_frame_equal(first.table, again.table)
    for _ in range(8):
        shuffled = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        pd.testing.assert_frame_equal(similar_areas(shuffled, {"x": 1.0, "y": 1.0}, "A", count=4).table, first.table)


def test_an_area_missing_a_measure_is_left_out_not_imputed() -> None:
    # E lacks y. Were it imputed as 0 (or the mean) it would shift the mean and sd of y and A's distances;
    # left out, the square's distances are unchanged.
    frame = pd.concat(
        [square(), pd.DataFrame({"area_code": ["E"], "area_name": ["Ely"], "x": [0.0], "y": [np.nan]})],
        ignore_index=True,
    )
    result = similar_areas(frame, {"x": 1.0, "y": 1.0}, "A", count=10)
    assert distances(result) == pytest.approx({"B": math.sqrt(2), "C": math.sqrt(2), "D": 2.0})
    assert result.left_out.to_dict("records") == [{"area_code": "E", "area_name": "Ely", "missing": ("y",)}]
    assert result.missing == ()


def test_an_area_missing_a_measure_gets_no_neighbours() -> None:
    frame = square()
    frame.loc[frame["area_code"] == "B", ["x", "y"]] = np.nan
    result = similar_areas(frame, {"x": 1.0, "y": 1.0}, "B")
    assert result.table.empty
    assert result.missing == ("x", "y")
    unknown = similar_areas(square(), {"x": 1.0}, "Z")
    assert unknown.table.empty and unknown.missing == ("x",)


def test_bad_weights_are_refused_with_the_column_named() -> None:
    with pytest.raises(ValueError, match="no column z"):
        similar_areas(square(), {"z": 1.0}, "A")
    with pytest.raises(ValueError, match="positive.*y"):
        similar_areas(square(), {"x": 1.0, "y": 0.0}, "A")
    with pytest.raises(ValueError, match="count"):
        similar_areas(square(), {"x": 1.0}, "A", count=0)


# --- the definition, the year and the transform -------------------------------------------------------


def test_the_definition_weights_sum_to_one_and_industry_columns_split_the_mix() -> None:
    assert sum(measure_weights().values()) == pytest.approx(1.0)
    assert {m.indicator for m in SIMILARITY_MEASURES} == set(measure_weights())
    mix = sum(m.weight for m in SIMILARITY_MEASURES if m.aspect == INDUSTRY_MIX)
    more = measure_weights(industry_mix_columns=["sic_j_share", "sic_m_share"])
    assert sum(more.values()) == pytest.approx(1.0)  # more industries refine the mix, they do not add weight
    for column in ("manufacturing_gva_share", "sic_j_share", "sic_m_share"):
        assert more[column] == pytest.approx(mix / 3)
    assert more["gva_per_hour"] == measure_weights()["gva_per_hour"]


def tidy(records: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["indicator", "area_code", "period", "value"])


def test_the_year_is_the_latest_that_every_measure_has() -> None:
    rows = tidy([("a", "X", 2022, 1.0), ("a", "X", 2023, 1.0), ("b", "X", 2021, 1.0), ("b", "X", 2022, 1.0)])
    assert comparison_year(rows, ["a", "b"]) == 2022
    rows = tidy([("a", "X", 2023, 1.0), ("b", "X", 2023, np.nan)])  # b has no value at all
    assert comparison_year(rows, ["a", "b"]) is None


def test_features_take_the_log_of_size_and_keep_missing_areas() -> None:
    measures = (SimilarityMeasure("gva", "size", 0.5, "log", ""), SimilarityMeasure("rate", "other", 0.5, "none", ""))
    rows = tidy(
        [
            ("gva", "X", 2023, 100.0),
            ("gva", "Y", 2023, 1000.0),
            ("gva", "Z", 2023, 0.0),  # a log of zero is missing, not minus infinity
            ("rate", "X", 2023, 70.0),
            ("rate", "Y", 2023, 75.0),
            ("rate", "Y", 2022, 99.0),  # another year: not used
        ]
    )
    areas = pd.DataFrame({"area_code": ["Z", "Y", "X", "W"], "area_name": ["z", "y", "x", "w"]})
    features = area_features(rows, areas, measures)
    assert features.year == 2023 and features.absent == ()
    table = features.features.set_index("area_code")
    assert list(table.index) == ["W", "X", "Y", "Z"]  # every area of the level, even without figures
    assert table.loc["Y", "gva"] - table.loc["X", "gva"] == pytest.approx(2.302585)  # ln 10
    assert table.loc["Y", "rate"] == 75.0 and features.values.set_index("area_code").loc["Y", "gva"] == 1000.0
    assert np.isnan(table.loc["Z", "gva"]) and table.loc[["W", "Z"], "rate"].isna().all()


# --- on the committed snapshot -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


def level_features(snapshot, level: str):
    rows = snapshot.indicators[snapshot.indicators["geography"] == level]
    return area_features(rows, snapshot.areas[snapshot.areas["geography"] == level])


def test_every_lep_gets_five_other_leps(snapshot) -> None:
    features = level_features(snapshot, "lep")
    leps = set(snapshot.areas.loc[snapshot.areas["geography"] == "lep", "area_code"])
    assert features.year is not None and features.absent == ()
    for code in sorted(leps):
        result = similar_areas(features.features, measure_weights(), code, count=5)
        assert len(result.table) == 5
        assert set(result.table["area_code"]) <= leps and code not in set(result.table["area_code"])
        assert result.table["distance"].is_monotonic_increasing


def test_a_lad_without_an_employment_rate_is_told_so(snapshot) -> None:
    features = level_features(snapshot, "lad")
    lacking = features.values[features.values["employment_rate_16_64"].isna()]
    assert len(lacking)  # the snapshot has LADs without an APS employment rate in the comparison year
    code = lacking["area_code"].iloc[0]
    result = similar_areas(features.features, measure_weights(), code)
    assert result.table.empty and "employment_rate_16_64" in result.missing
    assert code in set(result.left_out["area_code"])


def test_industry_mix_shares_take_withheld_sections_together_and_drop_no_area() -> None:
    def rows(code: str, gva: dict[str, float]) -> list[dict]:
        return [
            {"area_code": code, "geography": "lep", "period": 2022, "industry": industry, "gva_current": value}
            for industry, value in gva.items()
        ]

    # B's K is withheld: K gets no column of its own, and the withheld sections' column is 100 - published.
    industry = pd.DataFrame(
        rows("A", {"Total": 100, "C": 20, "F": 40, "J": 10, "K": 30})
        + rows("B", {"Total": 200, "C": 50, "F": 60, "J": 30, "K": np.nan})
        + rows("X", {"Total": 999, "C": 1, "F": 1, "J": 1, "K": 1})[:1]  # another year's area: ignored below
    )
    industry.loc[industry["area_code"] == "X", "period"] = 2021
    out, withheld = industry_mix_shares(industry, "lep", 2022, ("C", "F", "J", "K"), "Total", measured=("C",))
    assert withheld == ("K",)
    assert out.columns.tolist() == ["area_code", "share of GVA: F", "share of GVA: J", "share of GVA: K"]
    shares = out.set_index("area_code")
    assert shares.loc["A"].tolist() == pytest.approx([40.0, 10.0, 30.0])
    assert shares.loc["B"].tolist() == pytest.approx([30.0, 15.0, 30.0])  # 100 - 25 - 30 - 15
