"""Computations cached per model and dataset (codes, slider ranges, projections with their scores).

Each public function takes the `ActiveModel` and the `Dataset` and builds its cache key from their content fingerprints
(never from object identity), so pages cannot build a key wrong and two sessions see the same figures only for the same
model on the same data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from aeviz.checkpoints import Checkpoint
from aeviz.configs import VIEW_SAMPLES
from aeviz.ui.resources import BoundedStore

if TYPE_CHECKING:
    from aeviz.datasets import Dataset
    from aeviz.projection import ScoredView
    from aeviz.sparsity import SparsityReport
    from aeviz.ui.records import ActiveModel


def view_rows(data: Dataset) -> np.ndarray:
    """The validation rows shown in scatters (at most VIEW_SAMPLES)."""
    return data.X_val[:VIEW_SAMPLES]


def view_labels(data: Dataset) -> np.ndarray | None:
    return None if data.y_val is None else data.y_val[:VIEW_SAMPLES]


CODES_MB = 192  # codes kept server-wide, in MB: a 4,096-unit code of the 4,000 MNIST training rows alone is 66 MB


@st.cache_resource
def _codes_store() -> BoundedStore:
    return BoundedStore(256, CODES_MB * 2**20)


def codes(model: ActiveModel, data: Dataset, split: str = "shown") -> np.ndarray:
    """Codes Z (n_rows, latent_dim) of one split ("shown" validation rows or "train"), once per model and data while
    they fit the server's CODES_MB (bounded by bytes, not entries: a wide code's are a thousand times a 2-D one's).
    Shared: read-only."""
    from aeviz.latent import encode_dataset

    store, key = _codes_store(), (model.key, data.fingerprint, split)
    Z = store.get(key)
    if Z is None:
        Z = encode_dataset(model.checkpoint.model, view_rows(data) if split == "shown" else data.X_train)
        Z.setflags(write=False)
        store.put(key, Z)
    return Z


@st.cache_data(max_entries=32, show_spinner=False)
def _ranges(model_key: str, data_key: str, _Z: np.ndarray) -> np.ndarray:
    from aeviz.latent import slider_ranges

    return slider_ranges(_Z)


def ranges(model: ActiveModel, data: Dataset) -> np.ndarray:
    """Slider range (latent_dim, 2) of each code dimension over the shown rows."""
    return _ranges(model.key, data.fingerprint, codes(model, data))


@st.cache_data(max_entries=64, show_spinner=False)
def _view(key: tuple, method: str, n_components: int, _Z: np.ndarray, _X: np.ndarray, _y) -> ScoredView:
    from aeviz.projection import scored_view

    return scored_view(_Z, _X, _y, method, n_components)


def code_view(model: ActiveModel, data: Dataset, method: str, n_components: int) -> ScoredView:
    """A 2-D/3-D view of the model's codes of the shown rows, its trustworthiness against the inputs, and 5-NN accuracy
    (fitted on half the points, scored on the rest; labelled data)."""
    X = view_rows(data)
    return _view(("code", model.key, data.fingerprint), method, n_components, codes(model, data), X, view_labels(data))


@st.cache_data(max_entries=16, show_spinner=False)
def _raw_pca(data_key: str, n_components: int, _X_train: np.ndarray, _X: np.ndarray) -> np.ndarray:
    from aeviz.pca import TeachingPCA

    pca = TeachingPCA(min(n_components, _X_train.shape[1]), standardize=False).fit(_X_train)
    return pca.transform(_X).astype(np.float32)


def pca_view(data: Dataset, n_components: int, method: str, dims: int) -> ScoredView:
    """The same view of the shown rows recast onto the first n_components principal components of the training split."""
    X = view_rows(data)
    Z = _raw_pca(data.fingerprint, n_components, data.X_train, X)
    return _view(("pca", n_components, data.fingerprint), method, dims, Z, X, view_labels(data))


SLOW_VIEWS = 64  # UMAP/t-SNE results kept server-wide (each is a few tens of kB)


@st.cache_resource
def _slow_views() -> BoundedStore:
    return BoundedStore(SLOW_VIEWS)


def _slow_key(model: ActiveModel, data: Dataset, method: str, dims: int) -> tuple:
    return (model.key, data.fingerprint, method, dims)


def slow_views(model: ActiveModel, data: Dataset, method: str, dims: int) -> tuple[ScoredView, ScoredView] | None:
    """UMAP or t-SNE of the model's codes and of PCA of the inputs (as `code_view` and `pca_view`), once a
    `slow_views_job` computed them; else None."""
    return _slow_views().get(_slow_key(model, data, method, dims))


def slow_views_job(model: ActiveModel, data: Dataset, method: str, dims: int) -> tuple:
    """(function, arguments, then) of the pool job that computes `slow_views` (UMAP takes seconds, t-SNE more): the
    inputs are gathered here, in the script; `then` keeps the result for every session with this model."""
    from aeviz.projection import views_job

    X, y, latent = view_rows(data), view_labels(data), model.checkpoint.config.latent_dim
    Z, Z_pca = codes(model, data), _raw_pca(data.fingerprint, latent, data.X_train, X)
    store, key = _slow_views(), _slow_key(model, data, method, dims)
    return views_job, (method, dims, Z, Z_pca, X, y), lambda found: store.put(key, found)


@st.cache_resource(max_entries=4, show_spinner="PCA: covariance and eigenvectors…")
def _teaching_pca(data_key: str, standardize: bool, _X: np.ndarray):
    from aeviz.pca import TeachingPCA

    return TeachingPCA(min(2, _X.shape[1]), standardize=standardize).fit(_X)


def teaching_pca(data: Dataset, standardize: bool):
    """The lecture's five PCA steps on the training split, once per dataset and choice (shared: never change it)."""
    return _teaching_pca(data.fingerprint, standardize, data.X_train)


