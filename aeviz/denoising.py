"""Denoising, seen from inside: how far noise moves a model's codes, every denoiser at every noise level, and the codes
of clean and noisy digits in one 2-D view (the Denoising page's grid and arrows)."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from aeviz.evaluation import psnr
from aeviz.latent import encode_dataset, restore
from aeviz.models import Autoencoder
from aeviz.tasks import corrupt_images


def code_shift(model: Autoencoder, X: np.ndarray, X_in: np.ndarray) -> float:
    """How far corruption moves the codes: mean ‖f(x̃) − f(x)‖ over the rows, divided by the codes' spread (mean
    ‖f(x) − mean f(x)‖), so models with codes of different scales compare. 0: the code ignores the corruption."""
    Z, Z_in = encode_dataset(model, X), encode_dataset(model, X_in)
    spread = float(np.linalg.norm(Z - Z.mean(axis=0), axis=1).mean())
    return float(np.linalg.norm(Z_in - Z, axis=1).mean()) / spread if spread > 0 else 0.0


def noise_grid(models: list[Autoencoder], X: np.ndarray, levels: list[float], seed: int = 0) -> np.ndarray:
    """Mean PSNR (dB) of each model (rows) on the rows X with Gaussian noise at each level (columns)."""
    grid = np.zeros((len(models), len(levels)))
    for j, level in enumerate(levels):
        X_in = corrupt_images(X, "gaussian", level, seed)
        for i, model in enumerate(models):
            grid[i, j] = float(np.mean(psnr(X, restore(model, X_in))))
    return grid


def arrow_view(model: Autoencoder, X_all: np.ndarray, X: np.ndarray, X_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the clean rows X and of their corrupted copies X_in in one 2-D view: the first two principal
    components of the model's codes of X_all. Returns two (n, 2) arrays."""
    view = PCA(2, random_state=0).fit(encode_dataset(model, X_all))
    return view.transform(encode_dataset(model, X)), view.transform(encode_dataset(model, X_in))
