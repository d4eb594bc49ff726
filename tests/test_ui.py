"""aeviz.ui: what pages share is keyed by content, so one session never sees another's figures for other data."""

from dataclasses import replace

import numpy as np
import pytest

from aeviz import ui
from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint


def test_codes_of_the_same_model_on_two_datasets_of_one_name_differ(digits):
    """The cross-session bug: one shared model, two uploads named alike with different rows, each gets its own codes."""
    checkpoint = load_checkpoint("digits-2d", SHIPPED_DIR)
    model = ui.ActiveModel(checkpoint, checkpoint.fingerprint())
    flipped = replace(digits, X_val=digits.X_val[::-1].copy())
    assert np.array_equal(ui.codes(model, digits)[0], ui.codes(model, flipped)[-1])
    assert not np.array_equal(ui.codes(model, digits), ui.codes(model, flipped))


def test_the_bounded_store_drops_the_oldest_beyond_its_capacity():
    """The live-model store and the shared results: a read does not keep an entry alive, a new put does."""
    from aeviz.ui.resources import BoundedStore

    store = BoundedStore(2)
    store.put("a", 1)
    store.put("b", 2)
    store.put("a", 3)  # renewed: now the newest
    store.put("c", 4)
    assert [store.get(k) for k in "abc"] == [3, None, 4]


def test_a_store_bounded_by_bytes_drops_the_oldest_arrays_beyond_the_bound():
    """Codes are kept by bytes: a wide code's are a thousand times a 2-D one's, so a count of entries bounds nothing
    (64 entries of a 4,096-unit code were 1 GB for the shown rows, 4 GB for the training rows)."""
    from aeviz.ui.resources import BoundedStore

    store = BoundedStore(100, max_bytes=3_000)
    for key in "abc":
        store.put(key, np.zeros(250, np.float32))  # 1,000 bytes each
    store.put("a", np.zeros(250, np.float32))  # replaced, not counted twice: a is the newest now
    store.put("d", np.zeros(250, np.float32))
    assert [store.get(k) is not None for k in "abcd"] == [True, False, True, True]
    assert store.total_bytes == 3_000
    store.put("huge", np.zeros(1_000, np.float32))  # larger than the bound on its own: not kept, nothing dropped
    assert store.get("huge") is None and store.total_bytes == 3_000


def test_codes_are_shared_read_only_and_within_the_servers_byte_bound(digits):
    from aeviz.ui import model_caches

    checkpoint = load_checkpoint("digits-2d", SHIPPED_DIR)
    Z = ui.codes(ui.ActiveModel(checkpoint, checkpoint.fingerprint()), digits, "train")
    assert Z.shape == (len(digits.X_train), 2) and not Z.flags.writeable
    store = model_caches._codes_store()
    assert store.max_bytes == model_caches.CODES_MB * 2**20 and 0 < store.total_bytes <= store.max_bytes


def test_only_shared_resources_freeze_what_is_alive_out_of_the_collector(monkeypatch, tmp_path):
    """gc.freeze() keeps every cycle alive at that moment for good: a student's seed or save must not freeze the
    class's closed sessions (the soak grew ~15 MB a student until it stopped); a shared resource does."""
    import gc

    from aeviz.checkpoints import save_checkpoint
    from aeviz.ui.resources import _stored_checkpoint, after_heavy_load, builtin_dataset

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    builtin_dataset("digits", seed=987_654)
    folder = tmp_path / "students" / ("a" * 32)
    path = save_checkpoint(load_checkpoint("digits-2d", SHIPPED_DIR), "mine", folder)
    _stored_checkpoint(str(folder), "mine", (path / "model.safetensors").stat().st_mtime)
    assert frozen == []
    after_heavy_load()  # torch, a default split, a shipped checkpoint
    assert frozen == [1]


def test_a_running_page_looks_again_just_after_its_jobs_expected_end():
    """Regular polls while the job has long to go (less often while others wait) or has not reported its pace; a job
    due before the next regular poll is looked at just after its expected end, an overdue one every half second."""
    from aeviz.ui.job_panel import END_MARGIN, OVERDUE_POLL, POLL_SECONDS, POLL_SECONDS_BUSY, run_poll_seconds

    assert run_poll_seconds(0, 30.0) == POLL_SECONDS
    assert run_poll_seconds(5, 30.0) == POLL_SECONDS_BUSY
    assert run_poll_seconds(5, 1.2) == pytest.approx(1.2 + END_MARGIN)  # before the regular 2 s poll
    assert run_poll_seconds(0, 0.0) == run_poll_seconds(5, 0.0) == OVERDUE_POLL
    assert run_poll_seconds(5, None) == POLL_SECONDS_BUSY  # no progress reported yet: no end to look for


