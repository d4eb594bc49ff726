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


def test_upscale_page_on_the_photo_shows_the_residual_model_ahead_of_bicubic_and_the_bottleneck_behind(app):
    """The sentence and the table are recomputed from the shipped models (the library's numbers, on the page)."""
    from aeviz.applications import image_score, photo_upscales, residual_sentence
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.datasets import photo_dataset
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.photos import HELD_OUT, even_crop, load_photo
    from aeviz.pretrain import UPSCALE_DIR, photo_upscale_recipes
    from aeviz.tasks import upscale_input

    at = open_page(app, "views/upscale.py")
    at.radio(key="upscale_source").set_value("photos").run()
    assert not at.exception and not at.error
    bottleneck, residual = (load_checkpoint(r.name, SHIPPED_DIR / UPSCALE_DIR).model for r in photo_upscale_recipes())
    models = {"bottleneck": bottleneck, "residual": residual}
    image = even_crop(load_photo(HELD_OUT[0]))
    scores = {name: image_score(image, picture) for name, picture in photo_upscales(image, models).items()}
    data = photo_dataset("all-photos")
    bicubic = upscale_input(data.X_val, data.image_shape)
    patches = {"bicubic": score(data.X_val, bicubic, data.image_shape)}
    patches |= {name: score(data.X_val, restore(model, bicubic), data.image_shape) for name, model in models.items()}
    said = residual_sentence(scores, patches, models["residual"].config.latent_dim, 3072)
    assert at.info[0].value == said and "dB ahead of bicubic (SSIM" in said and "missed" not in said
    table = next(m.value for m in at.markdown if "| bicubic |" in m.value)
    assert f"**{scores['residual'].psnr:.2f}**" in table and f"{scores['bicubic'].psnr:.2f}" in table
    assert len(at.get("image")) == 5 and len(at.get("plotly_chart")) == 1


def test_upscale_page_on_faces_shows_the_shipped_skip_path_model_ahead_of_bicubic(app):
    """Faces (lfw_subset, 25×25): the shipped face upscaler, recomputed here against bicubic, and the page's verdict."""
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.datasets import load_dataset
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import upscale_input

    data = load_dataset("faces")
    model = load_checkpoint("faces-upscale", SHIPPED_DIR).model
    bicubic = upscale_input(data.X_val, data.image_shape)
    ours, theirs = score(data.X_val, restore(model, bicubic), (25, 25)), score(data.X_val, bicubic, (25, 25))
    assert ours.psnr >= theirs.psnr + 0.5 and ours.ssim > theirs.ssim
    at = open_page(app, "views/upscale.py")
    at.slider(key="upscale_index").set_value(700).run()
    at.radio(key="upscale_source").set_value("faces").run()
    assert not at.exception and not at.error
    said = at.info[0].value
    assert "the shipped face upscaler (a skip path) beats bicubic interpolation" in said
    assert f"{ours.psnr:.1f} dB" in said and f"{theirs.psnr:.1f} dB" in said
    assert at.slider(key="upscale_faces").max == len(data.X_val) - 1 and len(at.get("image")) == 4


def test_a_photo_upscaler_trained_again_on_the_page_replaces_the_shipped_one(app):
    """Three epochs of the residual model in the job pool (patches cut in the worker): the session keeps it, the page
    says whose it shows and its sentence is the new model's."""
    at = open_page(app, "views/upscale.py")
    at.radio(key="upscale_source").set_value("photos").run()
    shipped = at.info[0].value
    at.radio(key="upscale_photo_model").set_value("residual")
    at.slider(key="upscale_photo_epochs").set_value(3)
    run_job(at, "upscale_photo_train")
    assert "Trained the residual model for 3 epochs" in at.success[0].value
    mine = at.session_state["aeviz"].photo_upscalers["residual"]
    assert mine.train_config.epochs == 3 and len(mine.history) == 3 and mine.dataset == "all-photos"
    assert any("Yours: the residual model;" in c.value for c in at.caption)
    assert at.info[0].value != shipped and "residual model is" in at.info[0].value
