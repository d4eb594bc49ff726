"""Reading the user's own data files: the entry points (`read_file`, `read_bytes`, which pick a reader by suffix) and
the table readers, CSV and .npy/.npz; images (zips, folders, MNIST IDX) are read by `aeviz.imagefiles`.

Every reader returns a `RawData` (all rows, not yet split) or raises `DataError` with a message that names the problem and
where it is (line, column, file in the zip). Nothing here unpickles: NumPy files are opened with `allow_pickle=False`.
Kept apart from `aeviz.data` (the registry of datasets and the train/validation split) so each file stays readable.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from aeviz.errors import DataError
from aeviz.imagefiles import folder_images, idx_labels_beside, images_to_raw, read_idx, zip_images
from aeviz.rawdata import MAX_BYTES, MAX_FEATURES, MAX_ROWS, RawData, array_to_raw, decompress, encode_labels, is_number

__all__ = ["RawData", "read_bytes", "read_csv", "read_file"]

LABEL_COLUMN_NAMES = ("label", "labels", "target", "class", "y", "digit")


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
        return read_csv(decompress(payload), filename, label_column=label_column)
    if name.endswith(".npy"):
        return array_to_raw(_load_npy(payload, filename), None, filename)
    if name.endswith(".npz"):
        return _read_npz(payload, filename)
    if name.endswith(".zip"):
        return images_to_raw(zip_images(payload, filename), image_size, where=filename)
    if "idx" in name or name.endswith("ubyte"):
        return read_idx(payload, labels, filename)
    raise DataError(f"{filename}: unknown file type; use .csv, .npy, .npz, a .zip of PNG/JPEG images or an MNIST IDX file")


# --- CSV -----------------------------------------------------------------------------------------------------------


def read_csv(payload: bytes, filename: str = "the CSV file", *, label_column: str | int | None = None) -> RawData:
    """Parse a numeric CSV with an optional header and an optional label column.

    The label column is `label_column` (a header name or a 0-based index), else a header named like `label`/`target`.
    """
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{filename} is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    rows = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in row)]
    if not rows:
        raise DataError(f"{filename} is empty")
    header = None
    if any(not is_number(cell) for cell in rows[0][1]):
        header = [c.strip() for c in rows[0][1]]
        rows = rows[1:]
        if not rows:
            raise DataError(f"{filename} has a header but no data rows")
    n_columns = len(header) if header else len(rows[0][1])
    label_index = _label_index(header, n_columns, label_column, filename)
    if len(rows) > MAX_ROWS:
        raise DataError(f"{filename} has {len(rows)} rows, more than the limit of {MAX_ROWS}")
    if n_columns - (label_index is not None) < 2:
        raise DataError(f"{filename} has only one column of features: an autoencoder needs at least two")
    if n_columns - (label_index is not None) > MAX_FEATURES:
        raise DataError(f"{filename} has {n_columns} columns, more than the limit of {MAX_FEATURES}")
    names = header or [str(j + 1) for j in range(n_columns)]
    X = np.empty((len(rows), n_columns - (label_index is not None)), dtype=np.float32)
    raw_labels = []
    for i, (line, row) in enumerate(rows):
        if len(row) != n_columns:
            raise DataError(f"{filename}, row {line}: {len(row)} values, expected {n_columns}")
        if label_index is not None:
            raw_labels.append(row[label_index].strip())
            row = row[:label_index] + row[label_index + 1 :]
        try:
            X[i] = row
        except ValueError:
            X[i] = _parse_row(row, line, names, label_index, filename)
        if not np.isfinite(X[i]).all():
            j = int(np.flatnonzero(~np.isfinite(X[i]))[0])
            raise DataError(f"{filename}, row {line}: NaN or inf in column {_column_name(names, j, label_index)}")
    y, kind, class_names = encode_labels(raw_labels) if label_index is not None else (None, "none", ())
    label_name = names[label_index] if header and label_index is not None else "label"
    return RawData(X, y, None, kind, label_name, class_names)


def _label_index(header: list[str] | None, n_columns: int, label_column: str | int | None, filename: str) -> int | None:
    if label_column is None:
        lowered = [h.lower() for h in header] if header else []
        return next((lowered.index(n) for n in LABEL_COLUMN_NAMES if n in lowered), None)
    if isinstance(label_column, int) or str(label_column).lstrip("-").isdigit():
        index = int(label_column)
        if not -n_columns <= index < n_columns:
            raise DataError(f"{filename} has {n_columns} columns; there is no label column {index}")
        return index % n_columns
    if not header or label_column not in header:
        raise DataError(f"{filename} has no column named {label_column!r}")
    return header.index(label_column)


def _column_name(names: list[str], j: int, label_index: int | None) -> str:
    """The name (or 1-based number) of feature column j, counting the label column back in."""
    if label_index is not None and j >= label_index:
        j += 1
    return repr(names[j])


def _parse_row(row: list[str], line: int, names: list[str], label_index: int | None, filename: str) -> list[float]:
    values = []
    for j, cell in enumerate(row):
        try:
            values.append(float(cell))
        except ValueError:
            column = _column_name(names, j, label_index)
            raise DataError(f"{filename}, row {line}, column {column}: {cell.strip()[:20]!r} is not a number") from None
    return values


# --- NumPy files ---------------------------------------------------------------------------------------------------


def _load_npy(payload: bytes, filename: str) -> np.ndarray:
    try:
        return np.load(io.BytesIO(payload), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise DataError(f"{filename} holds Python objects (a pickle); aeviz only reads numeric arrays") from None
        raise DataError(f"{filename} is not a valid .npy file ({exc})") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{filename} is not a valid .npy file ({exc})") from None


def _read_npz(payload: bytes, filename: str) -> RawData:
    try:
        archive = np.load(io.BytesIO(payload), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{filename} is not a valid .npz file ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise DataError(f"{filename} is a .npy file, not .npz; rename it")
    with archive:
        keys = list(archive.files)
        x_key = next((k for k in ("X", "x", "data", "images", "features") if k in keys), keys[0] if keys else None)
        y_key = next((k for k in ("y", "labels", "label", "target", "targets") if k in keys), None)
        if x_key is None:
            raise DataError(f"{filename} holds no arrays")
        try:
            X, y = archive[x_key], archive[y_key] if y_key else None
        except ValueError:
            raise DataError(f"{filename} holds Python objects (a pickle); aeviz only reads numeric arrays") from None
    return array_to_raw(X, y, f"{filename}[{x_key}]")
