"""The shell's part of the Your data page: what a session remembers of its uploaded files, and the widgets
over their contents (a column to use, the match table). Parsing and matching an upload is costly, so its
results are kept per session, bounded in number and dropped with the file they came from
(session_memory.py gives the memory back)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from components.plain_text import plain
from shell.session_memory import release_memory

MEMO, MEMO_FILES = "your_data_memo", "your_data_memo_files"
MEMO_ENTRIES = 16


def remembered(key: tuple[Hashable, ...], build: Callable[[], Any]) -> Any:
    """Build once per session and inputs: parsing and matching an upload is not redone on reruns. What a
    session keeps is bounded: at most MEMO_ENTRIES results (the least recently used go first), and none
    made from a file the session no longer has (see forget_replaced_files)."""
    store = st.session_state.setdefault(MEMO, {})
    if key in store:
        store[key] = store.pop(key)  # most recently used last
    else:
        while len(store) >= MEMO_ENTRIES:
            store.pop(next(iter(store)))
        store[key] = build()
        if key[0] in ("values", "bounds"):  # parsing a file leaves its peak in the heap: give it back
            release_memory()
    return store[key]


def forget_replaced_files(*files: Any) -> None:
    """Drop every remembered result made from an upload that is no longer in its uploader (removed or
    replaced), and give the memory back: the session holds its current files' results only."""
    live = {file.file_id for file in files if file is not None}
    seen = st.session_state.setdefault(MEMO_FILES, set())
    gone = seen - live
    seen.clear()
    seen.update(live)
    if gone:
        store = st.session_state.setdefault(MEMO, {})
        for key in [key for key in store if gone & set(key)]:
            del store[key]
        release_memory()


def choose(label: str, options: Sequence[Any], default: Any, key: str, **kwargs: Any) -> Any:
    """A selectbox over options that come from a file: a stale choice falls back to the default."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]
    return st.selectbox(label, options, key=key, **kwargs)


def show_notes(title: str, notes: Sequence[str]) -> None:
    if notes:
        with st.expander(f"{title} ({len(notes)})"):
            st.markdown("\n".join(f"- {plain(note)}" for note in notes))


def read_values_file(values_file: Any, column_slot: Any) -> Any:
    """The uploaded values (UploadedValues), read once per file and key column, or None after showing the
    error that names the file and the problem. A menu in `column_slot` lets the user pick the key column."""
    # Imported here: the upload readers need the geospatial extra, which the page checks for first.
    from loaders import uploads
    from loaders.uploads import safe_reading

    token = values_file.file_id  # the bytes are read only when a result is not remembered (no copy per rerun)
    first, error = remembered(
        ("values", token, None),
        lambda: safe_reading.read_safely(uploads.read_values_upload, values_file.name, values_file.getvalue()),
    )
    if error is None:
        default_key = first.key_column
        with column_slot:
            key_column = choose("Areas are in column", list(first.columns), default_key, "your_data_key_column")
        if key_column == default_key:
            return first
        upload, error = remembered(
            ("values", token, key_column),
            lambda: safe_reading.read_safely(
                uploads.read_values_upload, values_file.name, values_file.getvalue(), key_column=key_column
            ),
        )
        if error is None:
            return upload
    st.error(plain(error))
    return None


def read_boundary_file(boundary_file: Any, field_slot: Any) -> Any:
    """The uploaded boundaries (MapBoundaries), read once per file and code field, or None after showing the
    error; when the file has several candidate code fields, a menu in `field_slot` asks which one."""
    from loaders import uploads
    from loaders.uploads import safe_reading

    field_key = f"your_data_code_field_{boundary_file.file_id}"
    code_field = st.session_state.get(field_key)
    boundaries, error = remembered(
        ("bounds", boundary_file.file_id, code_field),
        lambda: safe_reading.boundaries_for_map(boundary_file.name, boundary_file.getvalue(), code_field),
    )
    if error is None:
        with field_slot:
            show_notes("Notes on your boundaries", boundaries.notes)
        return boundaries
    st.error(plain(error))  # the values (if any) are still mapped on the official boundaries
    if isinstance(error, uploads.FieldChoiceError) and error.fields:
        with field_slot:
            st.selectbox(
                "Which field holds the area codes?", error.fields, key=field_key, index=None, placeholder="Pick a field"
            )
    return None


def match_editor(matches: pd.DataFrame, choices: Sequence[str], key: str) -> pd.DataFrame:
    """The match table, where the user resolves a row by choosing an official area in its last column."""
    from loaders.uploads.matching import MATCH_COLUMNS

    return st.data_editor(
        # an empty cell is blank (the grid's own placeholder would read "None"); a choice is made in it
        matches.assign(your_choice=None),
        hide_index=True,
        disabled=MATCH_COLUMNS,
        placeholder="",
        key=key,
        column_config={
            "uploaded": st.column_config.TextColumn("In your file"),
            "name_in_file": st.column_config.TextColumn("Name in your file"),
            "area_code": st.column_config.TextColumn("Official code"),
            "official_name": st.column_config.TextColumn("Official name"),
            "status": st.column_config.TextColumn("Status"),
            "detail": st.column_config.TextColumn("Why"),
            "your_choice": st.column_config.SelectboxColumn("Your choice (to resolve a row)", options=choices),
        },
    )
