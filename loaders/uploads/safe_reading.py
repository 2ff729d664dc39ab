"""Your data: read an upload without ever raising. The readers' SourceFormatError is passed back, anything
unforeseen becomes one with a plain sentence naming the file, so the page shows a message, never a traceback;
an uploaded boundary file is kept only as its areas and the map's compact copy."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.errors import SourceFormatError
from loaders.uploads.boundaries import read_boundary_upload
from loaders.uploads.boundaries_web import boundary_web_geojson

LOG = logging.getLogger(__name__)


def read_safely(
    reader: Callable[..., Any], name: str, data: bytes, **options: Any
) -> tuple[Any, SourceFormatError | None]:
    """(result, None) or (None, error): a reader's SourceFormatError is passed back, and anything
    unforeseen is wrapped in one with a plain sentence, so the page never shows a traceback."""
    return safely(name, lambda: reader(name, data, **options))


def safely(
    name: str, build: Callable[[], Any], failed: str = "could not be read"
) -> tuple[Any, SourceFormatError | None]:
    """(build(), None), or (None, a SourceFormatError naming the file `name`) whatever `build` raises:
    the last line of defence for anything made from an upload (the error itself goes to the log)."""
    try:
        return build(), None
    except SourceFormatError as exc:
        return None, exc
    except Exception:  # report, never crash the page
        LOG.warning("unforeseen error with upload %r", name, exc_info=True)
        problem = f"{failed}: part of it is in a form this page does not understand; check the file and try again"
        return None, SourceFormatError(name or "uploaded file", problem)


@dataclass(frozen=True)
class MapBoundaries:
    """What the page keeps of an uploaded boundary file: its areas (code -> name), the map's compact copy
    and the notes. The full-resolution geometry (up to 3,000,000 vertices) is dropped once the copy is made,
    so a session holds a few hundred KB for its boundaries, not the parsed file."""

    source: str
    areas: dict[str, str]
    web: dict
    notes: tuple[str, ...]


def boundaries_for_map(
    name: str, data: bytes, code_field: str | None
) -> tuple[MapBoundaries | None, SourceFormatError | None]:
    """(MapBoundaries, None) or (None, error): read the file, then make the map's copy; an unforeseen failure
    in either step is a plain sentence naming the file."""
    frame, error = read_safely(read_boundary_upload, name, data, code_field=code_field)
    if error is not None:
        return None, error

    def light() -> MapBoundaries:
        web, notes = boundary_web_geojson(frame)
        areas = dict(zip(frame["area_code"], frame["area_name"], strict=True))
        return MapBoundaries(frame.attrs.get("source", name), areas, web, (*frame.attrs.get("notes", ()), *notes))

    return safely(name, light, "could not be drawn on a map")
