"""Area groups' yearly values, once per server process and shared by its sessions (read-only).

The Targets page lists each group's latest values of a few indicators; a group's values are sums over its
member areas' rows (metrics.groups.group_series, 5-15 ms per group and indicator here). The preset groups are the
same for every visitor, so the warm-up builds theirs before the first request (shell/warm_up.py: about 0.1 s and
ten short series), and the first visit to Targets no longer pays for them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.targets import PRESET_GROUPS
from metrics.groups import AreaGroup, GroupError, group_series
from shell.snapshot_cache import cached_snapshot

SUMMARY_INDICATORS = ("gva_per_hour", "gva_per_job", "employment_rate_16_64", "filled_jobs", "manufacturing_gva_share")


@st.cache_resource(show_spinner=False, max_entries=512)
def group_values(group: AreaGroup, indicator: str, snapshot_id: str) -> pd.Series:
    """The group's yearly values of `indicator` (raises GroupError where they cannot be built)."""
    del snapshot_id  # in the key: a new snapshot gets new values
    snapshot = cached_snapshot()
    return group_series(group, indicator, snapshot.rows, snapshot.areas)


def warm_group_values() -> int:
    """The preset groups' summary values into the cache; returns how many could be built."""
    snapshot_id = cached_snapshot().manifest["snapshot_id"]
    built = 0
    for group in PRESET_GROUPS:
        for indicator in SUMMARY_INDICATORS:
            try:
                group_values(group, indicator, snapshot_id)
            except GroupError:
                continue
            built += 1
    return built
