"""Every page under AppTest: opens without exception from a shipped checkpoint, and the key interactions work."""

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aeviz.checkpoints import SHIPPED_DIR, read_info
from aeviz.data import load_dataset
from aeviz.evaluation import describe_gap

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# The server's job pool runs its jobs on threads here, not worker processes: some tests shrink a training through a
# module constant, which a worker process would not see. tests/test_jobs.py and the browser tests cover the processes.
os.environ["AEVIZ_POOL_PROCESSES"] = "0"
PAGES = [
    "views/home.py",
    "views/train.py",
    "views/latent_space.py",
    "views/latent_walk.py",
    "views/capacity.py",
    "views/pca_steps.py",
    "views/pca_vs_ae.py",
    "views/sparsity.py",
    "views/denoise.py",
    "views/recolour.py",
    "views/upscale.py",
]


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_UMAP_WARMUP", "0")  # no background compile competing with the tests for the CPU
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _shown(element) -> str:
    """An alert's text as the student reads it (user-controlled parts are backslash-escaped Markdown)."""
    return element.value.replace("\\", "")


def _run_job(at, button):
    """Press a button that queues a job in the server's pool, wait for the job, then run as the page's poll would."""
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    pending = at.session_state["aeviz"].pending
    assert pending is not None, [e.value for e in at.error]
    assert pending.job.kind in {"training", "sparsity pair", "λ sweep", "k-sweep", "capacity", "projection", "recolour"}
    from aeviz.ui.resources import job_pool

    assert job_pool().wait(pending.job, timeout=600)
    at.run()
    assert not at.exception, at.exception
    return at


def _component(at, name):
    """The proto of the one aeviz browser component `name` on the page (AppTest shows it as an unknown element)."""
    (found,) = [e.proto for e in at.get("bidi_component") if e.proto.component_name == name]
    return found


def _open(at, page):
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_with_a_shipped_model(app, page):
    """Each page shows something on first open, before anyone trains."""
    at = _open(app, page)
    assert at.title and not at.error
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d"


