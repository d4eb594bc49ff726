"""The Recolouring page."""

from tests.app.helpers import (
    open_page,
    run_job,
)


def test_recolour_page_scores_each_photo_and_trains_again(app, monkeypatch):
    """The verdict names whichever is closest, recomputed here; a retrained model (2 epochs, few patches) replaces the
    shipped one on the page."""
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.datasets import photo_dataset
    from aeviz.evaluation import score
    from aeviz.photos import colour_by_brightness, colour_errors, grayscale, keep_brightness, load_photo, recolour_rows
    from aeviz.pretrain import RECOLOUR_DIR, recolour_recipe
    from aeviz.tasks import gray_rows

    at = open_page(app, "views/recolour.py")
    assert not at.error and len(at.image) == 4
    image = load_photo("flower")
    baseline = colour_errors(image, keep_brightness(grayscale(image), colour_by_brightness(image))).mean()
    assert f"average colour of its brightness {baseline:.3f}" in at.info[0].value
    held_out = next(c.value for c in at.caption if c.value.startswith("On the held-out photo's patches"))
    data = photo_dataset()
    model = recolour_rows(load_checkpoint(recolour_recipe().name, SHIPPED_DIR / RECOLOUR_DIR).model, data.X_val, (32, 32))
    ours = score(data.X_val, model, (32, 32))
    gray = score(data.X_val, gray_rows(data.X_val), (32, 32))
    assert f"autoencoder {ours.psnr:.1f} dB" in held_out and f"grayscale photo {gray.ssim:.3f}" in held_out
    assert ("does not score best" in held_out) == (ours.ssim < gray.ssim or ours.psnr < gray.psnr)
    at.selectbox(key="recolour_photo").set_value("astronaut").run()
    assert not at.exception and "On astronaut the shipped model" in at.info[0].value
    at.slider(key="recolour_epochs").set_value(3)
    run_job(at, "recolour_train")
    assert "Trained the recolouring model for 3 epochs" in at.success[0].value
    assert "your recolouring model" in at.info[0].value
