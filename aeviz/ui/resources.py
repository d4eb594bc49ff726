"""Shared, cached resources: built-in datasets, stored checkpoints and their metadata, the UMAP warm-up.

Shipped checkpoints and built-in datasets are `st.cache_resource` objects shared by every session: never train or mutate
them. torch, scikit-learn and umap are imported inside the functions that need them, so the home page and the sidebar
(which read checkpoint metadata only) appear without paying for those imports.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import SHIPPED_DIR, Checkpoint, CheckpointInfo, list_checkpoints, load_checkpoint, read_info

if TYPE_CHECKING:
    from aeviz.data import Dataset

WARM_UP_DELAY = 5.0  # seconds after the first page view before UMAP is compiled in the background


def user_dir() -> Path:
    """Where students save models: $AEVIZ_USER_CHECKPOINTS, else ./user_checkpoints (kept apart from shipped ones)."""
    return Path(os.environ.get("AEVIZ_USER_CHECKPOINTS", "user_checkpoints"))


# --- cached, shared resources ---------------------------------------------------------------------------------------


def after_heavy_load() -> None:
    """torch and scikit-learn are in memory now: give torch its thread count and freeze long-lived objects.

    - One torch thread per training (AEVIZ_TORCH_THREADS overrides): the server is shared by many sessions and, on the
      teacher's laptop, by the browser. With two threads on two busy cores each parallel step waited for the slower
      thread, and a default Train click took ~6 s instead of ~3 s here (bench/bench_app.py).
    - Streamlit runs a full gc.collect(2) after every script run (runner.postScriptGC). With torch and scikit-learn
      loaded, that walk over millions of long-lived objects cost ~100 ms per slider step; frozen out of the collector's
      view, a walk-page step went from ~150-230 ms to ~50 ms. Objects created later are still collected as usual.
    """
    import torch

    torch.set_num_threads(int(os.environ.get("AEVIZ_TORCH_THREADS", "1")))
    gc.freeze()


@st.cache_resource(show_spinner="Loading the dataset…")
def builtin_dataset(name: str, seed: int = 0) -> Dataset:
    from aeviz.data import load_dataset

    data = load_dataset(name, seed=seed)
    after_heavy_load()
    return data


@st.cache_resource(show_spinner="Loading the model…", max_entries=64)
def _stored_checkpoint(folder: str, name: str, mtime: float) -> Checkpoint:
    checkpoint = load_checkpoint(name, folder)
    after_heavy_load()
    return checkpoint


@st.cache_resource(max_entries=256)
def stored_info(folder: str, name: str, mtime: float) -> CheckpointInfo:
    return read_info(name, folder)


def _warm_up() -> None:
    from aeviz.projection import warm_up_umap

    time.sleep(WARM_UP_DELAY)  # let the first page draw before importing umap competes for the CPU and the GIL
    warm_up_umap()
    after_heavy_load()


@st.cache_resource
def start_umap_warm_up() -> threading.Thread | None:
    """Compile UMAP once per server in a background thread, so the first UMAP a class asks for is quick.

    AEVIZ_UMAP_WARMUP=0 turns it off (the tests do, to keep their CPU to themselves).
    """
    if os.environ.get("AEVIZ_UMAP_WARMUP", "1") == "0":
        return None
    thread = threading.Thread(target=_warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


def model_sources() -> dict[str, Path]:
    """Every stored checkpoint name and its folder: shipped first, then students' saved ones."""
    sources = {name: SHIPPED_DIR for name in list_checkpoints(SHIPPED_DIR)}
    for name in list_checkpoints(user_dir()):
        sources.setdefault(name, user_dir())
    return sources


def stored_key(name: str) -> tuple[str, str, float]:
    folder = model_sources().get(name)
    if folder is None:
        raise AevizError(f"no checkpoint named {name!r}")
    return str(folder), name, (folder / name / "model.safetensors").stat().st_mtime


def stored_checkpoint(name: str) -> Checkpoint:
    """A shipped or saved checkpoint, loaded once per server (shared: never train it)."""
    return _stored_checkpoint(*stored_key(name))
