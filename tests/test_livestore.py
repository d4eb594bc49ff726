"""aeviz.livestore: live models bounded by bytes and idle time, in memory or in a folder several processes share."""

import os
import subprocess
import sys
import time

import pytest
import torch

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint
from aeviz.livestore import MB, DiskStore, MemoryStore, checkpoint_bytes, make_store, new_key
from aeviz.models import ModelConfig, build_model
from aeviz.training import TrainConfig


def _model(seed: int = 0, views: int = 0) -> Checkpoint:
    import numpy as np

    checkpoint = Checkpoint(build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2), seed=seed), TrainConfig(), "digits")
    checkpoint.epoch_views = [np.full((100, 2), i, dtype=np.float16) for i in range(views)]
    checkpoint.history = [{"epoch": i + 1, "train_loss": 0.1, "val_loss": 0.1} for i in range(views)]
    return checkpoint


def test_a_model_counts_its_weights_and_its_kept_views():
    plain, with_views = _model(), _model(views=3)
    weights = sum(p.numel() * 4 for p in plain.model.parameters())
    assert checkpoint_bytes(plain) == weights
    assert checkpoint_bytes(with_views) == weights + 3 * 100 * 2 * 2


def test_the_memory_store_keeps_at_most_its_bytes_dropping_the_least_recently_used():
    size = checkpoint_bytes(_model())
    store = MemoryStore(int(2.5 * size), idle_seconds=3600)
    keys = [new_key() for _ in range(3)]
    store.put(keys[0], _model(0))
    store.put(keys[1], _model(1))
    assert store.get(keys[0]) is not None  # used: now the most recent
    store.put(keys[2], _model(2))
    assert [store.get(k) is not None for k in keys] == [True, False, True]
    assert store.total_bytes == 2 * size and len(store) == 2


def test_a_model_nobody_used_for_the_idle_time_expires():
    now = [0.0]
    store = MemoryStore(100 * MB, idle_seconds=60, clock=lambda: now[0])
    kept, idle = new_key(), new_key()
    store.put(kept, _model())
    store.put(idle, _model())
    now[0] = 50.0
    assert store.get(kept) is not None
    now[0] = 100.0  # the kept one was used 50 s ago, the idle one 100 s ago
    assert store.get(idle) is None and store.get(kept) is not None and len(store) == 1


def test_a_model_larger_than_the_whole_store_is_refused_with_a_message():
    with pytest.raises(AevizError, match="the server keeps at most"):
        MemoryStore(1000, 60).put(new_key(), _model())


@pytest.mark.parametrize("key", ["../../etc", "ABCDEF" * 6, "", "0" * 31, "0" * 32 + "/x"])
def test_only_32_hex_digits_are_keys(tmp_path, key):
    with pytest.raises(AevizError, match="invalid live-model key"):
        MemoryStore(100 * MB, 60).put(key, _model())
    disk = DiskStore(tmp_path, 100 * MB, 60)
    with pytest.raises(AevizError, match="invalid live-model key"):
        disk.put(key, _model())
    assert disk.get(key) is None and list(tmp_path.iterdir()) == []


def test_a_model_put_by_one_store_is_found_by_another_on_the_same_folder(tmp_path):
    """What two replicas do: a fresh DiskStore (nothing in its memory) loads the other's model, views included."""
    key, model = new_key(), _model(seed=3, views=2)
    DiskStore(tmp_path, 100 * MB, 3600).put(key, model)
    found = DiskStore(tmp_path, 100 * MB, 3600).get(key)
    assert found is not None and found.fingerprint() == model.fingerprint()
    assert all(torch.equal(a, b) for a, b in zip(found.model.parameters(), model.model.parameters(), strict=True))
    assert [v.tolist() for v in found.epoch_views] == [v.tolist() for v in model.epoch_views]
    assert [p.name for p in tmp_path.iterdir()] == [key]  # nothing half-written left beside it


