"""Everything that reads files: official-format parsers, boundaries, the snapshot builder and reader."""
