"""What the Your data view tests share: the committed snapshot's areas, values and metadata read with pandas,
a small upload on ten LEPs, and the files a figure exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from components.exports import figure_exports
from components.figures import Figure
from tests.export_checks import read_plain_csv
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
XSS = "<img src=x onerror=alert(1)>"


def reference(level: str) -> dict[str, str]:
    rows = AREAS[AREAS["geography"] == level]
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


def boundaries(level: str) -> dict:
    return json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))


LEPS = reference("lep")
LADS = reference("lad")


def lep_values() -> pd.DataFrame:
    codes = sorted(LEPS)[:10]
    return pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [LEPS[c] for c in codes],
            "value": [float(i) for i in range(10)],
            "status": [""] * 10,
            "name_in_file": [XSS] + [LEPS[c] for c in codes[1:]],
        }
    )


def official_rows(indicator: str, level: str, year: int) -> pd.DataFrame:
    return PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & (PARQUET["period"] == year)]


def files_of(figure: Figure) -> dict[str, bytes]:
    return {export.label: export.build() for export in figure_exports(figure, METADATA, {})}


def read_export_csv(data: bytes) -> pd.DataFrame:
    return read_plain_csv(data)
