"""Cached figures of the application pages (denoising, upscaling): scores over the validation split, the noise grid,
how far noise moves the codes. Keyed by the models' content fingerprints and the corruption, so every student asking
for the same corruption shares one computation. Levels are snapped to the sliders' step (a URL could ask for
0.7999999) and the restorations (12.5 MB each for MNIST's validation split) are kept for 16 corruptions at most."""

from __future__ import annotations

import numpy as np
import streamlit as st

from aeviz.applications import code_shift, noise_grid
from aeviz.checkpoints import Checkpoint
from aeviz.datasets import Dataset
from aeviz.evaluation import Score, pca_restore, score
from aeviz.latent import restore
from aeviz.tasks import corrupt_images, snap_level, upscale_input

GRID_TEST_LEVELS = [0.0, 0.25, 0.5, 0.75, 1.0]
SEED = 0  # the corruption of the validation split is the same for every student, so the numbers are comparable


@st.cache_data(max_entries=16, show_spinner="Corrupting and restoring the validation digits…")
def _restorations(keys: tuple, data_key: str, kind: str, level: float, _models: tuple, _data: Dataset) -> dict:
    X = _data.X_val
    X_in = corrupt_images(X, kind, level, SEED)
    latent = _models[-1].model.config.latent_dim
    found = {"corrupted": X_in, "pca": pca_restore(_data.X_train, X_in, latent)}
    for name, checkpoint in zip(("twin", "denoiser"), _models, strict=True):
        found[name] = restore(checkpoint.model, X_in)
    return found


def restorations(twin: Checkpoint, denoiser: Checkpoint, data: Dataset, kind: str, level: float) -> dict[str, np.ndarray]:
    """The validation split corrupted (`kind` at `level`) and restored by PCA at the denoiser's code size, the twin
    trained on clean data and the denoiser: {name: rows}."""
    keys = (twin.fingerprint(), denoiser.fingerprint())
    return _restorations(keys, data.fingerprint, kind, snap_level(level), (twin, denoiser), data)


@st.cache_data(max_entries=64, show_spinner="Scoring PSNR and SSIM over the validation split…")
def _scores(keys: tuple, data_key: str, kind: str, level: float, _found: dict, _data: Dataset) -> dict[str, Score]:
    return {name: score(_data.X_val, rows, tuple(_data.image_shape)) for name, rows in _found.items()}


def scores(twin: Checkpoint, denoiser: Checkpoint, data: Dataset, kind: str, level: float) -> dict[str, Score]:
    """Mean PSNR and SSIM over the validation split of each restoration in `restorations`."""
    found = restorations(twin, denoiser, data, kind, level)
    keys = (twin.fingerprint(), denoiser.fingerprint())
    return _scores(keys, data.fingerprint, kind, snap_level(level), found, data)


@st.cache_data(max_entries=4, show_spinner="Testing every denoiser at every noise level…")
def _grid(keys: tuple, data_key: str, _models: tuple, _data: Dataset) -> np.ndarray:
    return noise_grid([m.model for m in _models], _data.X_val, GRID_TEST_LEVELS, SEED)


def denoise_grid(models: dict[float, Checkpoint], data: Dataset) -> np.ndarray:
    """Mean validation PSNR of each model (rows, by training σ) at each of GRID_TEST_LEVELS (columns)."""
    ordered = tuple(models[level] for level in sorted(models))
    return _grid(tuple(m.fingerprint() for m in ordered), data.fingerprint, ordered, data)


@st.cache_data(max_entries=64, show_spinner=False)
def _shift(model_key: str, data_key: str, level: float, _checkpoint: Checkpoint, _data: Dataset) -> float:
    X = _data.X_val
    return code_shift(_checkpoint.model, X, corrupt_images(X, "gaussian", level, SEED))


def code_moves(checkpoint: Checkpoint, data: Dataset, level: float) -> float:
    """How far Gaussian noise at `level` moves the model's codes, relative to their spread (`code_shift`)."""
    return _shift(checkpoint.fingerprint(), data.fingerprint, snap_level(level), checkpoint, data)


