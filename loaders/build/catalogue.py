"""Indicator metadata: what each snapshot indicator is, its unit, polarity and source.

The builder writes this (plus the geographies and years each indicator actually has) to
`regional_data/indicators.json`; pages read labels, units and polarity from there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

OGL = "Open Government Licence v3.0"
ONS_PRODUCTIVITY = (
    "ONS Subregional productivity: labour productivity indices (LAD and CA/EER June 2025; ITL2/ITL3 June 2024)",
    "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/labourproductivity/datasets/"
    "subregionalproductivitylabourproductivityindicesbylocalauthoritydistrict",
    "19 June 2025",
)
ONS_GVA_LA = (
    "ONS Regional gross value added (balanced) by industry: local authorities by ITL1 region",
    "https://www.ons.gov.uk/economy/grossdomesticproductgdp/datasets/"
    "regionalgrossvalueaddedbalancedbyindustrylocalauthoritiesbyitl1region",
    "17 April 2025",
)
ONS_GDP_LA = (
    "ONS Regional gross domestic product: local authorities",
    "https://www.ons.gov.uk/economy/grossdomesticproductgdp/datasets/regionalgrossdomesticproductlocalauthorities",
    "17 April 2025",
)
NOMIS_APS = ("ONS Annual Population Survey via Nomis", "https://www.nomisweb.co.uk/datasets/apsnew", "24 April 2023")
NOMIS_UBC = ("ONS UK Business Counts via Nomis", "https://www.nomisweb.co.uk/datasets/idbrent", "24 April 2023")
NOMIS_BRES = (
    "ONS Business Register and Employment Survey via Nomis",
    "https://www.nomisweb.co.uk/datasets/newbres6pub",
    "2022 extracts",
)
ELS = "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main/"
ASHE_T7 = (
    "ONS Annual Survey of Hours and Earnings, table 7 (place of work), 2024 provisional",
    "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/datasets/"
    "placeofworkbylocalauthorityashetable7",
    "November 2024",
)

SMOOTHING_NOTE = (
    "Smoothed with ONS's weighted 5-year moving average (1,2,3,2,1)/9. Published by ONS for LADs, ITL "
    "regions and combined authorities; for LEPs, England excluding London and combined authorities ONS "
    "does not cover (Devon and Torbay) computed here from LAD GVA and hours worked (per hour) or filled "
    "jobs (per job) as a ratio of sums, then smoothed with the same filter."
)
LEP_NOTE = (
    "LEPs are the May 2021 set (38), aggregated from 2023 LADs with a LAD->LEP lookup derived by "
    "largest-area overlay of the official boundaries. Seven LADs sat in two LEPs and count in both, "
    "so LEP totals must not be summed to England."
)


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    short_label: str
    unit: str
    decimals: int
    polarity: str  # "higher_better", "lower_better" or "neutral"
    category: str
    source: str
    source_url: str
    release: str
    basis: str = ""  # "workplace" or "residence" where it matters
    caveats: tuple[str, ...] = field(default_factory=tuple)
    licence: str = OGL

    def as_dict(self) -> dict:
        data = asdict(self)
        data["caveats"] = list(self.caveats)
        return data


def _productivity(id_: str, label: str, short: str, unit: str, decimals: int, caveats: tuple[str, ...]) -> Indicator:
    return Indicator(
        id_,
        label,
        short,
        unit,
        decimals,
        "higher_better",
        "Productivity",
        *ONS_PRODUCTIVITY,
        basis="workplace",
        caveats=caveats,
    )


def _els(
    id_: str,
    label: str,
    short: str,
    unit: str,
    decimals: int,
    polarity: str,
    category: str,
    file: str,
    release: str,
    basis: str = "",
    caveats: tuple[str, ...] = (),
) -> Indicator:
    return Indicator(
        id_,
        label,
        short,
        unit,
        decimals,
        polarity,
        category,
        f"ONS Explore Local Statistics ({file})",
        ELS + f"{file}/{file}.csv",
        release,
        basis,
        caveats,
    )


INDICATORS: dict[str, Indicator] = {
    i.id: i
    for i in [
        _productivity(
            "gva_per_hour",
            "GVA per hour worked (current prices, smoothed)",
            "GVA per hour",
            "£",
            2,
            (SMOOTHING_NOTE, LEP_NOTE),
        ),
        _productivity(
            "gva_per_hour_index",
            "GVA per hour worked, index (UK = 100, smoothed)",
            "GVA/hour index",
            "index",
            1,
            ("UK = UK less Extra-Regio.", SMOOTHING_NOTE),
        ),
        _productivity(
            "gva_per_hour_unsmoothed",
            "GVA per hour worked (current prices, unsmoothed)",
            "GVA per hour (unsmoothed)",
            "£",
            2,
            (
                "Unsmoothed: GVA / (weekly hours x 52). ITL1, LEP, CA, LAD, England and England excluding "
                "London computed here from the June 2025 LAD tables; ITL2/ITL3 as published (June 2024).",
            ),
        ),
        _productivity(
            "gva_per_job",
            "GVA per filled job (current prices, smoothed)",
            "GVA per job",
            "£",
            0,
            (SMOOTHING_NOTE, LEP_NOTE),
        ),
        _productivity(
            "gva_per_job_index",
            "GVA per filled job, index (UK = 100, smoothed)",
            "GVA/job index",
            "index",
            1,
            ("UK = UK less Extra-Regio.", SMOOTHING_NOTE),
        ),
        Indicator(
            "manufacturing_gva_share",
            "Manufacturing (SIC C) share of GVA",
            "Manufacturing % GVA",
            "%",
            1,
            "neutral",
            "Manufacturing",
            *ONS_GVA_LA,
            basis="workplace",
            caveats=("Current prices. ONS marks the latest year (2023) provisional.", LEP_NOTE),
        ),
        Indicator(
            "manufacturing_gva_lq",
            "Manufacturing GVA location quotient (England = 1)",
            "Manufacturing LQ (GVA)",
            "ratio",
            2,
            "neutral",
            "Manufacturing",
            *ONS_GVA_LA,
            basis="workplace",
            caveats=("Area's manufacturing share of GVA divided by England's in the same year.",),
        ),
        Indicator(
            "manufacturing_employment_share",
            "Manufacturing share of employment (BRES)",
            "Manufacturing % jobs",
            "%",
            1,
            "neutral",
            "Manufacturing",
            *NOMIS_BRES,
            basis="workplace",
            caveats=("Employment (employees plus working owners), rounded counts; share of SIC sections A-U.",),
        ),
        Indicator(
            "manufacturing_employment_lq",
            "Manufacturing employment location quotient (England = 1)",
            "Manufacturing LQ (jobs)",
            "ratio",
            2,
            "neutral",
            "Manufacturing",
            *NOMIS_BRES,
            basis="workplace",
        ),
        Indicator(
            "manufacturing_enterprises",
            "Manufacturing enterprises (all size bands)",
            "Manufacturing firms",
            "count",
            0,
            "neutral",
            "Manufacturing",
            *NOMIS_UBC,
            caveats=("Enterprises registered for VAT/PAYE, counted in March.",),
        ),
        Indicator(
            "employment_rate_16_64",
            "Employment rate, aged 16-64",
            "Employment rate",
            "%",
            1,
            "higher_better",
            "Labour market",
            *NOMIS_APS,
            basis="residence",
            caveats=(
                "LEPs: APS via Nomis (Jan-Dec). Other areas: ONS Explore Local Statistics (APS, LI01).",
                "Survey estimate with confidence intervals.",
            ),
        ),
        Indicator(
            "economic_activity_rate_16_64",
            "Economic activity rate, aged 16-64",
            "Activity rate",
            "%",
            1,
            "higher_better",
            "Labour market",
            *NOMIS_APS,
            basis="residence",
            caveats=("Outside LEPs: 100 minus the published economic inactivity rate.",),
        ),
        _els(
            "median_weekly_pay",
            "Median gross weekly pay (residence-based)",
            "Median weekly pay",
            "£",
            1,
            "higher_better",
            "Pay and income",
            "gross-median-weekly-pay",
            "23 October 2025",
            "residence",
            ("ASHE; medians cannot be aggregated, so there are no LEP values.",),
        ),
        Indicator(
            "median_weekly_pay_workplace",
            "Median gross weekly pay (workplace-based)",
            "Median weekly pay (work)",
            "£",
            1,
            "higher_better",
            "Pay and income",
            *ASHE_T7,
            basis="workplace",
            caveats=("Provisional. Medians cannot be aggregated, so there are no LEP values.",),
        ),
        _els(
            "gdhi_per_head",
            "Gross disposable household income per head",
            "GDHI per head",
            "£",
            0,
            "higher_better",
            "Pay and income",
            "gross-disposable-household-income-per-head",
            "10 September 2025",
            "residence",
        ),
        _els(
            "gigabit_coverage",
            "Premises with gigabit-capable broadband",
            "Gigabit coverage",
            "%",
            1,
            "higher_better",
            "Digital connectivity",
            "gigabit-capable-broadband",
            "13 May 2026",
            caveats=("Source: Ofcom Connected Nations.",),
        ),
        _els(
            "qualifications_l3_plus",
            "Aged 16-64 with level 3 or above qualifications",
            "Level 3+",
            "%",
            1,
            "higher_better",
            "Skills",
            "qualifications-level-3-or-above",
            "2024",
            "residence",
        ),
        _els(
            "unemployment_rate",
            "Unemployment rate (model-based), aged 16+",
            "Unemployment",
            "%",
            1,
            "lower_better",
            "Labour market",
            "modelled-unemployment",
            "2024",
            "residence",
        ),
        _els(
            "claimant_rate",
            "Claimant count, % of residents aged 16-64",
            "Claimants",
            "%",
            1,
            "lower_better",
            "Labour market",
            "claimant-count",
            "2025",
            "residence",
        ),
        _els(
            "gdp_per_head",
            "GDP per head (current market prices)",
            "GDP per head",
            "£",
            0,
            "higher_better",
            "Output",
            "gdp-per-head",
            "17 April 2025",
            "workplace",
            ("GDP is workplace-based but divided by resident population: commuting distorts it.",),
        ),
        Indicator(
            "manufacturing_employment_share_residence",
            "Residents in employment working in manufacturing (APS)",
            "Manufacturing % residents' jobs",
            "%",
            1,
            "neutral",
            "Manufacturing",
            *NOMIS_APS,
            basis="residence",
            caveats=(
                "Share of the nine APS industry groups; missing where Nomis suppresses any group.",
                "Survey estimate; small-sample cells flagged by Nomis are marked 'estimated'.",
            ),
        ),
        *(
            Indicator(
                f"manufacturing_enterprises_{band}",
                f"Manufacturing enterprises, {label}",
                f"Manufacturing firms ({band})",
                "count",
                0,
                "neutral",
                "Manufacturing",
                *NOMIS_UBC,
                caveats=("Counts rounded to 5 by ONS.",),
            )
            for band, label in (
                ("micro", "micro (0-9 employees)"),
                ("small", "small (10-49)"),
                ("medium", "medium-sized (50-249)"),
                ("large", "large (250+)"),
            )
        ),
        *(
            Indicator(
                f"manufacturing_subsector_share_{code}",
                f"{label}: share of manufacturing GVA",
                f"{label} % of manufacturing",
                "%",
                1,
                "neutral",
                "Manufacturing sub-sectors",
                *ONS_GVA_LA,
                basis="workplace",
                caveats=("Missing where ONS withholds a sub-sector as disclosive.",),
            )
            for code, label in (
                ("ca_cb", "Food, beverages, textiles and clothing (CA-CB)"),
                ("cc", "Wood, paper and printing (CC)"),
                ("cd_cg", "Petroleum, chemicals, pharmaceuticals and minerals (CD-CG)"),
                ("ch", "Basic and fabricated metals (CH)"),
                ("ci_cl", "Electrical products, machinery and transport equipment (CI-CL)"),
                ("cm", "Other manufacturing, repair and installation (CM)"),
            )
        ),
        Indicator(
            "qualifications_nvq4_plus",
            "Aged 16-64 qualified to NVQ level 4 or above",
            "NVQ4+",
            "%",
            1,
            "higher_better",
            "Skills",
            *NOMIS_APS,
            basis="residence",
            caveats=("NVQ framework, 2017-2021 (APS moved to RQF in 2022).",),
        ),
        _els(
            "business_birth_rate",
            "Business births, % of active enterprises",
            "Business births",
            "%",
            1,
            "higher_better",
            "Business",
            "business-demography",
            "20 November 2025",
        ),
        _els(
            "business_survival_3y",
            "Three-year business survival rate",
            "3-year survival",
            "%",
            1,
            "higher_better",
            "Business",
            "business-demography",
            "20 November 2025",
            caveats=("Share of enterprises born in the year still active three years later.",),
        ),
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
                "ONS productivity jobs (workforce jobs, constrained to ITL1). No Northern Ireland LAD "
                "figures for 2023.",
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
}
