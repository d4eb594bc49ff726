"""Hostile and broken input, as a hostile student would send it: every case gets one clear message (the project's error
class and a fragment of its text), is refused within a bounded amount of memory, and nothing is left half done.

Files are built in tmp_path on the fly; the bombs are small on disk. Memory is measured with tracemalloc, which sees
every NumPy and Python allocation (a reader that trusted a header would try to allocate gigabytes and fail here).

One file of ~400 lines on purpose: it is the threat model of a class server read as one list (files, checkpoints, the
command line, fuzzing), so that a new reader is checked against every kind of attack the others already meet.
"""

import contextlib
import gzip
import io
import json
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from aeviz.checkpoints import META, WEIGHTS, Checkpoint, from_zip, to_zip
from aeviz.cli import main
from aeviz.configs import ModelConfig, TrainConfig
from aeviz.errors import CheckpointError, DataError
from aeviz.models import build_model
from aeviz.pca import TeachingPCA
from aeviz.userdata import read_bytes

PEAK_BYTES = 300 * 2**20  # far below what any of these files would take if a reader trusted it


def _refused(read, error, fragment, peak=PEAK_BYTES):
    """`read()` raises `error` with `fragment` in its message, and allocates at most `peak` bytes on the way."""
    tracemalloc.start()
    try:
        with pytest.raises(error) as caught:
            read()
        _, used = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fragment in str(caught.value), str(caught.value)
    assert used < peak, f"{used / 2**20:.0f} MiB"
    return caught.value


