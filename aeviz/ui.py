"""The one module that imports streamlit: cached loaders, the active model in session state, the shared sidebar.

Shipped checkpoints and built-in datasets are `st.cache_resource` objects shared by every session: never train or mutate
them. A model trained live belongs to its session (`st.session_state`), and is kept there after every epoch.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.resources
import os
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import SHIPPED_DIR, Checkpoint, CheckpointInfo, list_checkpoints, load_checkpoint, read_info

if TYPE_CHECKING:
    from aeviz.data import Dataset

# torch, scikit-learn and umap are imported inside the functions that need them: the home page and the sidebar read
# checkpoint metadata only, so the first page of `streamlit run app.py` appears without paying for those imports.

DEFAULT_MODEL = "mnist-mlp-2d"
WARM_UP_DELAY = 5.0  # seconds after the first page view before UMAP is compiled in the background
VIEW_SAMPLES = 1_000  # points shown in latent scatters (the validation split, capped)


def user_dir() -> Path:
    """Where students save models: $AEVIZ_USER_CHECKPOINTS, else ./user_checkpoints (kept apart from shipped ones)."""
    return Path(os.environ.get("AEVIZ_USER_CHECKPOINTS", "user_checkpoints"))


# --- cached, shared resources ---------------------------------------------------------------------------------------


def _after_heavy_load() -> None:
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
    _after_heavy_load()
    return data


@st.cache_resource(show_spinner="Loading the model…", max_entries=64)
def _stored_checkpoint(folder: str, name: str, mtime: float) -> Checkpoint:
    checkpoint = load_checkpoint(name, folder)
    _after_heavy_load()
    return checkpoint


@st.cache_resource(max_entries=256)
def _stored_info(folder: str, name: str, mtime: float) -> CheckpointInfo:
    return read_info(name, folder)


def _warm_up() -> None:
    from aeviz.projection import warm_up_umap

    time.sleep(WARM_UP_DELAY)  # let the first page draw before importing umap competes for the CPU and the GIL
    warm_up_umap()
    _after_heavy_load()


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


def _stored_key(name: str) -> tuple[str, str, float]:
    folder = model_sources().get(name)
    if folder is None:
        raise AevizError(f"no checkpoint named {name!r}")
    return str(folder), name, (folder / name / "model.safetensors").stat().st_mtime


def stored_checkpoint(name: str) -> Checkpoint:
    """A shipped or saved checkpoint, loaded once per server (shared: never train it)."""
    return _stored_checkpoint(*_stored_key(name))


def active_info() -> Checkpoint | CheckpointInfo:
    """What the sidebar shows of the active model (configs, dataset, metrics) without loading stored weights."""
    _init_state()
    state = st.session_state
    name = state["active_name"]
    if name.startswith(LIVE_PREFIX) and state.get("session_model") is not None:
        return state["session_model"]
    if name not in model_sources():
        name = state["active_name"] = DEFAULT_MODEL
    return _stored_info(*_stored_key(name))


# --- the active model -------------------------------------------------------------------------------------------------
#
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
        state["session_model"], state["active_name"] = live, wanted
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
    return stored_checkpoint(name), "stored:{}:{}:{}".format(*_stored_key(name))


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
        _after_heavy_load()
    return st.session_state["uploaded_data"]


def session_model() -> tuple[Checkpoint | None, str]:
    """The model trained (or loaded) in this session, if any, and its cache key."""
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


# --- cached computations per model ------------------------------------------------------------------------------------


def view_rows(data: Dataset) -> np.ndarray:
    """The validation rows shown in scatters (at most VIEW_SAMPLES)."""
    return data.X_val[:VIEW_SAMPLES]


def view_labels(data: Dataset) -> np.ndarray | None:
    return None if data.y_val is None else data.y_val[:VIEW_SAMPLES]


@st.cache_data(max_entries=32, show_spinner=False)
def codes(model_key: str, _checkpoint: Checkpoint, _X: np.ndarray) -> np.ndarray:
    """Codes of the shown validation rows, computed once per model."""
    from aeviz.latent import encode_dataset

    return encode_dataset(_checkpoint.model, _X)


@st.cache_data(max_entries=32, show_spinner=False)
def train_codes(model_key: str, _checkpoint: Checkpoint, _X: np.ndarray) -> np.ndarray:
    from aeviz.latent import encode_dataset

    return encode_dataset(_checkpoint.model, _X)


@st.cache_data(max_entries=32, show_spinner=False)
def ranges(model_key: str, _Z: np.ndarray) -> np.ndarray:
    from aeviz.latent import slider_ranges

    return slider_ranges(_Z)


@st.cache_data(max_entries=64, show_spinner=False)
def view(key: str, method: str, n_components: int, _Z: np.ndarray, _X: np.ndarray, _y) -> dict:
    """A 2-D/3-D view of Z, its trustworthiness against the inputs X, and 5-NN accuracy (fit on half, score on half)."""
    from aeviz.projection import knn_accuracy, project, trustworthiness_score

    coords = project(_Z, method, n_components)
    result = {"coords": coords, "trust": trustworthiness_score(_X, coords)}
    if _y is not None and _y.dtype.kind in "iu":
        half = len(coords) // 2
        result["knn"] = knn_accuracy(coords[:half], _y[:half], coords[half:], _y[half:])
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def raw_pca(data_key: str, n_components: int, _X_train: np.ndarray, _X: np.ndarray) -> np.ndarray:
    """The shown rows recast onto the first n_components principal components of the training split."""
    from aeviz.pca import TeachingPCA

    pca = TeachingPCA(min(n_components, _X_train.shape[1]), standardize=False).fit(_X_train)
    return pca.transform(_X).astype(np.float32)


# --- the in-browser decoder ------------------------------------------------------------------------------------------


@st.cache_resource
def _decoder_component():
    """Register the latent decoder component once per server (its JS and CSS are package files in aeviz/static)."""
    static = importlib.resources.files("aeviz") / "static"
    return st.components.v2.component(
        "aeviz.latent_decoder", js=(static / "decoder.js").read_text(), css=(static / "decoder.css").read_text()
    )


@st.cache_data(max_entries=32, show_spinner=False)
def exported_decoder(model_key: str, _checkpoint: Checkpoint) -> dict:
    """The active model's decoder as plain data for the browser, built once per model."""
    from aeviz.export import export_decoder

    return export_decoder(_checkpoint.model)


