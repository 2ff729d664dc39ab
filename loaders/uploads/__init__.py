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
- loaders/uploads/checks.py: limits, file names in messages, zip archive checks;
- loaders/uploads/cells.py: cell text, area codes, numbers with ONS markers, years;
- loaders/uploads/tables.py: raw cells of a CSV or an .xlsx worksheet;
- loaders/uploads/values.py: a table of values in long form;
- loaders/uploads/boundary_files.py: a GeoJSON/TopoJSON, zipped shapefile or GeoPackage read raw;
- loaders/uploads/boundaries.py: boundaries in EPSG:4326;
- loaders/uploads/boundaries_web.py: their compact copy for the map in the browser;
- loaders/uploads/matching.py: an upload's areas matched to the official ones (codes, or names through
  loaders/sources/area_names.py), and the values of the matched areas;
- loaders/uploads/safe_reading.py: any reader run so that it never raises, for the page.
"""

from __future__ import annotations

from loaders.uploads.boundaries import FieldChoiceError, read_boundary_upload
from loaders.uploads.boundaries_web import boundary_web_geojson
from loaders.uploads.cells import parse_number
from loaders.uploads.checks import (
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
from loaders.uploads.values import UploadedValues, read_values_upload

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
