"""What pages share, in one typed place: the session's state, the active model, the live-model store, the sidebar.

Pages never touch `st.session_state` with raw keys: they call `session()` (one `Session` per browser session) and the
functions below. Cache keys come from content (`Checkpoint.fingerprint()`, `Dataset.fingerprint`), never from `id()`.
A model trained live is kept in the server's live-model store (aeviz.livestore: bounded by bytes and idle time, in
memory or in a folder that several replicas share) under an unguessable key that goes into the URL (?model=live:KEY),
so a reload, the link on the projector, or another replica finds it. The session holds the key, not the model: an idle
model can expire and free its memory (a saved one never does).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint, CheckpointInfo
from aeviz.escaping import markdown_text
from aeviz.jobs import QUEUED
from aeviz.livestore import LiveStore, make_store, new_key, valid_key
from aeviz.runtime import set_torch_threads
from aeviz.ui.resources import (
    OWNER_PATTERN,
    SAVED_PREFIX,
    builtin_dataset,
    job_pool,
    model_sources,
    stored_checkpoint,
    stored_info,
    stored_key,
    student_dir,
)

if TYPE_CHECKING:
    import numpy as np

    from aeviz.datasets import Dataset
    from aeviz.jobs import Job

DEFAULT_MODEL = "mnist-mlp-2d"
LIVE_PREFIX = "live:"
MODEL_PARAM = "model"  # the URL parameter naming the active model (pages bind their own widgets under their own names)
_SESSION = "aeviz"  # the one st.session_state key aeviz owns; widget keys are Streamlit's own


# --- what pages hand each other ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveModel:
    """The model the pages show, with a key for caches that changes whenever its weights do."""

    checkpoint: Checkpoint
    key: str  # Checkpoint.fingerprint(): content, not identity


@dataclass(frozen=True)
class Upload:
    """A file read on the Train page: its bytes' hash (read once per content) and the dataset it gave."""

    digest: str
    dataset: Dataset


@dataclass
class TrainRun:
    """The Train page's last training: how far it got, and the last live view (the finished figure keeps its turn)."""

    total: int  # epochs asked for
    done: int = 0  # epochs finished
    failed: bool = False
    view: np.ndarray | None = None  # (n_shown, 2) coordinates of the last live scatter
    data: Dataset | None = None  # what it trains on (the live monitor's labels)
    latent: int = 2  # its code size (the live monitor's axes)

    @property
    def stopped_early(self) -> bool:
        return self.total > 0 and self.done < self.total and not self.failed


@dataclass(frozen=True)
class PickedPoint:
    """A point clicked on the Latent space page: a validation row of one model; the Latent walk starts from it."""

    model_key: str
    row: int


@dataclass(frozen=True)
class SparsityPair:
    """Two models trained alike but for λ (the Sparsity page's "train a pair")."""

    lam: float
    dense: Checkpoint  # λ = 0
    sparse: Checkpoint  # λ = lam


@dataclass(frozen=True)
class SweepRun:
    """A k-sweep trained in this session (PCA against autoencoders) on the data with this fingerprint."""

    data_key: str  # Dataset.fingerprint
    models: dict[tuple[str, int], Checkpoint]  # {(family, k): finished model}


@dataclass(frozen=True)
class Pending:
    """This session's job in the pool, and what to do with its result (run in the script thread, never the worker)."""

    job: Job
    keep: Callable[[Any], tuple[str, str]]  # stores the result in the session; returns (level, message) for the student


@dataclass(frozen=True)
class Notice:
    """A message about a finished job, shown once by the page of its kind."""

    kind: str
    level: str  # success | info | error
    text: str


