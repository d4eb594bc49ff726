"""Computations cached per model (codes, slider ranges, projections with their scores), keyed by the model's cache key."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from aeviz.checkpoints import Checkpoint

if TYPE_CHECKING:
    from aeviz.data import Dataset

VIEW_SAMPLES = 1_000  # points shown in latent scatters (the validation split, capped)


def view_rows(data: Dataset) -> np.ndarray:
    """The validation rows shown in scatters (at most VIEW_SAMPLES)."""
    return data.X_val[:VIEW_SAMPLES]


def view_labels(data: Dataset) -> np.ndarray | None:
    return None if data.y_val is None else data.y_val[:VIEW_SAMPLES]


@st.cache_data(max_entries=64, show_spinner=False)
def codes(model_key: str, split: str, _checkpoint: Checkpoint, _X: np.ndarray) -> np.ndarray:
    """Codes of the rows X of one split ("shown" validation rows or "train"), computed once per model and split."""
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
