"""The house style every page gets (aeviz/static/house.css), sent once per script run from app.py."""

from __future__ import annotations

import functools
import importlib.resources

import streamlit as st


@functools.cache
def _stylesheet() -> str:
    """The stylesheet, read once per server process."""
    return importlib.resources.files("aeviz").joinpath("static", "house.css").read_text()


def house_style() -> None:
    """Inject the house stylesheet. st.html with only a <style> block adds no element to the page."""
    st.html(f"<style>{_stylesheet()}</style>")
