"""Match Nomis area labels (no GSS codes: "lep:North East", "ladu:Hartlepool") to GSS codes by name.

Matching is deterministic: both sides are normalised (case, "&"/"and", punctuation, whitespace,
"St."/"St", ", City of" forms, "English / Welsh" double names), then compared exactly. Genuine
differences between Nomis names and the official boundary names are listed in ALIASES; nothing is
fuzzy-matched, and any name that matches no code or more than one raises NameMatchError.

Findings for the Nomis extracts in shared/data (APS T01/T19/T13a, UK Business Counts, BRES CSVs):

* `lep:` names are the 38 LEPs of May 2021 (LEP_MAY_2021_EN_BUC, LEP21CD/LEP21NM); two Nomis names
  differ from the ONS names (see ALIASES).
* `ladu:` names follow the December 2021 LAD set (LAD21CD/LAD21NM, identical to the 2022 set): all
  309 English 2021 districts (e.g. Allerdale, Craven, Mendip, which were abolished in April 2023) plus
  Wales and Scotland - 363 per period in APS, 374 in UK Business Counts (which adds Northern
  Ireland). Only "Rhondda Cynon Taff" needs an alias. They do not match the 2023 LAD set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import SourceFormatError

# Nomis name -> official ONS name, for names that differ beyond normalisation. Each entry is a
# real difference between Nomis' labels and the ONS boundary files, checked against them.
ALIASES: dict[str, str] = {
    # Nomis still uses the LEP's earlier name; ONS May 2021: E37000043 "Buckinghamshire".
    "Buckinghamshire Thames Valley": "Buckinghamshire",
    # Nomis label for ONS May 2021 E37000061 "Hull and East Yorkshire".
    "Hull and East Riding": "Hull and East Yorkshire",
    # ONS December 2022 renamed E37000054 (same area) - lets LEP22 names be used as reference too.
    "Sheffield City Region": "South Yorkshire",
    # Nomis spelling of W06000016 (ONS: "Rhondda Cynon Taf").
    "Rhondda Cynon Taff": "Rhondda Cynon Taf",
}

_OF_SUFFIX = re.compile(r"^(.*?),\s*(city|county) of$")
_SAINT = re.compile(r"\bst\.?(?=\s)")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


class NameMatchError(SourceFormatError):
    """Some area names matched no code, or more than one. Lists every such name."""

    def __init__(self, source: str | Path, unmatched: list[str], ambiguous: dict[str, list[str]]) -> None:
        self.unmatched = unmatched
        self.ambiguous = ambiguous
        parts = []
        if unmatched:
            parts.append(f"{len(unmatched)} area name(s) match no code: {unmatched}")
        if ambiguous:
            listed = "; ".join(f"'{name}' -> {codes}" for name, codes in ambiguous.items())
            parts.append(f"{len(ambiguous)} area name(s) match several codes: {listed}")
        super().__init__(source, "; ".join(parts))


def normalise_area_name(name: str) -> str:
    """A comparison key: "Kingston upon Hull, City of" and "City of Kingston upon Hull" ->
    "city of kingston upon hull"; "St. Helens" -> "st helens"; "Brighton & Hove" -> "brighton and hove".

    "City of"/"County of" is moved, not dropped, so "City of London" never equals the LEP "London".

    Hyphens become spaces ("Stoke-on-Trent" == "Stoke on Trent") and accents are dropped ("Môn").
    """
    if not name.isascii():  # (NFKD leaves ASCII as it is: skip the per-character pass)
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    text = name.lower().strip()
    text = text.replace("&", " and ").replace("\u2019", "'")
    text = _SPACES.sub(" ", text)
    text = _OF_SUFFIX.sub(r"\2 of \1", text)
    text = _SAINT.sub("st", text)
    text = text.replace("'", "")
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class NameKeys:
    """What a name is looked up by: its keys and its whole normalised form (for ALIASES). Computed
    once per name, so one list of names can be matched against several references."""

    keys: frozenset[str]
    whole: str


def name_keys(name: str) -> NameKeys:
    """All keys a name may be found under: the whole name and, for "English / Welsh" double names
    such as "Isle of Anglesey / Ynys Môn", each half."""
    whole = normalise_area_name(name)
    keys = {whole}
    if "/" in name:
        keys |= {normalise_area_name(part) for part in name.split("/") if part.strip()}
    return NameKeys(frozenset(keys - {""}), whole)


def _index(reference: Mapping[str, str]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for code, official in reference.items():
        for key in name_keys(official).keys:
            index.setdefault(key, set()).add(code)
    return index


def _codes_for(name: NameKeys, index: Mapping[str, set[str]], alias_keys: Mapping[str, str]) -> set[str]:
    """Codes of a name: direct keys first, the alias only if the name itself matches nothing."""
    codes: set[str] = set()
    for key in name.keys:
        codes |= index.get(key, set())
    if codes:
        return codes
    target = alias_keys.get(name.whole)
    return set().union(*(index.get(key, set()) for key in name_keys(target).keys)) if target else set()


def classify_names(
    names: Iterable[str],
    reference: Mapping[str, str],
    *,
    aliases: Mapping[str, str] = ALIASES,
    keys: Mapping[str, NameKeys] | None = None,
) -> tuple[dict[str, str], list[str], dict[str, list[str]]]:
    """({name: code} for names with exactly one code, names with none, {name: codes} for names with
    several), in one pass: linear in the number of names. `keys` may hold names' precomputed keys."""
    index = _index(reference)
    alias_keys = {normalise_area_name(k): v for k, v in aliases.items()}
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    ambiguous: dict[str, list[str]] = {}
    for name in dict.fromkeys(names):
        looked_up = keys[name] if keys is not None and name in keys else name_keys(name)
        codes = _codes_for(looked_up, index, alias_keys)
        if len(codes) == 1:
            matched[name] = next(iter(codes))
        elif codes:
            ambiguous[name] = sorted(codes)
        else:
            unmatched.append(name)
    return matched, unmatched, ambiguous


def match_codes(
    names: Iterable[str],
    reference: Mapping[str, str],
    *,
    aliases: Mapping[str, str] = ALIASES,
    source: str | Path = "area names",
) -> dict[str, str]:
    """{name: code} for every name, using `reference` (code -> official name).

    Raises NameMatchError listing every name that matches no code or several codes; `source` names
    the file the names came from in that message.
    """
    matched, unmatched, ambiguous = classify_names(names, reference, aliases=aliases)
    if unmatched or ambiguous:
        raise NameMatchError(source, unmatched, ambiguous)
    return matched