def test_a_waiting_page_polls_after_half_its_estimated_wait_within_bounds():
    """Far back in the queue a page looks again rarely, the next in line every few seconds, and never later than half
    its estimate (an estimate that was too long is corrected before the job would start)."""
    from aeviz.ui.job_panel import QUEUE_POLL_MAX, QUEUE_POLL_MIN, queue_poll_seconds

    assert queue_poll_seconds(0.0) == QUEUE_POLL_MIN
    assert queue_poll_seconds(12.0) == 6.0
    assert queue_poll_seconds(600.0) == QUEUE_POLL_MAX
    waits = [1.0, 5.0, 10.0, 30.0, 60.0, 300.0]
    polls = [queue_poll_seconds(w) for w in waits]
    assert polls == sorted(polls) and all(p <= max(w / 2, QUEUE_POLL_MIN) for p, w in zip(polls, waits, strict=True))


def test_a_fresh_servers_home_page_draws_at_once_and_another_first_page_says_why_it_waits(monkeypatch):
    """On a fresh server the Home page draws without waiting for PyTorch, which loads after its run in a thread; any
    other first page shows why it waits while it loads; once loaded, neither waits or says anything."""
    import contextlib
    import threading

    import aeviz.ui.resources as resources

    said, warmed = [], []
    monkeypatch.setattr(resources.st, "spinner", lambda text: said.append(text) or contextlib.nullcontext())
    monkeypatch.setattr(resources, "_warmed", threading.Event())  # a fresh server
    real = resources._warm_up
    monkeypatch.setattr(resources, "_warm_up", lambda: warmed.append(threading.current_thread().name) or real())
    resources.load_torch_once(light=True)
    assert said == [] and warmed == []  # Home: nothing loads before it draws
    resources.warm_up_after()
    for thread in threading.enumerate():
        if thread.name == "aeviz-warm-up":
            thread.join(timeout=60)
    assert warmed == ["aeviz-warm-up"] and resources._warmed.is_set()
    resources.load_torch_once(light=False)
    resources.warm_up_after()
    assert said == [] and len(warmed) == 1  # loaded: the next page neither waits nor loads again
    monkeypatch.setattr(resources, "_warmed", threading.Event())
    resources.load_torch_once(light=False)  # a fresh server whose first page is not Home
    assert len(said) == 1 and "loading PyTorch" in said[0] and warmed[-1] == threading.current_thread().name


def test_a_shared_figure_is_built_once_per_key_and_anew_for_another():
    builds = []

    def build(tag):
        builds.append(tag)
        return {"tag": tag}

    first = ui.shared_figure("test-kind", ("model-a", "data-1"), lambda: build("a"))
    again = ui.shared_figure("test-kind", ("model-a", "data-1"), lambda: build("again"))
    other = ui.shared_figure("test-kind", ("model-b", "data-1"), lambda: build("b"))
    assert again is first and builds == ["a", "b"]
    assert other == {"tag": "b"}


def test_png_bytes_decode_to_the_image_and_differ_for_images_that_differ_in_one_pixel():
    from io import BytesIO

    from PIL import Image

    from aeviz.ui.display import png_bytes

    image = np.random.default_rng(0).integers(0, 256, size=(600, 600, 3), dtype=np.uint8)  # sampled by st's hash
    other = image.copy()
    other[599, 599, 2] ^= 1
    assert np.array_equal(np.asarray(Image.open(BytesIO(png_bytes(image)))), image)
    assert np.array_equal(np.asarray(Image.open(BytesIO(png_bytes(other)))), other)
    assert png_bytes(image) is png_bytes(image.copy())  # encoded once


def test_a_full_collection_runs_at_most_once_per_interval(monkeypatch):
    from aeviz.ui import resources

    calls = []
    monkeypatch.setattr(resources.gc, "collect", lambda generation=2: calls.append(generation))
    monkeypatch.setitem(resources._collected, "at", 0.0)
    clock = iter([1000.0, 1001.0, 1000.0 + resources.COLLECT_EVERY + 1])
    monkeypatch.setattr(resources.time, "monotonic", lambda: next(clock))
    for _ in range(3):
        resources.collect_now_and_then()
    assert calls == [2, 2]


def test_streamlit_does_not_collect_after_every_run():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_a_job_about_to_end_is_waited_for_in_the_panels_run_and_no_other():
    from types import SimpleNamespace

    from aeviz.ui.job_panel import END_MARGIN, FINISH_WAIT, unless_ending

    class Pool:
        def __init__(self, left):
            self.left, self.waited = left, []

        def remaining(self, job):
            return self.left

        def wait(self, job, timeout=None):
            self.waited.append(timeout)
            job.finished = True  # it ends within the wait
            return True

    ending, pool = SimpleNamespace(finished=False), Pool(0.2)
    assert unless_ending(pool, ending) is None and pool.waited == [pytest.approx(0.2 + END_MARGIN)]
    for left in (FINISH_WAIT + 0.1, None):  # far from its end, or no pace yet: the browser's poll, no wait
        job, pool = SimpleNamespace(finished=False), Pool(left)
        assert unless_ending(pool, job) is job and pool.waited == []
