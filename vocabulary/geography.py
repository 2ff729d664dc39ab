"""Geography levels and benchmarks: the words for each, their codes, and their order in menus.

A level is one of the snapshot's geographies: the seven kinds of area a user picks (LEPs, ITL1/2/3, LADs,
combined authorities, regions) and the three reference geographies whose rows are benchmarks (UK, the four
countries, England excluding London). A benchmark is what an area is compared with: three official
aggregates and the median area of the chosen level, computed on the fly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One geography level of the snapshot and the words for it."""

    key: str  # the snapshot's `geography` value and the `?level=` in a share link
    label: str  # menu and chart-subtitle label: "Local enterprise partnerships (2021)"
    noun: str  # one area, in a sentence: "LEP", "local authority"
    plural: str  # several areas: "LEPs", "local authorities"
    short: str  # a tag after an area's name where levels mix (Compare areas): "LEP", "LAD"
    suffix: str  # after a name so it cannot be read as another kind of area: " LEP", " (region)"
    code_pattern: str  # the official codes of its areas (GSS or ITL), as a regular expression
    pickable: bool = True  # offered as a map level; the reference geographies are not

    def owns(self, code: str) -> bool:
        """Whether `code` has the form of this level's area codes (e.g. E37000001 for a LEP)."""
        return re.fullmatch(self.code_pattern, code) is not None


# Areas a user picks, in menu order (the first is the app's default level).
LEP = Level("lep", "Local enterprise partnerships (2021)", "LEP", "LEPs", "LEP", " LEP", r"E37\d{6}")
ITL1 = Level("itl1", "ITL1 regions and nations", "ITL1 region", "ITL1 regions", "ITL1", " (ITL1 region)", r"TL[C-N]")
ITL2 = Level("itl2", "ITL2 regions", "ITL2 region", "ITL2 regions", "ITL2", " (ITL2 region)", r"TL[C-N]\d")
ITL3 = Level("itl3", "ITL3 regions", "ITL3 region", "ITL3 regions", "ITL3", " (ITL3 region)", r"TL[C-N]\d[0-9A-Z]")
LAD = Level(
    "lad",
    "Local authority districts (2023)",
    "local authority",
    "local authorities",
    "LAD",
    " (local authority)",
    r"(E06|E07|E08|E09|W06|S12|N09)\d{6}",
)
CAUTH = Level(
    "cauth",
    "Combined authorities (2025)",
    "combined authority",
    "combined authorities",
    "combined authority",
    " (combined authority)",
    r"E47\d{6}",
)
RGN = Level("rgn", "English regions", "region", "English regions", "region", " (region)", r"E12\d{6}")
AREA_LEVELS: tuple[Level, ...] = (LEP, ITL1, ITL2, ITL3, LAD, CAUTH, RGN)

# Reference geographies: the rows benchmarks are read from.
UK_LEVEL = Level("uk", "United Kingdom", "UK", "UK", "UK", "", r"K02\d{6}", pickable=False)
COUNTRY = Level("country", "Countries", "country", "countries", "country", "", r"[ENSW]92\d{6}", pickable=False)
BENCHMARK_LEVEL = Level(
    "benchmark", "Benchmarks", "benchmark", "benchmarks", "benchmark", "", r"ENG_EXCL_LONDON", pickable=False
)
REFERENCE_LEVELS: tuple[Level, ...] = (UK_LEVEL, COUNTRY, BENCHMARK_LEVEL)

# Every level by key: references first, then areas in menu order (the order Compare areas lists them).
LEVELS: dict[str, Level] = {level.key: level for level in (*REFERENCE_LEVELS, *AREA_LEVELS)}
AREA_LEVEL_KEYS: tuple[str, ...] = tuple(level.key for level in AREA_LEVELS)


def level(key: str) -> Level:
    """The level called `key` (KeyError names it if there is none)."""
    try:
        return LEVELS[key]
    except KeyError:
        raise KeyError(f"no geography level {key!r}; the levels are {', '.join(LEVELS)}") from None


@dataclass(frozen=True)
class Benchmark:
    """Something an area is compared with."""

    code: str  # the area code of its rows in the snapshot, or MEDIAN
    name: str  # "England excluding London"
    geography: str | None  # the snapshot geography holding its rows; None when computed (the median)


UK = "K02000001"
ENGLAND = "E92000001"
ENGLAND_EXCL_LONDON = "ENG_EXCL_LONDON"
MEDIAN = "median"
LONDON_ITL1 = "TLI"  # the ITL1 region England excluding London leaves out

# In menu order: the default benchmark first.
BENCHMARKS: dict[str, Benchmark] = {
    benchmark.code: benchmark
    for benchmark in (
        Benchmark(ENGLAND_EXCL_LONDON, "England excluding London", BENCHMARK_LEVEL.key),
        Benchmark(ENGLAND, "England", COUNTRY.key),
        Benchmark(UK, "United Kingdom", UK_LEVEL.key),
        Benchmark(MEDIAN, "Median area of this level", None),
    )
}
# The three published aggregates (the median is computed per level).
OFFICIAL_BENCHMARKS: tuple[Benchmark, ...] = tuple(b for b in BENCHMARKS.values() if b.geography is not None)


def benchmark(code: str) -> Benchmark:
    """The benchmark with this code (KeyError names it if there is none)."""
    try:
        return BENCHMARKS[code]
    except KeyError:
        raise KeyError(f"no benchmark {code!r}; the benchmarks are {', '.join(BENCHMARKS)}") from None


def benchmark_name(code: str) -> str:
    """An official benchmark's name ("England"); the median's name depends on the level, see median_name."""
    return benchmark(code).name


def median_name(level_key: str) -> str:
    """'the median LEP': the median benchmark named for a level."""
    return f"the median {level(level_key).noun}"


OFFICIAL_BENCHMARK_CODES: tuple[str, ...] = tuple(b.code for b in OFFICIAL_BENCHMARKS)