def test_the_folder_is_pruned_by_idle_time_and_by_bytes(tmp_path):
    store = DiskStore(tmp_path, 100 * MB, idle_seconds=600)
    old, recent, newest = new_key(), new_key(), new_key()
    for key in (old, recent):
        store.put(key, _model())
    writing = tmp_path / f".{new_key()}.abc.tmp"  # another process's write in progress, left alone
    writing.mkdir()
    for path in (tmp_path / old, writing):
        os.utime(path, (time.time() - 700, time.time() - 700))  # not used for longer than the idle limit
    store.prune()
    writing.rmdir()
    assert sorted(p.name for p in tmp_path.iterdir()) == [recent]
    assert DiskStore(tmp_path, 100 * MB, 600).get(old) is None
    one = sum(f.stat().st_size for f in (tmp_path / recent).iterdir())
    tight = DiskStore(tmp_path, int(1.5 * one), idle_seconds=600)
    os.utime(tmp_path / recent, (time.time() - 10, time.time() - 10))
    tight.put(newest, _model(1))  # the folder holds one model's bytes: the least recently used goes
    assert sorted(p.name for p in tmp_path.iterdir()) == [newest]


def test_another_process_finds_the_model_in_the_shared_folder(tmp_path):
    """Two processes, one folder: the second one loads by key what the first one stored."""
    key, model = new_key(), _model(seed=5)
    DiskStore(tmp_path, 100 * MB, 3600).put(key, model)
    script = (
        "import sys; from aeviz.livestore import DiskStore, MB; "
        "found = DiskStore(sys.argv[1], 100 * MB, 3600).get(sys.argv[2]); print(found.fingerprint())"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path), key], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == model.fingerprint()


def test_the_app_uses_the_folder_when_one_is_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_LIVE_DIR", str(tmp_path / "live"))
    monkeypatch.setenv("AEVIZ_LIVE_STORE_MB", "64")
    monkeypatch.setenv("AEVIZ_LIVE_IDLE_MINUTES", "30")
    store = make_store()
    assert isinstance(store, DiskStore) and store.max_bytes == 64 * MB and store.idle_seconds == 1800
    monkeypatch.delenv("AEVIZ_LIVE_DIR")
    assert isinstance(make_store(), MemoryStore)
    monkeypatch.setenv("AEVIZ_LIVE_IDLE_MINUTES", "soon")
    with pytest.raises(AevizError, match="AEVIZ_LIVE_IDLE_MINUTES must be a positive number"):
        make_store()


def test_one_students_loads_drop_their_own_oldest_models_not_a_classmates():
    """Ben's model, then four of Anna's: with room for three models per student, Anna's oldest goes and Ben's stays
    (before, her loads pushed his model out of the store: his link opened the default model)."""
    size = checkpoint_bytes(_model())
    store = MemoryStore(6 * size, idle_seconds=3600, owner_bytes=3 * size)
    ben = new_key()
    store.put(ben, _model(0), "b" * 32)
    annas = [new_key() for _ in range(4)]
    for seed, key in enumerate(annas, start=1):
        store.put(key, _model(seed), "a" * 32)
    assert store.get(ben) is not None
    assert [store.get(k) is not None for k in annas] == [False, True, True, True]


def test_the_shared_folder_keeps_each_students_share_too(tmp_path):
    one = checkpoint_bytes(_model())
    store = DiskStore(tmp_path, 100 * MB, 3600, owner_bytes=int(2.5 * one))
    ben = new_key()
    store.put(ben, _model(0), "b" * 32)
    annas = [new_key() for _ in range(3)]
    for seed, key in enumerate(annas, start=1):
        store.put(key, _model(seed), "a" * 32)
        os.utime(tmp_path / key, (time.time() - 10 + seed, time.time() - 10 + seed))  # in the order they came
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([ben, *annas[1:]])
    assert (tmp_path / ben / "owner.txt").read_text() == "b" * 32


