"""The sidebar every page has: the active model's picker, what it is, and this session's job in a line."""

from __future__ import annotations

import streamlit as st

from aeviz.checkpoints import Checkpoint, CheckpointInfo
from aeviz.escaping import markdown_text
from aeviz.jobs import QUEUED
from aeviz.ui.display import fold_sidebar_when_narrow
from aeviz.ui.records import LIVE_PREFIX, Session
from aeviz.ui.resources import SAVED_PREFIX, job_pool, model_sources
from aeviz.ui.state import DEFAULT_MODEL, active_info, live_checkpoint, remember_owner, session, write_url


def describe(checkpoint: Checkpoint | CheckpointInfo) -> str:
    c, t = checkpoint.config, checkpoint.train_config
    extras = []
    if t and t.l1:
        extras.append(f"λ {t.l1:g}")
    if t and t.noise_std:
        extras.append(f"noise {t.noise_std:g}")
    return " · ".join([markdown_text(checkpoint.dataset), c.arch, f"{c.latent_dim}-D code", *extras])


def label(key: str, visiting: str = "") -> str:
    """How the model picker names a model: a live one, an own save, another student's save opened from its link."""
    if key.startswith(LIVE_PREFIX):
        return "trained in this session"
    if key == visiting:
        return f"{key.rsplit('/', 1)[-1]} (opened from a link)"
    return f"{key.rsplit('/', 1)[-1]} (saved by you)" if key.startswith(SAVED_PREFIX) else key


def _picked_model() -> None:
    session().active_name = st.session_state["model_picker"]


def _job_status(state: Session) -> None:
    """One line while this session's job waits or runs (every page has the sidebar; the job's own page has more)."""
    job = state.pending.job if state.pending is not None else None
    if job is None or job.finished:
        return
    if job.state == QUEUED:
        st.caption(
            f":material/hourglass_top: {markdown_text(job.label)}: number {job_pool().position(job)} in the class queue"
        )
    else:
        st.caption(f":material/model_training: {markdown_text(job.label)}: running")  # its page shows the progress


def sidebar() -> Checkpoint | CheckpointInfo:
    """The compact 'active model' panel on every page; returns what is known of the active model (no weights)."""
    state = session()
    live = [state.live_name] if live_checkpoint(state) is not None else []
    options = live + list(model_sources(state.owner, state.visiting))
    if state.active_name not in options:
        state.active_name = DEFAULT_MODEL
    st.session_state["model_picker"] = state.active_name  # the picker follows a model made active elsewhere
    with st.sidebar:
        st.selectbox(
            "Active model",
            options,
            format_func=lambda key: label(key, state.visiting),
            key="model_picker",
            on_change=_picked_model,
            help="Shipped and saved checkpoints, or the model you trained in this session.",
        )
        checkpoint = active_info()
        for notice in [n for n in state.notices if n.kind == "expired"]:
            state.notices.remove(notice)
            (st.error if notice.level == "error" else st.info)(notice.text)
        st.caption(describe(checkpoint))
        val = checkpoint.metrics.get("val_mse", checkpoint.metrics.get("val_loss"))
        cols = st.columns(2)
        cols[0].metric("latent size", checkpoint.config.latent_dim)
        cols[1].metric("val. MSE" if "val_mse" in checkpoint.metrics else "val. loss", f"{val:.4f}" if val else "–")
        _job_status(state)
        remember_owner(state)
    if not state.narrow_sent:  # once per session: afterwards the student's own choice stands
        fold_sidebar_when_narrow()
        state.narrow_sent = True
    write_url(state.active_name)
    return checkpoint
