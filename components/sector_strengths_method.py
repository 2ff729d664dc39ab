"""The Sector strengths section of Data and methods, as Markdown: industries, shares and quotients, the strength
rule, real growth, the levels built, employment by industry and GVA per job. The build's facts (the ITL3 regions
left out, the BRES years) come from the manifest."""

from __future__ import annotations

from metrics.sectors import STRENGTH_RULE
from vocabulary.industries import FINEST, INDUSTRIES, SECTIONS


def sector_strengths_method(manifest: dict) -> str:
    """The method in a bulleted list, ending where the table of sector groupings follows."""
    left_out_itl3 = "; ".join(
        f"{facts['name']} ({', '.join(facts['straddling_lads'])})"
        for facts in manifest.get("itl3_2021_membership", {}).get("regions_left_out", {}).values()
    )
    jobs_years = "-".join(str(year) for year in manifest.get("industry_gva", {}).get("employment", {}).get("years", []))
    return f"""
- **Industries.** ONS GVA by industry for local authorities has {len(INDUSTRIES)} rows per authority: the total,
  production and services, the SIC sections, six manufacturing sub-sections and groups of divisions. The page
  offers two partitions of the total: the {len(SECTIONS)} sections and the {len(FINEST)} finest industries.
- **Shares and location quotients** are ratios of sums: an area's (or group's) £m in an industry over its total
  £m, over the same ratio for the benchmark economy. England's quotient against England is 1 for every industry.
- **{STRENGTH_RULE}**
- **Real growth** uses ONS's chained volume measures (2022 money); for areas built from several authorities
  their sum, an approximation (chain-linked volumes are not additive).
- **Levels.** Every level is summed from whole local authorities. ITL2 and ITL3 regions use the 2021 codes of
  the map: local authorities are placed in them through the official LAD -> ITL3 (2025) and ITL3 (2021) -> ITL3
  (2025) lookups (the boundary overlay decides where those name two regions). A region that a local authority
  straddles cannot be summed and has no figures: {left_out_itl3}.
- **Employment by industry** is Nomis BRES employment (employees and working owners, workplace-based, rounded by
  Nomis) by SIC section, {jobs_years}, for LEPs, ITL3 regions (NUTS 2016 level 3 = ITL3 2021) and England;
  England excluding London is England minus London LEP. BRES sections are summed into the GVA tables' sections
  (A with B, D with E); U (extraterritorial bodies) counts only in the total. The page shows each industry's share
  of employment, its employment location quotient (against England or England excluding London: BRES has no UK
  figure here) and **GVA per job**, the same year's current-price GVA over BRES employment. That ratio is
  approximate: GVA counts all work, including the self-employed BRES leaves out, so it overstates output per BRES
  job, most where self-employment is common; BRES is a rounded sample survey. Real estate's GVA per job leaves out
  owner-occupiers' imputed rent (no job produces it).
- **Sector groupings** (2025 growth-driving sectors, 2017 sector deals) are proxies built from these industries;
  not one is the official definition:
"""
