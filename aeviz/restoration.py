"""The lecture's applications as image restoration: corrupt an image (noise, masking, salt and pepper, a lower
resolution), let a model restore it, and score the result against an honest baseline with scikit-image's PSNR and SSIM.

A restoring autoencoder keeps the one `Autoencoder` interface: its input is the corrupted image and its target the clean
one, both rows of the same size. Upscaling fits that shape too: the model's input is the small image brought back to
full size by bicubic interpolation — the baseline itself — so the model has to add what bicubic cannot.

Scores are per image and then averaged: PSNR in dB (data range 1, images clipped to [0, 1] as they are shown) and SSIM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from skimage.transform import resize
from skimage.util import random_noise
from sklearn.decomposition import PCA

from aeviz.errors import AevizError

CORRUPTIONS = ("gaussian", "masking", "salt_pepper")
CORRUPTION_NAMES = {"gaussian": "Gaussian noise σ", "masking": "masking p", "salt_pepper": "salt and pepper p"}
UPSCALE = 2  # the upscaling factor: 14×14 → 28×28 on MNIST


def corrupt_images(X: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Corrupted copies of the rows X (n, features) in [0, 1].

    gaussian: x + N(0, level²) and masking: each pixel set to 0 with probability `level` — the corruption a denoiser
    trains on (`aeviz.training.corrupt`, not clipped); salt_pepper: a share `level` of pixels set to 0 or 1
    (scikit-image's `random_noise`).
    """
    from aeviz.training import corrupt

    if kind not in CORRUPTIONS:
        raise AevizError(f"unknown corruption {kind!r}: choose one of {', '.join(CORRUPTIONS)}")
    if not 0 <= level <= (1 if kind != "gaussian" else 2):
        raise AevizError(f"the {CORRUPTION_NAMES[kind]} must be between 0 and {1 if kind != 'gaussian' else 2}")
    X = np.asarray(X, dtype=np.float32)
    if kind == "salt_pepper":
        return random_noise(X, mode="s&p", amount=level, rng=seed).astype(np.float32) if level > 0 else X.copy()
    generator = torch.Generator().manual_seed(seed)
    noise, mask = (level, 0.0) if kind == "gaussian" else (0.0, level)
    return corrupt(torch.from_numpy(X.copy()), noise, mask, generator).numpy()


def psnr(clean: np.ndarray, other: np.ndarray) -> np.ndarray:
    """PSNR in dB of each row of `other` (clipped to [0, 1]) against the same row of `clean`."""
    other = np.clip(other, 0.0, 1.0)
    with np.errstate(divide="ignore"):  # an exact copy has infinite PSNR, as scikit-image says
        return np.array([peak_signal_noise_ratio(a, b, data_range=1.0) for a, b in zip(clean, other, strict=True)])


