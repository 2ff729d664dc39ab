"""The user's own area groups and targets: kept in the session and carried in the link (?plan=...)."""

from __future__ import annotations

import streamlit as st

from components.plain_text import plain
from components.targets import PlanFileError, decode_from_link, encode_for_link, plan_from_json, plan_to_json
from loaders.snapshot import Snapshot
from metrics.groups import AreaGroup
from metrics.targets import Target

PLAN_PARAM = "plan"


def area_levels(snapshot: Snapshot) -> dict[str, str]:
    return dict(zip(snapshot.areas["area_code"], snapshot.areas["geography"], strict=True))


def user_plan(snapshot: Snapshot) -> tuple[list[AreaGroup], list[Target]]:
    """The user's groups and targets; on the first run of a session they come from the link."""
    if "plan_groups" not in st.session_state:
        groups, targets = [], []
        token = st.query_params.get(PLAN_PARAM)
        if token:
            try:
                groups, targets = plan_from_json(decode_from_link(token), area_levels(snapshot), set(snapshot.metadata))
            except PlanFileError as exc:
                st.toast(f"The groups and targets in this link could not be read ({plain(exc)}); starting empty.")
        st.session_state["plan_groups"], st.session_state["plan_targets"] = groups, targets
    return st.session_state["plan_groups"], st.session_state["plan_targets"]


def save_plan(groups: list[AreaGroup], targets: list[Target]) -> None:
    """Store the plan and mirror it into the link, so a copied URL carries it."""
    st.session_state["plan_groups"], st.session_state["plan_targets"] = list(groups), list(targets)
    if groups or targets:
        st.query_params[PLAN_PARAM] = encode_for_link(plan_to_json(groups, targets))
    else:
        st.query_params.pop(PLAN_PARAM, None)
