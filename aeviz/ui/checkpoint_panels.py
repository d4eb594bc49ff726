"""The Train page's checkpoint panels: save the session's model under a name (it joins this session's own model list;
others do not see it), download it as a zip, or load a downloaded one (checked before anything is built)."""

from __future__ import annotations

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint, from_zip, to_zip
from aeviz.escaping import markdown_text
from aeviz.ui.display import show_error
from aeviz.ui.state import save_session_model, set_session_model


def save_panel(checkpoint: Checkpoint) -> None:
    """Save the session's model under a name (it joins this session's model list; others do not see it), or download
    it as a zip. Replacing one's own save of that name needs the tick."""
    save_cols = st.columns([3, 1, 1])
    name = save_cols[0].text_input("Save as", placeholder="e.g. anna-mnist-2d", key="save_name")
    replace = save_cols[0].checkbox("Replace my saved model of that name", key="save_replace")
    if save_cols[1].button("Save checkpoint", key="save"):
        try:
            save_session_model(name, replace)
            st.success(f"Saved as {markdown_text(name)}: it is in your model list in the sidebar (only you see it).")
        except AevizError as exc:
            show_error(exc)
    save_cols[2].download_button(
        "Download .zip",
        lambda: to_zip(checkpoint),  # serialised only when clicked, not on every rerun
        file_name=f"{name or 'aeviz-model'}.zip",
        mime="application/zip",
        key="download",
    )


def load_panel() -> None:
    with st.expander("Load a checkpoint (.zip downloaded from aeviz)"):
        archive = st.file_uploader("Checkpoint zip", type=["zip"], key="load_zip")
        if archive is not None and st.button("Load", key="load"):
            try:
                set_session_model(from_zip(archive.getvalue(), archive.name))
                st.success("Loaded; it is now the active model.")
            except AevizError as exc:
                show_error(exc)
