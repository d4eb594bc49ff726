"""aeviz.checkpoints: safetensors + JSON, atomic saves, and refusal of anything unsafe or inconsistent."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from aeviz import CheckpointError
from aeviz.checkpoints import (
    META,
    WEIGHTS,
    Checkpoint,
    checkpoint_path,
    from_zip,
    list_checkpoints,
    load_checkpoint,
    read_info,
    read_meta,
    save_checkpoint,
    to_zip,
)
from aeviz.latent import decode
from aeviz.models import ModelConfig, build_model
from aeviz.training import TrainConfig

HISTORY = [{"epoch": 1, "train_loss": 0.2, "val_loss": 0.25}]


@pytest.fixture
def checkpoint():
    model = build_model(ModelConfig.for_data(64, (8, 8), "conv", 2), seed=3)
    return Checkpoint(model, TrainConfig(epochs=1, l1=0.01), "digits", 0, {"val_loss": 0.1}, HISTORY)


def test_save_then_load_decodes_identically(tmp_path, checkpoint):
    save_checkpoint(checkpoint, "tiny", tmp_path)
    loaded = load_checkpoint("tiny", tmp_path)
    codes = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    assert np.array_equal(decode(loaded.model, codes), decode(checkpoint.model, codes))
    assert loaded.config == checkpoint.config and loaded.train_config == checkpoint.train_config
    assert loaded.dataset == "digits" and loaded.history == HISTORY and loaded.name == "tiny"


def test_half_storage_halves_the_file_and_loads_as_float32(tmp_path, checkpoint):
    full, half = save_checkpoint(checkpoint, "full", tmp_path), save_checkpoint(checkpoint, "half", tmp_path, half=True)
    assert (half / WEIGHTS).stat().st_size < 0.6 * (full / WEIGHTS).stat().st_size
    loaded = load_checkpoint("half", tmp_path)
    assert all(p.dtype == torch.float32 for p in loaded.model.parameters())
    codes = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    assert np.allclose(decode(loaded.model, codes), decode(checkpoint.model, codes), atol=1e-2)


def test_epoch_views_travel_with_the_checkpoint(tmp_path, checkpoint):
    """One float16 view per epoch is saved beside the weights and comes back, on disk and through a zip; views that do
    not match the history (a model stopped mid-way elsewhere) are not written."""
    view = np.arange(10, dtype=np.float16).reshape(5, 2)
    checkpoint.epoch_views = [view]
    save_checkpoint(checkpoint, "views", tmp_path)
    for loaded in (load_checkpoint("views", tmp_path), from_zip(to_zip(checkpoint))):
        assert len(loaded.epoch_views) == 1 and np.array_equal(loaded.epoch_views[0], view)
    checkpoint.epoch_views = [view, view]  # two views, one epoch of history
    save_checkpoint(checkpoint, "mismatch", tmp_path)
    assert load_checkpoint("mismatch", tmp_path).epoch_views == []


def test_save_replaces_only_on_purpose_and_leaves_no_temporary_files(tmp_path, checkpoint):
    save_checkpoint(checkpoint, "m", tmp_path)
    with pytest.raises(CheckpointError, match="exists already"):
        save_checkpoint(checkpoint, "m", tmp_path)
    save_checkpoint(checkpoint, "m", tmp_path, overwrite=True)
    assert sorted(os.listdir(tmp_path)) == ["m"]
    assert sorted(os.listdir(tmp_path / "m")) == sorted([WEIGHTS, META])
    assert list_checkpoints(tmp_path) == ["m"]
    assert read_meta("m", tmp_path)["model"]["arch"] == "conv"


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "", ".hidden", "a/b", "..", "x" * 65, "a\\b", "name with space"])
def test_names_that_leave_the_folder_are_refused(tmp_path, name):
    with pytest.raises(CheckpointError, match="invalid checkpoint name|leave"):
        checkpoint_path(tmp_path, name)


def test_save_refuses_a_traversal_name(tmp_path, checkpoint):
    with pytest.raises(CheckpointError):
        save_checkpoint(checkpoint, "../escape", tmp_path / "inner")
    assert not (tmp_path / "escape").exists()


class _Exploit:
    """Unpickling this runs `touch MARKER`: the marker file exists afterwards only if the payload ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_pickle_payload_is_refused_without_running(tmp_path, checkpoint):
    """A weights file holding a pickle (as torch.save writes) is refused, and its code never runs."""
    marker = tmp_path / "payload-ran"  # per test run: concurrent runs cannot see each other's marker
    path = save_checkpoint(checkpoint, "evil", tmp_path)
    (path / WEIGHTS).write_bytes(pickle.dumps({"w": _Exploit(marker)}))
    with pytest.raises(CheckpointError, match="damaged or not a safetensors"):
        load_checkpoint("evil", tmp_path)
    assert not marker.exists()


def test_truncated_weights_are_refused(tmp_path, checkpoint):
    path = save_checkpoint(checkpoint, "cut", tmp_path)
    data = (path / WEIGHTS).read_bytes()
    (path / WEIGHTS).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="damaged"):
        load_checkpoint("cut", tmp_path)


