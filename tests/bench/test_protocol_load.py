"""The protocol load client: the BackMsg it sends (widget states, page), how it reads the server's ForwardMsgs
(widgets, pages, errors, the end of a run), how a walk step changes a session, and the summary's arithmetic."""

from __future__ import annotations

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.protocol_load import Action, Session, Widget, apply, read, rerun_message, summary


def session_with(*widgets: Widget) -> Session:
    session = Session(pages={"Overview": "h1", "Targets": "h2"}, page="Overview")
    session.widgets = {widget.label: widget for widget in widgets}
    return session


def test_a_rerun_carries_the_page_and_every_widget_state() -> None:
    session = session_with()
    session.page = "Targets"
    session.states = {"w1": ("string_value", "Cheshire and Warrington"), "w2": ("string_array_value", ["a", "b"])}
    message = BackMsg.FromString(rerun_message(session, "level=lad"))
    client = message.rerun_script
    assert client.page_script_hash == "h2" and client.query_string == "level=lad"
    states = {state.id: state for state in client.widget_states.widgets}
    assert states["w1"].string_value == "Cheshire and Warrington"
    assert list(states["w2"].string_array_value.data) == ["a", "b"]


def test_a_step_picks_an_option_other_than_the_shown_one_or_the_one_named() -> None:
    area = Widget("w-area", "selectbox", "Area", ["North East", "Cheshire and Warrington", "London"], "North East")
    level = Widget("w-level", "selectbox", "Geography", ["LEPs", "ITL1 regions", "Local authority districts"], "LEPs")
    session = session_with(area, level)
    assert apply(Action("pick", widget="Area", option=1), session) is None
    assert session.states["w-area"] == ("string_value", "London")
    assert apply(Action("level", widget="Geo", choose="Local authority"), session) is None
    assert session.states["w-level"] == ("string_value", "Local authority districts")


def test_a_multiselect_step_adds_to_the_chosen_options() -> None:
    chosen = Widget("w-c", "multiselect", "Comparators (up to 7)", ["A", "B", "C"], ["A"])
    session = session_with(chosen)
    session.states["w-c"] = ("string_array_value", ["A"])
    assert apply(Action("add", widget="Comparators", option=0), session) is None
    assert session.states["w-c"] == ("string_array_value", ["A", "B"])


def test_a_step_that_cannot_be_taken_says_why_and_changes_nothing() -> None:
    session = session_with(Widget("w", "selectbox", "Area", ["Only"], "Only"))
    assert "no page 'Nowhere'" in (apply(Action("go", page="Nowhere"), session) or "")
    assert "no widget labelled 'Measure'" in (apply(Action("m", widget="Measure"), session) or "")
    assert "no other option" in (apply(Action("a", widget="Area"), session) or "")
    assert session.states == {} and session.page == "Overview"


def _finished(status: int) -> bytes:
    message = ForwardMsg()
    message.script_finished = status
    return message.SerializeToString()


def test_reading_the_stream_records_widgets_pages_and_errors_and_ends_at_script_finished() -> None:
    session, run = Session(), {"widgets": {}}
    navigation = ForwardMsg()
    page = navigation.navigation.app_pages.add()
    page.page_name, page.page_script_hash = "Manufacturing", "hash-m"
    navigation.navigation.page_script_hash = "hash-m"
    assert read(navigation.SerializeToString(), session, run) is False
    assert session.pages == {"Manufacturing": "hash-m"} and session.page == "Manufacturing"
    box = ForwardMsg()
    box.delta.new_element.selectbox.id = "w1"
    box.delta.new_element.selectbox.label = "Area"
    box.delta.new_element.selectbox.options.extend(["A", "B"])
    box.delta.new_element.selectbox.default = 1
    read(box.SerializeToString(), session, run)
    assert run["widgets"]["Area"].id == "w1" and run["widgets"]["Area"].value == "B"
    failure = ForwardMsg()
    failure.delta.new_element.exception.type = "KeyError"
    failure.delta.new_element.exception.message = "boom"
    read(failure.SerializeToString(), session, run)
    assert session.problems == ["exception: KeyError: boom"]
    assert read(_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN), session, run) is False  # a newer run follows
    assert read(_finished(ForwardMsg.FINISHED_SUCCESSFULLY), session, run) is True


def test_the_summary_counts_reruns_errors_and_percentiles_of_the_steps() -> None:
    results = [
        {"session": 0, "step": "open", "seconds": 3.0},
        *({"session": 0, "step": "pick", "seconds": s / 10} for s in range(1, 21)),  # 0.1 ... 2.0 s
        {"session": 1, "step": "pick", "error": "no widget"},
    ]
    out = summary(results, wall_s=7.0)
    assert out["reruns"] == 21 and out["reruns_per_s"] == 3.0
    assert out["p50_s"] == pytest.approx(1.05) and out["p95_s"] == pytest.approx(1.9)
    assert out["open_p50_s"] == 3.0 and out["errors"] == 1
