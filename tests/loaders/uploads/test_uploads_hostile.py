"""Hostile and broken inputs: the generated corpus (tests/loaders/bad_files.py), each answered with an
error that names the file (or the link parameter) and the problem in plain words, with no internals
(tracebacks, GDAL's SQL, PROJ, Python's exception names), or with a repair note, or, for the largest
uploads the caps allow, with a match summary; every input's time and memory are recorded and bounded,
and the committed snapshot is unchanged afterwards. Property tests (hypothesis) throw arbitrary bytes,
text and JSON at the readers: they either read the file or raise SourceFormatError, never anything else.

Run with -s to print the corpus report (size, classes, the slowest and largest input)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
import tracemalloc
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.targets import PlanFileError, decode_from_link, plan_from_json
from components.view_choices import area_names
from loaders.errors import SourceFormatError
from loaders.snapshot import read_snapshot
from loaders.uploads import UploadedValues, boundary_web_geojson, matching, read_boundary_upload, read_values_upload
from tests.loaders.bad_file_builders import KINDS, BadFile
from tests.loaders.bad_files import corpus
from tests.loaders.hostile_builders import csv_bytes, xlsx_bytes

CORPUS = corpus()
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REPO = Path(__file__).resolve().parents[3]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
# Generous bounds for any one input (a shared 2-core machine): the point is "seconds, not minutes" and
# "tens of MB, not a gigabyte". Memory is Python's (tracemalloc): GDAL's and GEOS's own buffers are not counted.
TIME_BOUND_S = 30.0
MEMORY_BOUND_MB = 400.0
MESSAGE_BOUND = 600  # characters of one message
INTERNALS = re.compile(
    r"Traceback|/tmp/|\bSELECT\b|\bPROJ\b|set_int_max_str_digits|\b[A-Z]\w+(?:Error|Exception)\b|"
    r"Error -\d|errno",
    re.IGNORECASE,
)
MEASURED: dict[str, tuple[str, float, float]] = {}  # name -> (outcome, seconds, peak MB)


def snapshot_digest() -> str:
    """One hash of every committed snapshot file (regional_data/ and geo/)."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO / "regional_data").iterdir(), *(REPO / "geo").iterdir()]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


SNAPSHOT_BEFORE = snapshot_digest()
_SNAPSHOT = read_snapshot()
PLAN_AREAS = dict(zip(_SNAPSHOT.areas["area_code"], _SNAPSHOT.areas["geography"], strict=True))
PLAN_INDICATORS = set(_SNAPSHOT.metadata)


def answer(bad: BadFile, data: bytes) -> object:
    """What the app makes of one input (or the exception it raised): a values upload is read (and matched
    to the LEPs when the corpus says so), a boundary upload read and turned into the map's GeoJSON, a
    ?plan= token decoded and parsed."""
    try:
        if bad.kind == "values":
            upload = read_values_upload(bad.name, data)
            if not bad.matches:
                return upload
            keys = matching.upload_name_keys(upload)
            return matching.match_summary(matching.match_upload(upload, area_names(AREAS, "lep"), keys), "LEPs")
        if bad.kind == "boundary":
            frame = read_boundary_upload(bad.name, data)
            boundary_web_geojson(frame)
            return frame
        return plan_from_json(decode_from_link(data.decode("ascii")), PLAN_AREAS, PLAN_INDICATORS)
    except Exception as exc:  # the caller checks which
        return exc


def measured(bad: BadFile, record_property) -> object:
    """answer(bad), timed on its own and then run again under tracemalloc for its peak memory (which
    slows Python down too much to time it); both recorded and bounded."""
    data = bad.data
    started = time.perf_counter()
    outcome = answer(bad, data)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    again = answer(bad, data)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    assert type(again) is type(outcome)
    MEASURED[bad.name] = (type(outcome).__name__, seconds, peak_mb)
    record_property("seconds", round(seconds, 3))
    record_property("peak_mb", round(peak_mb, 1))
    assert seconds < TIME_BOUND_S, f"{bad.name} took {seconds:.1f} s"
    assert peak_mb < MEMORY_BOUND_MB, f"{bad.name} took {peak_mb:.0f} MB"
    return outcome


def read(bad: BadFile) -> object:
    reader = read_values_upload if bad.kind == "values" else read_boundary_upload
    return reader(bad.name, bad.data)