@st.cache_data(max_entries=32, show_spinner=False)
def _model_error(model_key: str, data_key: str, split: str, _checkpoint: Checkpoint, _data: Dataset) -> float:
    from aeviz.sweep import val_error

    return val_error(_checkpoint.model, _data, split)


def model_error(checkpoint: Checkpoint, data: Dataset, split: str = "validation") -> float:
    """A model's MSE per feature on the validation (or "training") split of `data`, once per model and data."""
    return _model_error(checkpoint.fingerprint(), data.fingerprint, split, checkpoint, data)


@st.cache_data(max_entries=8, show_spinner=False)
def _pca_errors(data_key: str, max_k: int, split: str, _data: Dataset) -> np.ndarray:
    from aeviz.sweep import pca_errors as errors

    return errors(_data, max_k, split)


def pca_errors(data: Dataset, max_k: int, split: str = "validation") -> np.ndarray:
    """PCA's validation (or "training") MSE for k = 1 … max_k (entry k - 1), once per dataset."""
    return _pca_errors(data.fingerprint, max_k, split, data)


@st.cache_data(max_entries=32, show_spinner=False)
def _angles(model_key: str, data_key: str, _checkpoint: Checkpoint, _data: Dataset) -> np.ndarray:
    from aeviz.sweep import principal_angles

    return principal_angles(_checkpoint.model, _data)


def principal_angles(checkpoint: Checkpoint, data: Dataset) -> np.ndarray:
    """A linear autoencoder's principal angles (degrees) to PCA's subspace of the same size, once per model and data."""
    return _angles(checkpoint.fingerprint(), data.fingerprint, checkpoint, data)


@st.cache_data(max_entries=32, show_spinner=False)
def _sparsity(model_key: str, data_key: str, _checkpoint: Checkpoint, _X: np.ndarray) -> SparsityReport:
    from aeviz.sparsity import sparsity_report

    return sparsity_report(_checkpoint.model, _X)


def sparsity_of(checkpoint: Checkpoint, data: Dataset) -> SparsityReport:
    """How sparse a model's code is on the validation split, once per model and data (every follower of the sparsity
    step would otherwise encode and decode the whole split again)."""
    return _sparsity(checkpoint.fingerprint(), data.fingerprint, checkpoint, data.X_val)


@st.cache_data(max_entries=8, show_spinner=False)
def _odd_inputs(data_key: str, _data: Dataset) -> dict[str, np.ndarray]:
    from aeviz.capacity import odd_inputs

    return odd_inputs(_data)


def odd_inputs_of(data: Dataset) -> dict[str, np.ndarray]:
    """The Capacity page's inputs unlike the data (noise, inverted images, strokes), once per dataset."""
    return _odd_inputs(data.fingerprint, data)
