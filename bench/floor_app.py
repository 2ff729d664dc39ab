"""The least a Streamlit page can do to show a deck.gl map here: the LEP boundaries from geo/ in one colour
(no data, no sidebar, no other element). `python -m bench` times its cold start beside the app's, so the
share of the app's cold start that Streamlit's front end and deck.gl's WebGL start-up take on their own
(whatever the app does) is measured, not guessed."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from components.maps import DeckSpec, choropleth_deck

boundaries = json.loads((Path(__file__).resolve().parents[1] / "geo" / "lep.geojson").read_text(encoding="utf-8"))
for feature in boundaries["features"]:
    feature["properties"].update(fill=[59, 82, 139, 255], line=[255, 255, 255, 255], width=0.5)
deck: DeckSpec = choropleth_deck(boundaries, "lep")
st.pydeck_chart(deck, height=560)