@st.cache_data(max_entries=16, show_spinner="Upscaling the validation digits…")
def _upscaled(model_key: str, data_key: str, _checkpoint: Checkpoint, _data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    bicubic = upscale_input(_data.X_val, tuple(_data.image_shape))
    return bicubic, restore(_checkpoint.model, bicubic)


def upscaled(checkpoint: Checkpoint, data: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(bicubic, model) rows for the validation split shrunk 2×: bicubic interpolation, and the model on top of it."""
    return _upscaled(checkpoint.fingerprint(), data.fingerprint, checkpoint, data)


@st.cache_data(max_entries=16, show_spinner="Scoring PSNR and SSIM over the validation split…")
def _upscale_scores(model_key: str, data_key: str, _found: tuple, _data: Dataset) -> dict[str, Score]:
    shape = tuple(_data.image_shape)
    return {name: score(_data.X_val, rows, shape) for name, rows in zip(("bicubic", "model"), _found, strict=True)}


def upscale_scores(checkpoint: Checkpoint, data: Dataset) -> dict[str, Score]:
    found = upscaled(checkpoint, data)
    return _upscale_scores(checkpoint.fingerprint(), data.fingerprint, found, data)


@st.cache_data(max_entries=4, show_spinner="Upscaling the held-out photo with each model…")
def _photo_upscales(model_keys: tuple, _models: dict) -> tuple[dict[str, np.ndarray], dict[str, Score]]:
    from aeviz.applications import image_score, photo_upscales
    from aeviz.photos import HELD_OUT, even_crop, load_photo

    image = even_crop(load_photo(HELD_OUT[0]))
    found = photo_upscales(image, {name: checkpoint.model for name, checkpoint in _models.items()})
    return found, {name: image_score(image, picture) for name, picture in found.items()}


def photo_upscales(models: dict[str, Checkpoint]) -> tuple[dict[str, np.ndarray], dict[str, Score]]:
    """The held-out photo (cut to even sides) shrunk 2× and brought back by bicubic and by each model ({name:
    checkpoint}), and each one's PSNR and SSIM on the whole photo."""
    return _photo_upscales(tuple((name, m.fingerprint()) for name, m in models.items()), models)


@st.cache_data(max_entries=32, show_spinner="Colouring the photo patch by patch…")
def _recoloured(model_key: str, name: str, _checkpoint: Checkpoint) -> np.ndarray:
    from aeviz.photos import load_photo, recolour_photo

    return recolour_photo(_checkpoint.model, load_photo(name))


def recoloured(checkpoint: Checkpoint, name: str) -> np.ndarray:
    """The packaged photo `name` recoloured by the model from its grayscale version, (height, width, 3)."""
    return _recoloured(checkpoint.fingerprint(), name, checkpoint)


@st.cache_data(max_entries=16, show_spinner="Scoring the held-out photo's patches…")
def _recolour_scores(model_keys: tuple, _models: dict[str, Checkpoint]) -> dict[str, Score]:
    from aeviz.datasets import photo_dataset
    from aeviz.photos import brightness_rows, recolour_rows
    from aeviz.tasks import gray_rows

    data = photo_dataset()
    X, shape = data.X_val, tuple(data.image_shape)
    found = {"gray": gray_rows(X), "brightness": brightness_rows(X, shape)}
    found |= {name: recolour_rows(checkpoint.model, X, shape) for name, checkpoint in _models.items()}
    return {name: score(X, rows, shape) for name, rows in found.items()}


def recolour_scores(models: dict[str, Checkpoint]) -> dict[str, Score]:
    """Mean PSNR and SSIM over the held-out photo's patches: the grayscale input, the brightness baseline ("gray",
    "brightness") and each model ({name: checkpoint})."""
    return _recolour_scores(tuple((name, m.fingerprint()) for name, m in models.items()), models)


@st.cache_data(max_entries=16, show_spinner=False)
def brightness_baseline(name: str) -> np.ndarray:
    """The packaged photo `name` coloured by the average colour of each brightness, on its own brightness."""
    from aeviz.photos import colour_by_brightness, grayscale, keep_brightness, load_photo

    image = load_photo(name)
    return keep_brightness(grayscale(image), colour_by_brightness(image))
