"""The Upscaling page."""

from tests.app.helpers import (
    open_page,
    run_job,
)


def test_upscale_page_says_whether_it_beats_bicubic_and_shows_a_session_upscaler(app):
    at = open_page(app, "views/upscale.py")
    assert "the shipped upscaler beats bicubic interpolation" in at.info[0].value
    at.slider(key="upscale_index").set_value(7).run()
    assert not at.exception
    at = open_page(at, "views/train.py")
    at.selectbox(key="train_arch").set_value("conv").run()
    at.selectbox(key="train_conv_code").set_value("spatial")
    at.selectbox(key="train_task").set_value("upscale")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    assert "Trained 1 epoch." in at.success[0].value
    at = open_page(at, "views/upscale.py")
    assert "your upscaler" in at.info[0].value and "bicubic interpolation" in at.info[0].value


def test_upscale_page_on_photo_patches_says_the_autoencoder_loses_to_bicubic(app):
    """Measured on the held-out photo: the shipped photo upscaler is far below bicubic, and the page says so."""
    at = open_page(app, "views/upscale.py")
    at.radio(key="upscale_source").set_value("photos").run()
    assert not at.exception and not at.error
    assert "On the held-out photo's patches the shipped photo upscaler does not beat bicubic" in at.info[0].value
    from aeviz.datasets import photo_dataset

    X = photo_dataset().X_val
    stds = X.std(axis=1)
    assert at.slider(key="upscale_patch").value == int(stds.argmax()) and stds.argmax() != 0  # not plain background
    at.slider(key="upscale_patch").set_value(5).run()
    assert not at.exception and len(at.image) == 4
