"""The official sources the indicator catalogue cites, the notes several indicators share, and the two
shapes most entries take (ONS subregional productivity, Explore Local Statistics). The record itself,
`Indicator`, is the app's vocabulary (vocabulary/indicators.py)."""

from __future__ import annotations

from vocabulary.indicators import Indicator

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


def productivity_indicator(
    id_: str, label: str, short: str, unit: str, decimals: int, caveats: tuple[str, ...]
) -> Indicator:
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


def els_indicator(
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
