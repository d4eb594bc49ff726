"""Every page under AppTest: opens without exception from a shipped checkpoint, and the key interactions work."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["views/home.py", "views/train.py", "views/latent_space.py", "views/latent_walk.py", "views/sparsity.py"]


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_UMAP_WARMUP", "0")  # no background compile competing with the tests for the CPU
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


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


def test_train_page_first_shows_how_the_active_model_learned(app):
    """Before anything is trained, the Train page shows the shipped model's stored losses and what its gap means."""
    at = _open(app, "views/train.py")
    assert [h.value for h in at.subheader] == ["How the active model learned"]
    assert "Validation error ends 10% above training error" in at.caption[0].value
    assert at.metric[0].label == "validation MSE"


def test_train_one_epoch_then_switch_page_keeps_the_model(app):
    """Train a tiny model for one epoch; it becomes active and survives a page switch."""
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    at.button(key="train").click().run()
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
    at.button(key="train").click().run()
    link = at.query_params["model"]
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.query_params["model"] = link
    fresh.run()
    fresh = _open(fresh, "views/train.py")
    assert [h.value for h in fresh.subheader] == ["Your model"]
    assert fresh.session_state["session_name"] == link and link.startswith("live:")


def test_bad_hidden_widths_show_a_message(app):
    at = _open(app, "views/train.py")
    at.text_input(key="train_hidden").set_value("12,x")
    at.button(key="train").click().run()
    assert not at.exception and "whole numbers separated by commas" in at.error[0].value


def test_save_with_an_invalid_name_is_refused(app, tmp_path):
    at = _open(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    at.button(key="train").click().run()
    at.text_input(key="save_name").set_value("../escape")
    at.button(key="save").click().run()
    assert at.error and "invalid checkpoint name" in at.error[0].value
    at.text_input(key="save_name").set_value("my-digits")
    at.button(key="save").click().run()
    assert (tmp_path / "my-digits" / "model.safetensors").is_file()


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


def test_sparsity_toggle_and_sweep(app):
    """The shipped twins compare at once; training a pair with a chosen λ works too."""
    at = _open(app, "views/sparsity.py")
    assert "non-zero against" in at.success[0].value
    at.radio(key="sparsity_source").set_value("train").run()
    at.slider(key="sparsity_epochs").set_value(5)
    at.button(key="sparsity_train").click().run()
    assert not at.exception and len(at.success) == 1


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
