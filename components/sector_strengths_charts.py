"""The Sector strengths chart: specialisation (location quotient) against real growth, one bubble per
industry sized by its GVA, and its exportable figure."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from components.chart_layout import LEGEND_COLUMNS, narrow_or_wide
from components.charts import BAR, POINT_LABEL_LIMIT, SOURCE_LINE, spread_labels
from components.figures import Figure, chart_titles
from metrics.sectors import NEVER_STRENGTHS, SHORT_SPAN, STRENGTH_LQ
from vocabulary.industries import industry

# Dark blue, dark orange (4.6:1 on white) and grey: told apart by lightness too, and the named bubbles carry
# their names.
STRENGTH_COLOUR, SHRINKING_COLOUR, OTHER_COLOUR = BAR, "#b35806", "#9a9a9a"
KINDS = ["strength", "specialised, shrinking", "other industry"]
KIND_SHAPES = ["diamond", "triangle-down", "circle"]  # the kind is told by shape too, not by colour alone
LABEL_GAP = 0.09  # of the y range between two names on the same side: a 12 px line on the 380 px plot, and air
LQ_TICKS = [0.05, 0.1, 0.2, 0.5, 1, 1.25, 2, 5, 10, 20]


def bubble_data(profile: pd.DataFrame, area_name: str, year: int, provisional: bool = False) -> pd.DataFrame:
    """The plotted rows: industries with a location quotient, a real growth figure and GVA above zero (status
    "provisional" where the source marks the year so)."""
    growth = f"real_growth_{SHORT_SPAN}y"
    drawn = profile[(profile["lq"] > 0) & profile[growth].notna() & (profile["gva"] > 0)]
    return pd.DataFrame(
        {
            "area_name": area_name,
            "period": year,
            "industry": drawn["industry"].to_numpy(),
            "industry_name": [industry(code).label for code in drawn["industry"]],
            "sic": [industry(code).sic for code in drawn["industry"]],
            "lq": drawn["lq"].to_numpy(dtype=float),
            "real_growth_pct": drawn[growth].to_numpy(dtype=float),
            "gva_gbp_m": drawn["gva"].to_numpy(dtype=float),
            "share_pct": drawn["share_pct"].to_numpy(dtype=float),
            "kind": np.select(
                [drawn["strength"], (drawn["lq"] >= STRENGTH_LQ) & ~drawn["industry"].isin(NEVER_STRENGTHS)],
                KINDS[:2],
                KINDS[2],
            ),
            "status": drawn["status"].replace("", "provisional" if provisional else "").to_numpy(),
        }
    )


def bubble_chart(data: pd.DataFrame, area_name: str, year: int, reference_name: str) -> alt.LayerChart:
    """LQ on a log scale (1 = the reference's mix; dashed line at the strength threshold) against real growth
    over SHORT_SPAN years (line at 0). Strengths are dark blue diamonds, specialised industries whose real GVA
    fell dark orange triangles pointing down, both named; the rest grey circles."""
    start = year - SHORT_SPAN
    x = alt.X(
        "lq:Q",
        title=f"Location quotient against {reference_name} (log scale)",
        scale=alt.Scale(type="log", nice=False, padding=12),
        axis=alt.Axis(values=LQ_TICKS, format="~g", labelOverlap=False),
    )
    y = alt.Y("real_growth_pct:Q", title=f"Real GVA growth {start}–{year} (%)", axis=alt.Axis(format="+.0f"))
    tooltip = [
        alt.Tooltip("industry_name:N", title="Industry"),
        alt.Tooltip("sic:N", title="SIC 2007"),
        alt.Tooltip("lq:Q", title="Location quotient", format=".2f"),
        alt.Tooltip("real_growth_pct:Q", title=f"Real growth {start}–{year} (%)", format="+.1f"),
        alt.Tooltip("gva_gbp_m:Q", title=f"GVA {year} (£m)", format=",.0f"),
        alt.Tooltip("share_pct:Q", title="Share of GVA (%)", format=".1f"),
        alt.Tooltip("kind:N", title="Strength?"),
    ]
    rules = [
        alt.Chart(pd.DataFrame({"lq": [1.0]})).mark_rule(color="#666").encode(x=alt.X("lq:Q")),
        alt.Chart(pd.DataFrame({"lq": [STRENGTH_LQ]}))
        .mark_rule(color="#666", strokeDash=[4, 3])
        .encode(x=alt.X("lq:Q")),
        alt.Chart(pd.DataFrame({"real_growth_pct": [0.0]}))
        .mark_rule(color="#666")
        .encode(y=alt.Y("real_growth_pct:Q")),
    ]
    bubbles = (
        alt.Chart(data)
        .mark_point(filled=True, opacity=0.75, stroke="#000", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "gva_gbp_m:Q",
                title=f"GVA {year} (£m)",
                scale=alt.Scale(range=[30, 1600]),
                legend=alt.Legend(orient="bottom", format=",.0f", columns=LEGEND_COLUMNS, tickCount=3),
            ),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=KINDS, range=[STRENGTH_COLOUR, SHRINKING_COLOUR, OTHER_COLOUR]),
                legend=alt.Legend(orient="bottom", symbolSize=150, columns=LEGEND_COLUMNS),
            ),
            shape=alt.Shape(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=KINDS, range=KIND_SHAPES),
                legend=alt.Legend(orient="bottom", symbolSize=150, columns=LEGEND_COLUMNS),
            ),
            order=alt.Order("gva_gbp_m:Q", sort="descending"),
            tooltip=tooltip,
        )
    )
    return alt.layer(
        *rules,
        bubbles,
        *strength_labels(data, x, y),
        title=alt.TitleParams(
            text=f"Specialisation and growth by industry: {area_name}, {year}",
            subtitle=[
                f"Right of the dashed line: at least {STRENGTH_LQ} times {reference_name}'s share; above 0: real GVA "
                f"grew {start}–{year}. Bubble area: GVA (current prices).",
                SOURCE_LINE,
            ],
            anchor="start",
            fontSize=16,
        ),
        width="container",
        height=380,
    )


def strength_labels(data: pd.DataFrame, x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """The names of the strengths and of the specialised industries that shrank, beside their bubbles: right of
    a bubble in the left half of the log x range, left of one in the right half, so no name runs off the plot;
    names on the same side are pushed apart vertically (LABEL_GAP of the y range) so none prints over another."""
    named = data[data["kind"] != KINDS[2]]
    if named.empty:
        return []
    logs = np.log(data["lq"])
    middle = (logs.min() + logs.max()) / 2
    right_half = np.log(named["lq"]) > middle
    heights = pd.concat([data["real_growth_pct"], pd.Series([0.0])])
    gap = LABEL_GAP * max(float(heights.max() - heights.min()), 1.0)
    layers = []
    for part, align, dx in ((named[~right_half], "left", 10), (named[right_half], "right", -10)):
        if part.empty:
            continue
        # the label layer's y is the spread position, under the same field name so it shares the y axis
        placed = part.assign(real_growth_pct=spread_labels(part["real_growth_pct"].tolist(), gap))
        layers.append(
            alt.Chart(placed)
            .mark_text(align=align, dx=dx, fontSize=narrow_or_wide(10, 12), limit=POINT_LABEL_LIMIT)
            .encode(x=x, y=y, text=alt.Text("industry_name:N"))
        )
    return layers


def bubble_figure(chart: alt.LayerChart | dict, data: pd.DataFrame, source: str, area_code: str) -> Figure:
    """The chart (altair, or its Vega-Lite dict) as exported: its own title and subtitle, the plotted rows."""
    title, subtitle = chart_titles(chart)
    return Figure(
        "sector_bubbles",
        title,
        subtitle,
        chart,
        data.assign(area_code=area_code, unit="ratio", value=data["lq"]),
        sources=(source,),
        file_stem=f"sector_strengths_{area_code}_{int(data['period'].iloc[0]) if len(data) else ''}",
    )
