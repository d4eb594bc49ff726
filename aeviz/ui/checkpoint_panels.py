"""The Train page's checkpoint panels: save the session's model under a name (it joins this session's own model list;
others do not see it), download it as a zip, or load a downloaded one (checked before anything is built)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint, from_zip, to_zip
from aeviz.escaping import markdown_text
from aeviz.ui.display import show_error
from aeviz.ui.records import Notice
from aeviz.ui.state import save_session_model, session, set_session_model


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
    state = session()
    said = [n for n in state.notices if n.kind == "load"]
    with st.expander("Load a checkpoint (.zip downloaded from aeviz)", expanded=bool(said)):
        archive = st.file_uploader("Checkpoint zip", type=["zip"], key=f"load_zip_{state.loads}")
        for notice in said:
            state.notices.remove(notice)
            st.success(notice.text)
        if archive is not None and st.button("Load", key="load"):
            try:
                set_session_model(from_zip(archive.getvalue(), archive.name))
            except AevizError as exc:
                show_error(exc)
                return
            let_upload_go(archive)
            state.loads += 1
            state.notices.append(Notice("load", "success", "Loaded; it is now the active model."))
            st.rerun()


def let_upload_go(archive) -> None:
    """Streamlit keeps an upload's bytes until its session ends, minutes after the tab closed: a loaded checkpoint's
    zip (22 MB for a 4,096-unit code) is let go at once; the caller shows the uploader anew, empty, under a new key."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, archive.file_id)