@pytest.mark.parametrize("name", ["mnist-mlp-2d", "digits-2d"])
def test_train_page_first_shows_how_the_active_model_learned(tmp_path, monkeypatch, name):
    """Before anything is trained, the Train page shows the active model's own stored losses and what its gap means
    (a page that showed the default model's, or none, fails for one of the two)."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = name
    at.run()
    at = _open(at, "views/train.py")
    info = read_info(name, SHIPPED_DIR)
    assert [h.value for h in at.subheader] == ["How the active model learned", "Watch the code form"]
    assert f"{len(info.history)} epochs. {describe_gap(info.history)}" in at.caption[0].value
    assert at.metric[0].value == f"{info.metrics['val_mse']:.4f}"


def test_train_one_epoch_then_switch_page_keeps_the_model(app):
    """Train a tiny model for one epoch; it becomes active and survives a page switch."""
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    _run_job(at, "train")
    assert not at.exception and not at.error
    assert "Trained 1 epoch." in at.success[0].value
    assert at.selectbox(key="model_picker").value.startswith("live:")
    at = _open(at, "views/latent_walk.py")
    assert at.selectbox(key="model_picker").value.startswith("live:")
    assert "digits" in at.sidebar.caption[0].value


def test_a_new_session_with_the_link_gets_the_live_model_and_its_own_cache_key(app, monkeypatch):
    """Opening ?model=live:KEY in a fresh session (a reload) finds the model, keyed by its own name (was 'None:1')."""
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    _run_job(at, "train")
    link = at.query_params["model"]
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.query_params["model"] = link
    fresh.run()
    fresh = _open(fresh, "views/train.py")
    assert [h.value for h in fresh.subheader] == ["Your model", "Watch the code form"]  # the views came along
    assert fresh.session_state["aeviz"].live_name == link and link.startswith("live:")
    # the cache key is the content of the weights: equal in both sessions, different from every shipped model's
    assert fresh.session_state["aeviz"].live.fingerprint() == at.session_state["aeviz"].live.fingerprint()


@pytest.mark.parametrize(
    ("widths", "message"),
    [
        ("12,x", "whole numbers separated by commas"),
        ("100000,100000", "hidden widths must be between 1 and 4,096"),  # was a 40 GB allocation attempt
        ("4096,4096", "more than this server"),  # 20 M parameters: over the budget, refused before it is built
    ],
)
def test_bad_or_huge_hidden_widths_show_a_message(app, widths, message):
    at = _open(app, "views/train.py")
    at.text_input(key="train_hidden").set_value(widths)
    at.button(key="train").click().run()
    assert not at.exception and message in _shown(at.error[0])
    assert at.session_state["aeviz"].live is None  # nothing was trained


def test_saves_belong_to_their_session(app, tmp_path):
    """A bad name is refused; a save goes to this session's own folder and list; another session sees neither it nor
    can replace it; replacing one's own save needs the tick; the link to it gives it back after a reload."""
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    _run_job(at, "train")
    at.text_input(key="save_name").set_value("../escape")
    at.button(key="save").click().run()
    assert at.error and "invalid checkpoint name" in at.error[0].value
    at.text_input(key="save_name").set_value("mnist-mlp-2d")
    at.button(key="save").click().run()
    assert "shipped or shared model" in at.error[0].value
    at.text_input(key="save_name").set_value("my-digits")
    at.button(key="save").click().run()
    owner = at.session_state["aeviz"].owner
    saved = tmp_path / "students" / owner / "my-digits"
    assert (saved / "model.safetensors").is_file() and not (tmp_path / "my-digits").exists()
    key = f"saved:{owner}/my-digits"
    assert "my-digits (saved by you)" in at.selectbox(key="model_picker").options  # shown by its format_func
    at.button(key="save").click().run()
    assert "exists already" in at.error[0].value
    at.checkbox(key="save_replace").check().run()
    at.button(key="save").click().run()
    assert not at.error

    other = AppTest.from_file(APP, default_timeout=120)
    other.run()
    assert all("my-digits" not in o for o in other.selectbox(key="model_picker").options)
    assert other.session_state["aeviz"].owner != owner

    reloaded = AppTest.from_file(APP, default_timeout=120)
    reloaded.query_params["model"] = key
    reloaded.run()
    assert reloaded.selectbox(key="model_picker").value == key


def test_moving_a_walk_slider_changes_the_decoded_image(app):
    """The server-side fallback (the in-browser decoder is driven by the browser tests)."""
    at = _open(app, "views/latent_walk.py")
    at.toggle(key="walk_browser").set_value(False).run()
    slider = next(s for s in at.slider if s.label == "z0")
    decoded = lambda: next(i.proto.imgs[0] for i in at.get("image") if i.proto.imgs[0].caption == "decoded g(h)")  # noqa: E731
    before = decoded().url
    slider.set_value(slider.max).run()
    assert not at.exception
    assert decoded().url != before  # the media URL is a hash of the PNG bytes


def test_switching_model_in_the_sidebar(app):
    at = _open(app, "views/latent_space.py")
    at.selectbox(key="model_picker").set_value("mnist-conv").run()
    assert not at.exception
    assert at.radio(key="space_method").value == "pca"  # a 16-D code gets a projection choice
    assert at.query_params["model"] in ("mnist-conv", ["mnist-conv"])


def test_sparsity_twins_pair_and_sweep(app):
    """The shipped twins compare at once; a pair trained here with λ > 0 is sparser than its λ = 0 twin; the sweep's
    chart has one point per λ and its active fraction falls from λ = 0 to the largest λ."""
    at = _open(app, "views/sparsity.py")
    assert "non-zero against" in at.success[0].value
    at.radio(key="sparsity_source").set_value("train").run()
    at.slider(key="sparsity_epochs").set_value(5)
    _run_job(at, "sparsity_train")
    assert [m.value for m in at.success][0] == "Trained the pair: λ = 0 and λ = 0.0003, 5 epochs each."
    assert "non-zero against" in at.success[1].value and len(at.success) == 2
    pair = at.session_state["aeviz"].sparsity_pair
    assert pair.lam == 3e-4 and pair.sparse.train_config.l1 == 3e-4 and pair.dense.train_config.l1 == 0
    assert pair.sparse.metrics["active_fraction"] < pair.dense.metrics["active_fraction"]
    _run_job(at, "sparsity_sweep")
    assert not at.exception
    sweep = at.session_state["aeviz"].sparsity_sweep
    assert [lam for lam, _, _ in sweep] == [0.0, 1e-4, 3e-4, 1e-3, 3e-3]
    assert sweep[-1][1] < 0.5 * sweep[0][1]
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert any([len(trace["x"]) for trace in f["data"]] == [5, 5] for f in figures)  # active fraction and error