def test_the_corpus_is_large_and_covers_every_reader_and_class() -> None:
    assert len(CORPUS) >= 75
    assert len({bad.name for bad in CORPUS}) == len(CORPUS)
    assert {bad.kind for bad in CORPUS} == set(KINDS)
    assert {bad.issue for bad in CORPUS} >= {"12.1", "12.3", "12.6", "12.7", "12.8", "12.9"}


REFUSED = [b for b in CORPUS if not b.repaired and not b.matches]


@pytest.mark.parametrize("bad", REFUSED, ids=lambda b: b.name)
def test_bad_input_is_refused_with_a_message_naming_it_and_the_problem(bad: BadFile, record_property) -> None:
    outcome = measured(bad, record_property)
    if bad.kind == "plan_link":  # the Targets page says "The groups and targets in this link could not be read (...)"
        assert isinstance(outcome, PlanFileError), outcome
    else:
        assert isinstance(outcome, SourceFormatError), outcome
        assert str(outcome).startswith(bad.name)
    message = str(outcome)
    assert bad.expect in message
    assert len(message) <= MESSAGE_BOUND, message
    assert not INTERNALS.search(message), message


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.repaired], ids=lambda b: b.name)
def test_repairable_file_is_read_with_a_note(bad: BadFile, record_property) -> None:
    result = measured(bad, record_property)
    assert not isinstance(result, Exception), result
    notes = result.notes if isinstance(result, UploadedValues) else result.attrs["notes"]
    assert any(bad.expect in note for note in notes), notes


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.matches], ids=lambda b: b.name)
def test_the_largest_uploads_are_read_and_matched(bad: BadFile, record_property) -> None:
    summary = measured(bad, record_property)
    assert isinstance(summary, str) and bad.expect in summary, summary


def test_corpus_report_and_the_snapshot_is_unchanged() -> None:
    """After the corpus (this runs last in the file): print its size, classes and the slowest and
    largest input, and check that no input touched the committed snapshot."""
    assert snapshot_digest() == SNAPSHOT_BEFORE
    if len(MEASURED) < len(CORPUS):
        return  # a partial run (-k): nothing to report
    slowest = max(MEASURED.items(), key=lambda item: item[1][1])
    largest = max(MEASURED.items(), key=lambda item: item[1][2])
    classes = Counter((bad.kind, bad.issue or "earlier") for bad in CORPUS)
    print(
        f"hostile corpus: {len(CORPUS)} inputs; classes {dict(sorted(classes.items()))}; "
        f"slowest {slowest[0]} {slowest[1][1]:.2f} s; largest {largest[0]} {largest[1][2]:.1f} MB (tracemalloc peak)"
    )
    for name, (outcome, seconds, peak) in sorted(MEASURED.items(), key=lambda item: -item[1][1]):
        print(f"  {name:40s} {outcome:22s} {seconds:7.2f} s {peak:8.1f} MB")


def test_repaired_bowtie_is_valid_and_keeps_its_area() -> None:
    bowtie = next(b for b in CORPUS if b.name == "self_intersecting.geojson")
    frame = read(bowtie)
    geometry = frame.geometry.iloc[0]
    assert geometry.is_valid and geometry.geom_type == "MultiPolygon"
    assert len(geometry.geoms) == 2  # the two triangles of the figure of eight, each 0.1 x 0.05 deg / 2
    assert geometry.area == pytest.approx(2 * 0.1 * 0.05 / 2)


def test_zip_bomb_is_refused_before_extraction_quickly() -> None:
    import time

    bomb = next(b for b in CORPUS if b.name == "zip_bomb.zip")
    data = bomb.data
    assert len(data) < 200_000
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.infolist()[0].file_size > 100 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(SourceFormatError, match="zip bomb"):
        read_boundary_upload(bomb.name, data)
    assert time.perf_counter() - started < 1.0  # nothing was decompressed


# --- property tests -----------------------------------------------------------------------------------


def values_or_error(name: str, data: bytes) -> None:
    try:
        upload = read_values_upload(name, data)
    except SourceFormatError as exc:
        assert str(exc).startswith(name)
        return
    assert upload.value_columns and upload.table["value"].notna().any()
    assert set(upload.table["status"]) <= {"", "suppressed", "unavailable"}


