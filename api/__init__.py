"""The open data API over the committed snapshot: pure functions that check a request's filters and build
the frames and documents (query.py, documents.py, openapi.py, figure_links.py), and the thin Starlette
handlers app.py serves under /api/v1/ (routes.py). No Streamlit here: the notebook interface
(regional_productivity_explorer.data) uses the same filtering code without a server."""
