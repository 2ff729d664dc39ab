"""Benchmark of the Regional Productivity Explorer against its budgets (bench/__main__.py): `python -m bench`."""