def boundary_or_error(name: str, data: bytes) -> None:
    try:
        frame = read_boundary_upload(name, data)
    except SourceFormatError as exc:
        assert str(exc).startswith(name)
        return
    assert list(frame.columns) == ["area_code", "area_name", "geometry"] and frame.crs.to_epsg() == 4326


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_as_csv(data: bytes) -> None:
    values_or_error("fuzz.csv", data)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_any_text_as_csv(text: str, encoding: str) -> None:
    values_or_error("fuzz.csv", text.encode(encoding, errors="replace"))


CSV_CELL = st.one_of(
    st.text(alphabet=st.sampled_from('E0123456789,;\t|"\n .-£%cx[]=+eE'), max_size=12),
    st.sampled_from(["E37000025", "TLC4", "North East", "..", "[c]", "2021/22", "=1+1", "1,234", "NaN", "inf"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@FUZZ
@given(
    st.lists(st.lists(CSV_CELL, min_size=1, max_size=6), min_size=1, max_size=15),
    st.sampled_from([",", ";", "\t", "|"]),
)
def test_random_csv_tables(rows: list[list[str]], delimiter: str) -> None:
    values_or_error("table.csv", csv_bytes(rows, delimiter=delimiter))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(-(10**6), 10**6),
                st.floats(allow_nan=False),
                st.text(max_size=10).filter(lambda t: t.isprintable()),
            ),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_xlsx_tables(rows: list[list[object]]) -> None:
    # openpyxl refuses some cell text itself (illegal XML characters); that is the writer, not the reader
    values_or_error(
        "sheet.xlsx", xlsx_bytes([[c if not isinstance(c, str) else c.lstrip("=") for c in row] for row in rows])
    )


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["fuzz.xlsx", "fuzz.geojson", "fuzz.zip", "fuzz.gpkg"]))
def test_any_bytes_to_any_reader(data: bytes, name: str) -> None:
    if name.endswith(".xlsx"):
        values_or_error(name, data)
    else:
        boundary_or_error(name, data)


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False) | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)
POINT = st.one_of(
    st.tuples(st.floats(-8, 2, allow_nan=False), st.floats(50, 59, allow_nan=False)),
    st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False)),
)
RING = st.lists(POINT.map(list), min_size=0, max_size=6).map(lambda ring: ring + ring[:1])
GEOMETRY = st.one_of(
    st.fixed_dictionaries({"type": st.just("Polygon"), "coordinates": st.lists(RING, max_size=2)}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["MultiPolygon", "Point", "LineString", "Nope"]), "coordinates": JSON}
    ),
    JSON,
)
FEATURE = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": GEOMETRY,
        "properties": st.one_of(
            st.fixed_dictionaries({"code": st.text(min_size=1, max_size=9), "name": st.text(max_size=9)}), JSON
        ),
    }
)


@FUZZ
@given(
    st.one_of(
        JSON, st.fixed_dictionaries({"type": st.just("FeatureCollection"), "features": st.lists(FEATURE, max_size=4)})
    )
)
def test_random_geojson_documents(doc: object) -> None:
    boundary_or_error("shapes.geojson", json.dumps(doc).encode("utf-8"))


@FUZZ
@given(st.dictionaries(st.text(alphabet="abc./\\_-:", min_size=1, max_size=12), st.binary(max_size=200), max_size=6))
def test_random_zip_archives(members: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    boundary_or_error("archive.zip", buffer.getvalue())


UK_POINT = st.tuples(st.floats(-8, 2, allow_nan=False), st.floats(50, 59, allow_nan=False)).map(list)


@FUZZ
@given(st.lists(st.lists(UK_POINT, min_size=3, max_size=8), min_size=1, max_size=5))
def test_random_polygons_come_back_valid_or_are_reported(rings: list[list[list[float]]]) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"area_code": f"X{i}", "area_name": f"Area {i}"},
            "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
        }
        for i, ring in enumerate(rings)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")
    try:
        frame = read_boundary_upload("random.geojson", data)
    except SourceFormatError as exc:  # every ring degenerate (collinear or repeated points)
        assert "no usable polygon is left" in str(exc) or "malformed geometry" in str(exc)
        return
    assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()
    assert set(frame["area_code"]) <= {f"X{i}" for i in range(len(rings))}
    minx, miny, maxx, maxy = frame.total_bounds
    assert -8 <= minx <= maxx <= 2 and 50 <= miny <= maxy <= 59
    dropped = len(rings) - len(frame)
    assert dropped == 0 or any("empty geometries were dropped" in n for n in frame.attrs["notes"])