def _npy_header(shape, descr="<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _gzip_stream(head: bytes, zeros: int, fill: bytes = b"\0") -> bytes:
    """gzip of `head` followed by `zeros` bytes of `fill`, compressed chunk by chunk (300 MB of zeros is ~300 KB)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip container
    chunk = fill * (2**20 // len(fill))
    parts = [compressor.compress(head)]
    for _ in range(zeros // len(chunk)):
        parts.append(compressor.compress(chunk))
    return b"".join(parts) + compressor.flush()


# --- NumPy -------------------------------------------------------------------------------------------------------


def test_npy_declaring_20_billion_values_is_refused_from_its_header():
    payload = _npy_header((2_000_000_000, 10)) + b"\0" * 64
    _refused(lambda: read_bytes("bomb.npy", payload), DataError, "bomb.npy has 2,000,000,000 rows")


def test_npy_within_the_limits_but_truncated():
    payload = _npy_header((60_000, 784), "|u1") + b"\0" * 1000
    _refused(lambda: read_bytes("cut.npy", payload), DataError, "cut.npy is truncated")


def test_garbage_npy_is_not_called_a_pickle():
    error = _refused(lambda: read_bytes("junk.npy", b"\x93NUMPY garbage" * 10), DataError, "not a valid .npy file")
    assert "pickle" not in str(error)


def test_npz_with_a_pickled_member_gets_a_message():
    buffer = io.BytesIO()
    np.savez(buffer, X=np.array([{"a": 1}, {"b": 2}], dtype=object))
    _refused(lambda: read_bytes("evil.npz", buffer.getvalue()), DataError, "holds Python objects (a pickle)")


def test_npz_member_declaring_a_huge_shape():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("X.npy", _npy_header((50_000, 100_000)) + b"\0" * 64)
    _refused(lambda: read_bytes("big.npz", buffer.getvalue()), DataError, "100,000 features, more than the limit")


# --- gzip: IDX and CSV -------------------------------------------------------------------------------------------


def test_gzipped_idx_bomb_stops_after_its_declared_size():
    """The header is within the limits (60,000 × 28 × 28), then 300 MB of zeros: read no further than declared."""
    head = bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in (60_000, 28, 28))
    payload = _gzip_stream(head, 300 * 2**20)
    assert len(payload) < 2 * 2**20
    _refused(lambda: read_bytes("bomb-images-idx3-ubyte.gz", payload), DataError, "holds a different amount", 120 * 2**20)


def test_gzipped_idx_declaring_too_many_images_is_refused_before_its_body():
    head = bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in (4_000_000_000, 28, 28))
    _refused(lambda: read_bytes("x-images-idx3-ubyte.gz", gzip.compress(head)), DataError, "4,000,000,000 rows")


def test_fifty_million_row_gzipped_csv_stops_at_the_row_limit():
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = b"1,2\n" * 2**18  # 1 MiB of rows
    payload = b"".join(compressor.compress(block) for _ in range(191)) + compressor.flush()  # 50 M rows
    _refused(lambda: read_bytes("rows.csv.gz", payload), DataError, "more than 70,000 rows", 64 * 2**20)


def test_gzip_that_inflates_past_the_byte_limit():
    """Blank lines are no rows, so only the byte budget stops this one, as it streams."""
    payload = _gzip_stream(b"a,b\n", 250 * 2**20, fill=b" " * 1023 + b"\n")
    _refused(lambda: read_bytes("big.csv.gz", payload), DataError, "unpacks to more than the limit of 200 MB", 64 * 2**20)


# --- CSV -----------------------------------------------------------------------------------------------------------


def test_a_field_over_the_csv_field_limit():
    payload = b"a,b\n1," + b"9" * 200_000 + b"\n"
    _refused(lambda: read_bytes("long.csv", payload), DataError, "long.csv, row 2: a value longer than 131,072 characters")


def test_a_semicolon_separated_file_is_named_as_such():
    _refused(lambda: read_bytes("euro.csv", b"a;b;c\n1;2;3\n"), DataError, "separated by ';'")


def test_constant_data_gives_a_defined_pca():
    """Every feature identical: PCA explains nothing, and says so with zeros, not NaN."""
    raw = read_bytes("flat.csv", b"a,b,c\n" + b"1,1,1\n" * 20)
    pca = TeachingPCA(2).fit(raw.X)
    assert np.array_equal(pca.explained_variance_ratio_, [0.0, 0.0]) and np.isfinite(pca.transform(raw.X)).all()


# --- images --------------------------------------------------------------------------------------------------------


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("side", [5_000, 9_000])  # over our limit; over twice it (Pillow's DecompressionBombError)
def test_an_image_over_the_pixel_limit_is_refused_from_its_header(side):
    payload = _zip({"a/big.png": _png(Image.new("1", (side, side))), "b/ok.png": _png(Image.new("L", (28, 28)))})
    _refused(lambda: read_bytes("photos.zip", payload), DataError, "big.png in photos.zip", 64 * 2**20)


def test_many_large_images_are_refused_before_any_is_decoded():
    """17 images of 3999 × 3999 (272 M pixels): over the upload's pixel budget, refused from their headers."""
    png = _png(Image.new("1", (3_999, 3_999)))
    payload = _zip({f"img{i}.png": png for i in range(17)})
    _refused(lambda: read_bytes("many.zip", payload), DataError, "pixels in all, more than the limit", 64 * 2**20)


def test_sixteen_bit_pngs_keep_their_range():
    """A 16-bit gradient is a gradient after reading, not a white square (values above 255 were clipped)."""
    ramp = (np.arange(28 * 28, dtype=np.uint32).reshape(28, 28) * 80).astype(np.uint16)
    png = _png(Image.fromarray(ramp))
    raw = read_bytes("deep.zip", _zip({"a.png": png, "b.png": png}))
    assert raw.X.min() < 0.05 and 0.9 < raw.X.max() <= 1.0 and np.mean(raw.X > 0.99) < 0.05


# --- checkpoints ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checkpoint_zip() -> tuple[bytes, dict]:
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2, hidden=(16,)))
    with zipfile.ZipFile(io.BytesIO(to_zip(Checkpoint(model, TrainConfig(epochs=1), "digits")))) as archive:
        return archive.read(WEIGHTS), json.loads(archive.read(META))


def _with_meta(weights: bytes, meta: dict | str) -> bytes:
    return _zip({WEIGHTS: weights, META: meta if isinstance(meta, str) else json.dumps(meta)})


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"hidden": [100_000, 100_000]}, "hidden widths must be between 1 and 4,096"),
        ({"hidden": [4_096, 4_096, 4_096]}, "more than this server's limit"),
        ({"n_features": 5_000_000, "image_shape": None}, "input features must be between 2 and 4,096"),
        ({"latent_dim": 2.5}, "latent size must be a whole number"),
        ({"image_shape": [65536, 65536, 65536, 65536]}, "image shape must be (height, width)"),
        ({"hidden": "lots"}, "hidden widths must be a list"),
    ],
)
def test_absurd_model_sizes_in_meta_are_refused_before_allocation(checkpoint_zip, change, fragment):
    weights, meta = checkpoint_zip
    meta = {**meta, "model": {**meta["model"], **change}}
    _refused(lambda: from_zip(_with_meta(weights, meta)), CheckpointError, fragment, 16 * 2**20)


