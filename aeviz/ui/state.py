"""The active model in session state, the live-model store that survives reloads, and the shared sidebar.

A model trained live belongs to its session (`st.session_state`) and is kept there after every epoch.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING

import streamlit as st

from aeviz.checkpoints import Checkpoint, CheckpointInfo
from aeviz.ui.resources import (
    after_heavy_load,
    builtin_dataset,
    model_sources,
    stored_checkpoint,
    stored_info,
    stored_key,
)

if TYPE_CHECKING:
    from aeviz.data import Dataset

DEFAULT_MODEL = "mnist-mlp-2d"

# A model trained (or uploaded) live is kept in a small server-side store under an unguessable key that also goes into
# the URL (?model=live:KEY), so that reloading the page, or opening the link on the projector, finds it again.

LIVE_PREFIX = "live:"
LIVE_CAPACITY = 64  # live models kept per server (oldest dropped first); each is at most a few MB


@st.cache_resource
def _live_store() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def _remember(key: str, checkpoint: Checkpoint) -> None:
    store, lock = _live_store()
    with lock:
        store[key] = checkpoint
        store.move_to_end(key)
        while len(store) > LIVE_CAPACITY:
            store.popitem(last=False)


def _recall(key: str) -> Checkpoint | None:
    store, lock = _live_store()
    with lock:
        return store.get(key)


def _init_state() -> None:
    state = st.session_state
    if "active_name" in state:
        return
    wanted = st.query_params.get("model", DEFAULT_MODEL)
    live = _recall(wanted.removeprefix(LIVE_PREFIX)) if wanted.startswith(LIVE_PREFIX) else None
    if live is not None:
        state["session_model"], state["active_name"], state["session_name"] = live, wanted, wanted
    else:
        state["active_name"] = wanted if wanted in model_sources() else DEFAULT_MODEL


def set_session_model(checkpoint: Checkpoint) -> None:
    """Make a model trained (or uploaded) in this session the active one, and keep it across reloads."""
    state = st.session_state
    if state.get("session_model") is not checkpoint:
        key = uuid.uuid4().hex
        _remember(key, checkpoint)
        state["session_model"] = checkpoint
        state["active_name"] = LIVE_PREFIX + key
    else:
        state["active_name"] = state.get("session_name", state["active_name"])
    state["session_name"] = state["active_name"]
    if st.query_params.get("model") != state["active_name"]:
        st.query_params["model"] = state["active_name"]


def active_checkpoint() -> tuple[Checkpoint, str]:
    """The active model and a key that changes whenever the model does (for caches)."""
    _init_state()
    state = st.session_state
    name = state["active_name"]
    if name.startswith(LIVE_PREFIX) and state.get("session_model") is not None:
        checkpoint = state["session_model"]
        return checkpoint, f"{name}:{len(checkpoint.history)}"  # grows every epoch while training
    if name not in model_sources():
        name = state["active_name"] = DEFAULT_MODEL
    return stored_checkpoint(name), "stored:{}:{}:{}".format(*stored_key(name))


def set_active(name: str) -> None:
    st.session_state["active_name"] = name


def describe(checkpoint: Checkpoint | CheckpointInfo) -> str:
    c, t = checkpoint.config, checkpoint.train_config
    extras = []
    if t and t.l1:
        extras.append(f"λ {t.l1:g}")
    if t and t.noise_std:
        extras.append(f"noise {t.noise_std:g}")
    return " · ".join([checkpoint.dataset, c.arch, f"{c.latent_dim}-D code", *extras])


def dataset_for(checkpoint: Checkpoint) -> Dataset | None:
    """The dataset the model was trained on: a built-in one, or this session's upload of that name."""
    from aeviz.data import BUILTIN_DATASETS

    if checkpoint.dataset in BUILTIN_DATASETS:
        return builtin_dataset(checkpoint.dataset, checkpoint.data_seed)
    upload = st.session_state.get("uploaded_data")
    if upload is not None and upload[1].name == checkpoint.dataset:
        return upload[1]
    return None


def uploaded_dataset(file) -> tuple[str, Dataset]:
    """Read a Streamlit UploadedFile once per content; raises AevizError with a readable message."""
    from aeviz.data import load_upload

    payload = file.getvalue()
    key = hashlib.sha1(payload).hexdigest()
    cached = st.session_state.get("uploaded_data")
    if cached is None or cached[0] != key:
        st.session_state["uploaded_data"] = (key, load_upload(file.name, payload))
        after_heavy_load()
    return st.session_state["uploaded_data"]


def session_model() -> tuple[Checkpoint | None, str]:
    """The model trained (or loaded) in this session, if any, and its cache key."""
    _init_state()  # a reload finds the live model of its URL here
    checkpoint = st.session_state.get("session_model")
    key = f"{st.session_state.get('session_name')}:{len(checkpoint.history)}" if checkpoint is not None else ""
    return checkpoint, key


def _label(name: str) -> str:
    return "trained in this session" if name.startswith(LIVE_PREFIX) else name


def sidebar() -> Checkpoint | CheckpointInfo:
    """The compact 'active model' panel on every page; returns what is known of the active model (no weights)."""
    _init_state()
    state = st.session_state
    live = [state["session_name"]] if state.get("session_name") else []
    if not live and state["active_name"].startswith(LIVE_PREFIX):
        live = [state["active_name"]]
    options = live + list(model_sources())
    if state["active_name"] not in options:
        state["active_name"] = DEFAULT_MODEL
    state["model_picker"] = state["active_name"]  # the picker follows a model made active elsewhere (e.g. by training)
    with st.sidebar:
        st.selectbox(
            "Active model",
            options,
            format_func=_label,
            key="model_picker",
            on_change=lambda: set_active(st.session_state["model_picker"]),
            help="Shipped and saved checkpoints, or the model you trained in this session.",
        )
        checkpoint = active_info()
        st.caption(describe(checkpoint))
        val = checkpoint.metrics.get("val_mse", checkpoint.metrics.get("val_loss"))
        cols = st.columns(2)
        cols[0].metric("latent size", checkpoint.config.latent_dim)
        cols[1].metric("val. MSE" if "val_mse" in checkpoint.metrics else "val. loss", f"{val:.4f}" if val else "–")
    if st.query_params.get("model") != state["active_name"]:
        st.query_params["model"] = state["active_name"]
    return checkpoint


def active_info() -> Checkpoint | CheckpointInfo:
    """What the sidebar shows of the active model (configs, dataset, metrics) without loading stored weights."""
    _init_state()
    state = st.session_state
    name = state["active_name"]
    if name.startswith(LIVE_PREFIX) and state.get("session_model") is not None:
        return state["session_model"]
    if name not in model_sources():
        name = state["active_name"] = DEFAULT_MODEL
    return stored_info(*stored_key(name))


def check_dataset(checkpoint: Checkpoint) -> Dataset:
    """The active model's dataset, or stop the page with a message when it is not available in this session."""
    data = dataset_for(checkpoint)
    if data is None:
        st.warning(
            f"This model was trained on the uploaded file {checkpoint.dataset!r}, which is not loaded in this session. "
            "Upload it again on the Train page, or pick another model in the sidebar."
        )
        st.stop()
    return data
