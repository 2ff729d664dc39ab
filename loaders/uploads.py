"""Read the files people upload on the Your data page: tables of values (CSV, XLSX) keyed by area
codes or names, and boundaries (GeoJSON, zipped shapefile, GeoPackage).

Every upload is treated as hostile until read: sizes, row, column, feature and vertex counts are
capped; zip archives (shapefiles, and .xlsx workbooks, which are zips too) are checked for entry
count, total and per-entry expansion, absolute paths, ".." and symlinks before a byte is extracted,
and only the needed members are copied, under fixed names, into a temporary directory; spreadsheet
formulas are never evaluated (only the value Excel saved with the file is read); text in any
encoding is decoded or rejected with a message. Anything wrong becomes a SourceFormatError that
names the file and the problem, so the page can show it instead of a traceback.

Nothing here writes outside a temporary directory: uploads never touch the committed snapshot.

This module is the readers' public face; the work is done in
- loaders/upload_checks.py: limits, file names in messages, zip archive checks;
- loaders/upload_cells.py: cell text, area codes, numbers with ONS markers, years;
- loaders/upload_tables.py: raw cells of a CSV or an .xlsx worksheet;
- loaders/upload_values.py: a table of values in long form;
- loaders/upload_boundaries.py: boundaries in EPSG:4326;
- loaders/upload_web.py: their compact copy for the map in the browser.
"""

from __future__ import annotations

from loaders.upload_boundaries import FieldChoiceError, read_boundary_upload
from loaders.upload_cells import parse_number
from loaders.upload_checks import (
    BOUNDARY_TYPES,
    MAX_BOUNDARY_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    MAX_VALUES_BYTES,
    MAX_WEB_BYTES,
    MAX_ZIP_ENTRIES,
    MB,
    VALUE_TYPES,
)
from loaders.upload_values import UploadedValues, read_values_upload
from loaders.upload_web import boundary_web_geojson

__all__ = [
    "BOUNDARY_TYPES",
    "MAX_BOUNDARY_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNZIPPED_BYTES",
    "MAX_VALUES_BYTES",
    "MAX_WEB_BYTES",
    "MAX_ZIP_ENTRIES",
    "MB",
    "VALUE_TYPES",
    "FieldChoiceError",
    "UploadedValues",
    "boundary_web_geojson",
    "parse_number",
    "read_boundary_upload",
    "read_values_upload",
]
