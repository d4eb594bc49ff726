"""The Train page: train, keep, save, load, replay, and the messages for what cannot be trained."""

import json

import pytest

from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint, read_info, save_checkpoint
from aeviz.ui.resources import model_sources, public_id
from tests.app.helpers import (
    new_session,
    open_page,
    run_job,
    shown,
)


@pytest.mark.parametrize("name", ["mnist-mlp-2d", "digits-2d"])
def test_train_page_first_shows_how_the_active_model_learned(name):
    """Before anything is trained, the Train page shows the active model's own stored losses and what its gap means
    (a page that showed the default model's, or none, fails for one of the two)."""
    at = new_session({"model": name})
    at = open_page(at, "views/train.py")
    info = read_info(name, SHIPPED_DIR)
    assert [h.value for h in at.subheader] == ["How the active model learned", "Watch the code form"]
    last = info.history[-1]
    gap = (last["val_recon"] - last["recon_loss"]) / last["recon_loss"]  # the stored losses of its last epoch
    (caption,) = [c.value for c in at.caption if " epochs. " in c.value]
    assert f"{len(info.history)} epochs. Validation error ends " in caption
    assert f"{abs(gap):.0%}" in caption and ("memorise" in caption) == (gap > 0.25)
    assert at.metric[0].value == f"{info.metrics['val_mse']:.4f}"


def test_train_one_epoch_then_switch_page_keeps_the_model(app):
    """Train a tiny model for one epoch; it becomes active and survives a page switch."""
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    assert not at.exception and not at.error
    assert "Trained 1 epoch." in at.success[0].value
    assert at.selectbox(key="model_picker").value.startswith("live:")
    at = open_page(at, "views/latent_walk.py")
    assert at.selectbox(key="model_picker").value.startswith("live:")
    assert "digits" in at.sidebar.caption[0].value


def test_a_new_session_with_the_link_gets_the_live_model_and_its_own_cache_key(app, monkeypatch):
    """Opening ?model=live:KEY in a fresh session (a reload) finds the model, keyed by its own name (was 'None:1')."""
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    link = at.query_params["model"]
    fresh = new_session({"model": link})
    fresh = open_page(fresh, "views/train.py")
    assert [h.value for h in fresh.subheader] == ["Your model", "Watch the code form"]  # the views came along
    assert fresh.session_state["aeviz"].live_name == link and link.startswith("live:")
    # the cache key is the content of the weights: equal in both sessions, different from every shipped model's


@pytest.mark.parametrize(
    ("widths", "message"),
    [
        ("12,x", "whole numbers separated by commas"),
        ("100000,100000", "hidden widths must be between 1 and 4,096"),  # was a 40 GB allocation attempt
        ("4096,4096", "more than this server"),  # 20 M parameters: over the budget, refused before it is built
    ],
)
def test_bad_or_huge_hidden_widths_show_a_message(app, widths, message):
    at = open_page(app, "views/train.py")
    at.text_input(key="train_hidden").set_value(widths)
    at.button(key="train").click().run()
    assert not at.exception and message in shown(at.error[0])
    assert at.session_state["aeviz"].live_name == ""  # nothing was trained


def test_saves_belong_to_their_session(app, tmp_path):
    """A bad name is refused; a save goes to this session's own folder and list; another session sees neither it nor
    can replace it; replacing one's own save needs the tick; the link to it gives it back after a reload."""
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    at.text_input(key="save_name").set_value("../escape")
    at.button(key="save").click().run()
    assert at.error and "invalid checkpoint name" in at.error[0].value
    at.text_input(key="save_name").set_value("mnist-mlp-2d")
    at.button(key="save").click().run()
    assert "shipped or shared model" in at.error[0].value
    at.text_input(key="save_name").set_value("my-digits")
    at.button(key="save").click().run()
    owner = at.session_state["aeviz"].owner
    saved = tmp_path / "students" / public_id(owner) / "my-digits"
    assert (saved / "model.safetensors").is_file() and not (tmp_path / "my-digits").exists()
    key = f"saved:{public_id(owner)}/my-digits"
    assert owner not in key and owner not in str(saved)  # the key that makes a browser this student stays secret
    assert "my-digits (saved by you)" in at.selectbox(key="model_picker").options  # shown by its format_func
    at.button(key="save").click().run()
    assert "exists already" in at.error[0].value
    at.checkbox(key="save_replace").check().run()
    at.button(key="save").click().run()
    assert not at.error

    other = new_session()
    assert all("my-digits" not in o for o in other.selectbox(key="model_picker").options)
    assert other.session_state["aeviz"].owner != owner

    reloaded = new_session({"model": key})
    assert reloaded.selectbox(key="model_picker").value == key


