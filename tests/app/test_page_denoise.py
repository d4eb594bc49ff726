"""The Denoising page."""

from aeviz.checkpoints import SHIPPED_DIR
from aeviz.datasets import load_dataset
from tests.app.helpers import (
    new_session,
    open_page,
)


def test_denoise_page_scores_what_it_shows_and_its_verdict_follows_the_numbers(app):
    """At the training noise the denoiser wins and the page's mean PSNR is the one recomputed here; on clean inputs
    (σ = 0) the clean-trained twin wins and the page says the denoiser is not the best (a canned sentence fails)."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import corrupt_images

    at = open_page(app, "views/denoise.py")
    assert not at.error
    assert at.info[0].value.startswith("At Gaussian noise σ = 0.5 the denoiser restores best")
    data = load_dataset("mnist")
    noisy = corrupt_images(data.X_val, "gaussian", 0.5, seed=0)
    expected = score(data.X_val, restore(load_checkpoint("mnist-denoise", SHIPPED_DIR).model, noisy), (28, 28))
    assert any(f"validation mean: {expected.psnr:.1f} dB · SSIM {expected.ssim:.2f}" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 3  # the grid and two arrow views
    at.slider(key="denoise_sigma").set_value(0.0).run()
    assert not at.exception
    assert "the denoiser is not the best here (clean-trained twin is best on PSNR and SSIM)" in at.info[0].value


def test_denoise_page_takes_salt_and_pepper(app):
    """Salt and pepper at p = 0.2: the verdict quotes the denoiser's mean PSNR on that corruption, recomputed here."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import corrupt_images

    at = open_page(app, "views/denoise.py")
    at.radio(key="denoise_kind").set_value("salt_pepper").run()
    at.slider(key="denoise_salt_pepper").set_value(0.2).run()
    assert not at.exception and not at.error
    data = load_dataset("mnist")
    salted = corrupt_images(data.X_val, "salt_pepper", 0.2, seed=0)
    ours = score(data.X_val, restore(load_checkpoint("mnist-denoise", SHIPPED_DIR).model, salted), (28, 28))
    assert at.info[0].value.startswith("At salt and pepper p = 0.2 the denoiser ")
    assert f"denoiser {ours.psnr:.1f} dB" in at.info[0].value and f"denoiser {ours.ssim:.3f}" in at.info[0].value


def test_a_level_off_the_sliders_step_is_snapped_to_it():
    """σ = 0.7999999 from a URL is σ = 0.8: one cached restoration per step, not one per float a URL can spell."""
    at = open_page(new_session({"denoise_sigma": "0.7999999"}), "views/denoise.py")
    assert at.info[0].value.startswith("At Gaussian noise σ = 0.8 ")


def test_at_masking_the_corrupted_input_competes_and_a_split_decision_is_said():
    """Masking p = 0.3: recomputed here, the masked input's own SSIM is above the denoiser's; the verdict must not
    call the denoiser best (it did, leaving the input out), and the page says PSNR and SSIM disagree."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import corrupt_images

    data = load_dataset("mnist")
    masked = corrupt_images(data.X_val, "masking", 0.3, seed=0)
    denoised = score(data.X_val, restore(load_checkpoint("mnist-denoise", SHIPPED_DIR).model, masked), (28, 28))
    as_given = score(data.X_val, masked, (28, 28))
    assert as_given.ssim > denoised.ssim  # the case the page must not hide
    at = open_page(new_session({"denoise_kind": "Masking", "denoise_masking": "0.3"}), "views/denoise.py")
    verdict = at.info[0].value
    assert "the denoiser is not the best here" in verdict and f"corrupted input {as_given.ssim:.3f}" in verdict
    if denoised.psnr > as_given.psnr:
        assert any("PSNR and SSIM disagree here" in c.value for c in at.caption)
