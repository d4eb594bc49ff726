"""Readers for image data: a zip or a folder of PNG/JPEG files, and MNIST-format IDX files.

Each returns a `RawData` of flattened grayscale images in [0, 1], or raises `DataError` naming the file (and the member
of the zip) at fault. Images are decoded by Pillow, checked for format and size before they are resized.
"""

from __future__ import annotations

import io
import math
import warnings
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from aeviz.errors import ZIP_ERRORS, DataError
from aeviz.userdata.common import (
    MAX_BYTES,
    MAX_FEATURES,
    MAX_IMAGE_PIXELS,
    MAX_ROWS,
    MAX_UPLOAD_PIXELS,
    RawData,
    array_to_raw,
    check_size,
    encode_labels,
    open_stream,
    read_some,
)

# Pillow's own guard against decompression bombs, set to aeviz's limit: a larger image is refused from its header.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# --- IDX (MNIST format) ----------------------------------------------------------------------------------------------

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(payload: bytes, filename: str = "the IDX file", labels: bool = False) -> np.ndarray:
    """Decode one IDX file (optionally gzip-compressed) into an array of its declared shape.

    The header is read and checked against the limits first; only then is the body inflated, and never more of it than
    the header declares (a small gzip that inflates to gigabytes stops there).
    """
    with open_stream(payload) as stream:
        head = read_some(stream, 4, filename)
        if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in _IDX_TYPES or not 1 <= head[3] <= 4:
            raise DataError(
                f"{filename} is not an IDX file: wrong magic number 0x{head.hex():0>8} (expected 0x00000803 for "
                "images, 0x00000801 for labels)"
            )
        ndim = head[3]
        dims = read_some(stream, 4 * ndim, filename)
        if len(dims) < 4 * ndim:
            raise DataError(f"{filename} is truncated: its header is incomplete")
        shape = tuple(int.from_bytes(dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
        if labels or ndim == 1:
            if not 0 < shape[0] <= MAX_ROWS:
                raise DataError(f"{filename} declares {shape[0]:,} labels; the limit is {MAX_ROWS:,}")
        else:
            check_size(shape[0], math.prod(shape[1:]), filename)
        dtype = np.dtype(_IDX_TYPES[head[2]])
        expected = math.prod(shape) * dtype.itemsize
        body = read_some(stream, expected, filename)
        if len(body) != expected or read_some(stream, 1, filename):
            raise DataError(f"{filename} declares shape {shape} ({expected:,} bytes of data) but holds a different amount")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def read_idx(payload: bytes, labels: bytes | None = None, filename: str = "the IDX file") -> RawData:
    """Images (or rows) from an IDX file, with labels from a second IDX file when given."""
    X = parse_idx(payload, filename)
    y = parse_idx(labels, "the labels file", labels=True) if labels is not None else None
    if X.ndim == 1:
        raise DataError(f"{filename} holds labels, not images; choose the images file (e.g. train-images-idx3-ubyte)")
    return array_to_raw(X, y, filename)


def idx_labels_beside(path: Path) -> bytes | None:
    """MNIST's label file next to an images file: train-images-idx3-ubyte -> train-labels-idx1-ubyte."""
    if "images" not in path.name or "idx3" not in path.name:
        return None
    twin = path.with_name(path.name.replace("images", "labels").replace("idx3", "idx1"))
    return twin.read_bytes() if twin.is_file() else None


# --- zips and folders of PNG/JPEG ------------------------------------------------------------------------------------


def zip_images(payload: bytes, filename: str) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except ZIP_ERRORS:
        raise DataError(f"{filename} is not a valid zip file") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _is_hidden(m.filename)]
        if len(members) > MAX_ROWS:
            raise DataError(f"{filename} holds {len(members)} files, more than the limit of {MAX_ROWS}")
        if sum(m.file_size for m in members) > MAX_BYTES:
            raise DataError(f"{filename} unpacks to more than the limit of {MAX_BYTES // 2**20} MB")
        try:
            return [(m.filename, archive.read(m)) for m in sorted(members, key=lambda m: m.filename)]
        except ZIP_ERRORS as exc:
            raise DataError(f"{filename} is damaged ({exc})") from None


def _is_hidden(name: str) -> bool:
    return name.startswith("__MACOSX/") or any(part.startswith(".") for part in name.split("/"))


def folder_images(folder: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of the files in a folder of images, their sizes checked from the folder before any is read (a
    1.5 GB file in the folder was read whole before)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _is_hidden(p.relative_to(folder).as_posix()))
    if len(files) > MAX_ROWS:
        raise DataError(f"folder {folder.name} holds {len(files)} files, more than the limit of {MAX_ROWS}")
    if sum(p.stat().st_size for p in files) > MAX_BYTES:
        raise DataError(f"folder {folder.name} holds more than the limit of {MAX_BYTES // 2**20} MB")
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files]


