"""The catalogue's component indicators: the published parts (GVA, GDP, employment, hours, jobs, population)
from which the rates of groups of areas are built as ratios of sums, plus the resident population."""

from __future__ import annotations

from loaders.build.catalogue_sources import NOMIS_APS, NOMIS_BRES, ONS_GDP_LA, ONS_GVA_LA, ONS_PRODUCTIVITY
from vocabulary.indicators import Indicator

COMPONENTS: list[Indicator] = [
    Indicator(
        "gva_current_prices",
        "Gross value added (balanced), current prices",
        "GVA (£m)",
        "£m",
        0,
        "neutral",
        "Components",
        *ONS_GVA_LA,
        basis="workplace",
        caveats=("Groups are sums of their LADs (LEP overlaps counted in both LEPs).",),
    ),
    Indicator(
        "manufacturing_gva_current_prices",
        "Manufacturing (SIC C) gross value added, current prices",
        "Manufacturing GVA (£m)",
        "£m",
        0,
        "neutral",
        "Components",
        *ONS_GVA_LA,
        basis="workplace",
        caveats=(
            "Groups are sums of their LADs (LEP overlaps counted in both LEPs); missing where ONS "
            "withholds a district's figure.",
        ),
    ),
    Indicator(
        "manufacturing_employment",
        "Manufacturing (SIC C) employment (BRES)",
        "Manufacturing jobs (BRES)",
        "count",
        0,
        "neutral",
        "Components",
        *NOMIS_BRES,
        basis="workplace",
        caveats=(
            "Employees plus working owners, rounded by ONS; with all-industry employment, the parts "
            "from which the share is built for groups of areas.",
        ),
    ),
    Indicator(
        "employment_bres",
        "Employment, all industries (BRES)",
        "Employment (BRES)",
        "count",
        0,
        "neutral",
        "Components",
        *NOMIS_BRES,
        basis="workplace",
        caveats=("Sum of SIC sections A-U; missing where any section is withheld.",),
    ),
    Indicator(
        "gdp_current_prices",
        "Gross domestic product, current market prices",
        "GDP (£m)",
        "£m",
        0,
        "neutral",
        "Components",
        *ONS_GDP_LA,
        basis="workplace",
        caveats=("Groups are sums of their LADs (LEP overlaps counted in both LEPs).",),
    ),
    Indicator(
        "hours_worked_weekly",
        "Hours worked per week, all jobs",
        "Weekly hours worked",
        "hours",
        0,
        "neutral",
        "Components",
        *ONS_PRODUCTIVITY,
        basis="workplace",
        caveats=("Total weekly hours of all jobs in the area (ONS productivity hours, constrained to ITL1).",),
    ),
    Indicator(
        "filled_jobs",
        "Filled jobs",
        "Filled jobs",
        "count",
        0,
        "neutral",
        "Components",
        *ONS_PRODUCTIVITY,
        basis="workplace",
        caveats=(
            "ONS productivity jobs (workforce jobs, constrained to ITL1). No Northern Ireland LAD figures for 2023.",
        ),
    ),
    *(
        Indicator(
            key,
            label,
            short,
            "persons",
            0,
            "neutral",
            "Components",
            *NOMIS_APS,
            basis="residence",
            caveats=(
                "APS survey estimate (Jan-Dec), rounded; the parts from which rates for groups of areas are built.",
            ),
        )
        for key, label, short in (
            ("population_16_64", "Residents aged 16-64", "Population 16-64"),
            ("employment_16_64", "Residents aged 16-64 in employment", "Employed 16-64"),
            ("economically_active_16_64", "Residents aged 16-64 economically active", "Active 16-64"),
        )
    ),
    Indicator(
        "population",
        "Resident population (mid-year)",
        "Population",
        "persons",
        0,
        "neutral",
        "Population",
        *ONS_GDP_LA,
        caveats=("From Table 6 of the ONS regional GDP LA workbook.",),
    ),
]
