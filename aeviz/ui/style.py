"""The house style every page gets (aeviz/static/house.css), sent once per script run from app.py."""

from __future__ import annotations

import importlib.resources

import streamlit as st


def house_style() -> None:
    """Inject the house stylesheet. st.html with only a <style> block adds no element to the page."""
    css = importlib.resources.files("aeviz").joinpath("static", "house.css").read_text()
    st.html(f"<style>{css}</style>")