def _open_image(name: str, data: bytes, where: str) -> Image.Image:
    """A PNG or JPEG opened lazily (its header only) and checked against the pixel limit before anything is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DataError(f"{name} in {where} has more than {MAX_IMAGE_PIXELS:,} pixels, the limit per image") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DataError(f"{name} in {where} is not an image (PNG or JPEG)") from None
    if img.format not in ("PNG", "JPEG"):
        raise DataError(f"{name} in {where} is {img.format}, not a PNG or JPEG image")
    if img.width * img.height > MAX_IMAGE_PIXELS:
        raise DataError(f"{name} in {where} is {img.width}×{img.height} pixels, more than the limit of {MAX_IMAGE_PIXELS:,}")
    return img


def _grayscale(img: Image.Image) -> Image.Image:
    """One channel of floats in [0, 1] ("F" mode); 16-bit and 32-bit images keep their range (not clipped to white)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(img, dtype=np.float32)
        top = 65535.0 if img.mode.startswith("I;16") or values.max() <= 65535 else float(values.max())
        return Image.fromarray(values / top, mode="F")
    return Image.fromarray(np.asarray(img.convert("L"), dtype=np.float32) / 255.0, mode="F")


def _decode_image(name: str, img: Image.Image, size: int, where: str) -> np.ndarray:
    try:
        with img:
            if img.format == "JPEG":
                img.draft("L", (size * 4, size * 4))  # decode a large JPEG at a reduced scale: less memory and time
            gray = _grayscale(img).resize((size, size), Image.Resampling.BILINEAR)
            return np.clip(np.asarray(gray, dtype=np.float32), 0.0, 1.0).reshape(-1)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DataError(f"{name} in {where} is damaged (it could not be decoded)") from None


def images_to_raw(files: list[tuple[str, bytes]], size: int, where: str) -> RawData:
    """Grayscale images resized to size×size; labelled by their folder when they sit in two or more folders.

    All headers are read first: the images of one upload may hold MAX_UPLOAD_PIXELS in all, so a zip of a thousand
    huge images is refused before any is decoded.
    """
    if not files:
        raise DataError(f"{where} holds no images")
    if not 2 <= size <= int(MAX_FEATURES**0.5):
        raise DataError(f"image size {size} must be between 2 and {int(MAX_FEATURES**0.5)}")
    images = [_open_image(name, data, where) for name, data in files]
    pixels = sum(img.width * img.height for img in images)
    if pixels > MAX_UPLOAD_PIXELS:
        raise DataError(f"{where}: its images hold {pixels:,} pixels in all, more than the limit of {MAX_UPLOAD_PIXELS:,}")
    X = np.stack([_decode_image(name, img, size, where) for (name, _), img in zip(files, images, strict=True)])
    folders = [name.rsplit("/", 2)[-2] if "/" in name else "" for name, _ in files]
    if "" in folders or len(set(folders)) < 2:
        return RawData(X, None, (size, size))
    y, _, names = encode_labels(folders)
    return RawData(X, y, (size, size), "class", "folder", names)
