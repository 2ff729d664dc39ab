"""Where every raw file the snapshot build reads comes from: its official URL and how to fetch it.

Nothing here touches the network; `python -m loaders.refresh` is the only code that does, and only
when asked. Each entry maps a path of the source folder (laid out like ../shared/data, which is
what `loaders.build` reads) to its official home, with the confidence that SOURCES.md gives it:

- H: seen in several independent sources or an authoritative listing; M: seen once;
  L: built from a pattern; inferred: the file name is a guess that the fetcher confirms by
  scraping the landing page.

Fetch methods:
- `direct`: GET the URL (Explore Local Statistics raw CSVs).
- `ons_landing`: ONS renames files between releases, so the dataset landing page is scraped for
  `/file?uri=...` links and the first one whose file name matches `link_pattern` is taken (ONS lists
  the latest edition first); `fallback_url` (the last name seen in public code) is used when the
  page cannot be read or holds no matching link.
- `ons_zip_member`: as `ons_landing` for a zip (ASHE tables), then the member matching `member_pattern`.
- `arcgis_geojson`: ONS Open Geography Portal FeatureServer query (layer read from `?f=json`),
  paged, saved as one GeoJSON FeatureCollection (also for the `.topo.json` path, whose reader accepts
  GeoJSON as well).
- `arcgis_csv`: the same for a lookup table, attributes saved as CSV.
- `manual`: no machine-readable URL delivers this layout (Nomis web "Query" extracts). An online
  refresh copies the file from the fallback folder and the report says it was not refreshed.

With `--mirror URL` every entry is fetched from `<URL>/<path>` instead, whatever its method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loaders.build import geography, source_files
from loaders.build.els_indicators import ELS_FILES, ELS_METADATA

ONS = "https://www.ons.gov.uk"
ARCGIS = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
ELS_RAW = "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main"
NOMIS = "https://www.nomisweb.co.uk"
PRODUCTIVITY = "/employmentandlabourmarket/peopleinwork/labourproductivity/datasets/"
GVA_LA_PAGE = (
    "/economy/grossdomesticproductgdp/datasets/regionalgrossvalueaddedbalancedbyindustrylocalauthoritiesbyitl1region"
)
GVA_ALL_ITL_PAGE = "/economy/grossvalueaddedgva/datasets/nominalandrealregionalgrossvalueaddedbalancedbyindustry"
GDP_LA_PAGE = "/economy/grossdomesticproductgdp/datasets/regionalgrossdomesticproductlocalauthorities"
GVA_PER_HEAD_PAGE = (
    "/economy/grossvalueaddedgva/datasets/nominalregionalgrossvalueaddedbalancedperheadandincomecomponents"
)
ASHE_T7_PAGE = (
    "/employmentandlabourmarket/peopleinwork/earningsandworkinghours/datasets/placeofworkbylocalauthorityashetable7"
)

METHODS = ("direct", "ons_landing", "ons_zip_member", "arcgis_geojson", "arcgis_csv", "manual")
CONFIDENCE = ("H", "M", "L", "inferred")


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the source folder, as loaders.build reads it
    method: str
    url: str  # the file, landing page or FeatureServer (for manual: the dataset page)
    confidence: str
    publisher: str
    link_pattern: str = ""  # regex on the file name of a landing page's /file?uri= links
    member_pattern: str = ""  # regex on the member name inside a zip
    fallback_url: str = ""
    note: str = ""

    @property
    def kind(self) -> str:
        """What the bytes must look like: spreadsheet, csv, boundary (GeoJSON/TopoJSON)."""
        name = self.path.lower()
        if name.endswith((".xls", ".xlsx")):
            return "spreadsheet"
        if name.endswith(".csv"):
            return "csv"
        if name.endswith(".json") and self.path.startswith(source_files.ELS_DIR):
            return "metadata"
        if name.endswith((".geojson", ".json")):
            return "boundary"
        raise ValueError(f"{self.path}: no content check for this file type")

    @property
    def needs_scraping(self) -> bool:
        return self.method in ("ons_landing", "ons_zip_member")


def _ons_file(page: str, edition_and_file: str) -> str:
    return f"{ONS}/file?uri={page}/{edition_and_file}"


def _productivity(path: str, slug: str, pattern: str, fallback: str, confidence: str, note: str) -> SourceFile:
    page = PRODUCTIVITY + slug
    return SourceFile(
        path,
        "ons_landing",
        ONS + page,
        confidence,
        "ONS",
        link_pattern=pattern,
        fallback_url=_ons_file(page, fallback) if fallback else "",
        note=note,
    )


def _arcgis(
    path: str, service: str, method: str = "arcgis_geojson", confidence: str = "H", note: str = ""
) -> SourceFile:
    return SourceFile(
        path, method, f"{ARCGIS}/{service}/FeatureServer", confidence, "ONS Open Geography Portal", note=note
    )


def _nomis(path: str, dataset: str, note: str) -> SourceFile:
    return SourceFile(
        path,
        "manual",
        f"{NOMIS}/datasets/{dataset}",
        "H",
        "Nomis",
        note=note + " Extract made with the Nomis web query tool; the API "
        f"({NOMIS}/api/v01/dataset/<id>.data.csv) returns a different layout that the "
        "loaders do not read, so the file is carried over from the fallback folder.",
    )


GVA_REGIONS = (
    "tlcnortheast",
    "tldnorthwest",
    "tleyorkshireandthehumber",
    "tlfeastmidlands",
    "tlgwestmidlands",
    "tlheastofengland",
    "tlilondon",
    "tljsoutheast",
    "tlksouthwest",
    "tllwales",
    "tlmscotland",
    "tlnnorthernireland",
)
GVA_FILE = "regionalgrossvalueaddedbalancedbyindustrylocalauthorities{region}.xlsx"

CATALOGUE: tuple[SourceFile, ...] = (
    # --- ONS subregional productivity (annual, June); file names rotate, so the pages are scraped.
    _productivity(
        source_files.PRODUCTIVITY_LAD,
        "subregionalproductivitylabourproductivityindicesbylocalauthoritydistrict",
        r"^(labourproductivitylad\d*|labourproductivitylocalauthorities|ladproductivity)\.xlsx?$",
        "current/ladproductivity.xls",
        "inferred",
        "Landing page H; only the old name ladproductivity.xls was seen, labourproductivitylad1.xls must be "
        "found by scraping.",
    ),
    _productivity(
        source_files.PRODUCTIVITY_ITL,
        "subregionalproductivitylabourproductivitygvaperhourworkedandgvaperfilledjobindicesbyuknuts2andnuts3subregions",
        r"^(labourproductivityitls\d*|itlproductivity)\.xlsx?$",
        "current/labourproductivityitls1.xlsx",
        "H",
        "June 2024 file was current/labourproductivityitls.xls; June 2025 is labourproductivityitls1.xlsx. "
        "Whatever edition is current is saved under the build's path.",
    ),
    _productivity(
        source_files.PRODUCTIVITY_CA,
        "subregionalproductivitylabourproductivityindicesbycombinedauthoritiesandeconomicenterpriseregions",
        r"^labourproductivitycaeer\d*\.xlsx?$",
        "current/labourproductivitycaeer2.xlsx",
        "M",
        "labourproductivitycaeer2.xlsx seen once; the local file is caeer3.",
    ),
    # --- ONS regional GDP / GVA (April releases).
    SourceFile(
        source_files.GDP_LA,
        "ons_landing",
        ONS + GDP_LA_PAGE,
        "H",
        "ONS",
        link_pattern=r"^regionalgrossdomesticproductgdplocalauthorities\.xlsx$",
        fallback_url=_ons_file(GDP_LA_PAGE, "1998to2023/regionalgrossdomesticproductgdplocalauthorities.xlsx"),
    ),
    *(
        SourceFile(
            f"{source_files.GVA_LA_DIR}/{GVA_FILE.format(region=region)}",
            "ons_landing",
            ONS + GVA_LA_PAGE,
            "H",
            "ONS",
            link_pattern="^" + re.escape(GVA_FILE.format(region=region)) + "$",
            fallback_url=_ons_file(GVA_LA_PAGE, f"{region}/{GVA_FILE.format(region=region)}"),
            note="Direct URL form seen once (tldnorthwest); other regions follow the same pattern.",
        )
        for region in GVA_REGIONS
    ),
    # --- GVA by industry, all ITL regions (Table 3c, ITL3): the sub-sector mix of England, UK and ITL1.
    SourceFile(
        source_files.GVA_ITL3,
        "ons_landing",
        ONS + GVA_ALL_ITL_PAGE,
        "H",
        "ONS",
        link_pattern=r"^regionalgrossvalueaddedbalancedbyindustryand(allinternationalterritoriallevels"
        r"itl|allitl)regions\.xlsx$",
        fallback_url=_ons_file(
            GVA_ALL_ITL_PAGE,
            "current/regionalgrossvalueaddedbalancedbyindustryandallinternationalterritoriallevelsitlregions.xlsx",
        ),
        note="The local copy is a third-party trim of the official workbook to one sheet named 'Sheet1'; "
        "the official workbook (> 4 MiB) calls it 'Table 3c'. The loader accepts both sheet names.",
    ),
    # --- GVA per head and income components (Table 6: GVA by industry for ITL1/ITL2): validation only.
    SourceFile(
        source_files.GVA_ITL_TABLE_6,
        "ons_landing",
        ONS + GVA_PER_HEAD_PAGE,
        "M",
        "ONS",
        link_pattern=r"^regionalgrossvalueaddedbalancedperheadandincomecomponents\.xlsx$",
        fallback_url=_ons_file(
            GVA_PER_HEAD_PAGE, "current/regionalgrossvalueaddedbalancedperheadandincomecomponents.xlsx"
        ),
        note="Read for Table 6 only, to check LAD sums of manufacturing GVA against ONS's ITL1/ITL2 figures.",
    ),
    # --- ASHE table 7 (place of work), zipped; the build reads table 7.1a (weekly pay, gross).
    SourceFile(
        source_files.ASHE_T7_WEEKLY,
        "ons_zip_member",
        ONS + ASHE_T7_PAGE,
        "M",
        "ONS",
        link_pattern=r"^(ashe)?table7\d{4}(provisional|revised)\.zip$",
        member_pattern=r"7\.1a.*weekly pay.*gross.*\.xlsx?$",
        fallback_url=_ons_file(ASHE_T7_PAGE, "2024provisional/ashetable72024provisional.zip"),
        note="Landing H; the 2024 provisional zip name is inferred from the 2025 one. The latest "
        "edition on the page is taken.",
    ),
    # --- Explore Local Statistics (raw files of the public data repository, branch main).
    *(
        SourceFile(
            f"{source_files.ELS_DIR}/{name}",
            "direct",
            f"{ELS_RAW}/{name.rsplit('.', 1)[0]}/{name}",
            "M",
            "ONS Explore Local Statistics",
        )
        for name in (*ELS_FILES, *ELS_METADATA)
    ),
    # --- Nomis extracts (web query tool, 24 April 2023) and BRES CSV exports.
    _nomis(
        "stats/nomis/nomis_aps_T01_econ_activity_16to64_england_lep_lad_2018_2022.xlsx",
        "apsnew",
        "APS T01 (NM_17_5 / NM_17_1).",
    ),
    _nomis("stats/nomis/nomis_aps_T13a_employment_by_industry_england_lep_lad_2018_2022.xlsx", "apsnew", "APS T13a."),
    _nomis("stats/nomis/nomis_aps_T19_qualifications_nvq_england_lep_lad_2017_2021.xlsx", "apsnew", "APS T19."),
    _nomis(
        "stats/nomis/nomis_ubc_enterprises_by_industry_sizeband_england_lep_lad_2018_2022.xlsx",
        "idbrent",
        "UK Business Counts, enterprises (NM_142_1).",
    ),
    _nomis(
        "stats/nomis/nomis_ubc_enterprises_by_sizeband_england_lep_lad_2018_2022.xlsx",
        "idbrent",
        "UK Business Counts, enterprises (NM_142_1); listed in the build manifest, not parsed.",
    ),
    _nomis(
        "stats/nomis/nomis_bres_employees_sic_section_gb_itl3_2023.xlsx",
        "newbres6pub",
        "BRES open access (NM_189_1); listed in the build manifest, not parsed.",
    ),
    _nomis(
        "stats/nomis/nomis_bres_employees_sic_section_gb_nuts3_2015_2021.xlsx",
        "newbres6pub",
        "BRES open access, stacked by a third party; listed in the build manifest, not parsed.",
    ),
    *(
        _nomis(
            f"stats/nomis/nomis_bres_employment_by_industry_england_lep_gb_nuts3_{year}.csv",
            "newbres6pub",
            "BRES open access CSV export (NM_189_1) with the Nomis header lines stripped.",
        )
        for year in range(2016, 2021)
    ),
    # --- Boundaries (BUC) from the Open Geography Portal.
    _arcgis(geography.BOUNDARY_FILES["lep"][0], "Local_Enterprise_Partnerships_May_2021_EN_BUC_2022"),
    _arcgis(geography.BOUNDARY_FILES["lad"][0], "Local_Authority_Districts_December_2023_Boundaries_UK_BUC"),
    _arcgis(geography.BOUNDARY_FILES["itl1"][0], "International_Territorial_Level_1_January_2021_UK_BUC_2022"),
    _arcgis(geography.BOUNDARY_FILES["itl2"][0], "International_Territorial_Level_2_January_2021_UK_BUC_V2_2022"),
    _arcgis(
        geography.BOUNDARY_FILES["itl3"][0],
        "International_Territorial_Level_3_January_2021_UK_BUC_V3_2022",
        note="The local file is a TopoJSON conversion; the portal serves GeoJSON, which is saved under the "
        "same path (the boundary reader accepts both).",
    ),
    _arcgis(geography.BOUNDARY_FILES["cauth"][0], "CAUTH_MAY_2025_EN_BUC"),
    _arcgis(geography.BOUNDARY_FILES["rgn"][0], "Regions_December_2021_EN_BUC_2022"),
    _arcgis(
        geography.LAD21_BOUNDARIES,
        "Local_Authority_Districts_December_2021_UK_BUC_2022",
        note="Names only: Nomis labels follow the 2021 LADs.",
    ),
    # --- Lookups from the Open Geography Portal (FeatureServer tables saved as CSV).
    _arcgis(geography.LAD_ITL_LOOKUP, "ITL125_ITL225_ITL325_LAU125_LAD24_UK_LU", "arcgis_csv"),
    _arcgis(geography.LAD_CAUTH_LOOKUP, "LAD25_CAUTH25_EN_LU", "arcgis_csv", "M", note="Seen in the listing only."),
    _arcgis(geography.LAD_RGN_LOOKUP, "LAD23_RGN23_EN_LU", "arcgis_csv"),
    _arcgis(
        geography.ITL3_2021_2025_LOOKUP,
        "ITL321_ITL325_UK_LU",
        "arcgis_csv",
        "M",
        note="Chained with the LAD -> ITL 2025 lookup to place 2023 LADs in the 2021 ITL2 regions.",
    ),
)

BY_PATH: dict[str, SourceFile] = {entry.path: entry for entry in CATALOGUE}


def catalogue_problems(source: Path | None = None) -> list[str]:
    """Inconsistencies of the catalogue itself (and, given a source folder, against what the build reads)."""
    problems = []
    if len(BY_PATH) != len(CATALOGUE):
        problems.append("duplicate paths in the catalogue")
    for entry in CATALOGUE:
        if entry.method not in METHODS:
            problems.append(f"{entry.path}: unknown method {entry.method!r}")
        if entry.confidence not in CONFIDENCE:
            problems.append(f"{entry.path}: unknown confidence {entry.confidence!r}")
        if entry.needs_scraping and not entry.link_pattern:
            problems.append(f"{entry.path}: a scraped landing page needs a link pattern")
        if entry.method == "ons_zip_member" and not entry.member_pattern:
            problems.append(f"{entry.path}: a zip member needs a member pattern")
        if not entry.url.startswith("https://"):
            problems.append(f"{entry.path}: official URL must be https ({entry.url})")
        try:
            _ = entry.kind
        except ValueError as exc:
            problems.append(str(exc))
    if source is not None:
        read = {item["path"] for item in source_files.source_manifest(source)} | {geography.LAD21_BOUNDARIES}
        if missing := sorted(read - set(BY_PATH)):
            problems.append(f"files the build reads but the catalogue lacks: {', '.join(missing)}")
        if extra := sorted(set(BY_PATH) - read):
            problems.append(f"catalogue files the build does not read: {', '.join(extra)}")
    return problems