def test_a_damaged_model_in_the_folder_is_an_error_not_a_silent_none(tmp_path):
    """Its link then says the model could not be read (it fell back to a shipped model without a word); a model
    that is simply not there is still None."""
    key = new_key()
    DiskStore(tmp_path, 100 * MB, 3600).put(key, _model())
    (tmp_path / key / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(AevizError, match="could not be read"):
        DiskStore(tmp_path, 100 * MB, 3600).get(key)
    assert DiskStore(tmp_path, 100 * MB, 3600).get(new_key()) is None


def test_a_full_class_store_takes_from_whoever_holds_most_not_the_oldest_model():
    """Room for four models in all, three per student: Ben's and Carl's one model each, then Anna's three. The
    store is over by one: Anna's oldest goes, not Ben's (the oldest in the store, which a least-recently-used rule
    dropped: in the soak run keepers lost their only model to classmates' loads)."""
    size = checkpoint_bytes(_model())
    store = MemoryStore(4 * size, idle_seconds=3600, owner_bytes=3 * size)
    ben, carl, annas = new_key(), new_key(), [new_key() for _ in range(3)]
    store.put(ben, _model(0), "b" * 32)
    store.put(carl, _model(1), "c" * 32)
    for seed, key in enumerate(annas, start=2):
        store.put(key, _model(seed), "a" * 32)
    assert store.get(ben) is not None and store.get(carl) is not None
    assert [store.get(k) is not None for k in annas] == [False, True, True]


def test_the_shared_folder_takes_from_whoever_holds_most_too(tmp_path):
    one = checkpoint_bytes(_model())
    store = DiskStore(tmp_path, int(2.5 * one), 3600, owner_bytes=int(2.5 * one))
    ben, annas = new_key(), [new_key() for _ in range(3)]
    store.put(ben, _model(0), "b" * 32)
    os.utime(tmp_path / ben, (time.time() - 100, time.time() - 100))  # the longest-waiting model in the folder
    for seed, key in enumerate(annas, start=1):
        store.put(key, _model(seed), "a" * 32)
        os.utime(tmp_path / key, (time.time() - 50 + seed, time.time() - 50 + seed))
    assert ben in {p.name for p in tmp_path.iterdir()}  # Anna's own share and then the class bound took hers


def test_over_the_bound_never_drops_the_model_just_stored_and_breaks_ties_by_waiting_time():
    from aeviz.livestore import over_the_bound

    held = [(1, 10, "b", "b1"), (2, 10, "a", "a1"), (3, 10, "c", "c1"), (4, 10, "a", "a2")]
    assert over_the_bound(held, 30, keep="a2") == ["a1"]  # Anna holds 20, the model she just stored among them
    assert over_the_bound(held, 30, keep="a1") == ["a2"]  # never the kept one
    assert over_the_bound(held[:3], 20) == ["b1"]  # all hold 10: Ben's waited longest
    assert over_the_bound([(1, 50, "a", "new")], 10, keep="new") == []


def test_holds_says_what_is_kept_without_counting_as_a_use(tmp_path):
    """The class gallery asks for every card: asking must not keep an idle model alive, nor read it from disk."""
    now = [0.0]
    store = MemoryStore(100 * MB, idle_seconds=60, clock=lambda: now[0])
    key = new_key()
    store.put(key, _model())
    now[0] = 50.0
    assert store.holds(key) and not store.holds(new_key()) and not store.holds("../etc")
    now[0] = 70.0  # 70 s after its last use, although asked at 50 s
    assert not store.holds(key)
    disk = DiskStore(tmp_path, 100 * MB, idle_seconds=60)
    disk.put(key, _model())
    assert DiskStore(tmp_path, 100 * MB, idle_seconds=60).holds(key)  # another replica, from the folder
    os.utime(tmp_path / key, (time.time() - 120, time.time() - 120))
    assert not DiskStore(tmp_path, 100 * MB, idle_seconds=60).holds(key)