def test_query_parameters_open_the_same_view(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "digits-2d"
    at.run()
    assert at.selectbox(key="model_picker").value == "digits-2d"


@pytest.mark.parametrize("page", ["views/latent_space.py", "views/latent_walk.py"])
def test_tabular_model_pages(tmp_path, monkeypatch, page):
    """The swiss roll (no images) draws decoded points in 3-D instead of pictures."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_UMAP_WARMUP", "0")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "swiss-roll-2d"
    at.run()
    at.switch_page(page).run()
    assert not at.exception and not at.error
    assert at.get("plotly_chart")


HOSTILE_QUERIES = {  # grouped so that each page meets every value in a few runs
    "old names": {"latent": "abc", "l1": "x", "dataset": "nope", "arch": "x"},  # no longer read
    "old names, out of range": {"latent": "0", "l1": "5"},
    "not numbers": {
        "train_latent": "abc",
        "train_l1": "x",
        "train_epochs": "-3",
        "train_lr": "nan",
        "sparsity_lambda": "1e9",
        "sparsity_epochs": "x",
        "space_dims": "7",
        "capacity_rows": "x",
        "pca_standardize": "maybe",
        "model": "../../etc",
    },
    "out of range": {
        "train_latent": "0",
        "train_l1": "5",
        "train_seed": "-1",
        "train_batch": "7",
        "capacity_rows": "70000",
        "model": "",
    },
    "markup and paths": {
        "train_latent": "99999999",
        "train_dataset": "../../etc/passwd",
        "train_arch": "<script>alert(1)</script>",
        "space_method": "umap'; drop",
        "model": "live:not-a-key",
    },
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_hostile_query_values_fall_back_to_defaults(tmp_path, monkeypatch, page, query):
    """A bad value in the URL never crashes a page: bound widgets fall back to their default, `model` to the default
    model, and no error is shown."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_UMAP_WARMUP", "0")
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at = _open(at, page)
    assert at.title and not at.error
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d"
    if page == "views/train.py":
        assert at.number_input(key="train_latent").value == 2 and at.number_input(key="train_l1").value == 0.0
        assert at.selectbox(key="train_dataset").value == "mnist" and at.slider(key="train_epochs").value == 15
    if page == "views/capacity.py":
        assert at.select_slider(key="capacity_rows").value == 1_000


def test_each_page_reads_its_own_query_parameters(tmp_path, monkeypatch):
    """Good values in the URL set the Train page's widgets (the link a teacher shares), under the page's own names."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in {"train_latent": "16", "train_l1": "0.0003", "train_dataset": "digits", "l1": "0.5"}.items():
        at.query_params[key] = value
    at.run()
    at = _open(at, "views/train.py")
    assert at.number_input(key="train_latent").value == 16 and at.number_input(key="train_l1").value == 0.0003
    assert at.selectbox(key="train_dataset").value == "digits"


@pytest.mark.parametrize("model", ["mnist-mlp-2d", "digits-2d", "swiss-roll-2d"])
def test_pca_steps_page_on_images_and_tables(tmp_path, monkeypatch, model):
    """The five steps draw on images and on a table; the caption states what k explains, as the PCA computes it."""
    from aeviz.data import load_dataset
    from aeviz.pca import TeachingPCA

    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = model
    at.run()
    at = _open(at, "views/pca_steps.py")
    assert not at.error and [h.value for h in at.subheader][:1] == ["1. Standardise"]
    at.slider(key="pca_k").set_value(2).run()
    assert not at.exception
    data = load_dataset(read_info(model, SHIPPED_DIR).dataset)
    standardize = not data.is_image
    expected = TeachingPCA(2, standardize).fit(data.X_train).cumulative_ratio_[1]
    assert any(f"The first 2 component(s) explain {expected:.1%}" in c.value for c in at.caption)


def _sweep_expected(dataset: str) -> tuple[list[str], object]:
    """The sentences the PCA-vs-autoencoders page should print, recomputed from the shipped models."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.data import load_dataset
    from aeviz.pretrain import SWEEP_DIR, sweep_name
    from aeviz.sweep import compare_sentence, linear_sentence, pca_errors, sweep_ks, val_error

    data = load_dataset(dataset)
    ks = sweep_ks(data.n_features)
    pca = pca_errors(data, max(ks))
    errors = {
        family: [val_error(load_checkpoint(sweep_name(dataset, family, k), SHIPPED_DIR / SWEEP_DIR).model, data) for k in ks]
        for family in ("mlp", "linear")
    }
    return [compare_sentence(ks, errors["mlp"], pca), linear_sentence(ks, errors["linear"], pca)], errors