def ssim(clean: np.ndarray, other: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """SSIM of each row of `other` (clipped to [0, 1]) against the same row of `clean`, as (height, width) images
    (rows of 3 × height × width values are colour images, channel first)."""
    other = np.clip(other, 0.0, 1.0)
    channels = clean.shape[1] // (shape[0] * shape[1])
    image = (channels, *shape) if channels > 1 else shape
    axis = 0 if channels > 1 else None
    return np.array(
        [
            structural_similarity(a.reshape(image), b.reshape(image), data_range=1.0, channel_axis=axis)
            for a, b in zip(clean, other, strict=True)
        ]
    )


@dataclass(frozen=True)
class Score:
    """Mean PSNR (dB) and SSIM of a restoration over a set of images."""

    psnr: float
    ssim: float


def score(clean: np.ndarray, other: np.ndarray, shape: tuple[int, int]) -> Score:
    return Score(float(np.mean(psnr(clean, other))), float(np.mean(ssim(clean, other, shape))))


def pca_restore(X_train: np.ndarray, X_in: np.ndarray, n_components: int) -> np.ndarray:
    """The linear baseline: PCA fitted on clean training rows, the corrupted rows recast through its components."""
    n_components = min(n_components, *X_train.shape)
    pca = PCA(n_components=n_components, random_state=0).fit(X_train)
    return pca.inverse_transform(pca.transform(X_in)).astype(np.float32)


def _by_plane(X: np.ndarray, shape: tuple[int, int], resize_rows) -> np.ndarray:
    """`resize_rows` applied to each plane of colour rows (channel first) as if it were a grayscale row: each channel is
    resized, and clipped to its own range, alone."""
    channels = X.shape[1] // (shape[0] * shape[1])
    if channels == 1:
        return resize_rows(X)
    planes = resize_rows(X.reshape(len(X) * channels, -1))
    return planes.reshape(len(X), -1)


def downscale(X: np.ndarray, shape: tuple[int, int], factor: int = UPSCALE) -> np.ndarray:
    """Rows of (height, width) images (grayscale, or colour channel first) shrunk by `factor` (anti-aliased,
    scikit-image's `resize`), as rows."""
    small = (shape[0] // factor, shape[1] // factor)
    if min(small) < 2:
        raise AevizError(f"{shape[0]}×{shape[1]} images are too small to shrink {factor}×")

    def rows(gray: np.ndarray) -> np.ndarray:
        return np.stack([resize(x.reshape(shape), small, order=1, anti_aliasing=True).ravel() for x in gray])

    return _by_plane(X, shape, rows).astype(np.float32)


def bicubic(X_small: np.ndarray, small: tuple[int, int], shape: tuple[int, int]) -> np.ndarray:
    """The baseline of upscaling: rows of `small` images (grayscale or colour) brought to `shape` by bicubic
    interpolation."""

    def rows(gray: np.ndarray) -> np.ndarray:
        return np.stack([resize(x.reshape(small), shape, order=3, anti_aliasing=False).ravel() for x in gray])

    return _by_plane(X_small, small, rows).astype(np.float32)


def upscale_input(X: np.ndarray, shape: tuple[int, int], factor: int = UPSCALE) -> np.ndarray:
    """What an upscaler sees for the full-size rows X: shrunk by `factor`, then bicubic back to `shape`."""
    small = (shape[0] // factor, shape[1] // factor)
    return bicubic(downscale(X, shape, factor), small, shape)


def restore(model, X_in: np.ndarray) -> np.ndarray:
    """The model's output for the inputs X_in, clipped to [0, 1] as it is shown and scored."""
    from aeviz.latent import reconstruct

    return np.clip(reconstruct(model, X_in), 0.0, 1.0)


def training_corruption(train_config) -> tuple[str, float]:
    """The corruption a denoiser was trained on, as (kind, level): Gaussian noise if it had any, else masking."""
    if train_config.noise_std > 0:
        return "gaussian", float(train_config.noise_std)
    return "masking", float(train_config.mask_prob)


def restoration_metrics(model, train_config, data, seed: int = 0) -> dict[str, float]:
    """Validation PSNR/SSIM of a restoring model next to its baselines (empty for a plain autoencoder).

    A denoiser, at the corruption it was trained on: the corrupted input, PCA with as many components as the code, the
    model. An upscaler: bicubic interpolation (its own input) and the model. A recolourer: the grayscale input, the
    average colour of each brightness level in the training photos, and the model.
    """
    shape = data.image_shape
    if shape is None or not train_config.restores:
        return {}
    X = data.X_val
    if train_config.restores == "colour":
        from aeviz.photos import brightness_rows, gray_rows, recolour_rows

        baselines = {"gray": gray_rows(X), "brightness": brightness_rows(X, tuple(shape))}
        found = {**baselines, "model": recolour_rows(model, X, tuple(shape))}
    else:
        if train_config.restores == "resolution":
            X_in = upscale_input(X, tuple(shape))
            baselines = {"bicubic": X_in}
        else:
            X_in = corrupt_images(X, *training_corruption(train_config), seed=seed)
            baselines = {"corrupted": X_in, "pca": pca_restore(data.X_train, X_in, model.config.latent_dim)}
        found = {**baselines, "model": restore(model, X_in)}
    result = {}
    for name, other in found.items():
        found = score(X, other, tuple(shape))
        result[f"{name}_psnr"], result[f"{name}_ssim"] = found.psnr, found.ssim
    return result


def code_shift(model, X: np.ndarray, X_in: np.ndarray) -> float:
    """How far corruption moves the codes: mean ‖f(x̃) − f(x)‖ over the rows, divided by the codes' spread (mean
    ‖f(x) − mean f(x)‖), so models with codes of different scales compare. 0: the code ignores the corruption."""
    from aeviz.latent import encode_dataset

    Z, Z_in = encode_dataset(model, X), encode_dataset(model, X_in)
    spread = float(np.linalg.norm(Z - Z.mean(axis=0), axis=1).mean())
    return float(np.linalg.norm(Z_in - Z, axis=1).mean()) / spread if spread > 0 else 0.0


def noise_grid(models: list, X: np.ndarray, levels: list[float], seed: int = 0) -> np.ndarray:
    """Mean PSNR (dB) of each model (rows) on the rows X with Gaussian noise at each level (columns)."""
    grid = np.zeros((len(models), len(levels)))
    for j, level in enumerate(levels):
        X_in = corrupt_images(X, "gaussian", level, seed)
        for i, model in enumerate(models):
            grid[i, j] = float(np.mean(psnr(X, restore(model, X_in))))
    return grid


def arrow_view(model, X_all: np.ndarray, X: np.ndarray, X_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the clean rows X and of their corrupted copies X_in in one 2-D view: the first two principal
    components of the model's codes of X_all. Returns two (n, 2) arrays."""
    from aeviz.latent import encode_dataset

    view = PCA(2, random_state=0).fit(encode_dataset(model, X_all))
    return view.transform(encode_dataset(model, X)), view.transform(encode_dataset(model, X_in))
