"""What a model is fed and what it must give back, once per task: the one place that knows the tasks.

A model's target is always the clean row; the task says what its input is:
- reconstruct: the row itself (with a noise σ or masking p above 0 in training, that is a denoiser);
- denoise: a corrupted row (Gaussian noise σ, masking p: `corrupt`), a noise or masking level above 0 is required;
- upscale: the image shrunk UPSCALE× and brought back to full size by bicubic interpolation (`upscale_input`) — the
  baseline itself, so the model has to add what bicubic cannot;
- recolour: a colour image's lightness (CIELAB's L*) as a gray picture, in all three channels (`gray_rows`).

Rows of colour images are channel first (all red, then all green, then all blue). A low module: it imports nothing of
aeviz but its errors, and torch and scikit-image only inside the functions that use them (`aeviz.configs`, which
checkpoint listing imports, reads the task names from here).
"""

from __future__ import annotations

import numpy as np

from aeviz.errors import AevizError

TASKS = ("reconstruct", "denoise", "upscale", "recolour")
TASK_LABELS = {  # each task as a choice in a form
    "reconstruct": "reconstruct (denoise with σ > 0)",
    "denoise": "denoise (corrupted input)",
    "upscale": "upscale 2× (small image in)",
    "recolour": "recolour (gray in)",
}
IMAGE_TASKS = ("upscale", "recolour")  # tasks whose input is made from an image's pixels
UPSCALE = 2  # the upscaling factor: 14×14 → 28×28 on MNIST
CORRUPTIONS = ("gaussian", "masking", "salt_pepper")
CORRUPTION_NAMES = {"gaussian": "Gaussian noise σ", "masking": "masking p", "salt_pepper": "salt and pepper p"}
LEVEL_STEP = 0.05  # the corruption levels a page offers: every cached restoration is at one of them