@pytest.mark.parametrize(
    ("model", "dataset"), [("mnist-mlp-2d", "mnist"), ("digits-2d", "digits"), ("swiss-roll-2d", "swiss_roll")]
)
def test_pca_vs_autoencoders_shows_the_shipped_sweep_with_its_own_numbers(tmp_path, monkeypatch, model, dataset):
    """The shipped sweep shows at once: PCA's curve and both families' points, and the sentences the models' errors
    give when recomputed; 3-D data also gets the plane and the curved sheet with each error in the title."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = model
    at.run()
    at = _open(at, "views/pca_vs_ae.py")
    sentences, errors = _sweep_expected(dataset)
    assert [m.value for m in at.markdown if m.value.startswith("- ")] == [f"- {s}" for s in sentences]
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    curve, mlp, linear = figures[0]["data"]
    assert len(mlp["x"]) == len(linear["x"]) == len(errors["mlp"]) and mlp["y"] == pytest.approx(errors["mlp"])
    titles = [f["layout"]["title"]["text"] for f in figures[2:]]
    if dataset == "swiss_roll":
        assert len(titles) == 3 and titles[2].endswith(f"MSE {errors['mlp'][1]:.3f}")
    else:
        assert titles == []  # images get no 3-D panel


def test_pca_vs_autoencoders_trains_a_sweep_for_this_session(app, monkeypatch):
    """The button trains every family and k on the active data (epochs capped here to keep the test short); the page
    then shows this session's models, not the shipped ones."""
    monkeypatch.setattr("aeviz.sweep.MAX_SWEEP_EPOCHS", 2)
    at = _open(app, "views/pca_vs_ae.py")
    assert any("shipped sweep" in c.value for c in at.caption)
    _run_job(at, "sweep_train")
    assert not at.exception and not at.error
    assert any("trained in this session" in c.value for c in at.caption)
    mlp = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]
    assert mlp["x"] == [1, 2, 4, 8, 16, 32, 64]
    shipped = _sweep_expected("mnist")[1]["mlp"]
    assert all(abs(a - b) > 1e-4 for a, b in zip(mlp["y"], shipped, strict=True))  # 2-epoch models, not the shipped


