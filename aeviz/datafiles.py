"""Readers for the user's own data files: CSV, .npy/.npz, zips or folders of images, MNIST-format IDX.

Every reader returns a `RawData` (all rows, not yet split) or raises `DataError` with a message that names the problem and
where it is (line, column, file in the zip). Nothing here unpickles: NumPy files are opened with `allow_pickle=False`.
Kept apart from `aeviz.data` (the registry of datasets and the train/validation split) so each file stays readable.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from aeviz.errors import DataError

MAX_BYTES = 200 * 2**20  # largest file (or unpacked zip) read; the full MNIST training IDX is 47 MB
MAX_ROWS = 70_000  # the full MNIST (60,000 + 10,000) fits
MAX_FEATURES = 4_096  # 64 x 64 pixels
MAX_IMAGE_PIXELS = 4_000 * 4_000  # one image in a zip, before resizing
LABEL_COLUMN_NAMES = ("label", "labels", "target", "class", "y", "digit")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


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


def read_file(path: str | Path, *, image_size: int = 28, label_column: str | int | None = None) -> RawData:
    """Read a data file or a folder of images from disk, choosing the reader by suffix."""
    path = Path(path)
    if path.is_dir():
        return _images_to_raw(_folder_images(path), image_size, where=f"folder {path.name}")
    if not path.is_file():
        raise DataError(f"{path} does not exist: give a dataset name or the path of a data file")
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"{path.name} is larger than the limit of {MAX_BYTES // 2**20} MB")
    labels = _idx_labels_beside(path)
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
        return read_csv(_decompress(payload), filename, label_column=label_column)
    if name.endswith(".npy"):
        return _array_to_raw(_load_npy(payload, filename), None, filename)
    if name.endswith(".npz"):
        return _read_npz(payload, filename)
    if name.endswith(".zip"):
        return _images_to_raw(_zip_images(payload, filename), image_size, where=filename)
    if "idx" in name or name.endswith("ubyte"):
        return read_idx(payload, labels, filename)
    raise DataError(f"{filename}: unknown file type; use .csv, .npy, .npz, a .zip of PNG/JPEG images or an MNIST IDX file")


def _decompress(payload: bytes) -> bytes:
    if payload[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(payload)
        except (OSError, EOFError) as exc:
            raise DataError(f"the gzip file is damaged ({exc})") from None
    return payload


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
    if any(not _is_number(cell) for cell in rows[0][1]):
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
    y, kind, class_names = _labels(raw_labels) if label_index is not None else (None, "none", ())
    label_name = names[label_index] if header and label_index is not None else "label"
    return RawData(X, y, None, kind, label_name, class_names)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


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


def _labels(raw: list[str]) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Class indices for text or integer labels; a continuous value for other numbers."""
    numbers = [_is_number(v) for v in raw]
    if all(numbers) and not all(float(v).is_integer() for v in raw):
        return np.asarray(raw, dtype=np.float32), "continuous", ()
    keys = sorted(set(raw), key=lambda v: (float(v), v) if all(numbers) else (0.0, v))
    index = {k: i for i, k in enumerate(keys)}
    return np.asarray([index[v] for v in raw], dtype=np.int64), "class", tuple(keys)


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
    return _array_to_raw(X, y, f"{filename}[{x_key}]")


def _array_to_raw(X: np.ndarray, y: np.ndarray | None, where: str) -> RawData:
    """Validate a numeric array: (n, features) is tabular, (n, height, width) are grayscale images."""
    if X.dtype.kind not in "biuf":
        raise DataError(f"{where} has dtype {X.dtype}; aeviz needs numbers")
    if X.ndim not in (2, 3):
        raise DataError(f"{where} has shape {X.shape}; expected (samples, features) or (samples, height, width)")
    n_features = int(np.prod(X.shape[1:]))
    _check_size(X.shape[0], n_features, where)
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
    y, _, names = _labels([str(v) for v in y.tolist()])
    return RawData(flat, y, image_shape, "class", "label", names)


def _check_size(n_samples: int, n_features: int, where: str) -> None:
    if n_samples == 0:
        raise DataError(f"{where} is empty")
    if n_samples > MAX_ROWS:
        raise DataError(f"{where} has {n_samples} rows, more than the limit of {MAX_ROWS}")
    if n_features < 2:
        raise DataError(f"{where} has only one feature: an autoencoder needs at least two")
    if n_features > MAX_FEATURES:
        raise DataError(f"{where} has {n_features} features, more than the limit of {MAX_FEATURES}")