def test_deeply_nested_meta(checkpoint_zip):
    weights, _ = checkpoint_zip
    _refused(lambda: from_zip(_with_meta(weights, "[" * 100_000 + "]" * 100_000)), CheckpointError, "nested too deeply")


@pytest.mark.parametrize(
    ("history", "fragment"),
    [
        ([{"epoch": 1, "train_loss": 0.1, "val_loss": 0.1, "pad": "x" * 1000}], "unknown entries: ['pad']"),
        ([{"epoch": 1, "train_loss": 0.1, "val_loss": 0.1}] * 1_001, "at most 1000 epochs"),
    ],
)
def test_padded_or_endless_history(checkpoint_zip, history, fragment):
    weights, meta = checkpoint_zip
    _refused(lambda: from_zip(_with_meta(weights, {**meta, "history": history})), CheckpointError, fragment)


def test_weights_of_another_dtype_are_named_as_such(checkpoint_zip):
    """A float64 weight file that fits the shapes: the message names the dtype (it said 'has shape (16,), needs (16,)')."""
    from safetensors.torch import load, save

    weights, meta = checkpoint_zip
    double = save({k: v.double() for k, v in load(weights).items()})
    _refused(lambda: from_zip(_with_meta(double, meta)), CheckpointError, "is stored as F64, the model needs F32 or F16")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_weights_that_are_not_finite_are_refused_on_load(checkpoint_zip, bad):
    """NaN or infinite weights crashed pages that project the codes ("Input X contains NaN"); the loader refuses them."""
    from safetensors.torch import load, save

    weights, meta = checkpoint_zip
    tensors = load(weights)
    first = next(iter(tensors))
    tensors[first][0] = bad
    _refused(lambda: from_zip(_with_meta(save(tensors), meta)), CheckpointError, "NaN or infinite")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"data_seed": -1}, "data seed is invalid"),  # numpy refused it on six pages
        ({"data_seed": 2**70}, "data seed is invalid"),
        ({"dataset": "mnist"}, "the model takes 64 inputs, but mnist has 784"),  # "mat1 and mat2 shapes" on three pages
    ],
)
def test_a_seed_or_dataset_no_page_could_use_is_refused_on_load(checkpoint_zip, change, fragment):
    weights, meta = checkpoint_zip
    _refused(lambda: from_zip(_with_meta(weights, {**meta, **change})), CheckpointError, fragment)


@pytest.mark.parametrize(
    ("views", "fragment"),
    [
        (lambda n: torch.zeros((n, 5, 2)), "not (epochs, rows, 2) float16"),  # float32
        (lambda n: torch.zeros((n, 5, 3), dtype=torch.float16), "not (epochs, rows, 2) float16"),
        (lambda n: torch.zeros((n, 5_000, 2), dtype=torch.float16), "not (epochs, rows, 2) float16"),  # too many rows
        (lambda n: torch.zeros((n + 1, 5, 2), dtype=torch.float16), "epoch views for a history of"),
    ],
)
def test_epoch_views_of_the_wrong_kind_are_refused(checkpoint_zip, views, fragment):
    from safetensors.torch import load, save

    weights, meta = checkpoint_zip
    tensors = {**load(weights), "epoch_views": views(len(meta["history"]))}
    _refused(lambda: from_zip(_with_meta(save(tensors), meta)), CheckpointError, fragment)


# --- through the command line: one line, exit 2 -------------------------------------------------------------------