@pytest.mark.parametrize("name", ["mnist-mlp-2d", "swiss-roll-2d"])
def test_train_page_replays_how_the_shipped_model_learned(tmp_path, monkeypatch, name):
    """Every shipped model carries its per-epoch views: the Train page opens the scrubber on them, one frame per epoch
    (at most 60), the first one named epoch 1 and the last the model's last epoch."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.scrubber import frame_epochs

    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = name
    at.run()
    at = _open(at, "views/train.py")
    assert "Watch the code form" in [h.value for h in at.subheader]
    shipped = load_checkpoint(name, SHIPPED_DIR)
    spec = next(s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if s.get("frames"))
    kept = frame_epochs(len(shipped.history))
    assert [f["name"] for f in spec["frames"]] == [str(shipped.history[i]["epoch"]) for i in kept]
    assert spec["layout"]["sliders"][0]["active"] == len(kept) - 1


def test_capacity_trains_once_for_the_class_and_prints_what_its_models_measure(tmp_path, monkeypatch):
    """The button trains the five variants (steps cut here), the page prints each model's gap and copying sentence as
    recomputed from the models, and a second session sees the same models without training."""
    import aeviz.capacity as capacity
    from aeviz.ui.resources import shared_result

    monkeypatch.setattr(capacity, "STEPS", 20)
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "digits-2d"
    at.run()
    at = _open(at, "views/capacity.py")
    assert at.info and "Nothing trained for digits on 1,000 rows" in at.info[0].value
    _run_job(at, "capacity_train")
    assert not at.exception and not at.error and not at.info
    data = load_dataset("digits")
    report = shared_result(("capacity", data.fingerprint, 1_000))
    assert report.data_key == data.fingerprint and report.rows == 1_000
    labels = {v.key: v.label[0].upper() + v.label[1:] for v in capacity.variants(64)}
    shown = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    assert shown[:5] == [capacity.gap_sentence(labels[k], e, report.active[k]) for k, e in report.errors.items()]
    assert shown[-5:] == [capacity.copy_sentence(labels[k], s) for k, s in report.shares.items()]
    assert len(shown) == 5 + len(capacity.odd_inputs(data)) + 5
    other = AppTest.from_file(APP, default_timeout=120)
    other.query_params["model"] = "digits-2d"
    other.run()
    other = _open(other, "views/capacity.py")
    assert not other.info and len([m for m in other.markdown if m.value.startswith("- ")]) == len(shown)


def test_the_lecture_pages_on_a_model_trained_on_the_s_curve(tmp_path, monkeypatch):
    """A model trained here on the S-curve (no shipped model has it) makes the S-curve the data of every lecture page:
    the Train page replays its epochs, the shipped S-curve sweep shows with its 3-D panel, Capacity trains on it."""
    import aeviz.capacity as capacity

    monkeypatch.setattr(capacity, "STEPS", 20)
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at = _open(at, "views/train.py")
    at.selectbox(key="train_dataset").set_value("s_curve")
    at.slider(key="train_epochs").set_value(3)
    _run_job(at, "train")
    assert "Watch the code form" in [h.value for h in at.subheader]
    at = _open(at, "views/pca_vs_ae.py")
    assert any("shipped sweep for s\\_curve" in c.value for c in at.caption)
    assert "A plane against a curved sheet" in [h.value for h in at.subheader]
    at = _open(at, "views/capacity.py")
    assert at.select_slider(key="capacity_rows").options == ["200", "1,000", "1,600"]
    _run_job(at, "capacity_train")
    assert not at.exception and not at.error
    assert any(m.value.startswith("- Rows 3× further out: ") for m in at.markdown)


def wait_until_cancelled(job):
    """A classmate's job that holds a worker until it is cancelled (module-level: it runs in a worker process)."""
    import time

    while True:
        job.check()
        time.sleep(0.01)


def _occupy_the_pool():
    """Fill every worker of the server's pool with another session's job; cancel them to free the pool."""
    from aeviz.ui.resources import job_pool

    pool = job_pool()
    jobs = [
        pool.submit(f"{i:032x}", "training", "a classmate's training", wait_until_cancelled) for i in range(pool.workers)
    ]
    for job in jobs:
        while job.state == "queued":
            pool.wait(job, timeout=0.05)
    return pool, jobs


def _free(pool, jobs):
    for job in jobs:
        pool.cancel(job)
        assert pool.wait(job, timeout=30)


@pytest.fixture
def queued(app):
    """A session whose digits training waits in the queue, every worker busy with another session's job."""
    pool, others = _occupy_the_pool()
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.button(key="train").click().run()
    yield at
    pending = at.session_state["aeviz"].pending
    if pending is not None:
        pool.cancel(pending.job)
    _free(pool, others)


