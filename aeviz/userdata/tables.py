"""The table readers of the user's files: CSV, .npy and .npz (`aeviz.userdata` picks the reader by suffix).

Every reader returns a `RawData` (all rows, not yet split) or raises `DataError` with a message that names the problem and
where it is (line, column, file in the zip). Nothing here unpickles: NumPy files are opened with `allow_pickle=False`.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from typing import BinaryIO

import numpy as np

from aeviz.errors import ZIP_ERRORS, DataError
from aeviz.userdata.common import (
    MAX_FEATURES,
    MAX_ROWS,
    MAX_VALUES,
    RawData,
    array_to_raw,
    check_size,
    encode_labels,
    is_number,
    read_some,
)

__all__ = ["RawData", "read_csv", "read_npy", "read_npz"]

LABEL_COLUMN_NAMES = ("label", "labels", "target", "class", "y", "digit")
NPY_HEADER_BYTES = 10_000  # NumPy's own default bound on a .npy header
MAX_LINE_CHARS = 2**22  # one CSV line: 4,096 values of up to 1,000 characters each


# --- CSV -----------------------------------------------------------------------------------------------------------


def read_csv(source: bytes | BinaryIO, filename: str = "the CSV file", *, label_column: str | int | None = None) -> RawData:
    """Parse a numeric CSV (bytes, or a binary stream) with an optional header and an optional label column.

    The label column is `label_column` (a header name or a 0-based index), else a header named like `label`/`target`.
    Rows are parsed as they are read, and the row and value limits apply as they stream (a gzipped file of 50 million
    rows stops at row 70,001, having inflated only that far).
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    reader = csv.reader(_lines(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""), filename))
    try:
        return _parse_csv(reader, filename, label_column)
    except UnicodeDecodeError:
        raise DataError(f"{filename} is not UTF-8 text (near row {reader.line_num + 1})") from None
    except csv.Error as exc:
        problem = f"a value longer than {csv.field_size_limit():,} characters" if "field limit" in str(exc) else str(exc)
        raise DataError(f"{filename}, row {reader.line_num}: {problem}") from None


def _lines(text: io.TextIOBase, filename: str):
    """The text's lines, each read with a bound (a file of one endless line would otherwise be read whole)."""
    number = 0
    while line := text.readline(MAX_LINE_CHARS):
        number += 1
        if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise DataError(f"{filename}, row {number}: a line longer than {MAX_LINE_CHARS:,} characters")
        yield line


def _parse_csv(reader, filename: str, label_column: str | int | None) -> RawData:
    rows = ((reader.line_num, row) for row in reader if any(c.strip() for c in row))
    first = next(rows, None)
    if first is None:
        raise DataError(f"{filename} is empty")
    header = [c.strip() for c in first[1]] if any(not is_number(cell) for cell in first[1]) else None
    n_columns = len(first[1])
    if n_columns == 1 and ";" in first[1][0]:
        raise DataError(f"{filename} is separated by ';', not by commas: save it as comma-separated values")
    label_index = _label_index(header, n_columns, label_column, filename)
    n_features = n_columns - (label_index is not None)
    if n_features < 2:
        raise DataError(f"{filename} has only one column of features: an autoencoder needs at least two")
    if n_features > MAX_FEATURES:
        raise DataError(f"{filename} has {n_columns:,} columns, more than the limit of {MAX_FEATURES:,}")
    names = header or [str(j + 1) for j in range(n_columns)]
    X, raw_labels = [], []
    for line, row in rows if header else _chain(first, rows):
        if len(X) == MAX_ROWS:  # stop reading here: the rest of the file is never parsed
            raise DataError(f"{filename} has more than {MAX_ROWS:,} rows, the limit")
        if (len(X) + 1) * n_features > MAX_VALUES:
            raise DataError(f"{filename} has more than {MAX_VALUES:,} values (rows × features), the limit")
        if len(row) != n_columns:
            raise DataError(f"{filename}, row {line}: {len(row)} values, expected {n_columns}")
        if label_index is not None:
            raw_labels.append(row[label_index].strip())
            row = row[:label_index] + row[label_index + 1 :]
        X.append(_parse_row(row, line, names, label_index, filename))
    if not X:
        raise DataError(f"{filename} has a header but no data rows")
    y, kind, class_names = encode_labels(raw_labels) if label_index is not None else (None, "none", ())
    label_name = names[label_index] if header and label_index is not None else "label"
    return RawData(np.stack(X), y, None, kind, label_name, class_names)


