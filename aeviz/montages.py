"""Turning rows of pixels into crisp pictures: one uint8 montage per figure, upscaled with nearest neighbour.

Streamlit serves every st.image as its own request, so many digits are tiled into one montage instead.
"""

from __future__ import annotations

import numpy as np

from aeviz.errors import AevizError


def to_image(x: np.ndarray, shape: tuple[int, int], scale: int = 1) -> np.ndarray:
    """One row of pixels in [0, 1] (n_features,) as a uint8 image (height·scale, width·scale)."""
    img = np.clip(np.asarray(x, dtype=np.float32).reshape(shape), 0.0, 1.0)
    img = (img * 255 + 0.5).astype(np.uint8)
    return np.kron(img, np.ones((scale, scale), dtype=np.uint8)) if scale > 1 else img


def unit_range(x: np.ndarray, signed: bool = False) -> np.ndarray:
    """A vector scaled into [0, 1] to be drawn: non-negative values by their maximum (0 is black); `signed` values
    around mid grey (0 is grey, the largest magnitude is black or white), as eigenvectors are drawn."""
    x = np.asarray(x, dtype=np.float64)
    top = float(np.abs(x).max()) or 1.0
    return 0.5 + x / (2 * top) if signed else np.clip(x / top, 0.0, 1.0)


def montage(X: np.ndarray, shape: tuple[int, int], n_cols: int, scale: int = 1, pad: int = 1) -> np.ndarray:
    """Rows of pixels X (n_images, n_features) tiled left to right, top to bottom into one uint8 image.

    Cells are separated by `pad` pixels of mid grey so neighbouring digits stay apart.
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != shape[0] * shape[1]:
        raise AevizError(f"cannot tile rows of {X.shape[-1]} values as {shape[0]}×{shape[1]} images")
    n_rows = -(-len(X) // n_cols)
    h, w = shape[0] * scale, shape[1] * scale
    canvas = np.full((n_rows * (h + pad) + pad, n_cols * (w + pad) + pad), 128, dtype=np.uint8)
    for i, row in enumerate(X):
        r, c = divmod(i, n_cols)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        canvas[top : top + h, left : left + w] = to_image(row, shape, scale)
    return canvas


def display_scale(shape: tuple[int, int], target: int = 140) -> int:
    """An integer upscaling factor that shows a (height, width) image about `target` pixels tall."""
    return max(1, round(target / shape[0]))


SPRITE_COLUMNS = 40


def sprite_png(X: np.ndarray, shape: tuple[int, int], n_cols: int = SPRITE_COLUMNS) -> bytes:
    """Rows of pixels X (n_images, n_features) as one PNG, cell i at (i // n_cols, i % n_cols), no padding.

    The browser cuts single images out of it (hover previews): one small file instead of one request per image.
    """
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(montage(X, shape, n_cols, pad=0)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def row_image(row: np.ndarray, shape: tuple[int, int], scale: int = 1) -> np.ndarray:
    """One row as a uint8 picture: (height·scale, width·scale) for a grayscale row, (…, 3) for a colour row of
    3 × height × width values (channel first)."""
    row = np.asarray(row, dtype=np.float32)
    if row.size == shape[0] * shape[1]:
        return to_image(row, shape, scale)
    if row.size != 3 * shape[0] * shape[1]:
        raise AevizError(f"a row of {row.size} values is not a {shape[0]}×{shape[1]} image")
    pixels = (np.clip(row.reshape(3, *shape).transpose(1, 2, 0), 0, 1) * 255 + 0.5).astype(np.uint8)
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else pixels
