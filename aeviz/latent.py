"""Tools on the latent space: encode a dataset, decode codes, reconstruct and restore, slider ranges, the 2-D decoded
grid, interpolation.

All functions take and return NumPy arrays: X is (n_samples, n_features), Z is (n_samples, latent_dim).
"""

from __future__ import annotations

import numpy as np
import torch

from aeviz.colours import recoloured_rows
from aeviz.errors import AevizError
from aeviz.models import Autoencoder

BATCH = 2_048
OUTPUT_VALUES = 2**24  # values of output one batch may hold (64 MB of float32): the bins head gives 267,264 a patch


def _device(model: Autoencoder) -> torch.device:
    return next(model.parameters()).device


def _rows(A: np.ndarray, start: int, count: int, device: torch.device) -> torch.Tensor:
    """Rows start … start + count of A as a tensor: sharing A's memory, or a copy when A is read-only (the datasets and
    codes every session shares are): torch cannot promise not to write through memory it shares, and says so."""
    part = A[start : start + count]
    return torch.as_tensor(part if part.flags.writeable else part.copy(), device=device)


@torch.inference_mode()
def encode_dataset(model: Autoencoder, X: np.ndarray, batch_size: int = BATCH) -> np.ndarray:
    """Z of shape (n_samples, latent_dim): the code of every row of X, in batches (the VAE's mean code)."""
    model.eval()
    device = _device(model)
    parts = [model.encode(_rows(X, i, batch_size, device)) for i in range(0, len(X), batch_size)]
    return torch.cat(parts).cpu().numpy() if parts else np.zeros((0, model.config.latent_dim), np.float32)


@torch.inference_mode()
def decode(model: Autoencoder, Z: np.ndarray, batch_size: int = BATCH) -> np.ndarray:
    """X̂ of shape (n_codes, n_features) for Z of shape (n_codes, latent_dim) (a single code may be 1-D)."""
    model.eval()
    Z = np.atleast_2d(np.asarray(Z, dtype=np.float32))
    if Z.shape[1] != model.config.latent_dim:
        raise AevizError(f"codes have {Z.shape[1]} values but the model's latent size is {model.config.latent_dim}")
    device = _device(model)
    parts = [model.decode(_rows(Z, i, batch_size, device)) for i in range(0, len(Z), batch_size)]
    return torch.cat(parts).cpu().numpy()


@torch.inference_mode()
def reconstruct(model: Autoencoder, X: np.ndarray, batch_size: int = BATCH) -> np.ndarray:
    """X̂ = g(f(X)) (plus X for a residual model: `Autoencoder.output`), shape (n_samples, n_features), in batches
    (for a colour head, a*, b* / AB_LIMIT per pixel: (n_samples, 2 × pixels))."""
    model.eval()
    device = _device(model)
    batch_size = min(batch_size, max(1, OUTPUT_VALUES // model.config.n_outputs))
    parts = [model(_rows(X, i, batch_size, device)) for i in range(0, len(X), batch_size)]
    return torch.cat(parts).cpu().numpy() if parts else np.zeros((0, model.config.n_features), np.float32)


def restore(model: Autoencoder, X_in: np.ndarray) -> np.ndarray:
    """A restoring model's output for the inputs X_in (corrupted, small or gray rows: aeviz.tasks), clipped to [0, 1]
    as it is shown and scored; shape (n_samples, n_features). A colour head's a*, b* go on the gray input's lightness
    (`aeviz.colours.recoloured_rows`)."""
    out = reconstruct(model, X_in)
    return np.clip(out if model.config.head == "image" else recoloured_rows(X_in, out), 0.0, 1.0)


def slider_ranges(Z: np.ndarray, low: float = 1.0, high: float = 99.0) -> np.ndarray:
    """Per-dimension (min, max) of shape (latent_dim, 2) from the `low`/`high` percentiles of the codes Z.

    A dimension the data never vary (e.g. a silenced ReLU unit) still gets a small span so a slider can move.
    """
    if len(Z) == 0:
        raise AevizError("no codes to take slider ranges from")
    ranges = np.percentile(Z, [low, high], axis=0).T.astype(np.float64)
    flat = ranges[:, 1] - ranges[:, 0] < 1e-6
    ranges[flat] += np.array([-0.5, 0.5])
    return ranges


def latent_grid(
    model: Autoencoder,
    base: np.ndarray,
    dims: tuple[int, int],
    ranges: np.ndarray,
    n_steps: int = 15,
) -> np.ndarray:
    """Decoded images over a grid of two code dimensions, the others fixed at `base`.

    Returns shape (n_steps, n_steps, n_features): row r sweeps dims[1] from high (top) to low, column c sweeps dims[0]
    from low to high, the usual orientation of a scatter plot.
    """
    i, j = dims
    if i == j:
        raise AevizError("choose two different dimensions for the grid")
    xs = np.linspace(*ranges[i], n_steps)
    ys = np.linspace(*ranges[j], n_steps)[::-1]
    Z = np.tile(np.asarray(base, dtype=np.float32), (n_steps * n_steps, 1))
    Z[:, i] = np.tile(xs, n_steps)
    Z[:, j] = np.repeat(ys, n_steps)
    return decode(model, Z).reshape(n_steps, n_steps, -1)


def interpolate(z_start: np.ndarray, z_end: np.ndarray, n_steps: int) -> np.ndarray:
    """Codes of shape (n_steps, latent_dim) on the straight line from z_start to z_end, both ends included."""
    if n_steps < 2:
        raise AevizError("interpolation needs at least two steps")
    t = np.linspace(0.0, 1.0, n_steps, dtype=np.float32)[:, None]
    return (1 - t) * np.asarray(z_start, np.float32) + t * np.asarray(z_end, np.float32)


def nearest_index(Z: np.ndarray, z: np.ndarray) -> int:
    """Row of Z closest (Euclidean) to the code z."""
    return int(np.argmin(((Z - np.asarray(z)) ** 2).sum(axis=1)))


def one_hot_features(model: Autoencoder, scale: float = 1.0) -> np.ndarray:
    """What each code unit draws alone: decode(scale · e_i) for every unit i, shape (latent_dim, n_features)."""
    return decode(model, scale * np.eye(model.config.latent_dim, dtype=np.float32))