def test_a_training_waits_in_the_queue_with_its_position_and_can_leave_it(queued):
    """With every worker busy, Train queues: the page and the sidebar say the position; Leave the queue cancels."""
    from aeviz.ui.resources import job_pool
    from aeviz.ui.work import queue_poll_seconds

    at = queued
    assert "Waiting in the class queue: number 1 of 1" in at.info[0].value
    assert "number 1 in the class queue" in at.sidebar.caption[-1].value
    job = at.session_state["aeviz"].pending.job
    clock = json.loads(_component(at, "aeviz.queue_clock").json)  # counts down in the browser, polls when it says
    assert clock["start_in"] == pytest.approx(job_pool().estimated_start(job), abs=1.0)
    assert clock["poll_in"] == pytest.approx(queue_poll_seconds(clock["start_in"]))
    at.button(key="cancel_training").click().run()
    assert job.state == "cancelled" and at.session_state["aeviz"].pending is None
    assert "Cancelled: training digits" in at.info[0].value
    assert at.session_state["aeviz"].live is None


def test_a_running_training_polls_every_second_and_less_often_while_others_wait(app):
    """The running job's panel reruns when its clock in the browser says: every second while nobody waits, less often
    once classmates queue behind it (chosen on each run, not fixed when the panel was first drawn)."""
    from aeviz.ui.resources import job_pool
    from aeviz.ui.work import POLL_SECONDS, POLL_SECONDS_BUSY

    at = _open(app, "views/train.py")
    at.slider(key="train_epochs").set_value(100)
    at.button(key="train").click().run()
    pool, job = job_pool(), at.session_state["aeviz"].pending.job
    classmates = []
    try:
        while job.state == "queued":
            pool.wait(job, timeout=0.05)
        at.run()
        remaining = pool.remaining(job)  # no pace yet, or far from its end: the regular polls
        assert remaining is None or remaining > POLL_SECONDS_BUSY
        assert json.loads(_component(at, "aeviz.queue_clock").json)["poll_in"] == POLL_SECONDS
        classmates = [
            pool.submit(f"{i:032x}", "training", "a classmate's training", wait_until_cancelled)
            for i in range(pool.workers)  # every other worker busy, and one job waiting
        ]
        at.run()
        assert job.state == "running" and pool.counts()[1] >= 1
        remaining = pool.remaining(job)
        assert remaining is None or remaining > POLL_SECONDS_BUSY
        assert json.loads(_component(at, "aeviz.queue_clock").json)["poll_in"] == POLL_SECONDS_BUSY
    finally:
        _free(pool, [*classmates, job])


def test_one_session_runs_one_job_at_a_time(queued):
    """A second heavy job while the first one waits is refused with a message (the Sparsity page's pair here)."""
    at = _open(queued, "views/sparsity.py")
    at.radio(key="sparsity_source").set_value("train").run()
    at.button(key="sparsity_train").click().run()
    assert "you already have a job queued (training digits" in _shown(at.error[0])


def test_a_training_over_the_work_budget_is_refused_before_it_queues(app, monkeypatch):
    import aeviz.configs

    monkeypatch.setattr(aeviz.configs, "MAX_WORK", 1e9)
    at = _open(app, "views/train.py")
    at.button(key="train").click().run()
    assert "epochs × rows × parameters" in _shown(at.error[0]) and at.session_state["aeviz"].pending is None


def test_an_expired_live_model_gives_way_to_a_shipped_one_with_a_message(app):
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    _run_job(at, "train")
    state = at.session_state["aeviz"]
    state.live_name = state.active_name = "live:" + "0" * 32  # what the store no longer holds after the idle time
    at.run()
    assert "idle too long" in at.sidebar.info[0].value
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d" and state.live_name == ""


def test_t_sne_runs_in_the_pool_and_then_replaces_pca(tmp_path, monkeypatch):
    """A 64-unit code: t-SNE is queued by its button, PCA shows meanwhile, then both panels show t-SNE views."""
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_UMAP_WARMUP", "0")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = "mnist-sparse-l0"
    at.run()
    at = _open(at, "views/latent_space.py")
    at.radio(key="space_method").set_value("tsne").run()
    assert any("PCA is shown until then" in c.value for c in at.caption)
    assert "PCA view" in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    _run_job(at, "space_compute")
    figures = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]
    assert figures == ["Autoencoder code (t-SNE view)", "PCA of the inputs, 64 component(s), t-SNE view"]
    assert at.success[0].value == "t-SNE is ready."