def _chain(first, rest):
    yield first
    yield from rest


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


def _parse_row(row: list[str], line: int, names: list[str], label_index: int | None, filename: str) -> np.ndarray:
    """One row of features as float32, or a message naming the row and the column of the first bad value."""
    try:
        values = np.asarray(row, dtype=np.float32)
    except ValueError:
        for j, cell in enumerate(row):
            if not is_number(cell):
                column = _column_name(names, j, label_index)
                raise DataError(f"{filename}, row {line}, column {column}: {cell.strip()[:20]!r} is not a number") from None
        raise
    if not np.isfinite(values).all():
        j = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(f"{filename}, row {line}: NaN or inf in column {_column_name(names, j, label_index)}")
    return values


# --- NumPy files ---------------------------------------------------------------------------------------------------


def _npy_header(stream: BinaryIO, where: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran order, dtype) from a .npy header, read with NumPy's format helpers before any data."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(stream)
        if version == (1, 0):
            return fmt.read_array_header_1_0(stream, max_header_size=NPY_HEADER_BYTES)
        if version == (2, 0):
            return fmt.read_array_header_2_0(stream, max_header_size=NPY_HEADER_BYTES)
    except Exception as exc:  # NumPy's header parser raises ValueError, SyntaxError, tokenize.TokenError… on a bad header
        raise DataError(f"{where} is not a valid .npy file ({type(exc).__name__}: {str(exc)[:120]})") from None
    if version == (3, 0):
        raise DataError(f"{where} uses .npy format version 3.0 (UTF-8 field names), which aeviz does not read")
    raise DataError(f"{where} is not a valid .npy file (unknown format version {version[0]}.{version[1]})")


def read_npy(stream: BinaryIO, where: str, labels: bool = False) -> np.ndarray:
    """One array from a .npy stream. Its header is checked against the limits (and for Python objects, which would be a
    pickle) before the data are read, so a tiny file that declares 20 billion values is refused at once.

    labels: a 1-D array of one label per row is expected instead of (rows, features) or (rows, height, width).
    """
    shape, fortran, dtype = _npy_header(stream, where)
    if dtype.hasobject:
        raise DataError(f"{where} holds Python objects (a pickle); aeviz only reads numeric arrays")
    if dtype.kind not in "biuf" or dtype.itemsize > 8:
        raise DataError(f"{where} has dtype {dtype}; aeviz needs numbers")
    if labels:
        if len(shape) != 1 or not 0 < shape[0] <= MAX_ROWS:
            raise DataError(f"{where} has shape {shape}; expected one label per row (at most {MAX_ROWS:,})")
    elif len(shape) not in (2, 3):
        raise DataError(f"{where} has shape {shape}; expected (samples, features) or (samples, height, width)")
    else:
        check_size(shape[0], math.prod(shape[1:]), where)
    n_bytes = math.prod(shape) * dtype.itemsize
    data = read_some(stream, n_bytes, where)
    if len(data) != n_bytes:
        raise DataError(f"{where} is truncated: its header declares {n_bytes:,} bytes of data, it holds {len(data):,}")
    return np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def read_npz(payload: bytes, filename: str) -> RawData:
    """X (and y) from a .npz: each member's header is checked before it is inflated; pickled members are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            arrays = {i.filename.removesuffix(".npy"): i for i in archive.infolist() if i.filename.endswith(".npy")}
            x_key = next((k for k in ("X", "x", "data", "images", "features") if k in arrays), next(iter(arrays), None))
            y_key = next((k for k in ("y", "labels", "label", "target", "targets") if k in arrays), None)
            if x_key is None:
                raise DataError(f"{filename} holds no arrays")
            with archive.open(arrays[x_key]) as stream:
                X = read_npy(stream, f"{filename}[{x_key}]")
            y = None
            if y_key is not None and y_key != x_key:
                with archive.open(arrays[y_key]) as stream:
                    y = read_npy(stream, f"{filename}[{y_key}]", labels=True)
    except DataError:
        raise
    except ZIP_ERRORS as exc:
        raise DataError(f"{filename} is not a valid .npz file ({exc})") from None
    return array_to_raw(X, y, f"{filename}[{x_key}]")
