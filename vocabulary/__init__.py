"""The app's one vocabulary: geography levels, benchmarks and indicators, each defined once and typed.

Every other package (metrics, loaders, components, the shell and the pages) takes its words for a level
("LEPs", "Local enterprise partnerships (2021)"), a benchmark ("England excluding London") or an
indicator's unit, decimals and polarity from here; nothing here imports anything of the app.
"""