def test_denoise_page_scores_what_it_shows_and_its_verdict_follows_the_numbers(app):
    """At the training noise the denoiser wins and the page's mean PSNR is the one recomputed here; on clean inputs
    (σ = 0) the clean-trained twin wins and the page says the denoiser is not the best (a canned sentence fails)."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import corrupt_images

    at = _open(app, "views/denoise.py")
    assert not at.error
    assert at.info[0].value.startswith("At Gaussian noise σ = 0.5 the denoiser restores best")
    data = load_dataset("mnist")
    noisy = corrupt_images(data.X_val, "gaussian", 0.5, seed=0)
    expected = score(data.X_val, restore(load_checkpoint("mnist-denoise", SHIPPED_DIR).model, noisy), (28, 28))
    assert any(f"validation mean: {expected.psnr:.1f} dB · {expected.ssim:.2f}" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 3  # the grid and two arrow views
    at.slider(key="denoise_sigma").set_value(0.0).run()
    assert not at.exception
    assert "the denoiser is not the best here (the clean-trained twin is)" in at.info[0].value


def test_denoise_page_takes_salt_and_pepper(app):
    at = _open(app, "views/denoise.py")
    at.radio(key="denoise_kind").set_value("salt_pepper").run()
    at.slider(key="denoise_salt_pepper").set_value(0.2).run()
    assert not at.exception and not at.error
    assert at.info[0].value.startswith("At salt and pepper p = 0.2 ")


def test_upscale_page_says_whether_it_beats_bicubic_and_shows_a_session_upscaler(app):
    at = _open(app, "views/upscale.py")
    assert "the shipped upscaler beats bicubic interpolation" in at.info[0].value
    at.slider(key="upscale_index").set_value(7).run()
    assert not at.exception
    at = _open(at, "views/train.py")
    at.selectbox(key="train_arch").set_value("conv").run()
    at.selectbox(key="train_conv_code").set_value("spatial")
    at.selectbox(key="train_task").set_value("upscale")
    at.slider(key="train_epochs").set_value(1)
    _run_job(at, "train")
    assert "Trained 1 epoch." in at.success[0].value
    at = _open(at, "views/upscale.py")
    assert "your upscaler" in at.info[0].value and "bicubic interpolation" in at.info[0].value


def test_upscaling_a_table_is_refused_with_a_message(app):
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("swiss_roll")
    at.selectbox(key="train_task").set_value("upscale")
    at.button(key="train").click().run()
    assert not at.exception
    assert "upscaling needs image data" in at.error[0].value


def test_recolour_page_scores_each_photo_and_trains_again(app, monkeypatch):
    """The verdict names whichever is closest, recomputed here; a retrained model (2 epochs, few patches) replaces the
    shipped one on the page."""
    from aeviz.photos import colour_by_brightness, colour_errors, grayscale, keep_brightness, load_photo

    at = _open(app, "views/recolour.py")
    assert not at.error and len(at.image) == 4
    image = load_photo("flower")
    baseline = colour_errors(image, keep_brightness(grayscale(image), colour_by_brightness(image))).mean()
    assert f"average colour of its brightness {baseline:.3f}" in at.info[0].value
    at.selectbox(key="recolour_photo").set_value("astronaut").run()
    assert not at.exception and "On astronaut the shipped model" in at.info[0].value
    at.slider(key="recolour_epochs").set_value(3)
    _run_job(at, "recolour_train")
    assert "Trained the recolouring model for 3 epochs" in at.success[0].value
    assert "your recolouring model" in at.info[0].value


def test_upscale_page_on_photo_patches_says_the_autoencoder_loses_to_bicubic(app):
    """Measured on the held-out photo: the shipped photo upscaler is far below bicubic, and the page says so."""
    at = _open(app, "views/upscale.py")
    at.radio(key="upscale_source").set_value("photos").run()
    assert not at.exception and not at.error
    assert "On the held-out photo's patches the shipped photo upscaler does not beat bicubic" in at.info[0].value
    at.slider(key="upscale_index").set_value(5).run()
    assert not at.exception and len(at.image) == 4
