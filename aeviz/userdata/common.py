"""What every reader of the user's files returns (`RawData`), the limits they enforce, and the checks they share.

Split from `aeviz.userdata.tables` (tables: CSV, .npy/.npz) and `aeviz.userdata.images` (images: zips or folders of PNG/JPEG,
MNIST-format IDX), which both build on it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from aeviz.configs import MAX_FEATURES
from aeviz.errors import DataError

MAX_BYTES = 200 * 2**20  # largest file read, counted after decompression; the full MNIST training IDX is 47 MB
MAX_ROWS = 70_000  # the full MNIST (60,000 + 10,000) fits
MAX_VALUES = 60_000_000  # rows × features (240 MB as float32): the full MNIST's 70,000 × 784 fits
MAX_IMAGE_PIXELS = 4_000 * 4_000  # one image in a zip, before resizing
MAX_UPLOAD_PIXELS = 250_000_000  # all images of one zip or folder together, counted from their headers before decoding


@dataclass(frozen=True, eq=False)
class RawData:
    """All rows of a dataset before the train/validation split.

    X : ndarray of shape (n_samples, n_features), float32; images are flattened and in [0, 1].
    y : ndarray of shape (n_samples,) or None; int64 class indices, or float32 for a continuous colour value.
    """

    X: np.ndarray
    y: np.ndarray | None = None
    image_shape: tuple[int, int] | None = None  # (height, width) when each row is a grayscale image
    label_kind: str = "none"  # "class", "continuous" or "none"
    label_name: str = "label"  # what the colour means, for legends
    class_names: tuple[str, ...] = ()  # display name of each class index


def open_stream(payload: bytes) -> BinaryIO:
    """The payload as a stream, decompressed as it is read when it is gzip (nothing is inflated up front)."""
    stream = io.BytesIO(payload)
    return gzip.GzipFile(fileobj=stream) if payload[:2] == b"\x1f\x8b" else stream


class _Budget(io.RawIOBase):
    """A read-only stream that refuses to give more than `limit` bytes of the stream it wraps (decompressed bytes, when
    that stream inflates a gzip): a reader can parse as it streams and never holds the whole file."""

    def __init__(self, stream: BinaryIO, limit: int, where: str) -> None:
        self.stream, self.left, self.limit, self.where = stream, limit, limit, where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = read_some(self.stream, min(len(buffer), self.left + 1), self.where)
        if len(data) > self.left:
            raise DataError(f"{self.where} unpacks to more than the limit of {self.limit // 2**20} MB")
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def budgeted_stream(payload: bytes, where: str, limit: int = MAX_BYTES) -> BinaryIO:
    """The payload as a buffered stream, inflated as it is read when it is gzip, within `limit` decompressed bytes."""
    return io.BufferedReader(_Budget(open_stream(payload), limit, where))


def read_some(stream: BinaryIO, n_bytes: int, where: str) -> bytes:
    """The next `n_bytes` of the stream (fewer at its end); damaged compressed data is a DataError."""
    try:
        return stream.read(n_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{where}: the compressed data is damaged ({exc})") from None


def read_limited(stream: BinaryIO, where: str, limit: int = MAX_BYTES) -> bytes:
    """The rest of the stream, if it holds at most `limit` bytes; otherwise refused after reading limit + 1 bytes."""
    data = read_some(stream, limit + 1, where)
    if len(data) > limit:
        raise DataError(f"{where} unpacks to more than the limit of {limit // 2**20} MB")
    return data


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def encode_labels(raw: list[str]) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Class indices for text or integer labels; a continuous value for other numbers."""
    numbers = [is_number(v) for v in raw]
    if all(numbers) and not all(float(v).is_integer() for v in raw):
        return np.asarray(raw, dtype=np.float32), "continuous", ()
    keys = sorted(set(raw), key=lambda v: (float(v), v) if all(numbers) else (0.0, v))
    index = {k: i for i, k in enumerate(keys)}
    return np.asarray([index[v] for v in raw], dtype=np.int64), "class", tuple(keys)


def array_to_raw(X: np.ndarray, y: np.ndarray | None, where: str) -> RawData:
    """Validate a numeric array: (n, features) is tabular, (n, height, width) are grayscale images."""
    if X.dtype.kind not in "biuf":
        raise DataError(f"{where} has dtype {X.dtype}; aeviz needs numbers")
    if X.ndim not in (2, 3):
        raise DataError(f"{where} has shape {X.shape}; expected (samples, features) or (samples, height, width)")
    n_features = int(np.prod(X.shape[1:]))
    check_size(X.shape[0], n_features, where)
    flat = X.reshape(len(X), -1).astype(np.float32)
    bad = ~np.isfinite(flat)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(f"{where}: NaN or inf at row {row} (0-based), column {col}")
    image_shape = None
    if X.ndim == 3:
        image_shape = (int(X.shape[1]), int(X.shape[2]))
        flat = _to_unit_range(flat, X.dtype, where)
    if y is None:
        return RawData(flat, None, image_shape)
    y = np.asarray(y).reshape(-1)
    if len(y) != len(flat):
        raise DataError(f"{where} has {len(flat)} rows but {len(y)} labels")
    kind = "continuous" if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0) else "class"
    if kind == "continuous":
        return RawData(flat, y.astype(np.float32), image_shape, kind)
    y, _, names = encode_labels([str(v) for v in y.tolist()])
    return RawData(flat, y, image_shape, "class", "label", names)


def check_size(n_samples: int, n_features: int, where: str) -> None:
    """Rows and features within the limits; readers call it from a file's header, before they allocate."""
    if n_samples == 0:
        raise DataError(f"{where} is empty")
    if n_samples > MAX_ROWS:
        raise DataError(f"{where} has {n_samples:,} rows, more than the limit of {MAX_ROWS:,}")
    if n_features < 2:
        raise DataError(f"{where} has only one feature: an autoencoder needs at least two")
    if n_features > MAX_FEATURES:
        raise DataError(f"{where} has {n_features:,} features, more than the limit of {MAX_FEATURES:,}")
    if n_samples * n_features > MAX_VALUES:
        raise DataError(
            f"{where} has {n_samples:,} rows of {n_features:,} values, more than the limit of {MAX_VALUES:,} values"
        )


def _to_unit_range(flat: np.ndarray, dtype: np.dtype, where: str) -> np.ndarray:
    lo, hi = float(flat.min()), float(flat.max())
    if lo < 0 or hi > 255:
        raise DataError(f"{where}: image values run from {lo:g} to {hi:g}; expected 0–1 or 0–255")
    return flat / 255.0 if (hi > 1 or dtype.kind in "iu") else flat