def browser_decoder(
    checkpoint: Checkpoint,
    model_key: str,
    code: np.ndarray,
    dims: list[int],
    ranges: np.ndarray,
    pad: tuple[int, int] | None,
    Z: np.ndarray,
    labels: np.ndarray | None,
    scale: int,
    key: str,
) -> np.ndarray:
    """Sliders for `dims` and a latent pad over `pad` (two dimensions, drawn over the codes Z) that decode in the browser.

    Returns the code the user last released (the starting `code` until then), shape (latent_dim,).
    """
    data = {
        "model_key": model_key,
        "decoder": exported_decoder(model_key, checkpoint),
        "code": [float(v) for v in code],
        "dims": [int(d) for d in dims],
        "ranges": ranges.tolist(),
        "scale": int(scale),
        "pad": None,
    }
    if pad is not None:
        data["pad"] = {
            "dims": list(pad),
            "points": np.round(Z[:, list(pad)], 4).tolist(),
            "labels": labels.astype(int).tolist() if labels is not None and labels.dtype.kind in "iu" else None,
        }
    result = _decoder_component()(data=data, key=key, default={"code": data["code"]}, on_code_change=lambda: None)
    final = result.get("code") if isinstance(result, dict) else getattr(result, "code", None)
    return np.asarray(final if final is not None else code, dtype=np.float32)


def show_image(image: np.ndarray, caption: str) -> None:
    """A uint8 montage at its own pixel size (a long caption must not stretch it), as PNG so pixels stay crisp."""
    st.image(image, caption=caption, width=int(image.shape[1]), output_format="PNG")


def show_error(exc: Exception) -> None:
    st.error(str(exc), icon=":material/error:")


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
