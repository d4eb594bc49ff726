"""What pages share, in one place: the session (its records are aeviz.ui.records), the active model, the live-model
store and the session's own saves. The sidebar is aeviz.ui.sidebar, the active model's data aeviz.ui.datasets.

Pages never touch `st.session_state` with raw keys: they call `session()` (one `Session` per browser session) and the
functions below. Cache keys come from content (`Checkpoint.fingerprint()`, `Dataset.fingerprint`), never from `id()`.
A model trained live is kept in the server's live-model store (aeviz.livestore: bounded by bytes and idle time, in
memory or in a folder that several replicas share) under an unguessable key that goes into the URL (?model=live:KEY),
so a reload, the link on the projector, or another replica finds it. The session holds the key, not the model: an idle
model can expire and free its memory (a saved one never does).
"""

from __future__ import annotations

import os
import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint, CheckpointInfo, check_target, list_checkpoints, save_checkpoint
from aeviz.livestore import LiveStore, make_store, new_key, valid_key
from aeviz.ui.display import keep_identity
from aeviz.ui.records import LIVE_PREFIX, ActiveModel, Notice, Pending, Session
from aeviz.ui.resources import (
    OWNER_PATTERN,
    SAVED_PREFIX,
    job_pool,
    model_sources,
    public_id,
    saved_source,
    stored_checkpoint,
    stored_info,
    stored_key,
    student_dir,
)

DEFAULT_MODEL = "mnist-mlp-2d"
MAX_SAVES = int(os.environ.get("AEVIZ_MAX_SAVES", "20"))  # saved models one student keeps (~26 MB each at most)
OWNER_COOKIE = "aeviz_owner"  # the browser's owner key; never in a URL or a link
OWNER_COOKIE_DAYS = 30
MODEL_PARAM = "model"  # the URL parameter naming the active model (pages bind their own widgets under their own names)
_SESSION = "aeviz"  # the one st.session_state key aeviz owns; widget keys are Streamlit's own


# --- the live-model store ---------------------------------------------------------------------------------------------


EXPIRED = (
    "The model of this session's link is no longer kept on the server (idle too long, or the server restarted; save a "
    "model to keep it); showing a shipped model."
)


@st.cache_resource
def live_store() -> LiveStore:
    """The server's live-model store: $AEVIZ_LIVE_DIR on disk (replicas share it) or memory; limits in README."""
    return make_store()


def live_checkpoint(state: Session) -> Checkpoint | None:
    """The session's live model while the store keeps it. Once the store let it go (idle too long, a restart) or cannot
    read it (damaged), the session forgets it, falls back to the default model if it was the active one, and keeps a
    notice that the sidebar shows."""
    if not state.live_name:
        return None
    try:
        found = live_store().get(state.live_name.removeprefix(LIVE_PREFIX))
    except AevizError as exc:
        found = None
        state.notices.append(Notice("expired", "error", f"{exc}; showing a shipped model."))
    else:
        if found is None:
            state.notices.append(Notice("expired", "info", EXPIRED))
    if found is None:
        state.live_name = ""
        if state.active_name.startswith(LIVE_PREFIX):
            state.active_name = DEFAULT_MODEL
    return found


def keep_live(checkpoint: Checkpoint, owner: str, key: str | None = None) -> str:
    """Put `owner`'s model in the live store, within that student's share of it; its key."""
    key = key or new_key()
    live_store().put(key, checkpoint, owner)
    return key


# --- the session ------------------------------------------------------------------------------------------------------


def session() -> Session:
    """This browser session's state, created on first use from the URL (?model=NAME or ?model=live:KEY)."""
    state = st.session_state.get(_SESSION)
    if state is None:
        wanted = st.query_params.get(MODEL_PARAM, DEFAULT_MODEL)
        key = wanted.removeprefix(LIVE_PREFIX)
        state = Session(active_name=DEFAULT_MODEL, owner=returning_owner())
        if wanted.startswith(LIVE_PREFIX) and valid_key(key):
            state.active_name = state.live_name = wanted
            live_checkpoint(state)  # gone or damaged: the default model, and the sidebar says why
        elif wanted in model_sources(state.owner):
            state.active_name = wanted
        elif saved_source(wanted) is not None:  # another student's save, from its link: to look at, not to own
            state.active_name = state.visiting = wanted
        follow_jobs(state)
        st.session_state[_SESSION] = state
    return state


