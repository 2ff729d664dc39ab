"""The sector groupings are built only from industries the ONS tables carry, and say how well they cover
what they are named after."""

from __future__ import annotations

from vocabulary.industries import INDUSTRIES
from vocabulary.sector_groups import COVERAGE_MEANING, FRAMEWORKS, SECTOR_GROUPS


def test_every_grouping_is_built_from_known_industries_with_a_stated_coverage() -> None:
    codes = {row.code for row in INDUSTRIES}
    for group in SECTOR_GROUPS:
        assert set(group.industries) <= codes, group.key
        assert group.coverage in COVERAGE_MEANING and group.framework in FRAMEWORKS
        assert (group.coverage == "not available") == (not group.industries), group.key
        assert len(group.reason) > 30, group.key


def test_both_frameworks_are_complete() -> None:
    growth = [g.name for g in SECTOR_GROUPS if g.framework == FRAMEWORKS[0]]
    assert len(growth) == 8  # the 2025 Industrial Strategy's eight growth-driving sectors
    deals = {g.name for g in SECTOR_GROUPS if g.framework == FRAMEWORKS[1]}
    assert {"Life sciences", "Construction", "Nuclear", "Offshore wind", "Rail", "Tourism"} <= deals
    assert len({g.key for g in SECTOR_GROUPS}) == len(SECTOR_GROUPS)


def test_a_grouping_of_parts_of_one_industry_never_double_counts() -> None:
    parents = {row.code: row.parent for row in INDUSTRIES}
    for group in SECTOR_GROUPS:
        for code in group.industries:
            ancestor = parents[code]
            while ancestor is not None:
                assert ancestor not in group.industries, (group.key, code, ancestor)
                ancestor = parents[ancestor]
