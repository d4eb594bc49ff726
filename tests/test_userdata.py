"""aeviz.userdata and its table readers: CSV and NumPy files, each error named with where it is."""

import io
import os

import numpy as np
import pytest

from aeviz import DataError
from aeviz.userdata import read_bytes, tables

# --- CSV ----------------------------------------------------------------------------------------------------------


def test_csv_with_header_and_label_column():
    """A header column named 'label' becomes class labels; the rest are features."""
    raw = read_bytes("d.csv", b"a,b,label,c\n1,2,cat,3\n4,5,dog,6\n7,8,cat,9\n")
    assert raw.X.shape == (3, 3) and raw.label_kind == "class"
    assert raw.class_names == ("cat", "dog") and raw.y.tolist() == [0, 1, 0]


def test_csv_without_header_and_chosen_label_column():
    raw = read_bytes("d.csv", b"1,2,3\n4,5,6\n", label_column=0)
    assert raw.X.tolist() == [[2, 3], [5, 6]] and raw.y.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"1,2,3\n4,5,6\n7,8\n", r"row 3: 2 values, expected 3"),
        (b"a,b\n1,2\nnan,3\n", r"row 3: NaN or inf in column 'a'"),
        (b"a,b\n1,2\n3,inf\n", r"row 3: NaN or inf in column 'b'"),
        (b"a,b,c\n1,2,3\n4,five,6\n", r"row 3, column 'b': 'five' is not a number"),
        (b"1\n2\n3\n", "only one column"),
        (b"a,label\n1,x\n", "only one column"),
        (b"\xff\xfe1,2\n", "not UTF-8"),
        (b"a,b\n", "no data rows"),
    ],
)
def test_bad_csv_names_the_problem(payload, message):
    """Each broken CSV raises DataError naming the problem and where it is."""
    with pytest.raises(DataError, match=message):
        read_bytes("bad.csv", payload)


def test_csv_ragged_row_reports_line_and_counts():
    """The issue's example: row 17 of a 64-column file holds 63 values."""
    rows = [",".join(["1"] * 64)] * 16 + [",".join(["1"] * 63)]
    with pytest.raises(DataError, match=r"row 17: 63 values, expected 64"):
        read_bytes("x.csv", "\n".join(rows).encode())


def test_row_and_column_limits(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    with pytest.raises(DataError, match="more than 3 rows, the limit"):
        read_bytes("x.csv", b"1,2\n3,4\n5,6\n7,8\n")
    monkeypatch.setattr(tables, "MAX_FEATURES", 2)
    with pytest.raises(DataError, match="3 columns, more than the limit of 2"):
        read_bytes("x.csv", b"1,2,3\n")


# --- NumPy --------------------------------------------------------------------------------------------------------


def _npy(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def test_npy_images_are_scaled_to_unit_range():
    """A (n, h, w) uint8 array is read as images in [0, 1] with their shape kept."""
    images = np.random.default_rng(0).integers(0, 256, size=(10, 6, 5), dtype=np.uint8)
    raw = read_bytes("imgs.npy", _npy(images))
    assert raw.image_shape == (6, 5) and raw.X.shape == (10, 30)
    assert np.allclose(raw.X * 255, images.reshape(10, -1))


def test_npz_with_labels():
    buffer = io.BytesIO()
    np.savez(buffer, X=np.arange(20.0).reshape(5, 4), y=np.array([3, 1, 3, 1, 2]))
    raw = read_bytes("t.npz", buffer.getvalue())
    assert raw.X.shape == (5, 4) and raw.y.tolist() == [2, 0, 2, 0, 1] and raw.class_names == ("1", "2", "3")


def test_damaged_npz_is_a_message():
    """A file that starts like a zip but is not one is refused by name, not with a traceback."""
    with pytest.raises(DataError, match=r"bad.npz is not a valid .npz file"):
        read_bytes("bad.npz", b"PK\x03\x04 not really a zip")


class _Exploit:
    """Unpickling this runs `touch MARKER`: the marker file exists afterwards only if the payload ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_npy_pickle_payload_is_refused_without_running(tmp_path):
    """An object array (a pickle) is refused with a clear message, and its payload never runs."""
    marker = tmp_path / "payload-ran"  # per test run: concurrent runs cannot see each other's marker
    payload = _npy(np.array([_Exploit(marker)], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="pickle"):
        read_bytes("evil.npy", payload)
    assert not marker.exists()


def test_npy_nan_is_located():
    X = np.ones((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(DataError, match=r"NaN or inf at row 2 \(0-based\), column 1"):
        read_bytes("x.npy", _npy(X))


def test_unknown_suffix():
    with pytest.raises(DataError, match="unknown file type"):
        read_bytes("model.pkl", b"\x80\x04")