def test_a_saves_link_opens_it_to_look_at_without_handing_over_its_owner(app, tmp_path):
    """Ben opens Anna's save from its link: he sees that model (and no other of hers), keeps his own identity, cannot
    replace her save by saving under its name, and his training does not take her job slot (with the link he became
    her: her saves listed, her model replaced, her Train refused)."""
    anna = open_page(app, "views/train.py")
    anna.selectbox(key="train_dataset").set_value("digits")
    anna.slider(key="train_epochs").set_value(2)
    run_job(anna, "train")
    for name in ("first", "second"):
        anna.text_input(key="save_name").set_value(name)
        anna.button(key="save").click().run()
    owner = anna.session_state["aeviz"].owner
    link = f"saved:{public_id(owner)}/first"
    hers = (tmp_path / "students" / public_id(owner) / "first" / "model.safetensors").read_bytes()

    ben = new_session({"model": link})
    assert ben.session_state["aeviz"].owner != owner
    assert ben.selectbox(key="model_picker").value == link and "2 epochs" not in ben.sidebar.caption[0].value
    assert [o for o in ben.selectbox(key="model_picker").options if "(" in o] == ["first (opened from a link)"]
    ben = open_page(ben, "views/train.py")
    assert "How the active model learned" in [h.value for h in ben.subheader]  # her model, shown
    ben.selectbox(key="train_dataset").set_value("digits")
    ben.slider(key="train_epochs").set_value(1)
    run_job(ben, "train")
    ben.text_input(key="save_name").set_value("first")
    ben.checkbox(key="save_replace").check()
    ben.button(key="save").click().run()
    assert not ben.error  # saved among his own
    assert (tmp_path / "students" / public_id(owner) / "first" / "model.safetensors").read_bytes() == hers
    anna = open_page(anna, "views/train.py")
    anna.button(key="train").click().run()
    assert not anna.error and anna.session_state["aeviz"].pending is not None  # her slot is her own


def test_each_page_reads_its_own_query_parameters():
    """Good values in the URL set the Train page's widgets (the link a teacher shares), under the page's own names."""
    at = new_session({"train_latent": "16", "train_l1": "0.0003", "train_dataset": "digits", "l1": "0.5"})
    at = open_page(at, "views/train.py")
    assert at.number_input(key="train_latent").value == 16 and at.number_input(key="train_l1").value == 0.0003
    assert at.selectbox(key="train_dataset").value == "digits"


