"""The user's own data files: `read_file` (a path) and `read_bytes` (an upload) pick a reader by suffix.

- `common`: `RawData` (what every reader returns: all rows, not yet split), the size limits, the checks readers share;
- `tables`: CSV, .npy and .npz;
- `images`: a zip or a folder of PNG/JPEG images, MNIST-format IDX files.

Every reader raises `DataError` with a message that names the problem and where it is; nothing unpickles. The registry
of built-in datasets and the train/validation split are `aeviz.datasets`'s.
"""

from __future__ import annotations

import io
from pathlib import Path

from aeviz.errors import DataError
from aeviz.userdata.common import MAX_BYTES, RawData, array_to_raw, budgeted_stream
from aeviz.userdata.images import folder_images, idx_labels_beside, images_to_raw, read_idx, zip_images
from aeviz.userdata.tables import read_csv, read_npy, read_npz

__all__ = ["RawData", "read_bytes", "read_file"]


def read_file(path: str | Path, *, image_size: int = 28, label_column: str | int | None = None) -> RawData:
    """Read a data file or a folder of images from disk, choosing the reader by suffix."""
    path = Path(path)
    if path.is_dir():
        return images_to_raw(folder_images(path), image_size, where=f"folder {path.name}")
    if not path.is_file():
        raise DataError(f"{path} does not exist: give a dataset name or the path of a data file")
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"{path.name} is larger than the limit of {MAX_BYTES // 2**20} MB")
    labels = idx_labels_beside(path)
    return read_bytes(path.name, path.read_bytes(), image_size=image_size, label_column=label_column, labels=labels)


def read_bytes(
    filename: str,
    payload: bytes,
    *,
    image_size: int = 28,
    label_column: str | int | None = None,
    labels: bytes | None = None,
) -> RawData:
    """Read an uploaded file's bytes; `filename` only chooses the reader and names the file in messages.

    `labels` is an optional second IDX file with one label per image (MNIST's `*-labels-idx1-ubyte`).
    """
    if len(payload) == 0:
        raise DataError(f"{filename} is empty")
    if len(payload) > MAX_BYTES:
        raise DataError(f"{filename} is larger than the limit of {MAX_BYTES // 2**20} MB")
    name = filename.lower().removesuffix(".gz")
    if name.endswith((".csv", ".txt")):
        return read_csv(budgeted_stream(payload, filename), filename, label_column=label_column)
    if name.endswith(".npy"):
        return array_to_raw(read_npy(io.BytesIO(payload), filename), None, filename)
    if name.endswith(".npz"):
        return read_npz(payload, filename)
    if name.endswith(".zip"):
        return images_to_raw(zip_images(payload, filename), image_size, where=filename)
    if "idx" in name or name.endswith("ubyte"):
        return read_idx(payload, labels, filename)
    raise DataError(f"{filename}: unknown file type; use .csv, .npy, .npz, a .zip of PNG/JPEG images or an MNIST IDX file")
