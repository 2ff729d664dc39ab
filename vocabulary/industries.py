"""Industries of ONS "Regional gross value added (balanced) by industry: local authorities by ITL1 region".

The twelve workbooks (one per ITL1 region) carry the same 49 rows for every local authority: the total,
two broad sectors (production A-E, services G-T), the SIC 2007 sections or section groups (AB, C, DE, F,
G ... T), the six manufacturing sub-sections (CA-CB ... CM) and groups of divisions (41, 61-63, 68IMP ...).
Each is defined here once; the app's short code (e.g. "CD-CG") is the file's SIC07 cell without its
bracketed divisions (the file writes "CD-CG (19-23)"), and the label is ONS's SIC07 description.

Two partitions of the total follow from the parent links: SECTIONS (the sections and section groups) and
FINEST (the industries no other row splits). Both sum to the total up to ONS's rounding of each £m.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "all"
BROAD_SECTOR = "broad sector"
SECTION = "section"
SUB_SECTION = "sub-section"
DIVISION_GROUP = "division group"
KINDS = (ALL, BROAD_SECTOR, SECTION, SUB_SECTION, DIVISION_GROUP)


@dataclass(frozen=True)
class Industry:
    """One industry row of the ONS local-authority GVA tables."""

    code: str  # the app's short code: "Total", "A-E", "C", "CD-CG", "61-63", "68IMP"
    file_code: str  # the SIC07 cell exactly as the workbooks write it: "CD-CG (19-23)"
    label: str  # ONS's SIC07 description: "Manufacture of petroleum, chemicals and other minerals"
    sic: str  # SIC 2007 divisions covered, in the files' notation: "19-23" (file_code's brackets, or the code)
    kind: str  # one of KINDS
    parent: str | None  # the code of the row it is part of (None for the total)


def _row(file_code: str, label: str, kind: str, parent: str | None, sic: str | None = None) -> Industry:
    code, _, bracket = file_code.partition(" ")
    return Industry(code, file_code, label, sic or bracket.strip("()") or code, kind, parent)


# In the workbooks' row order. The SIC ranges of Total, A-E and G-T are not in the files: they are the
# divisions of SIC 2007 sections A-T (01-98), A-E (01-39) and G-T (45-98), written like the files' "1-9".
INDUSTRIES: tuple[Industry, ...] = (
    _row("Total", "All industries", ALL, None, "1-98"),
    _row("A-E", "Production sector", BROAD_SECTOR, "Total", "1-39"),
    _row("AB (1-9)", "Agriculture, forestry and fishing; mining and quarrying", SECTION, "A-E"),
    _row("C (10-33)", "Manufacturing", SECTION, "A-E"),
    _row("CA-CB (10-15)", "Manufacture of food, beverages, textiles and clothing", SUB_SECTION, "C"),
    _row("CC (16-18)", "Manufacture of wood and paper products and printing", SUB_SECTION, "C"),
    _row("CD-CG (19-23)", "Manufacture of petroleum, chemicals and other minerals", SUB_SECTION, "C"),
    _row("CH (24-25)", "Manufacture of basic and fabricated metal products", SUB_SECTION, "C"),
    _row("CI-CL (26-30)", "Manufacture of electrical products and machinery", SUB_SECTION, "C"),
    _row("CM (31-33)", "Other manufacturing, repair and installation", SUB_SECTION, "C"),
    _row("DE (35-39)", "Electricity, gas, water; sewerage and waste management", SECTION, "A-E"),
    _row("F (41-43)", "Construction", SECTION, "Total"),  # neither production nor services
    _row("41", "Construction of buildings", DIVISION_GROUP, "F"),
    _row("42", "Civil engineering", DIVISION_GROUP, "F"),
    _row("43", "Specialised construction activities", DIVISION_GROUP, "F"),
    _row("G-T", "Services sector", BROAD_SECTOR, "Total", "45-98"),
    _row("G (45-47)", "Wholesale and retail trade; repair of motor vehicles", SECTION, "G-T"),
    _row("45", "Motor trades", DIVISION_GROUP, "G"),
    _row("46", "Wholesale trade", DIVISION_GROUP, "G"),
    _row("47", "Retail trade", DIVISION_GROUP, "G"),
    _row("H (49-53)", "Transportation and storage", SECTION, "G-T"),
    _row("49-51", "Land, water and air transport", DIVISION_GROUP, "H"),
    _row("52-53", "Warehousing, transport support, postal and courier activities", DIVISION_GROUP, "H"),
    _row("I (55-56)", "Accommodation and food service activities", SECTION, "G-T"),
    _row("J (58-63)", "Information and communication", SECTION, "G-T"),
    _row("58-60", "Publishing; film and TV production and broadcasting", DIVISION_GROUP, "J"),
    _row("61-63", "Telecommunications; information technology", DIVISION_GROUP, "J"),
    _row("K (64-66)", "Financial and insurance activities", SECTION, "G-T"),
    _row("L (68)", "Real estate activities", SECTION, "G-T"),
    _row("68IMP", "Owner-occupiers' imputed rental", DIVISION_GROUP, "L", "68"),  # part of division 68
    _row("68", "Real estate activities, excluding imputed rental", DIVISION_GROUP, "L"),
    _row("M (69-75)", "Professional, scientific and technical activities", SECTION, "G-T"),
    _row("69", "Legal and accounting activities", DIVISION_GROUP, "M"),
    _row("70", "Head offices and management consultancy", DIVISION_GROUP, "M"),
    _row("71", "Architectural and engineering activities", DIVISION_GROUP, "M"),
    _row("72-75", "Other professional, scientific and technical activities", DIVISION_GROUP, "M"),
    _row("N (77-82)", "Administrative and support service activities", SECTION, "G-T"),
    _row("77", "Rental and leasing activities", DIVISION_GROUP, "N"),
    _row("78-80", "Employment activities; tourism and security services", DIVISION_GROUP, "N"),
    _row("81", "Services to buildings and landscape activities", DIVISION_GROUP, "N"),
    _row("82", "Office administration and business support activities", DIVISION_GROUP, "N"),
    _row("O (84)", "Public administration and defence", SECTION, "G-T"),
    _row("P (85)", "Education", SECTION, "G-T"),
    _row("Q (86-88)", "Human health and social work activities", SECTION, "G-T"),
    _row("R (90-93)", "Arts, entertainment and recreation", SECTION, "G-T"),
    _row("S (94-96)", "Other service activities", SECTION, "G-T"),
    _row("94-95", "Membership organisations; repair of household goods", DIVISION_GROUP, "S"),
    _row("96", "Other personal service activities", DIVISION_GROUP, "S"),
    _row("T (97-98)", "Activities of households", SECTION, "G-T"),
)
BY_CODE: dict[str, Industry] = {row.code: row for row in INDUSTRIES}
TOTAL = BY_CODE["Total"]
MANUFACTURING = BY_CODE["C"]
MANUFACTURING_SUBSECTIONS: tuple[Industry, ...] = tuple(row for row in INDUSTRIES if row.parent == "C")


def children(code: str) -> tuple[Industry, ...]:
    """The rows directly under `code` (the sections of a broad sector, the sub-sections of C ...)."""
    return tuple(row for row in INDUSTRIES if row.parent == code)


# The sections and section groups: AB, C, DE, F, G ... T (18 rows, no overlap, together the total).
SECTIONS: tuple[Industry, ...] = tuple(row for row in INDUSTRIES if row.kind == SECTION)
# The finest rows: those no other row splits (37 rows, no overlap, together the total).
FINEST: tuple[Industry, ...] = tuple(row for row in INDUSTRIES if row.kind != ALL and not children(row.code))


def industry(code: str) -> Industry:
    """The industry with this short code ("CD-CG"); KeyError naming the code if there is none."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"no industry with code {code!r} (codes: {', '.join(BY_CODE)})") from None
