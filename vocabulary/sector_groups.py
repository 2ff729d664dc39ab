"""Sector groupings people name (the 2017 sector deals, the 2025 Industrial Strategy's eight growth-driving
sectors) as proxies built from the industries ONS's local-authority GVA tables carry.

The official definitions are lists of 4- and 5-digit SIC codes; the local-authority tables go no finer than
SIC divisions and groups of divisions (vocabulary/industries.py). So each grouping here says how well the
industries available cover it, and why, and the app never presents one as the official definition:
- "full": the grouping is exactly a set of industries the tables carry whole;
- "partial": the industries used are inside the grouping, but parts of it cannot be separated out;
- "proxy": the industries used are broader than the grouping (they also hold other activity);
- "not available": the grouping cannot be told apart in these tables at all (no figure is shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Coverage = Literal["full", "partial", "proxy", "not available"]
SECTOR_DEALS_2017 = "2017 Industrial Strategy sector deals"
GROWTH_SECTORS_2025 = "2025 Industrial Strategy growth-driving sectors"
FRAMEWORKS = (GROWTH_SECTORS_2025, SECTOR_DEALS_2017)
COVERAGE_MEANING: dict[str, str] = {
    "full": "exactly industries the tables carry whole",
    "partial": "only part of the grouping can be separated out",
    "proxy": "built from broader industries that also hold other activity",
    "not available": "cannot be told apart in these tables; no figure is shown",
}


@dataclass(frozen=True)
class SectorGroup:
    """One named grouping: the industries (short codes of vocabulary/industries.py) it is built from."""

    key: str
    name: str
    framework: str
    industries: tuple[str, ...]
    coverage: Coverage
    reason: str

    @property
    def label(self) -> str:
        """The name with its coverage, so a proxy is never read as the official definition."""
        return f"{self.name} ({self.coverage})"


SECTOR_GROUPS: tuple[SectorGroup, ...] = (
    SectorGroup(
        "is_advanced_manufacturing",
        "Advanced manufacturing",
        GROWTH_SECTORS_2025,
        ("CI-CL",),
        "proxy",
        "SIC 26-30 (electronics, electrical equipment, machinery, motor vehicles, other transport equipment) as "
        "one block; the strategy picks advanced activities at 4- and 5-digit SIC, inside and beyond 26-30.",
    ),
    SectorGroup(
        "is_clean_energy",
        "Clean energy industries",
        GROWTH_SECTORS_2025,
        ("DE",),
        "proxy",
        "SIC 35-39 (electricity, gas, water, sewerage, waste) as one block: it includes fossil-fuel energy and "
        "water, and misses clean-energy manufacturing and construction.",
    ),
    SectorGroup(
        "is_creative",
        "Creative industries",
        GROWTH_SECTORS_2025,
        ("58-60",),
        "partial",
        "SIC 58-60 (publishing, film, TV, music, broadcasting) only: software (62), advertising (73), design "
        "(74) and the arts (90-91) sit inside broader industries of the tables and cannot be separated.",
    ),
    SectorGroup(
        "is_defence",
        "Defence",
        GROWTH_SECTORS_2025,
        (),
        "not available",
        "Defence spans parts of weapons (25.4), aerospace and military vehicles (30.3, 30.4) and public "
        "administration (84.22); the tables do not separate any of them.",
    ),
    SectorGroup(
        "is_digital",
        "Digital and technologies",
        GROWTH_SECTORS_2025,
        ("61-63",),
        "proxy",
        "SIC 61-63 (telecommunications, computer programming, information services); it misses digital "
        "hardware (26) and includes all of telecoms.",
    ),
    SectorGroup(
        "is_financial",
        "Financial services",
        GROWTH_SECTORS_2025,
        ("K",),
        "proxy",
        "SIC section K (64-66, financial and insurance activities) whole; the strategy's own list of SIC codes "
        "is finer than the tables.",
    ),
    SectorGroup(
        "is_life_sciences",
        "Life sciences",
        GROWTH_SECTORS_2025,
        ("CD-CG", "72-75"),
        "proxy",
        "Pharmaceuticals (21) and research and development (72) sit inside SIC 19-23 (with petroleum, chemicals, "
        "plastics, minerals) and 72-75 (with advertising, design, vets); the blocks are far broader.",
    ),
    SectorGroup(
        "is_professional_business",
        "Professional and business services",
        GROWTH_SECTORS_2025,
        ("M", "N"),
        "proxy",
        "SIC sections M (69-75) and N (77-82) whole: they include activities outside the strategy's list, such "
        "as research, vets, rental and cleaning.",
    ),
    SectorGroup(
        "sd_life_sciences",
        "Life sciences",
        SECTOR_DEALS_2017,
        ("CD-CG", "72-75"),
        "proxy",
        "Pharmaceuticals (21) and research and development (72) sit inside SIC 19-23 and 72-75, which are far broader.",
    ),
    SectorGroup(
        "sd_automotive_aerospace",
        "Automotive and aerospace",
        SECTOR_DEALS_2017,
        ("CI-CL",),
        "proxy",
        "Motor vehicles (29) and aerospace (30.3) are two deals but one block of the tables, SIC 26-30, with "
        "electronics, electrical equipment and machinery.",
    ),
    SectorGroup(
        "sd_creative",
        "Creative industries",
        SECTOR_DEALS_2017,
        ("58-60",),
        "partial",
        "SIC 58-60 (publishing, film, TV, music, broadcasting) only; software, advertising, design and the arts "
        "cannot be separated.",
    ),
    SectorGroup(
        "sd_ai_data",
        "Artificial intelligence and data",
        SECTOR_DEALS_2017,
        ("61-63",),
        "proxy",
        "SIC 61-63 (telecommunications, computer programming, information services), far broader than AI.",
    ),
    SectorGroup(
        "sd_construction",
        "Construction",
        SECTOR_DEALS_2017,
        ("F",),
        "full",
        "SIC section F (41-43) whole: construction of buildings, civil engineering and specialised trades.",
    ),
    SectorGroup(
        "sd_nuclear",
        "Nuclear",
        SECTOR_DEALS_2017,
        (),
        "not available",
        "Nuclear generation, fuel and decommissioning sit inside electricity (35), chemicals (20, 24.46) and "
        "engineering (71) with much else; the tables do not separate them.",
    ),
    SectorGroup(
        "sd_offshore_wind",
        "Offshore wind",
        SECTOR_DEALS_2017,
        (),
        "not available",
        "Offshore wind is not a SIC class: it sits inside electricity (35), construction (42) and manufacturing.",
    ),
    SectorGroup(
        "sd_rail",
        "Rail",
        SECTOR_DEALS_2017,
        ("49-51",),
        "proxy",
        "Land, water and air transport (49-51); rail equipment (30.2) is inside SIC 26-30 and cannot be added.",
    ),
    SectorGroup(
        "sd_tourism",
        "Tourism",
        SECTOR_DEALS_2017,
        ("I",),
        "proxy",
        "Accommodation and food services (55-56): it includes meals and drinks bought by residents, and misses "
        "travel agencies (79) and attractions (91, 93).",
    ),
)
SECTOR_GROUPS_BY_KEY: dict[str, SectorGroup] = {group.key: group for group in SECTOR_GROUPS}
