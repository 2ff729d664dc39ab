"""Benchmark of the Regional Productivity Explorer against the budgets in DESIGN.md: `python -m bench`."""
