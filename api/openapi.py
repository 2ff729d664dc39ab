"""The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from api.documents import API_ROOT, ATTRIBUTION_HEADER, LICENCE
from api.query import MAX_CODES, MAX_INDICATORS, MAX_ROWS
from vocabulary.geography import AREA_LEVEL_KEYS, LEVELS


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


DATA_PARAMETERS = [
    _param(
        "indicator",
        f"Indicator ids, comma-separated (at most {MAX_INDICATORS}; see /indicators).",
        {"type": "string", "example": "gva_per_hour"},
    ),
    _param(
        "geography",
        "Geography levels, comma-separated.",
        {"type": "string", "example": "lep", "enum": list(LEVELS)},
    ),
    _param(
        "area",
        f"Area codes, comma-separated (at most {MAX_CODES}; see /areas).",
        {"type": "string", "example": "E37000034,ENG_EXCL_LONDON"},
    ),
    _param("from", "First year (inclusive).", {"type": "integer", "example": 2010}),
    _param("to", "Last year (inclusive).", {"type": "integer", "example": 2023}),
    _param("year", "One year (instead of from/to).", {"type": "integer"}),
    _param(
        "limit",
        f"Rows in this page (1-{MAX_ROWS}). Without limit and offset, a selection of more than {MAX_ROWS} rows is 413.",
        {"type": "integer", "minimum": 1, "maximum": MAX_ROWS},
    ),
    _param("offset", "Rows to skip (with limit: paging; the Link header names the next page).", {"type": "integer"}),
]
DATA_ERRORS = {
    "400": _error("A parameter is unknown or malformed; `parameter` names it."),
    "413": _error(f"The filters match more than {MAX_ROWS} rows: narrow them or page with limit/offset."),
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Regional Productivity Explorer data API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the committed snapshot of official ONS and Nomis figures the app shows. "
                f"Every response carries the attribution (header X-Attribution: {ATTRIBUTION_HEADER}) and, in "
                "JSON, an `attribution` and `licence` field. GET only; CORS open (Access-Control-Allow-Origin: *)."
            ),
            "license": {"name": LICENCE["name"], "url": LICENCE["url"]},
        },
        "servers": [{"url": API_ROOT}],
        "paths": {
            "/indicators": {
                "get": {
                    "summary": "Every indicator: id, labels, unit, polarity, geographies, years, source, licence",
                    "responses": {"200": _json("The indicator catalogue")},
                }
            },
            "/areas": {
                "get": {
                    "summary": "Areas of a level: codes, names, parents, the boundary vintage they are valid for",
                    "parameters": [
                        _param(
                            "level",
                            "Geography level (all levels without it).",
                            {"type": "string", "enum": list(LEVELS)},
                        )
                    ],
                    "responses": {"200": _json("The areas"), "400": _error("Unknown level")},
                }
            },
            "/data.json": {
                "get": {
                    "summary": "Tidy rows (indicator, geography, area, year, value, unit, status, lci, uci) as JSON",
                    "parameters": DATA_PARAMETERS,
                    "responses": {"200": _json("Rows with metadata and the next page"), **DATA_ERRORS},
                }
            },
            "/data.csv": {
                "get": {
                    "summary": "The same rows as a plain CSV (header in row 1)",
                    "parameters": DATA_PARAMETERS,
                    "responses": {
                        "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
                        **DATA_ERRORS,
                    },
                }
            },
            "/data.csv-metadata.json": {
                "get": {
                    "summary": "The CSV on the Web (W3C CSVW) description of data.csv with the same filters",
                    "parameters": DATA_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "CSVW",
                            "content": {"application/csvm+json": {"schema": {"type": "object"}}},
                        },
                        **DATA_ERRORS,
                    },
                }
            },
            "/boundaries/{level}.geojson": {
                "get": {
                    "summary": "Web-ready boundaries of one level (GeoJSON, EPSG:4326, coverage-simplified)",
                    "parameters": [
                        {
                            "name": "level",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(AREA_LEVEL_KEYS)},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "GeoJSON",
                            "content": {"application/geo+json": {"schema": {"type": "object"}}},
                        },
                        "404": _error("No boundaries for that level"),
                    },
                }
            },
            "/openapi.json": {"get": {"summary": "This description", "responses": {"200": _json("OpenAPI 3.1")}}},
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "parameter", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "parameter": {"type": ["string", "null"]},
                        "status": {"type": "integer"},
                        "attribution": {"type": "string"},
                    },
                }
            }
        },
    }
