"""A small, dependency-free TopoJSON decoder.

TopoJSON stores each shared border once (an "arc") and lets polygons refer to arcs by index, which
is why the ONS-derived `.topo.json` files are ~2.5x smaller than GeoJSON. GDAL can read TopoJSON
too, but its handling of quantised files varies by version; decoding here keeps the result exact
and testable. Spec: https://github.com/topojson/topojson-specification
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Position = list[float]
Ring = list[Position]


class TopoJSONError(ValueError):
    """The document is not a TopoJSON topology this decoder understands."""


def decode_arcs(arcs: Sequence[Sequence[Sequence[float]]], transform: Mapping[str, Any] | None) -> list[Ring]:
    """Absolute coordinates of every arc. Quantised arcs are delta-encoded: each position after the
    first is an offset from the previous one, in integer grid units, scaled once at the end."""
    if transform is None:
        return [[[float(v) for v in pos[:2]] for pos in arc] for arc in arcs]
    (kx, ky), (dx, dy) = _scale_translate(transform)
    decoded: list[Ring] = []
    for arc in arcs:
        x = y = 0
        out: Ring = []
        for pos in arc:
            x += pos[0]
            y += pos[1]
            out.append([x * kx + dx, y * ky + dy])
        decoded.append(out)
    return decoded


def _scale_translate(transform: Mapping[str, Any]) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        kx, ky = (float(v) for v in transform["scale"])
        dx, dy = (float(v) for v in transform["translate"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TopoJSONError(f"bad transform {transform!r}") from exc
    return (kx, ky), (dx, dy)


def _point(pos: Sequence[float], transform: Mapping[str, Any] | None) -> Position:
    """Point positions are quantised but not delta-encoded."""
    if transform is None:
        return [float(pos[0]), float(pos[1])]
    (kx, ky), (dx, dy) = _scale_translate(transform)
    return [pos[0] * kx + dx, pos[1] * ky + dy]


def _line(indices: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    """Join arcs end to end. A negative index ~i means arc i reversed; consecutive arcs share their
    joining point, so it is kept only once."""
    out: Ring = []
    for index in indices:
        try:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        except IndexError as exc:
            raise TopoJSONError(f"arc index {index} out of range ({len(arcs)} arcs)") from exc
        out.extend(arc if not out else arc[1:])
    return out


def _ring(indices: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    ring = _line(indices, arcs)
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))  # tolerate sloppy writers; GeoJSON rings must be closed
    return ring


def _polygon(rings: Sequence[Sequence[int]], arcs: Sequence[Ring]) -> list[Ring]:
    """Rings of one polygon. Quantisation can collapse a tiny islet to fewer than 4 positions,
    which GeoJSON forbids as a linear ring: such rings are dropped, and a polygon whose exterior
    collapsed is dropped whole (returned empty)."""
    decoded = [_ring(r, arcs) for r in rings]
    if not decoded or len(decoded[0]) < 4:
        return []
    return [r for r in decoded if len(r) >= 4]


def geometry_to_geojson(
    geom: Mapping[str, Any], arcs: Sequence[Ring], transform: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """One TopoJSON geometry object as a GeoJSON geometry (None for a null geometry)."""
    kind = geom.get("type")
    if kind is None:
        return None
    if kind == "GeometryCollection":
        parts = [geometry_to_geojson(g, arcs, transform) for g in geom.get("geometries", [])]
        return {"type": "GeometryCollection", "geometries": [p for p in parts if p is not None]}
    if kind == "Point":
        return {"type": kind, "coordinates": _point(geom["coordinates"], transform)}
    if kind == "MultiPoint":
        return {"type": kind, "coordinates": [_point(p, transform) for p in geom["coordinates"]]}
    if kind == "LineString":
        return {"type": kind, "coordinates": _line(geom["arcs"], arcs)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_line(a, arcs) for a in geom["arcs"]]}
    if kind == "Polygon":
        return {"type": kind, "coordinates": _polygon(geom["arcs"], arcs)}
    if kind == "MultiPolygon":
        polys = [_polygon(p, arcs) for p in geom["arcs"]]
        return {"type": kind, "coordinates": [p for p in polys if p]}
    raise TopoJSONError(f"unknown geometry type {kind!r}")


def _features(obj: Mapping[str, Any], arcs: Sequence[Ring], transform: Mapping[str, Any] | None) -> Iterator[dict]:
    """A top-level GeometryCollection becomes one feature per member (the usual TopoJSON layout,
    as written by topojson-server); any other object becomes a single feature."""
    members = obj.get("geometries", []) if obj.get("type") == "GeometryCollection" else [obj]
    for member in members:
        feature: dict[str, Any] = {
            "type": "Feature",
            "properties": dict(member.get("properties") or {}),
            "geometry": geometry_to_geojson(member, arcs, transform),
        }
        if "id" in member:
            feature["id"] = member["id"]
        yield feature


def topology_to_features(topology: Mapping[str, Any], object_name: str | None = None) -> list[dict[str, Any]]:
    """GeoJSON-like features of one object of a topology (the only object when not named)."""
    if not isinstance(topology, Mapping) or topology.get("type") != "Topology":
        raise TopoJSONError('not a TopoJSON Topology (missing "type": "Topology")')
    objects = topology.get("objects")
    if not isinstance(objects, Mapping) or not objects:
        raise TopoJSONError("topology has no objects")
    if object_name is None:
        if len(objects) != 1:
            raise TopoJSONError(f"topology has several objects {sorted(objects)}; name one")
        object_name = next(iter(objects))
    if object_name not in objects:
        raise TopoJSONError(f"object {object_name!r} not in topology (has {sorted(objects)})")
    transform = topology.get("transform")
    arcs = decode_arcs(topology.get("arcs", []), transform)
    return list(_features(objects[object_name], arcs, transform))
