"""The Starlette routes of /api/v1, thin: each reads the request's parameters, calls the pure builders of
api/ and wraps the answer with the headers every API response carries (CORS open for GET, the
attribution, the licence link). Read-only: any method but GET/HEAD (and a CORS preflight) is 405.

app.py passes in the snapshot reader it already has, so the API and the pages share one copy per process.
The handlers are plain functions: Starlette runs them in its thread pool, off the event loop."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.documents import (
    API_ROOT,
    ATTRIBUTION_HEADER,
    LICENCE,
    areas_document,
    data_csvw,
    data_document,
    indicators_document,
    next_page_url,
)
from api.openapi import openapi_document
from api.query import ApiError, page_of, parse_data_query, select_rows
from components.attribution import ATTRIBUTION
from components.data_files import csv_bytes
from components.exports import CSVW_MIME
from loaders.snapshot import GEO_DIR, Snapshot
from vocabulary.geography import AREA_LEVEL_KEYS

SnapshotReader = Callable[[], Snapshot]
READ_METHODS = ("GET", "HEAD")
ENDPOINTS = [
    f"{API_ROOT}/{name}"
    for name in (
        "indicators",
        "areas?level=",
        "data.json",
        "data.csv",
        "data.csv-metadata.json",
        "boundaries/{level}.geojson",
        "openapi.json",
    )
]


def api_headers(base_url: str = "", next_url: str | None = None) -> dict[str, str]:
    links = [f'<{LICENCE["url"]}>; rel="license"']
    if next_url:
        links.append(f'<{base_url.rstrip("/")}{next_url}>; rel="next"')
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Link, X-Attribution, X-Total-Count",
        "X-Attribution": ATTRIBUTION_HEADER,
        "Link": ", ".join(links),
        "Cache-Control": "public, max-age=300",
    }


def json_response(document: Any, status: int = 200, headers: dict[str, str] | None = None, media: str = "") -> Response:
    body = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status, {**api_headers(), **(headers or {})}, media or "application/json")


def error_response(error: ApiError) -> Response:
    document = {"error": error.message, "parameter": error.parameter, "status": error.status}
    return json_response({**document, "attribution": ATTRIBUTION, "licence": LICENCE}, error.status)


def read_only(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """GET and HEAD reach the handler; a CORS preflight gets its answer; anything else is 405."""

    def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":
            preflight = {"Access-Control-Allow-Methods": "GET, HEAD", "Access-Control-Max-Age": "86400"}
            return Response(b"", 204, {**api_headers(), **preflight})
        if request.method not in READ_METHODS:
            response = error_response(
                ApiError(405, None, f"{request.method} is not allowed: the API is read-only (GET)")
            )
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        try:
            return handler(request)
        except ApiError as error:
            return error_response(error)

    return endpoint


def _data(snapshot: SnapshotReader, kind: str, request: Request) -> Response:
    current = snapshot()
    query = parse_data_query(request.query_params.multi_items(), current.metadata, set(current.areas["area_code"]))
    rows = select_rows(current, query)
    base = str(request.base_url)
    if kind == "csvw":
        return json_response(data_csvw(current, query, rows, base), media=CSVW_MIME)
    page = page_of(rows, query)
    next_url = next_page_url(query, len(rows), len(page), kind)
    headers = {**api_headers(base, next_url), "X-Total-Count": str(len(rows))}
    if kind == "csv":
        return Response(csv_bytes(page), 200, headers, "text/csv; charset=utf-8")
    return json_response(data_document(current, query, page, len(rows)), headers=headers)


def _indicators(snapshot: SnapshotReader, request: Request) -> Response:
    if extra := [name for name in request.query_params if name]:
        raise ApiError(400, extra[0], f"unknown parameter {extra[0]!r}; indicators takes none")
    return json_response(indicators_document(snapshot()))


def _areas(snapshot: SnapshotReader, request: Request) -> Response:
    if extra := [name for name in request.query_params if name != "level"]:
        raise ApiError(400, extra[0], f"unknown parameter {extra[0]!r}; areas takes level")
    return json_response(areas_document(snapshot(), request.query_params.get("level")))


@lru_cache(maxsize=len(AREA_LEVEL_KEYS))
def boundary_bytes(geo_dir: Path, level: str) -> bytes:
    return (geo_dir / f"{level}.geojson").read_bytes()


def _boundaries(geo_dir: Path, request: Request) -> Response:
    level = request.path_params["level"]
    if level not in AREA_LEVEL_KEYS:
        raise ApiError(
            404, "level", f"no boundaries for level {level[:30]!r}; the levels are {', '.join(AREA_LEVEL_KEYS)}"
        )
    return Response(boundary_bytes(geo_dir, level), 200, api_headers(), "application/geo+json")


def _openapi(request: Request) -> Response:
    return json_response(openapi_document())


def _not_found(request: Request) -> Response:
    raise ApiError(404, None, f"no such endpoint {request.url.path[:80]!r}; the endpoints are {', '.join(ENDPOINTS)}")


def api_routes(snapshot: SnapshotReader, geo_dir: Path = GEO_DIR) -> list[Route]:
    """Every /api/v1 route, reading the snapshot through `snapshot` (called per request; cache it)."""
    methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
    handlers: list[tuple[str, Callable[[Request], Response]]] = [
        ("/indicators", partial(_indicators, snapshot)),
        ("/areas", partial(_areas, snapshot)),
        ("/data.json", partial(_data, snapshot, "json")),
        ("/data.csv", partial(_data, snapshot, "csv")),
        ("/data.csv-metadata.json", partial(_data, snapshot, "csvw")),
        ("/boundaries/{level}.geojson", partial(_boundaries, geo_dir)),
        ("/openapi.json", _openapi),
        ("/{rest:path}", _not_found),
    ]
    routes = [Route(f"{API_ROOT}{path}", read_only(handler), methods=methods) for path, handler in handlers]
    return [*routes, Route(API_ROOT, read_only(_not_found), methods=methods)]
