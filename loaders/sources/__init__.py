"""One parser per official source format (ONS workbooks, Nomis extracts, ELS CSVs, boundaries, lookups),
plus the area-name matching and the web-sized boundaries both the build and the uploads use. Nothing here
imports the build, the refresh or the uploads."""
