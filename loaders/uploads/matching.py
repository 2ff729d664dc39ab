"""Your data: match the keys of an uploaded table to the areas of a level, and take the values of the
matched areas. Pure functions (no Streamlit).

Matching never guesses. Codes match exactly (case and spaces aside); names match only after the
deterministic normalisation of loaders.sources.area_names (case, "&"/"and", punctuation, "St."/"St",
", City of"), and a name that matches nothing, several areas, or an area another row already took
is shown as such in the match table for the user to resolve - never silently dropped or picked.

Every step is linear in the number of keys (an upload may hold 50,000 of them, and the page matches
them against each of the seven levels to suggest the best one): names are normalised once, looked
up in a dictionary per level, and clashes are found by grouping, never by a scan per key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from loaders.errors import shorten
from loaders.sources.area_names import NameKeys, classify_names, name_keys
from loaders.uploads.checks import listed
from loaders.uploads.values import UploadedValues

MATCHED = "matched"
CHOSEN = "chosen by you"
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"
DUPLICATE = "duplicate"
LEFT_OUT = "left out"
LEAVE_OUT = "(leave out)"
USABLE = (MATCHED, CHOSEN)
MATCH_COLUMNS = ["uploaded", "name_in_file", "area_code", "official_name", "status", "detail"]


def match_table(
    keys: Iterable[str],
    kind: str,
    reference: Mapping[str, str],
    names_in_file: Mapping[str, str] | None = None,
    precomputed: Mapping[str, NameKeys] | None = None,
) -> pd.DataFrame:
    """One row per distinct uploaded key: uploaded, name_in_file, area_code, official_name,
    status (matched | unmatched | ambiguous | duplicate) and a detail sentence.

    `reference` is code -> official name of the areas a key may match. Codes match exactly after
    upper-casing; names through loaders.sources.area_names.classify_names (deterministic normalisation and
    the documented aliases, never fuzzy); `precomputed` may hold the names' normalised keys."""
    unique = list(dict.fromkeys(k for k in keys if k))
    names_in_file = names_in_file or {}
    ambiguous: dict[str, list[str]] = {}
    if kind == "code":
        upper = {code.upper(): code for code in reference}
        found = {key: upper[key.strip().upper()] for key in unique if key.strip().upper() in upper}
    else:
        found, _, ambiguous = classify_names(unique, reference, keys=precomputed)
    rows = []
    for key in unique:
        code = found.get(key)
        if code is not None:
            rows.append([key, names_in_file.get(key, ""), code, reference[code], MATCHED, ""])
        elif key in ambiguous:
            options = listed([f"{c} {reference[c]}" for c in ambiguous[key]], "; ")
            rows.append([key, names_in_file.get(key, ""), "", "", AMBIGUOUS, f"could be: {options}"])
        else:
            what = "no area of this level has this code" if kind == "code" else "no area of this level has this name"
            rows.append([key, names_in_file.get(key, ""), "", "", UNMATCHED, what])
    return _flag_duplicates(pd.DataFrame(rows, columns=MATCH_COLUMNS))


def match_upload(
    upload: UploadedValues, reference: Mapping[str, str], precomputed: Mapping[str, NameKeys] | None = None
) -> pd.DataFrame:
    """The match table of an upload, with the names the file gives beside its codes (`precomputed`:
    upload_name_keys, so a page that matches one upload at several levels normalises it once)."""
    names = dict(zip(upload.table["key"], upload.table["name"], strict=True)) if upload.key_kind == "code" else {}
    return match_table(upload.table["key"], upload.key_kind, reference, names, precomputed)


def upload_name_keys(upload: UploadedValues) -> dict[str, NameKeys] | None:
    """The normalised keys of an upload's names (None for codes, which need none)."""
    if upload.key_kind != "name":
        return None
    return {key: name_keys(key) for key in dict.fromkeys(upload.table["key"]) if key}


def _flag_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """Two uploaded rows landing on one area cannot both be its value: flag every one of them (the
    detail names at most a few of the rows, each shortened, however many there are)."""
    usable = table["status"].isin(USABLE)
    taken = table["area_code"].where(usable)
    clashing = usable & taken.duplicated(keep=False)
    if not clashing.any():
        return table
    details = {
        code: f"{len(keys)} rows match {code}: " + listed([shorten(key) for key in keys], "; ")
        for code, keys in table.loc[clashing].groupby("area_code", sort=False)["uploaded"]
    }
    table.loc[clashing, "status"] = DUPLICATE
    table.loc[clashing, "detail"] = table.loc[clashing, "area_code"].map(details)
    return table


