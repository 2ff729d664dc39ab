"""How an area is named in a sentence ("North East LEP", "North East (region)"), and a short notice where
an area no longer exists or changed, naming its successors, as ONS's Explore Local Statistics does.

Successors come from the snapshot, not from typing: a LEP's local authorities and the combined
authorities they are in now (the official May 2025 LAD -> CA lookup, in the area table), and the 2021
districts each April 2023 unitary authority replaced (the build's boundary overlay, in the manifest).
"""

from __future__ import annotations

import pandas as pd

from vocabulary.geography import LEVELS

LEP_END = (
    "LEPs lost government support in April 2024; their work passed to combined authorities and upper-tier "
    "councils. Figures are for the LEP's May 2021 area."
)


def area_label(name: str, level: str) -> str:
    """The area's name with what kind of area it is, so "North East" cannot be read as the wrong one."""
    suffix = LEVELS[level].suffix
    if level == "lep" and name.endswith("LEP"):
        return name
    return f"{name}{suffix}"


def _names(areas: pd.DataFrame, level: str) -> dict[str, str]:
    rows = areas[areas["geography"] == level]
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def lep_successors(areas: pd.DataFrame, lep_code: str) -> list[tuple[str | None, list[str]]]:
    """(combined authority name, or None for none, the LEP's LAD names in it), largest first, from the area
    table's LAD -> LEP and LAD -> combined authority (official May 2025 lookup) columns."""
    lads = areas[areas["geography"] == "lad"]
    members = lads[lads["parent_leps"].fillna("").str.split(";").map(lambda codes: lep_code in codes)]
    cauths = _names(areas, "cauth")
    grouped: dict[str | None, list[str]] = {}
    for name, cauth in zip(members["area_name"], members["parent_cauth"].fillna(""), strict=True):
        grouped.setdefault(cauths.get(cauth), []).append(name)
    return sorted(
        ((cauth, sorted(names)) for cauth, names in grouped.items()),
        key=lambda item: (item[0] is None, -len(item[1]), item[0] or ""),
    )


def _lep_parts(successors: list[tuple[str | None, list[str]]]) -> list[str]:
    total = sum(len(names) for _, names in successors)
    parts = []
    for cauth, names in successors:
        share = f"all {total}" if len(names) == total else f"{len(names)} of {total}"
        if cauth is not None:
            parts.append(f"in {cauth} combined authority ({share})")
        elif len(names) <= 8:
            parts.append(f"in no combined authority ({share}: {_listing(names)})")
        else:
            parts.append(f"in no combined authority ({share})")
    return parts


def area_notice(code: str, level: str, areas: pd.DataFrame, manifest: dict) -> str | None:
    """The notice for an area that ended or changed, or None."""
    if level == "lep":
        name = area_label(_names(areas, "lep").get(code, code), "lep")
        parts = _lep_parts(lep_successors(areas, code))
        if not parts:
            return f"{name}: {LEP_END}"
        return f"{name}: {LEP_END} Its local authorities now: {'; '.join(parts)}."
    if level == "lad":
        successor = manifest.get("lad_2023_successors", {}).get("successors", {}).get(code)
        if not successor:
            return None
        replaced = [entry["name"] for entry in successor["replaced"]]
        text = (
            f"{successor['name']} was created in April 2023 from {_listing(replaced)}. ONS gives its GVA, "
            "productivity and population for the new area back to the first year."
        )
        dropped = set(manifest.get("nomis_ladu_names_dropped_abolished_2023", []))
        if dropped & set(replaced):
            text += (
                " The Nomis extracts (APS, business counts) follow the 2021 districts, so they have no figures for it."
            )
        return text
    return None


def regions_left_out(level: str, manifest: dict) -> dict[str, dict]:
    """The 2021 ITL2/ITL3 regions a local authority straddles (code -> name, straddling_lads), which figures
    summed from whole authorities cannot cover (the build's facts)."""
    return manifest.get(f"{level}_2021_membership", {}).get("regions_left_out", {})


def regions_left_out_note(level: str, manifest: dict) -> str | None:
    """Under a map of figures summed from local authorities: the regions with none, and why; None if none."""
    left_out = regions_left_out(level, manifest)
    if not left_out:
        return None
    names = "; ".join(
        f"{facts['name']} ({', '.join(facts['straddling_lads'])} partly inside)" for facts in left_out.values()
    )
    return (
        f"No figures for {names}: ONS's local-authority GVA cannot be split between {LEVELS[level].plural}, so "
        "these regions cannot be summed from whole authorities (see Data and methods)."
    )