def check_task(task: str, noise_std: float, mask_prob: float) -> None:
    """Raise AevizError for an unknown task, or a denoiser without a corruption to learn from."""
    if task not in TASKS:
        raise AevizError(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    if task == "denoise" and not (noise_std > 0 or mask_prob > 0):
        raise AevizError("a denoiser needs a corruption to learn from: a noise σ or a masking probability above 0")


def check_data(task: str, image_shape: tuple[int, int] | None, n_features: int) -> None:
    """Raise AevizError when data of this shape cannot feed the task (upscaling a table, recolouring gray images)."""
    if task in IMAGE_TASKS and image_shape is None:
        what = "upscaling" if task == "upscale" else "recolouring"
        raise AevizError(f"{what} needs image data: choose mnist, digits or a file of images")
    if task == "recolour" and n_features != 3 * image_shape[0] * image_shape[1]:
        raise AevizError("recolouring needs colour images (3 values per pixel)")


def restores(task: str, noise_std: float, mask_prob: float) -> str:
    """What a model trained so undoes: "noise" (noise or masking on its input), "resolution", "colour", or ""."""
    if task == "upscale":
        return "resolution"
    if task == "recolour":
        return "colour"
    return "noise" if noise_std > 0 or mask_prob > 0 else ""


def describe_input(task: str, noise_std: float, mask_prob: float) -> str:
    """The model's input in words (its target is the clean image or row)."""
    if task == "upscale":
        return f"the image shrunk {UPSCALE}× and enlarged again by bicubic interpolation"
    if task == "recolour":
        return "the grayscale image (its brightness in each colour channel)"
    parts = [f"Gaussian noise σ = {noise_std:g}"] * (noise_std > 0)
    parts += [f"masking p = {mask_prob:g}"] * (mask_prob > 0)
    return f"the input with {' and '.join(parts)}" if parts else "the clean input"


def model_inputs(X: np.ndarray, task: str, image_shape: tuple[int, int] | None) -> np.ndarray:
    """The model's input for the clean rows X of shape (n_samples, n_features): X itself (a denoiser's noise is drawn
    afresh per batch by training, not here), X shrunk and enlarged again for an upscaler, X's brightness for a
    recolourer."""
    if task not in IMAGE_TASKS:
        return X
    check_data(task, image_shape, X.shape[1])
    return gray_rows(X) if task == "recolour" else upscale_input(X, tuple(image_shape))


def training_corruption(noise_std: float, mask_prob: float) -> tuple[str, float]:
    """The corruption a denoiser was trained on, as (kind, level): Gaussian noise if it had any, else masking."""
    return ("gaussian", float(noise_std)) if noise_std > 0 else ("masking", float(mask_prob))


# --- the inputs ---------------------------------------------------------------------------------------------------------


def snap_level(level: float) -> float:
    """A corruption level on the grid of LEVEL_STEP (0.7999999 from a URL is 0.8), so that odd values cannot each
    make a cached restoration of their own."""
    return round(round(float(level) / LEVEL_STEP) * LEVEL_STEP, 2)


def corrupt(x, noise_std: float, mask_prob: float, generator):
    """The denoising input for a torch tensor x: x plus N(0, σ²) noise, with a share `mask_prob` of features set to zero
    (not clipped: what a denoiser trains on). `generator` is a torch.Generator."""
    import torch  # deferred: this module is imported by the torch-free configs

    if noise_std > 0:
        x = x + noise_std * torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    if mask_prob > 0:
        keep = torch.rand(x.shape, generator=generator, device=x.device) >= mask_prob
        x = x * keep
    return x


def corrupt_images(X: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Corrupted copies of the rows X (n, features) in [0, 1].

    gaussian: x + N(0, level²) and masking: each pixel set to 0 with probability `level` — the corruption a denoiser
    trains on (`corrupt`, not clipped); salt_pepper: a share `level` of pixels set to 0 or 1 (scikit-image's
    `random_noise`).
    """
    if kind not in CORRUPTIONS:
        raise AevizError(f"unknown corruption {kind!r}: choose one of {', '.join(CORRUPTIONS)}")
    if not 0 <= level <= (1 if kind != "gaussian" else 2):
        raise AevizError(f"the {CORRUPTION_NAMES[kind]} must be between 0 and {1 if kind != 'gaussian' else 2}")
    X = np.asarray(X, dtype=np.float32)
    if kind == "salt_pepper":
        from skimage.util import random_noise

        return random_noise(X, mode="s&p", amount=level, rng=seed).astype(np.float32) if level > 0 else X.copy()
    import torch

    generator = torch.Generator().manual_seed(seed)
    noise, mask = (level, 0.0) if kind == "gaussian" else (0.0, level)
    return corrupt(torch.from_numpy(X.copy()), noise, mask, generator).numpy()


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
    from skimage.transform import resize

    small = (shape[0] // factor, shape[1] // factor)
    if min(small) < 2:
        raise AevizError(f"{shape[0]}×{shape[1]} images are too small to shrink {factor}×")

    def rows(gray: np.ndarray) -> np.ndarray:
        return np.stack([resize(x.reshape(shape), small, order=1, anti_aliasing=True).ravel() for x in gray])

    return _by_plane(X, shape, rows).astype(np.float32)


def bicubic(X_small: np.ndarray, small: tuple[int, int], shape: tuple[int, int]) -> np.ndarray:
    """The baseline of upscaling: rows of `small` images (grayscale or colour) brought to `shape` by bicubic
    interpolation."""
    from skimage.transform import resize

    def rows(gray: np.ndarray) -> np.ndarray:
        return np.stack([resize(x.reshape(small), shape, order=3, anti_aliasing=False).ravel() for x in gray])

    return _by_plane(X_small, small, rows).astype(np.float32)


def upscale_input(X: np.ndarray, shape: tuple[int, int], factor: int = UPSCALE) -> np.ndarray:
    """What an upscaler sees for the full-size rows X: shrunk by `factor`, then bicubic back to `shape`."""
    small = (shape[0] // factor, shape[1] // factor)
    return bicubic(downscale(X, shape, factor), small, shape)


def gray_rows(rows: np.ndarray) -> np.ndarray:
    """The recolouring input: each RGB row (channel first) as its lightness alone, CIELAB's L* with the colour a*, b*
    set to zero (scikit-image's conversions), in all three channels — the gray picture whose L* is the photo's."""
    from skimage import color

    rgb = np.clip(np.asarray(rows, dtype=np.float32).reshape(len(rows), 3, -1).transpose(0, 2, 1), 0.0, 1.0)
    lab = color.rgb2lab(rgb)
    lab[..., 1:] = 0.0
    gray = color.lab2rgb(lab).mean(axis=2)
    return np.ascontiguousarray(np.tile(gray, (1, 3)), dtype=np.float32)
