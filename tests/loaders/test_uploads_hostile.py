"""Hostile and broken uploads: the generated corpus (tests/loaders/bad_files.py), each answered with
a SourceFormatError that names the file and the problem (or a repair note), and property tests
(hypothesis) that throw arbitrary bytes, text and JSON at the readers: they either read the file or
raise SourceFormatError, never anything else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.errors import SourceFormatError
from loaders.uploads import UploadedValues, read_boundary_upload, read_values_upload
from tests.loaders.bad_files import BadFile, corpus, csv_bytes, xlsx_bytes

CORPUS = corpus()
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(bad: BadFile) -> object:
    reader = read_values_upload if bad.kind == "values" else read_boundary_upload
    return reader(bad.name, bad.data)


def test_the_corpus_is_large_and_covers_both_readers() -> None:
    assert len(CORPUS) >= 30
    assert len({bad.name for bad in CORPUS}) == len(CORPUS)
    assert {bad.kind for bad in CORPUS} == {"values", "boundary"}


@pytest.mark.parametrize("bad", [b for b in CORPUS if not b.repaired], ids=lambda b: b.name)
def test_bad_file_is_refused_with_a_message_naming_file_and_problem(bad: BadFile) -> None:
    with pytest.raises(SourceFormatError) as caught:
        read(bad)
    message = str(caught.value)
    assert message.startswith(bad.name)
    assert bad.expect in message
    assert "Traceback" not in message and "/tmp/" not in message


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.repaired], ids=lambda b: b.name)
def test_repairable_file_is_read_with_a_note(bad: BadFile) -> None:
    result = read(bad)
    notes = result.notes if isinstance(result, UploadedValues) else result.attrs["notes"]
    assert any(bad.expect in note for note in notes), notes


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
@given(st.lists(st.lists(CSV_CELL, min_size=1, max_size=6), min_size=1, max_size=15),
       st.sampled_from([",", ";", "\t", "|"]))
def test_random_csv_tables(rows: list[list[str]], delimiter: str) -> None:
    values_or_error("table.csv", csv_bytes(rows, delimiter=delimiter))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                                   st.text(max_size=10).filter(lambda t: t.isprintable())),
                         min_size=1, max_size=5), min_size=1, max_size=8))
def test_random_xlsx_tables(rows: list[list[object]]) -> None:
    # openpyxl refuses some cell text itself (illegal XML characters); that is the writer, not the reader
    values_or_error("sheet.xlsx", xlsx_bytes([[c if not isinstance(c, str) else c.lstrip("=") for c in row]
                                              for row in rows]))


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
POINT = st.one_of(st.tuples(st.floats(-8, 2, allow_nan=False), st.floats(50, 59, allow_nan=False)),
                  st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False)))
RING = st.lists(POINT.map(list), min_size=0, max_size=6).map(lambda ring: ring + ring[:1])
GEOMETRY = st.one_of(
    st.fixed_dictionaries({"type": st.just("Polygon"), "coordinates": st.lists(RING, max_size=2)}),
    st.fixed_dictionaries({"type": st.sampled_from(["MultiPolygon", "Point", "LineString", "Nope"]),
                           "coordinates": JSON}),
    JSON,
)
FEATURE = st.fixed_dictionaries({"type": st.just("Feature"), "geometry": GEOMETRY,
                                 "properties": st.one_of(st.fixed_dictionaries({"code": st.text(min_size=1, max_size=9),
                                                                                "name": st.text(max_size=9)}),
                                                         JSON)})


@FUZZ
@given(st.one_of(JSON, st.fixed_dictionaries({"type": st.just("FeatureCollection"),
                                              "features": st.lists(FEATURE, max_size=4)})))
def test_random_geojson_documents(doc: object) -> None:
    boundary_or_error("shapes.geojson", json.dumps(doc).encode("utf-8"))


@FUZZ
@given(st.dictionaries(st.text(alphabet="abc./\\_-:", min_size=1, max_size=12), st.binary(max_size=200),
                       max_size=6))
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
    features = [{"type": "Feature", "properties": {"area_code": f"X{i}", "area_name": f"Area {i}"},
                 "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]}} for i, ring in enumerate(rings)]
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