@dataclass
class Session:
    """Everything aeviz keeps for one browser session."""

    active_name: str  # a stored model's key (model_sources), or LIVE_PREFIX + key of the live model
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)  # this session's key: its saves are its own
    live_name: str = ""  # LIVE_PREFIX + key of the model trained or loaded in this session (in the live store)
    upload: Upload | None = None
    train_run: TrainRun | None = None
    picked: PickedPoint | None = None
    sparsity_pair: SparsityPair | None = None
    recolourer: Checkpoint | None = None  # a recolouring model this session trained (30 k parameters)
    sparsity_sweep: list[tuple[float, float, float]] = field(default_factory=list)  # (λ, active fraction, error)
    k_sweep: SweepRun | None = None
    pending: Pending | None = None  # this session's job in the pool (aeviz.ui.job_panel)
    notices: list[Notice] = field(default_factory=list)

    @property
    def live(self) -> Checkpoint | None:
        """The session's live model, while the store keeps it (None once expired: the page says so)."""
        if not self.live_name:
            return None
        found = live_store().get(self.live_name.removeprefix(LIVE_PREFIX))
        if found is None:
            self.notices.append(Notice("expired", "info", EXPIRED))
            self.live_name = ""
            if self.active_name.startswith(LIVE_PREFIX):
                self.active_name = DEFAULT_MODEL
        return found


# --- the live-model store ---------------------------------------------------------------------------------------------


EXPIRED = (
    "The model trained in this session was idle too long and the server let it go (save a model to keep it); "
    "showing a shipped model."
)


@st.cache_resource
def live_store() -> LiveStore:
    """The server's live-model store: $AEVIZ_LIVE_DIR on disk (replicas share it) or memory; limits in README."""
    return make_store()


def keep_live(checkpoint: Checkpoint, key: str | None = None) -> str:
    """Put a model in the live store (a job may do it from its worker: the store takes no Streamlit call); its key."""
    key = key or new_key()
    live_store().put(key, checkpoint)
    return key


# --- the session ------------------------------------------------------------------------------------------------------


def session() -> Session:
    """This browser session's state, created on first use from the URL (?model=NAME or ?model=live:KEY)."""
    state = st.session_state.get(_SESSION)
    if state is None:
        wanted = st.query_params.get(MODEL_PARAM, DEFAULT_MODEL)
        key = wanted.removeprefix(LIVE_PREFIX)
        found = wanted.startswith(LIVE_PREFIX) and valid_key(key) and live_store().get(key) is not None
        if found:
            state = Session(active_name=wanted, live_name=wanted)
        else:
            state = Session(active_name=DEFAULT_MODEL)
            owner = wanted.removeprefix(SAVED_PREFIX).split("/")[0] if wanted.startswith(SAVED_PREFIX) else ""
            if OWNER_PATTERN.fullmatch(owner):  # the link to one's own save (a reload) gives back all of one's saves
                state.owner = owner
            if wanted in model_sources(state.owner):
                state.active_name = wanted
        st.session_state[_SESSION] = state
    return state


def _write_url(name: str) -> None:
    if st.query_params.get(MODEL_PARAM) != name:
        st.query_params[MODEL_PARAM] = name


def set_session_model(checkpoint: Checkpoint | None = None, key: str | None = None) -> None:
    """Make a model trained (or uploaded) in this session the active one, and keep it across reloads: `checkpoint` is
    put in the live store, or `key` names one already there (a training job stores its own result)."""
    state = session()
    if checkpoint is not None:
        key = keep_live(checkpoint)
    state.live_name = state.active_name = LIVE_PREFIX + key
    _write_url(state.active_name)


def _stored_name(state: Session) -> str:
    if state.active_name not in model_sources(state.owner):
        state.active_name = DEFAULT_MODEL  # e.g. a shared model the teacher took away
    return state.active_name


def active_model() -> ActiveModel:
    """The active model, with weights, and its content key."""
    state = session()
    live = state.live if state.active_name.startswith(LIVE_PREFIX) else None
    checkpoint = live if live is not None else stored_checkpoint(_stored_name(state), state.owner)
    return ActiveModel(checkpoint, checkpoint.fingerprint())


def active_info() -> Checkpoint | CheckpointInfo:
    """What the sidebar shows of the active model (configs, dataset, metrics) without loading stored weights."""
    state = session()
    live = state.live if state.active_name.startswith(LIVE_PREFIX) else None
    return live if live is not None else stored_info(*stored_key(_stored_name(state), state.owner))