@pytest.mark.parametrize("name", ["mnist-mlp-2d", "swiss-roll-2d"])
def test_train_page_replays_how_the_shipped_model_learned(name):
    """Every shipped model carries its per-epoch views: the Train page opens the scrubber on them, one frame per epoch
    (at most 60), the first one named epoch 1 and the last the model's last epoch."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.scrubber import frame_epochs

    at = new_session({"model": name})
    at = open_page(at, "views/train.py")
    assert "Watch the code form" in [h.value for h in at.subheader]
    shipped = load_checkpoint(name, SHIPPED_DIR)
    spec = next(s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if s.get("frames"))
    kept = frame_epochs(len(shipped.history))
    assert [f["name"] for f in spec["frames"]] == [str(shipped.history[i]["epoch"]) for i in kept]
    assert spec["layout"]["sliders"][0]["active"] == len(kept) - 1


def test_a_training_over_the_work_budget_is_refused_before_it_queues(app, monkeypatch):
    import aeviz.configs

    monkeypatch.setattr(aeviz.configs, "MAX_WORK", 1e9)
    at = open_page(app, "views/train.py")
    at.button(key="train").click().run()
    assert "epochs × rows × parameters" in shown(at.error[0]) and at.session_state["aeviz"].pending is None


def test_upscaling_a_table_is_refused_with_a_message(app):
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("swiss_roll")
    at.selectbox(key="train_task").set_value("upscale")
    at.button(key="train").click().run()
    assert not at.exception
    assert "upscaling needs image data" in at.error[0].value


def test_the_lecture_pages_on_a_model_trained_on_the_s_curve(monkeypatch):
    """A model trained here on the S-curve (no shipped model has it) makes the S-curve the data of every lecture page:
    the Train page replays its epochs, the shipped S-curve sweep shows with its 3-D panel, Capacity trains on it."""
    import aeviz.capacity as capacity

    monkeypatch.setattr(capacity, "STEPS", 20)
    at = new_session()
    at = open_page(at, "views/train.py")
    at.selectbox(key="train_dataset").set_value("s_curve")
    at.slider(key="train_epochs").set_value(3)
    run_job(at, "train")
    assert "Watch the code form" in [h.value for h in at.subheader]
    at = open_page(at, "views/pca_vs_ae.py")
    assert any("shipped sweep for s\\_curve" in c.value for c in at.caption)
    assert "A plane against a curved sheet: s curve" in [h.value for h in at.subheader]  # its own, not the roll
    at = open_page(at, "views/capacity.py")
    assert at.select_slider(key="capacity_rows").options == ["200", "1,000", "1,600"]
    run_job(at, "capacity_train")
    assert not at.exception and not at.error
    assert any(m.value.startswith("- Rows 3× further out: ") for m in at.markdown)


def test_new_seeds_do_not_grow_the_servers_datasets_without_bound(app, monkeypatch):
    """Twelve Train clicks with twelve seeds (each refused over the work budget, as a hostile URL could make them):
    at most DATASETS_KEPT of the datasets they loaded stay in memory (every one of them stayed, +16 MB a click)."""
    import gc
    import weakref

    import aeviz.configs
    import aeviz.datasets
    from aeviz.ui.resources import DATASETS_KEPT

    monkeypatch.setattr(aeviz.configs, "MAX_WORK", 1.0)
    loaded, load = [], aeviz.datasets.load_dataset

    def tracked(*args, **kwargs):
        data = load(*args, **kwargs)
        loaded.append(weakref.ref(data))
        return data

    monkeypatch.setattr(aeviz.datasets, "load_dataset", tracked)
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    for seed in range(100, 112):
        at.number_input(key="train_seed").set_value(seed)
        at.button(key="train").click().run()
        assert "units of work" in shown(at.error[0])
    gc.collect()
    assert len(loaded) >= 12 and sum(ref() is not None for ref in loaded) <= DATASETS_KEPT


def test_a_student_keeps_a_bounded_number_of_saves(app, monkeypatch):
    """With a quota of two, a third save is refused with what to do (200 saves in 20 s went through before); replacing
    one of the two is still allowed."""
    import aeviz.ui.state

    monkeypatch.setattr(aeviz.ui.state, "MAX_SAVES", 2)
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    for name in ("one", "two", "three"):
        at.text_input(key="save_name").set_value(name)
        at.button(key="save").click().run()
    assert "you have 2 saved models, the most one student may keep" in shown(at.error[0])
    at.text_input(key="save_name").set_value("two")
    at.checkbox(key="save_replace").check()
    at.button(key="save").click().run()
    assert not at.error and at.success


def test_the_lecture_families_are_offered_and_the_regularised_one_trains_with_a_penalty():
    """The family list is the lecture's four, then the VAE marked as beyond it; choosing "regularised" sets λ so the
    first click trains the vanilla model with an L1 penalty, and "Lecture's sizes" gives 784-128-64-128-784."""
    at = open_page(new_session(), "views/train.py")
    family = at.selectbox(key="train_arch")
    assert list(family.options) == [
        "vanilla (one hidden layer)", "multilayer", "convolutional", "regularised (L1 or denoising)",
        "variational (beyond the lecture)",
    ]  # fmt: skip
    at.button(key="train_lecture_sizes").click().run()
    assert at.number_input(key="train_latent").value == 64 and at.text_input(key="train_hidden").value == "128"
    at.selectbox(key="train_arch").set_value("regularised").run()
    assert at.number_input(key="train_l1").value == 3e-4 and not at.warning
    at.number_input(key="train_l1").set_value(0.0).run()
    assert "needs λ > 0 (sparse) or σ > 0" in at.warning[0].value
    at.number_input(key="train_l1").set_value(3e-4)
    at.slider(key="train_epochs").set_value(1)
    at.selectbox(key="train_dataset").set_value("digits")
    run_job(at, "train")
    from aeviz.ui.state import live_checkpoint

    checkpoint = live_checkpoint(at.session_state["aeviz"])
    assert checkpoint.config.arch == "vanilla" and checkpoint.config.latent_dim == 64
    assert checkpoint.train_config.l1 == 3e-4


def test_saves_made_under_the_key_itself_move_to_the_public_folder(tmp_path, monkeypatch):
    """Before links named students by a digest, a save's folder was the owner key: it is found and moved on first use,
    and its link no longer carries the key."""
    import aeviz.ui.state

    owner = "ab" * 16
    save_checkpoint(load_checkpoint("digits-2d", SHIPPED_DIR), "old-save", tmp_path / "students" / owner)
    monkeypatch.setattr(aeviz.ui.state, "returning_owner", lambda: owner)
    at = new_session()
    assert "old-save (saved by you)" in at.selectbox(key="model_picker").options
    assert f"saved:{public_id(owner)}/old-save" in model_sources(owner)
    assert not (tmp_path / "students" / owner).exists()
    assert (tmp_path / "students" / public_id(owner) / "old-save" / "model.safetensors").is_file()


def test_faces_train_and_their_code_opens_on_the_latent_pages(app):
    """scikit-image's faces are a built-in dataset: a model trained on them shows their codes coloured face / not a
    face on Latent space and walks through its decoder on Latent walk."""
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("faces").run()
    assert at.select_slider(key="train_batch").value == 32  # 160 rows: the default 128 made two steps an epoch
    at.slider(key="train_epochs").set_value(2)
    run_job(at, "train")
    assert not at.exception and not at.error and "Trained 2 epochs." in at.success[0].value
    for page in ("views/latent_space.py", "views/latent_walk.py"):
        at = open_page(at, page)
        assert not at.exception and not at.error, page
    at = open_page(at, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits").run()
    assert at.select_slider(key="train_batch").value == 128  # back to the default for a dataset of 1,437 rows
    at = open_page(at, "views/latent_space.py")
    legends = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")])
    assert '"face"' in legends and '"not a face"' in legends


def test_a_link_to_the_faces_opens_with_their_batch_size_and_a_batch_in_the_link_wins():
    """The batch a small dataset needs comes with the dataset in a link as well as with a change of the box."""
    at = new_session({"train_dataset": "faces"})
    at = open_page(at, "views/train.py")
    assert at.select_slider(key="train_batch").value == 32 and not at.warning
    at.selectbox(key="train_dataset").set_value("digits").run()
    assert at.select_slider(key="train_batch").value == 128 and not at.warning and not at.exception
    linked = open_page(new_session({"train_dataset": "faces", "train_batch": "64"}), "views/train.py")
    assert linked.select_slider(key="train_batch").value == 64