def test_the_cli_refuses_a_bomb_with_one_line(tmp_path, capsys):
    bomb = tmp_path / "bomb.npy"
    bomb.write_bytes(_npy_header((2_000_000_000, 10)) + b"\0" * 64)
    assert main(["train", "--dataset", str(bomb), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aeviz: error: bomb.npy has 2,000,000,000 rows") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_the_cli_refuses_an_infinite_lambda_with_its_own_name(tmp_path, capsys):
    assert main(["train", "--dataset", "digits", "--l1", "inf", "--out", str(tmp_path / "x")]) == 2
    assert "λ (the L1 penalty) must be a finite number" in capsys.readouterr().err


def test_an_endless_line_is_cut_off():
    payload = _gzip_stream(b"a,b\n", 50 * 2**20)
    _refused(lambda: read_bytes("line.csv.gz", payload), DataError, "a line longer than 4,194,304 characters", 64 * 2**20)


# --- fuzzing: random bytes and mutated valid files load or get the project's error, never anything else -------------

NAMES = ["f.csv", "f.csv.gz", "f.npy", "f.npz", "f.zip", "f-images-idx3-ubyte", "f-images-idx3-ubyte.gz"]


def _valid_files() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    X = rng.random((12, 16)).astype(np.float32)
    npy, npz = io.BytesIO(), io.BytesIO()
    np.save(npy, X)
    np.savez(npz, X=X, y=np.arange(12) % 3)
    csv_text = "a,b,c,label\n" + "".join(f"{i},{i * 2},{i % 5},{i % 3}\n" for i in range(12))
    idx = bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in (4, 4, 4)) + bytes(range(64))
    return {
        "f.csv": csv_text.encode(),
        "f.csv.gz": gzip.compress(csv_text.encode()),
        "f.npy": npy.getvalue(),
        "f.npz": npz.getvalue(),
        "f.zip": _zip({"a/1.png": _png(Image.new("L", (8, 8), 30)), "b/2.png": _png(Image.new("L", (8, 8), 200))}),
        "f-images-idx3-ubyte": idx,
        "f-images-idx3-ubyte.gz": gzip.compress(idx),
    }


VALID = _valid_files()


def _reads_or_refuses(name: str, payload: bytes) -> None:
    try:
        raw = read_bytes(name, payload)
    except DataError:
        return
    assert raw.X.dtype == np.float32 and raw.X.ndim == 2 and np.isfinite(raw.X).all()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), payload=st.binary(min_size=1, max_size=3_000))
def test_random_bytes_load_or_get_a_data_error(name, payload):
    _reads_or_refuses(name, payload)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors])
@given(data=st.data())
def test_mutated_valid_files_load_or_get_a_data_error(name, data):
    """Valid files with bytes changed and the end cut off: headers, lengths and checksums that lie."""
    valid = VALID[name]
    payload = bytearray(valid[: data.draw(st.integers(1, len(valid)), label="length")])
    positions = st.integers(0, len(payload) - 1)
    for where, value in data.draw(st.lists(st.tuples(positions, st.integers(0, 255)), min_size=1, max_size=4)):
        payload[where] = value
    _reads_or_refuses(name, bytes(payload))


def _central_directory_moved(archive: bytes) -> bytes:
    """The zip with its end record pointing a file's length past the central directory: zipfile then computes every
    member's header offset as negative and reading it fails with a ValueError ("negative seek value"), not a
    BadZipFile."""
    payload = bytearray(archive)
    end = payload.rfind(b"PK\x05\x06")
    offset = int.from_bytes(payload[end + 16 : end + 20], "little")  # where the central directory starts
    payload[end + 16 : end + 20] = (offset + len(payload)).to_bytes(4, "little")
    return bytes(payload)


@pytest.mark.parametrize("name", ["f.zip", "f.npz"])
def test_a_zip_whose_directory_offset_lies_gets_a_data_error(name):
    _refused(lambda: read_bytes(name, _central_directory_moved(VALID[name])), DataError, name)


def test_a_checkpoint_zip_whose_directory_offset_lies_gets_a_checkpoint_error():
    _refused(lambda: from_zip(_central_directory_moved(_with_meta(*_CHECKPOINT))), CheckpointError, "not a valid zip")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_checkpoint_zips_load_or_get_a_checkpoint_error(data):
    """An uploaded checkpoint zip with bytes changed or cut off: loaded, or refused with a CheckpointError."""
    valid = _with_meta(*_CHECKPOINT)
    payload = bytearray(valid[: data.draw(st.integers(1, len(valid)), label="length")])
    positions = st.integers(0, len(payload) - 1)
    for where, value in data.draw(st.lists(st.tuples(positions, st.integers(0, 255)), min_size=1, max_size=4)):
        payload[where] = value
    with contextlib.suppress(CheckpointError):
        from_zip(bytes(payload))


def _small_checkpoint() -> tuple[bytes, dict]:
    model = build_model(ModelConfig.for_data(16, (4, 4), "mlp", 2, hidden=(4,)))
    with zipfile.ZipFile(io.BytesIO(to_zip(Checkpoint(model, TrainConfig(epochs=1), "digits")))) as archive:
        return archive.read(WEIGHTS), json.loads(archive.read(META))


_CHECKPOINT = _small_checkpoint()
