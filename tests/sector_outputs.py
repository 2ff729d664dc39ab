"""What the Sector strengths and similar-areas views make from the GVA-by-industry table, as bytes, following
shell/sector_views.py step by step for a given table (not through the process's caches): years, benchmark
totals, profiles and their tables, the bubble chart's data and Vega-Lite spec, employment, an area group's
profile, quotients of similar areas, industry maps, and the similar-areas measures per level. The memory test
builds them from the table as the app holds it and from the same table with plain string columns."""

from __future__ import annotations

import json
from collections.abc import Iterator

import altair as alt
import pandas as pd

from components.sector_strengths import (
    BUILT_GROUPS,
    DETAILS,
    groups_table,
    profile_table,
    sector_lq_indicator,
    sector_map,
    years_of,
)
from components.sector_strengths_charts import bubble_chart, bubble_data
from components.similar_areas import level_features
from loaders.snapshot import Snapshot, read_boundaries_json
from metrics.sectors import (
    TOTAL,
    TablesByArea,
    employment_profile,
    employment_year,
    group_rows,
    industry_profile,
    quotient_rows,
    quotients_of,
)

UK, ENGLAND = "K02000001", "E92000001"
# (area, reference, year, detail)
PROFILES = (
    ("E37000025", ENGLAND, 2022, "sections"),
    ("E08000021", UK, 2022, "detailed"),
    ("TLC", UK, 2018, "sections"),
    ("E47000001", ENGLAND, 2022, "detailed"),
)
MAPS = (("C", "lep", 2022), ("K", "lad", 2022), ("J", "itl3", 2015))
GROUP_MEMBERS = ("E08000021", "E08000022", "E08000023", "E08000024", "E08000037")


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def sector_outputs(tables: TablesByArea, snapshot: Snapshot) -> Iterator[tuple[str, bytes]]:
    table = tables["all"]
    for level in ("lep", "lad", "itl3", "cauth"):
        yield f"years {level}", json.dumps(years_of(table, level)).encode()
    yield "reference totals", _csv(table[table["industry"] == TOTAL].rename(columns={"gva_current": "value"}))
    codes = [*DETAILS["sections"][1], *DETAILS["detailed"][1], *(group.key for group in BUILT_GROUPS)]
    for area, reference, year, detail in PROFILES:
        name = f"{area} {reference} {year} {detail}"
        both = pd.concat([tables[area], tables[reference]], ignore_index=True)
        profile = industry_profile(both, area, reference, year, [*DETAILS[detail][1], *codes[-len(BUILT_GROUPS) :]])
        yield f"profile {name}", _csv(profile)
        yield f"profile table {name}", _csv(profile_table(profile, "England"))
        yield f"groups table {name}", _csv(groups_table(profile, "England"))
        drawn = profile[~profile["industry"].isin([g.key for g in BUILT_GROUPS])]
        yield f"bubble data {name} provisional", _csv(bubble_data(drawn, area, year, True))
        plotted = bubble_data(drawn, area, year, False)
        yield f"bubble data {name}", _csv(plotted)
        if not plotted.empty:
            with alt.data_transformers.disable_max_rows():
                spec = bubble_chart(plotted, area, year, "England").to_dict()
            yield f"bubble spec {name}", json.dumps(spec, sort_keys=True).encode()
        jobs_year = employment_year(tables[area], area, year)
        if jobs_year is not None:
            jobs = employment_profile(both, area, reference, jobs_year, [TOTAL, *DETAILS[detail][1]])
            yield f"employment {name}", _csv(jobs)
        yield (
            f"quotients of {name}",
            quotients_of(tables, (area, "E37000001", "TLD"), reference, year).to_csv().encode(),
        )
    own = group_rows(table, GROUP_MEMBERS, "GROUP", "group")
    grouped = pd.concat([own, tables[UK]], ignore_index=True)
    yield "group profile", _csv(industry_profile(grouped, "GROUP", UK, 2022, DETAILS["sections"][1]))
    names = dict(zip(snapshot.areas["area_code"], snapshot.areas["area_name"], strict=True))
    for industry, level, year in MAPS:
        rows = quotient_rows(table, industry, UK, level)
        yield f"quotient rows {industry} {level}", _csv(rows)
        meta = sector_lq_indicator(snapshot.metadata["manufacturing_gva_share"], industry, "the UK")
        view = sector_map(rows, meta, read_boundaries_json(level), level, year, UK, None, "the UK", names)
        yield f"map table {industry} {level}", _csv(view.table)
        yield f"map features {industry} {level}", json.dumps(view.features, sort_keys=True).encode()
    for level in ("lep", "lad", "itl3"):
        features = level_features(snapshot.by_indicator, snapshot.areas, level, tables["all"])
        yield f"similar-areas values {level}", _csv(features.values)
        yield f"similar-areas features {level}", _csv(features.features)
        yield f"similar-areas mix {level}", json.dumps([features.mix_columns, features.mix_left_out]).encode()
