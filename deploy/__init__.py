"""Serving the app: a warmed-up launcher (serve.py) and several processes behind nginx (start.sh)."""