def follow_jobs(state: Session) -> None:
    """Tie this session to its owner's job in the pool, still waiting, running or uncollected (a reload, a second
    tab): the session shows it and collects it. The pool ends the jobs of sessions Streamlit has not had connected for
    a while (their tabs closed: aeviz.ui.resources reaps them), so a session says which one it is."""
    ctx = get_script_run_ctx()
    state.session_id = ctx.session_id if ctx is not None else uuid.uuid4().hex
    pool = job_pool()
    job = pool.job_of(state.owner)
    if job is not None and job.keep is not None:
        pool.adopt(job, state.session_id)
        state.pending = Pending(job, job.keep)


def returning_owner() -> str:
    """This browser's owner key from its cookie (a reload, a second tab: the same student, its saves and its queue
    slot), or a new one; a cookie that is not 32 hex digits is ignored."""
    remembered = st.context.cookies.get(OWNER_COOKIE)
    return remembered if isinstance(remembered, str) and OWNER_PATTERN.fullmatch(remembered) else uuid.uuid4().hex


def remember_owner(state: Session) -> None:
    """Ask the browser, once per session, to keep the owner key in its cookie (when it does not hold it already)."""
    if not state.identity_sent and st.context.cookies.get(OWNER_COOKIE) != state.owner:
        keep_identity(OWNER_COOKIE, state.owner, OWNER_COOKIE_DAYS * 86_400)
    state.identity_sent = True


def write_url(name: str) -> None:
    """Put the active model's name in the URL (?model=…), so a link reopens it."""
    if st.query_params.get(MODEL_PARAM) != name:
        st.query_params[MODEL_PARAM] = name


def set_session_model(checkpoint: Checkpoint | None = None, key: str | None = None) -> None:
    """Make a model trained (or uploaded) in this session the active one, and keep it across reloads: `checkpoint` is
    put in the live store, or `key` names one already there (a training job stores its own result)."""
    state = session()
    if checkpoint is not None:
        key = keep_live(checkpoint, state.owner)
    state.live_name = state.active_name = LIVE_PREFIX + key
    write_url(state.active_name)


def _stored_name(state: Session) -> str:
    if state.active_name not in model_sources(state.owner, state.visiting):
        state.active_name = DEFAULT_MODEL  # e.g. a shared model the teacher took away
    return state.active_name


def active_model() -> ActiveModel:
    """The active model, with weights, and its content key."""
    state = session()
    live = live_checkpoint(state) if state.active_name.startswith(LIVE_PREFIX) else None
    checkpoint = live if live is not None else stored_checkpoint(_stored_name(state), state.owner, state.visiting)
    return ActiveModel(checkpoint, checkpoint.fingerprint())


def active_info() -> Checkpoint | CheckpointInfo:
    """What the sidebar shows of the active model (configs, dataset, metrics) without loading stored weights."""
    state = session()
    live = live_checkpoint(state) if state.active_name.startswith(LIVE_PREFIX) else None
    return live if live is not None else stored_info(*stored_key(_stored_name(state), state.owner, state.visiting))


def save_session_model(name: str, replace: bool = False) -> str:
    """Save the session's model under `name` among this session's own saves (others do not see them, and cannot
    replace them); returns its key in the model list. An own save of that name is replaced only with `replace`."""
    state = session()
    live = live_checkpoint(state)
    if live is None:
        raise AevizError("train or load a model first")
    if name in model_sources():
        raise AevizError(f"{name!r} is the name of a shipped or shared model; choose another name")
    folder = student_dir(state.owner)
    check_target(folder, name, replace, how_to_replace='tick "Replace my saved model of that name"')
    kept = list_checkpoints(folder)
    if name not in kept and len(kept) >= MAX_SAVES:
        raise AevizError(
            f"you have {len(kept)} saved models, the most one student may keep on this server: replace one of them "
            "(same name, tick Replace) or download this one as a .zip"
        )
    save_checkpoint(live, name, folder, overwrite=replace)
    return f"{SAVED_PREFIX}{public_id(state.owner)}/{name}"


def session_model() -> ActiveModel | None:
    """The model trained (or loaded) in this session, if any."""
    live = live_checkpoint(session())
    return None if live is None else ActiveModel(live, live.fingerprint())