def apply_choices(table: pd.DataFrame, choices: Mapping[str, str], reference: Mapping[str, str]) -> pd.DataFrame:
    """The match table with the user's own decisions (uploaded key -> code, or LEAVE_OUT) applied,
    then checked again for two rows on one area."""
    out = table.copy()
    clashed = out["status"] == DUPLICATE
    out.loc[clashed, ["status", "detail"]] = [MATCHED, ""]
    chosen = out["uploaded"].map({key: code for key, code in choices.items() if code == LEAVE_OUT or code in reference})
    left_out = chosen == LEAVE_OUT
    out.loc[left_out, ["status", "detail"]] = [LEFT_OUT, "left out by you"]
    picked = chosen.notna() & ~left_out
    if picked.any():
        codes = chosen[picked]
        out.loc[picked, "area_code"] = codes
        out.loc[picked, "official_name"] = codes.map(reference)
        out.loc[picked, ["status", "detail"]] = [CHOSEN, ""]
    return _flag_duplicates(out)


def choice_options(reference: Mapping[str, str]) -> list[str]:
    """What the user may pick for a row of the match table: nothing, leave it out, or an area."""
    return ["", LEAVE_OUT, *(f"{code} {name}" for code, name in reference.items())]


def choices_made(edited: pd.DataFrame, reference: Mapping[str, str]) -> dict[str, str]:
    """{uploaded key: code or LEAVE_OUT} from the match table's "your_choice" column as edited."""
    by_label = {f"{code} {name}": code for code, name in reference.items()}
    picked = edited[edited["your_choice"].fillna("") != ""]
    return {
        key: LEAVE_OUT if choice == LEAVE_OUT else by_label[choice]
        for key, choice in zip(picked["uploaded"], picked["your_choice"], strict=True)
        if choice == LEAVE_OUT or choice in by_label
    }


def match_summary(table: pd.DataFrame, level_noun: str) -> str:
    """'36 of 38 rows matched to LEPs; 1 unmatched, 1 ambiguous.'"""
    counts = table["status"].value_counts()
    usable = int(counts.get(MATCHED, 0) + counts.get(CHOSEN, 0))
    rest = [f"{int(counts[s])} {s}" for s in (UNMATCHED, AMBIGUOUS, DUPLICATE, LEFT_OUT) if counts.get(s, 0)]
    text = f"{usable} of {len(table)} areas in your file matched {level_noun}"
    return text + (f"; {', '.join(rest)} (not mapped until resolved)." if rest else ".")


def suggest_level(
    keys: Sequence[str],
    kind: str,
    references: Mapping[str, Mapping[str, str]],
    current: str,
    precomputed: Mapping[str, NameKeys] | None = None,
) -> tuple[str, int] | None:
    """The level whose areas match most of the keys, when that is not the current level and it
    matches more (so "your codes look like local authorities" can be offered, not assumed). A key
    counts when it matches one area that no other key matched (as "matched" in match_table); names
    are normalised once for all levels. `references` is level -> (code -> name), in the order the
    levels are offered (a tie goes to the current level, then the first)."""
    unique = list(dict.fromkeys(k for k in keys if k))
    if not unique:
        return None
    if kind == "name" and precomputed is None:
        precomputed = {key: name_keys(key) for key in unique}
    scores = {level: _matched_count(unique, kind, reference, precomputed) for level, reference in references.items()}
    best = max(scores, key=lambda level: (scores[level], level == current))
    if best == current or scores[best] <= scores[current]:
        return None
    return best, scores[best]


def _matched_count(
    keys: list[str], kind: str, reference: Mapping[str, str], precomputed: Mapping[str, NameKeys] | None
) -> int:
    if kind == "code":
        upper = {code.upper() for code in reference}
        codes = [key.strip().upper() for key in keys if key.strip().upper() in upper]
    else:
        codes = list(classify_names(keys, reference, keys=precomputed)[0].values())
    return sum(count for count in Counter(codes).values() if count == 1)


def periods_of(upload: UploadedValues, column: str) -> list[int]:
    """Periods of a value column that have at least one value, newest first."""
    rows = upload.table[(upload.table["column"] == column) & upload.table["value"].notna()]
    return sorted({int(p) for p in rows["period"].dropna()}, reverse=True)


def matched_values(upload: UploadedValues, matches: pd.DataFrame, column: str, period: int | None) -> pd.DataFrame:
    """area_code, area_name (official), value, status, uploaded, name_in_file, row for the usable
    matches of one value column and period (every row when the file has no periods)."""
    rows = upload.table[upload.table["column"] == column]
    if period is not None:
        rows = rows[rows["period"] == period]
    usable = matches[matches["status"].isin(USABLE)].set_index("uploaded")
    rows = rows[rows["key"].isin(usable.index)]
    out = pd.DataFrame(
        {
            "area_code": usable.loc[rows["key"], "area_code"].to_numpy(),
            "area_name": usable.loc[rows["key"], "official_name"].to_numpy(),
            "value": rows["value"].to_numpy(dtype=float),
            "status": rows["status"].to_numpy(),
            "uploaded": rows["key"].to_numpy(),
            "name_in_file": rows["name"].to_numpy(),
            "row": rows["row"].to_numpy(),
        }
    )
    return out.sort_values("area_name", ignore_index=True)