def save_session_model(name: str, replace: bool = False) -> str:
    """Save the session's model under `name` among this session's own saves (others do not see them, and cannot
    replace them); returns its key in the model list. An own save of that name is replaced only with `replace`."""
    from aeviz.checkpoints import check_target, save_checkpoint

    state = session()
    live = state.live
    if live is None:
        raise AevizError("train or load a model first")
    if name in model_sources():
        raise AevizError(f"{name!r} is the name of a shipped or shared model; choose another name")
    check_target(student_dir(state.owner), name, replace, how_to_replace='tick "Replace my saved model of that name"')
    save_checkpoint(live, name, student_dir(state.owner), overwrite=replace)
    return f"{SAVED_PREFIX}{state.owner}/{name}"


def session_model() -> ActiveModel | None:
    """The model trained (or loaded) in this session, if any."""
    live = session().live
    return None if live is None else ActiveModel(live, live.fingerprint())


# --- datasets ---------------------------------------------------------------------------------------------------------


def dataset_for(checkpoint: Checkpoint) -> Dataset | None:
    """The dataset the model was trained on: a built-in one, or this session's upload of that name."""
    from aeviz.datasets import BUILTIN_DATASETS

    if checkpoint.dataset in BUILTIN_DATASETS:
        return builtin_dataset(checkpoint.dataset, checkpoint.data_seed)
    upload = session().upload
    if upload is not None and upload.dataset.name == checkpoint.dataset:
        return upload.dataset
    return None


def require_dataset(checkpoint: Checkpoint) -> Dataset:
    """The active model's dataset, or stop the page with a message when it is not available in this session."""
    data = dataset_for(checkpoint)
    if data is None:
        st.warning(
            f"This model was trained on the uploaded file {markdown_text(checkpoint.dataset)}, which is not loaded in this "
            "session. "
            "Upload it again on the Train page, or pick another model in the sidebar."
        )
        st.stop()
    return data


def active_dataset() -> Dataset:
    """The active model's dataset (the lecture pages show it), or stop the page with `require_dataset`'s message."""
    return require_dataset(active_model().checkpoint)


def uploaded_dataset(file) -> Dataset:
    """Read a Streamlit UploadedFile once per content; raises AevizError with a readable message."""
    from aeviz.datasets import load_upload

    payload = file.getvalue()
    digest = hashlib.sha1(payload).hexdigest()
    state = session()
    if state.upload is None or state.upload.digest != digest:
        state.upload = Upload(digest, load_upload(file.name, payload))  # not frozen: it goes when the session does
        set_torch_threads()  # training on an upload may be the first heavy work of the server
    return state.upload.dataset


# --- the sidebar ------------------------------------------------------------------------------------------------------


def describe(checkpoint: Checkpoint | CheckpointInfo) -> str:
    c, t = checkpoint.config, checkpoint.train_config
    extras = []
    if t and t.l1:
        extras.append(f"λ {t.l1:g}")
    if t and t.noise_std:
        extras.append(f"noise {t.noise_std:g}")
    return " · ".join([markdown_text(checkpoint.dataset), c.arch, f"{c.latent_dim}-D code", *extras])


def _label(key: str) -> str:
    if key.startswith(LIVE_PREFIX):
        return "trained in this session"
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
    live = [state.live_name] if state.live_name and state.live is not None else []
    options = live + list(model_sources(state.owner))
    if state.active_name not in options:
        state.active_name = DEFAULT_MODEL
    st.session_state["model_picker"] = state.active_name  # the picker follows a model made active elsewhere
    with st.sidebar:
        st.selectbox(
            "Active model",
            options,
            format_func=_label,
            key="model_picker",
            on_change=_picked_model,
            help="Shipped and saved checkpoints, or the model you trained in this session.",
        )
        checkpoint = active_info()
        for notice in [n for n in state.notices if n.kind == "expired"]:
            state.notices.remove(notice)
            st.info(notice.text)
        st.caption(describe(checkpoint))
        val = checkpoint.metrics.get("val_mse", checkpoint.metrics.get("val_loss"))
        cols = st.columns(2)
        cols[0].metric("latent size", checkpoint.config.latent_dim)
        cols[1].metric("val. MSE" if "val_mse" in checkpoint.metrics else "val. loss", f"{val:.4f}" if val else "–")
        _job_status(state)
    _write_url(state.active_name)
    return checkpoint