def test_tensors_that_do_not_fit_the_config_are_refused(tmp_path, checkpoint):
    path = save_checkpoint(checkpoint, "odd", tmp_path)
    tensors = {k: v.clone() for k, v in checkpoint.model.state_dict().items()}
    tensors["decoder.0.weight"] = torch.zeros(3, 3)
    save_file(tensors, str(path / WEIGHTS))
    with pytest.raises(CheckpointError, match="decoder.0.weight has shape"):
        load_checkpoint("odd", tmp_path)


def test_meta_that_is_not_ours_is_refused(tmp_path, checkpoint):
    path = save_checkpoint(checkpoint, "meta", tmp_path)
    (path / META).write_text(json.dumps({"model": {}}))
    with pytest.raises(CheckpointError, match="not an aeviz checkpoint"):
        load_checkpoint("meta", tmp_path)
    (path / META).write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_checkpoint("meta", tmp_path)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("history", [{"epoch": 1}], "training history is damaged"),
        ("history", "many epochs", "training history is damaged"),
        ("metrics", {"val_mse": "0.1"}, "metrics are not a table of numbers"),
        ("metrics", [1, 2], "metrics are not a table of numbers"),
        ("data_seed", "zero", "dataset name or data seed is invalid"),
    ],
)
def test_a_damaged_record_in_an_uploaded_zip_is_refused(checkpoint, field, value, message):
    """A zip whose meta.json carries odd history, metrics or seed gets a message, not a crash in a page."""
    with zipfile.ZipFile(io.BytesIO(to_zip(checkpoint))) as archive:
        weights, meta = archive.read(WEIGHTS), json.loads(archive.read(META))
    meta[field] = value
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(WEIGHTS, weights)
        archive.writestr(META, json.dumps(meta))
    with pytest.raises(CheckpointError, match=message):
        from_zip(buffer.getvalue())


def test_read_info_carries_the_history_without_torch_weights(tmp_path, checkpoint):
    save_checkpoint(checkpoint, "info", tmp_path)
    assert read_info("info", tmp_path).history == HISTORY


def test_missing_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="no checkpoint named 'ghost'"):
        load_checkpoint("ghost", tmp_path)


def test_zip_round_trip(checkpoint):
    loaded = from_zip(to_zip(checkpoint))
    assert all(torch.equal(a, b) for a, b in zip(loaded.model.parameters(), checkpoint.model.parameters(), strict=True))


def test_zip_with_extra_files_is_refused(checkpoint):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(WEIGHTS, b"x")
        archive.writestr(META, b"{}")
        archive.writestr("../../evil.sh", b"rm -rf /")
    with pytest.raises(CheckpointError, match="must hold exactly"):
        from_zip(buffer.getvalue())


def test_fingerprint_follows_the_weights_not_the_object(tmp_path, checkpoint):
    """Cache keys: a saved-and-loaded copy has the same fingerprint; one more epoch of training gives a new one."""
    from dataclasses import replace

    from aeviz.datasets import load_dataset
    from aeviz.training import train

    copy = load_checkpoint("tiny", save_checkpoint(checkpoint, "tiny", tmp_path).parent)
    assert copy is not checkpoint and copy.fingerprint() == checkpoint.fingerprint()
    before = checkpoint.fingerprint()
    digits = load_dataset("digits")
    metrics = next(train(checkpoint.model, replace(digits, X_train=digits.X_train[:200]), TrainConfig(epochs=1)))
    checkpoint.history.append(metrics.to_dict())
    assert checkpoint.fingerprint() != before


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_users_own_folder_or_file_is_never_replaced(tmp_path, checkpoint, overwrite):
    """A folder of the user's files (or a file) where a checkpoint would go stays as it was, byte for byte."""
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "thesis.txt").write_bytes(b"three years of work\n")
    (tmp_path / "notes.txt").write_bytes(b"notes")
    for name in ("thesis", "notes.txt"):
        with pytest.raises(CheckpointError, match="will not replace it"):
            save_checkpoint(checkpoint, name, tmp_path, overwrite=overwrite)
    assert (tmp_path / "thesis" / "thesis.txt").read_bytes() == b"three years of work\n"
    assert (tmp_path / "notes.txt").read_bytes() == b"notes"
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "thesis"]  # no temporary folder left behind


def test_a_saved_checkpoint_folder_is_made_like_any_folder_not_private(tmp_path, checkpoint):
    """With the usual umask 022 the folder is 0755 (mkdtemp's 0700 kept a teacher's checkpoint from the server)."""
    old = os.umask(0o022)
    try:
        path = save_checkpoint(checkpoint, "shared", tmp_path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["shared"]  # no temporary folder left behind


def test_a_folder_that_cannot_be_read_is_left_out_of_the_list(tmp_path, checkpoint, monkeypatch, caplog):
    """A checkpoint folder this process may not read (another user's, mode 0700) is skipped with a line in the log;
    it raised PermissionError on every page before."""
    import pathlib

    save_checkpoint(checkpoint, "mine", tmp_path)
    save_checkpoint(checkpoint, "theirs", tmp_path)
    is_file = pathlib.Path.is_file

    def refuses(self):
        if self.parent.name == "theirs":
            raise PermissionError(13, "Permission denied", str(self))
        return is_file(self)

    monkeypatch.setattr(pathlib.Path, "is_file", refuses)
    assert list_checkpoints(tmp_path) == ["mine"]
    assert "skipping checkpoint folder" in caplog.text and "theirs" in caplog.text