def _to_unit_range(flat: np.ndarray, dtype: np.dtype, where: str) -> np.ndarray:
    lo, hi = float(flat.min()), float(flat.max())
    if lo < 0 or hi > 255:
        raise DataError(f"{where}: image values run from {lo:g} to {hi:g}; expected 0–1 or 0–255")
    return flat / 255.0 if (hi > 1 or dtype.kind in "iu") else flat


# --- IDX (MNIST format) ----------------------------------------------------------------------------------------------

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(payload: bytes, filename: str = "the IDX file") -> np.ndarray:
    """Decode one IDX file (optionally gzip-compressed) into an array of its declared shape."""
    payload = _decompress(payload)
    magic = payload[:4]
    if len(magic) < 4 or magic[:2] != b"\0\0" or magic[2] not in _IDX_TYPES or not 1 <= magic[3] <= 4:
        raise DataError(
            f"{filename} is not an IDX file: wrong magic number 0x{magic.hex():0>8} (expected 0x00000803 for images, "
            "0x00000801 for labels)"
        )
    ndim = magic[3]
    if len(payload) < 4 + 4 * ndim:
        raise DataError(f"{filename} is truncated: its header is incomplete")
    shape = tuple(int.from_bytes(payload[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[magic[2]])
    body = payload[4 + 4 * ndim :]
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(body) != expected:
        raise DataError(f"{filename} declares shape {shape} ({expected} bytes of data) but holds {len(body)} bytes")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def read_idx(payload: bytes, labels: bytes | None = None, filename: str = "the IDX file") -> RawData:
    """Images (or rows) from an IDX file, with labels from a second IDX file when given."""
    X = parse_idx(payload, filename)
    y = parse_idx(labels, "the labels file") if labels is not None else None
    if X.ndim == 1:
        raise DataError(f"{filename} holds labels, not images; choose the images file (e.g. train-images-idx3-ubyte)")
    return _array_to_raw(X, y, filename)


def _idx_labels_beside(path: Path) -> bytes | None:
    """MNIST's label file next to an images file: train-images-idx3-ubyte -> train-labels-idx1-ubyte."""
    if "images" not in path.name or "idx3" not in path.name:
        return None
    twin = path.with_name(path.name.replace("images", "labels").replace("idx3", "idx1"))
    return twin.read_bytes() if twin.is_file() else None


# --- images ----------------------------------------------------------------------------------------------------------


def _zip_images(payload: bytes, filename: str) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise DataError(f"{filename} is not a valid zip file") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _is_hidden(m.filename)]
        if len(members) > MAX_ROWS:
            raise DataError(f"{filename} holds {len(members)} files, more than the limit of {MAX_ROWS}")
        if sum(m.file_size for m in members) > MAX_BYTES:
            raise DataError(f"{filename} unpacks to more than the limit of {MAX_BYTES // 2**20} MB")
        try:
            return [(m.filename, archive.read(m)) for m in sorted(members, key=lambda m: m.filename)]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise DataError(f"{filename} is damaged ({exc})") from None


def _is_hidden(name: str) -> bool:
    return name.startswith("__MACOSX/") or any(part.startswith(".") for part in name.split("/"))


def _folder_images(folder: Path) -> list[tuple[str, bytes]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _is_hidden(p.relative_to(folder).as_posix()))
    if len(files) > MAX_ROWS:
        raise DataError(f"folder {folder.name} holds {len(files)} files, more than the limit of {MAX_ROWS}")
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files]


def _decode_image(name: str, data: bytes, size: int, where: str) -> np.ndarray:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG"):
                raise DataError(f"{name} in {where} is {img.format}, not a PNG or JPEG image")
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise DataError(f"{name} in {where} is {img.width}×{img.height} pixels, too large")
            gray = img.convert("L").resize((size, size), Image.Resampling.BILINEAR)
            return np.asarray(gray, dtype=np.float32).reshape(-1) / 255.0
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{name} in {where} is not an image (PNG or JPEG)") from None


def _images_to_raw(files: list[tuple[str, bytes]], size: int, where: str) -> RawData:
    """Grayscale images resized to size×size; labelled by their folder when they sit in two or more folders."""
    if not files:
        raise DataError(f"{where} holds no images")
    if not 2 <= size <= int(MAX_FEATURES**0.5):
        raise DataError(f"image size {size} must be between 2 and {int(MAX_FEATURES**0.5)}")
    X = np.stack([_decode_image(name, data, size, where) for name, data in files])
    folders = [name.rsplit("/", 2)[-2] if "/" in name else "" for name, _ in files]
    if "" in folders or len(set(folders)) < 2:
        return RawData(X, None, (size, size))
    y, _, names = _labels(folders)
    return RawData(X, y, (size, size), "class", "folder", names)
