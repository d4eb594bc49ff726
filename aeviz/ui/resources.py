"""Shared, cached resources: built-in datasets, stored checkpoints and their metadata, the UMAP warm-up.

Shipped checkpoints and built-in datasets are `st.cache_resource` objects shared by every session: never train or mutate
them. torch, scikit-learn and umap are imported inside the functions that need them, so the home page and the sidebar
(which read checkpoint metadata only) appear without paying for those imports.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoint_checks import NAME_PATTERN
from aeviz.checkpoints import SHIPPED_DIR, Checkpoint, CheckpointInfo, list_checkpoints, load_checkpoint, read_info
from aeviz.runtime import release_freed_memory, set_torch_threads

if TYPE_CHECKING:
    from aeviz.datasets import Dataset


SAVED_PREFIX = "saved:"  # a session's own save: "saved:PUBLIC/NAME" (public_id of its owner key)
OWNER_PATTERN = re.compile(r"[0-9a-f]{32}")  # a session's owner key: unguessable, and safe as a folder name


def user_dir() -> Path:
    """Saved models: $AEVIZ_USER_CHECKPOINTS, else ./user_checkpoints (kept apart from shipped ones).

    Checkpoints directly in it are shared with the class (the teacher puts them there, e.g. `aeviz train --out
    user_checkpoints/NAME`); a student's saves go to students/OWNER/ inside it and are shown to that session only.
    """
    return Path(os.environ.get("AEVIZ_USER_CHECKPOINTS", "user_checkpoints"))


def public_id(owner: str) -> str:
    """What names a student in a save's link and its folder: a one-way digest of the owner key (32 hex digits). The key
    itself makes a browser that student (their saves, their place in the queue, the teacher's role), so it must not
    travel in a link; the digest cannot be turned back into it."""
    if not OWNER_PATTERN.fullmatch(owner):
        raise AevizError("invalid owner key")
    return hashlib.sha256(f"aeviz-saves:{owner}".encode()).hexdigest()[:32]


def saves_dir(public: str) -> Path:
    """The folder of one student's saves, by the public id of a link (checked before it becomes a path)."""
    if not OWNER_PATTERN.fullmatch(public):
        raise AevizError("invalid save link")
    return user_dir() / "students" / public


def student_dir(owner: str) -> Path:
    """The folder of the saves of the session with owner key `owner`. Saves made when folders were named by the key
    itself are moved to the public id's folder on first use."""
    folder = saves_dir(public_id(owner))
    earlier = user_dir() / "students" / owner
    if earlier.is_dir() and not folder.exists():
        earlier.rename(folder)
    return folder


# --- cached, shared resources ---------------------------------------------------------------------------------------


@st.cache_resource
def job_pool():
    """The server's one pool for heavy work: $AEVIZ_POOL_SIZE worker processes, else one fewer than the cores (at
    least one); a thread ends the jobs of browser sessions that are gone (`_reap_closed_tabs`)."""
    from aeviz.jobs import server_pool

    pool = server_pool()
    threading.Thread(target=_reap_closed_tabs, args=(pool,), name="aeviz-reaper", daemon=True).start()
    return pool


def _reap_closed_tabs(pool) -> None:
    """Every few seconds, tell the pool which of its jobs' sessions Streamlit still has connected: a job whose every
    tab has been closed for the grace time is cancelled and its result let go (`JobPool.reap`); and collect now and
    then, so that memory freed after the last script run leaves the RSS even when nobody clicks."""
    from streamlit.runtime import Runtime

    from aeviz.jobs import GRACE

    while True:
        time.sleep(min(15.0, max(0.5, GRACE / 4)))
        if Runtime.exists():
            pool.reap(Runtime.instance().is_active_session)
        collect_now_and_then()  # an idle server (no script runs) also gives back what closed sessions freed


def after_heavy_load(shared: bool = True) -> None:
    """A resource is in memory now: set torch's threads and, for a `shared` one (torch, a built-in dataset's default
    split, a shipped checkpoint), freeze what exists out of the GC's view.

    Streamlit runs a full gc.collect(2) after every script run (runner.postScriptGC, now off: `collect_now_and_then`).
    With torch and scikit-learn loaded, that walk over millions of long-lived objects cost ~100 ms per slider step;
    frozen out of the collector's view, a walk-page step went from ~150-230 ms to ~50 ms. gc.freeze() freezes every
    object alive at that moment, sessions' included, and a frozen cycle is never freed: so only the finitely many
    shared resources freeze (once each, per process). A student's seed or save does not: each freeze while a class
    was working kept the closed sessions' objects of that moment for good (the soak grew ~15 MB a student, linearly,
    over 60 students); and a session's upload must stay collectable (frozen, a 70,000 × 4,096 upload held 1.7 GB
    after its tab closed).
    """
    set_torch_threads()
    if shared:
        gc.freeze()


COLLECT_EVERY = 30.0  # seconds between full collections, server-wide
_collected = {"at": time.monotonic()}  # not in a fresh server's first run: its first answer waits for nothing
_collecting = threading.Lock()


def collect_now_and_then() -> None:
    """A full gc.collect(2) at the end of a run, at most once per COLLECT_EVERY seconds for the whole server.

    Streamlit's own collection after every run (runner.postScriptGC) is off in .streamlit/config.toml: even with the
    shared objects frozen it cost 20-40 ms per run, and every follower's fragment runs every second (30 followers: a
    quarter of the server's time, measured with py-spy). Cycles still go (Python's own generational collection
    runs as usual, and this one catches what it leaves in the oldest generation), so a closed tab's upload is freed
    within half a minute; the heaps' free pages then go back to the system."""
    now = time.monotonic()
    if now - _collected["at"] < COLLECT_EVERY or not _collecting.acquire(blocking=False):
        return
    try:
        _collected["at"] = now
        gc.collect(2)
        release_freed_memory()  # what the collection freed leaves the process's RSS (aeviz.runtime)
    finally:
        _collecting.release()


DATASETS_KEPT = 8  # built-in datasets kept per server, (name, split seed) each: at most 8 × 16 MB for MNIST


@st.cache_resource(show_spinner="Loading the dataset…", max_entries=DATASETS_KEPT)
def builtin_dataset(name: str, seed: int = 0) -> Dataset:
    """A built-in dataset split with `seed`, shared by every session. The Train page's seed comes from a widget and
    the URL, so the cache is bounded: each new seed loaded MNIST again, +16 MB a click, without end."""
    from aeviz.datasets import load_dataset

    data = load_dataset(name, seed=seed)
    after_heavy_load(shared=seed == 0)  # the default split every page shows; a student's seed is theirs
    return data


@st.cache_resource(show_spinner="Loading the model…", max_entries=64)
def _stored_checkpoint(folder: str, name: str, mtime: float) -> Checkpoint:
    checkpoint = load_checkpoint(name, folder)
    after_heavy_load(shared=Path(folder).resolve().is_relative_to(SHIPPED_DIR.resolve()))  # not a student's save
    return checkpoint


@st.cache_resource(max_entries=256)
def stored_info(folder: str, name: str, mtime: float) -> CheckpointInfo:
    return read_info(name, folder)


_warmed = threading.Event()  # PyTorch and scikit-learn are imported in this process
_warming = threading.Lock()


def _warm_up() -> None:
    """Import the heavy libraries every other page uses, third-party only (a thread that held an aeviz module's import
    lock while a page's thread held another could deadlock the two imports)."""
    with _warming:
        if not _warmed.is_set():
            import sklearn.decomposition  # noqa: F401
            import torch  # noqa: F401

            _warmed.set()


def load_torch_once(light: bool) -> None:
    """A fresh server's first page: a `light` one (drawn without PyTorch or scikit-learn: the Home page the server's
    address opens) draws at once and they load afterwards (`warm_up_after`); any other first page says why it waits
    (measured 14 s on a cold machine, 5 s warm) while they load. Afterwards this costs a check of an event."""
    if _warmed.is_set() or light:
        return
    with st.spinner("Starting the server: loading PyTorch (about 15 seconds on a fresh server, once)…"):
        _warm_up()


def warm_up_after() -> None:
    """At the end of a script run: when the page was a light one on a fresh server, load PyTorch and scikit-learn in a
    background thread, once, so that the student's next page does not wait for them."""
    if not _warmed.is_set() and not _warming.locked():
        threading.Thread(target=_warm_up, name="aeviz-warm-up", daemon=True).start()


def shipped_sweep(data: Dataset) -> dict[tuple[str, int], Checkpoint]:
    """The shipped k-sweep of a built-in dataset, {(family, k): checkpoint}, when `data` is that dataset with the
    split the sweep was trained on (compared by content); otherwise empty."""
    from aeviz.datasets import list_datasets
    from aeviz.pretrain import SWEEP_DIR, sweep_name
    from aeviz.sweep import FAMILIES, sweep_ks

    if data.name not in list_datasets() or data.fingerprint != builtin_dataset(data.name).fingerprint:
        return {}
    folder = SHIPPED_DIR / SWEEP_DIR
    models = {}
    for family in FAMILIES:
        for k in sweep_ks(data.n_features):
            name = sweep_name(data.name, family, k)
            weights = folder / name / "model.safetensors"
            if weights.is_file():
                models[family, k] = _stored_checkpoint(str(folder), name, weights.stat().st_mtime)
    return models


def shipped_photo_upscaler(residual: bool = False) -> Checkpoint | None:
    """The Upscaling page's photo model (in checkpoints/upscale, out of the model list): the bottleneck autoencoder,
    or with `residual` the same network with a skip path; None if missing."""
    from aeviz.pretrain import UPSCALE_DIR, photo_upscale_recipes

    folder, name = SHIPPED_DIR / UPSCALE_DIR, photo_upscale_recipes()[int(residual)].name
    weights = folder / name / "model.safetensors"
    return _stored_checkpoint(str(folder), name, weights.stat().st_mtime) if weights.is_file() else None


def shipped_recolourers() -> dict[str, Checkpoint]:
    """The Recolouring page's shipped models (in checkpoints/recolour, out of the model list), {colour head:
    checkpoint}; a missing one is left out."""
    from aeviz.pretrain import RECOLOUR_DIR, recolour_recipes

    folder, found = SHIPPED_DIR / RECOLOUR_DIR, {}
    for recipe in recolour_recipes():
        weights = folder / recipe.name / "model.safetensors"
        if weights.is_file():
            found[recipe.model_options["head"]] = _stored_checkpoint(str(folder), recipe.name, weights.stat().st_mtime)
    return found


def shipped_denoisers() -> dict[float, Checkpoint]:
    """The Denoising page's models, {training σ: checkpoint}: mnist-denoise and its twins at the other levels (σ = 0 is
    the twin trained on clean digits). A level whose checkpoint is missing is left out."""
    from aeviz.pretrain import DENOISE_DIR, DENOISE_LEVELS, denoise_name, recipe

    shipped = recipe("mnist-denoise")
    models = {}
    for level in DENOISE_LEVELS:
        folder, name = (
            (SHIPPED_DIR, shipped.name)
            if level == shipped.train.noise_std
            else (SHIPPED_DIR / DENOISE_DIR, denoise_name(level))
        )
        weights = folder / name / "model.safetensors"
        if weights.is_file():
            models[level] = _stored_checkpoint(str(folder), name, weights.stat().st_mtime)
    return models


@st.cache_resource(max_entries=8)
def _capacity_report(path: str, mtime: float, n_features: int):
    from aeviz.capacity import report_from_json

    return report_from_json(Path(path).read_text(), n_features)


def shipped_capacity(data: Dataset, rows: int):
    """The shipped Capacity report for `data` and `rows` (made by `aeviz pretrain` on a built-in dataset), if `data`
    is the data it was made on (compared by content); else None."""
    from aeviz.datasets import list_datasets
    from aeviz.pretrain import CAPACITY_DIR

    if data.name not in list_datasets():  # only a built-in name becomes part of a path
        return None
    path = SHIPPED_DIR / CAPACITY_DIR / f"{data.name}-{int(rows)}.json"
    if not path.is_file():
        return None
    report = _capacity_report(str(path), path.stat().st_mtime, data.n_features)
    return report if report.data_key == data.fingerprint else None


@st.cache_resource(max_entries=2)
def _lambda_sweep(path: str, mtime: float):
    from aeviz.sparsity import sweep_from_json

    return sweep_from_json(Path(path).read_text())


def shipped_lambda_sweep() -> tuple[list[tuple[float, float, float]], int] | None:
    """The Sparsity page's shipped λ sweep on MNIST (`aeviz pretrain`): (results, epochs per λ), or None if absent."""
    from aeviz.pretrain import LAMBDA_SWEEP, SPARSITY_DIR

    path = SHIPPED_DIR / SPARSITY_DIR / LAMBDA_SWEEP
    return _lambda_sweep(str(path), path.stat().st_mtime) if path.is_file() else None


class BoundedStore:
    """A server-wide dict for objects sessions hand each other (live models, shared results, codes): safe across the
    sessions' threads, and it drops its oldest entries beyond `capacity` entries or, given `max_bytes`, beyond that
    many bytes of values (numpy arrays' `nbytes`; a value larger than the bound alone is not kept). Values are
    shared: never change one after `put`."""

    def __init__(self, capacity: int, max_bytes: int | None = None) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def get(self, key):
        with self._lock:
            return self._items.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            if key in self._items:
                self._bytes -= self._size(self._items.pop(key))
            if self.max_bytes is not None and self._size(value) > self.max_bytes:
                return
            self._items[key] = value
            self._bytes += self._size(value)
            while len(self._items) > self.capacity or (self.max_bytes is not None and self._bytes > self.max_bytes):
                _, dropped = self._items.popitem(last=False)
                self._bytes -= self._size(dropped)

    def _size(self, value) -> int:
        return int(getattr(value, "nbytes", 0)) if self.max_bytes is not None else 0


SHARED_RESULTS = 8  # results kept server-wide (e.g. the Capacity page's five models per dataset and subset)


@st.cache_resource
def shared_results() -> BoundedStore:
    """Results one session computed for everyone (same data, same settings); a job may put into it from its worker."""
    return BoundedStore(SHARED_RESULTS)


def shared_result(key: tuple):
    """A result one session computed for everyone, or None."""
    return shared_results().get(key)


def saved_source(key: str) -> tuple[Path, str] | None:
    """(folder, name) of a student's save named by its link key "saved:PUBLIC/NAME", if it exists (both parts checked
    before they become a path)."""
    public, _, name = key.removeprefix(SAVED_PREFIX).partition("/")
    if not key.startswith(SAVED_PREFIX) or not OWNER_PATTERN.fullmatch(public) or not NAME_PATTERN.fullmatch(name):
        return None
    folder = saves_dir(public)
    return (folder, name) if name in list_checkpoints(folder) else None


def model_sources(owner: str = "", visiting: str = "") -> dict[str, tuple[Path, str]]:
    """The stored models a session may pick, {key: (folder, checkpoint name)}: shipped ones, the class's shared ones,
    this session's own saves (key "saved:PUBLIC/NAME"; another session never lists them), and `visiting`: another
    student's save this session opened from its link, to look at (it cannot replace it)."""
    sources = {name: (SHIPPED_DIR, name) for name in list_checkpoints(SHIPPED_DIR)}
    for name in list_checkpoints(user_dir()):
        sources.setdefault(name, (user_dir(), name))
    if owner:
        folder, public = student_dir(owner), public_id(owner)
        for name in list_checkpoints(folder):
            sources[f"{SAVED_PREFIX}{public}/{name}"] = (folder, name)
    found = saved_source(visiting) if visiting else None
    if found is not None:
        sources.setdefault(visiting, found)
    return sources


def stored_key(key: str, owner: str = "", visiting: str = "") -> tuple[str, str, float]:
    """(folder, name, modification time) of a stored model: what its cached copy is keyed by."""
    found = model_sources(owner, visiting).get(key)
    if found is None:
        raise AevizError(f"no checkpoint named {key!r}")
    folder, name = found
    return str(folder), name, (folder / name / "model.safetensors").stat().st_mtime


def stored_checkpoint(key: str, owner: str = "", visiting: str = "") -> Checkpoint:
    """A shipped, shared, own or visited saved checkpoint, loaded once per server (shared: never train it)."""
    return _stored_checkpoint(*stored_key(key, owner, visiting))
