"""aeviz.userdata.images: zips and folders of PNG/JPEG, MNIST IDX files, read through the public entry points."""

import gzip
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from aeviz import DataError
from aeviz.datasets import load_dataset
from aeviz.userdata import read_bytes, read_file

# --- IDX ----------------------------------------------------------------------------------------------------------


def _idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_idx_images_with_labels_beside_them(tmp_path):
    """MNIST-format files: the labels file next to the images file is found by its name."""
    images = np.random.default_rng(0).integers(0, 256, size=(12, 28, 28))
    labels = np.arange(12) % 3
    (tmp_path / "train-images-idx3-ubyte").write_bytes(_idx(images))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx(labels))
    data = load_dataset(tmp_path / "train-images-idx3-ubyte", val_fraction=0.25)
    assert data.image_shape == (28, 28) and data.n_features == 784 and data.has_classes
    assert len(data.X_train) == 9 and data.X_train.max() <= 1


def test_gzipped_idx_upload():
    images = np.zeros((5, 4, 4))
    raw = read_bytes("t10k-images-idx3-ubyte.gz", gzip.compress(_idx(images)), labels=_idx(np.arange(5)))
    assert raw.X.shape == (5, 16) and raw.y.tolist() == [0, 1, 2, 3, 4]


def test_idx_wrong_magic_number():
    with pytest.raises(DataError, match="wrong magic number 0x12345678"):
        read_bytes("x-idx3-ubyte", bytes.fromhex("12345678") + b"\0" * 20)


def test_idx_truncated():
    with pytest.raises(DataError, match="declares shape"):
        read_bytes("x-idx3-ubyte", _idx(np.zeros((3, 4, 4)))[:-5])


# --- images -------------------------------------------------------------------------------------------------------


def _png(value: int, size=(10, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (value, value, value)).save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_images_labelled_by_folder():
    """Images are read as grayscale, resized to one size, and labelled by their folder."""
    payload = _zip({"cats/a.png": _png(0), "cats/b.png": _png(255), "dogs/c.png": _png(128), "__MACOSX/x": b"junk"})
    raw = read_bytes("pets.zip", payload, image_size=16)
    assert raw.X.shape == (3, 256) and raw.image_shape == (16, 16)
    assert raw.class_names == ("cats", "dogs") and raw.y.tolist() == [0, 0, 1]
    assert raw.X[0].max() == 0 and raw.X[1].min() == 1


def test_zip_with_a_non_image_names_the_file():
    payload = _zip({"a.png": _png(3), "notes/readme.txt": b"hello"})
    with pytest.raises(DataError, match=r"notes/readme.txt in x.zip is not an image"):
        read_bytes("x.zip", payload)


def test_not_a_zip():
    with pytest.raises(DataError, match="not a valid zip"):
        read_bytes("x.zip", b"PK but not really")


def test_folder_of_images(tmp_path):
    for i in range(4):
        (tmp_path / f"{i}.png").write_bytes(_png(i * 60))
    raw = read_file(tmp_path)
    assert raw.X.shape == (4, 784) and raw.y is None


def test_a_folder_over_the_byte_limit_is_refused_before_any_file_is_read(tmp_path, monkeypatch):
    """A large file in a folder of images: refused from the folder's listing, read_bytes never called (a 1.5 GB file
    was read whole, 1.5 GB of memory, before its size was looked at)."""
    import pathlib

    from aeviz.userdata import common, images

    monkeypatch.setattr(images, "MAX_BYTES", 1_000)
    (tmp_path / "big.png").write_bytes(b"\0" * 2_000)
    read = []
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(DataError, match="holds more than the limit"):
        read_file(tmp_path)
    assert read == [] and common.MAX_BYTES > 1_000
