"""The application pages in a real browser: the Denoising page's pictures, scores and grid, a change of corruption
redrawing them; the Upscaling page's shared zoom."""

import pytest

from tests.e2e.helpers import goto, new_page, rerun

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLOTS = "() => [...document.querySelectorAll('.js-plotly-plot')]"


@pytest.fixture(scope="module")
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def test_denoising_shows_five_pictures_scores_and_a_grid_then_takes_salt_and_pepper(page, server, shot):
    goto(page, f"{server}/denoise")
    for heading in ("clean", "corrupted input", "PCA, 32 components", "same network, trained clean"):
        assert page.get_by_text(heading, exact=True).count() == 1, heading
    assert page.get_by_text("At Gaussian noise σ = 0.5 the denoiser restores best").is_visible()
    assert page.get_by_text("validation mean:").count() == 4
    page.wait_for_function(f"() => ({PLOTS})().length === 3", timeout=30_000)
    grid = page.evaluate(f"() => ({PLOTS})()[0].data[0].y.length")
    assert grid == 4  # four training noise levels
    shot(page, "denoise")
    rerun(page, page.get_by_text("Salt and pepper", exact=True).click)
    assert page.get_by_text("At salt and pepper p = 0.3").count() == 1


def test_upscaling_zooms_the_three_pictures_together(page, server, shot):
    goto(page, f"{server}/upscale")
    assert page.get_by_text("the shipped upscaler beats bicubic interpolation").count() == 1
    page.wait_for_function(f"() => ({PLOTS})().length === 1 && ({PLOTS})()[0]._fullLayout", timeout=30_000)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    ranges = page.evaluate(
        f"() => {{ const l = ({PLOTS})()[0]._fullLayout; return [l.xaxis.range, l.xaxis2.range, l.xaxis3.range]; }}"
    )
    assert ranges[0] == ranges[1] == ranges[2] and ranges[0][1] - ranges[0][0] < 20  # zoomed in, all three alike
    shot(page, "upscale")


def test_recolouring_shows_both_models_with_the_library_numbers(page, server, shot):
    from aeviz.applications import colouring
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.photos import HELD_OUT, load_photo, recolour_photo
    from aeviz.pretrain import RECOLOUR_DIR, recolour_recipes

    image = load_photo(HELD_OUT[0])
    found = {
        r.model_options["head"]: colouring(
            image, recolour_photo(load_checkpoint(r.name, SHIPPED_DIR / RECOLOUR_DIR).model, image)
        )
        for r in recolour_recipes()
    }
    goto(page, f"{server}/recolour")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img').length === 4", timeout=60_000)
    digits = 4 if f"{found['ab'].difference:.3f}" == f"{found['ab-bins'].difference:.3f}" else 3  # as the sentence
    said = f"the re-weighted distribution model's {found['ab-bins'].difference:.{digits}f}"
    assert page.get_by_text(said, exact=False).count() == 1
    table = page.locator("table").first.inner_text()
    assert f"{found['ab'].difference:.4f}" in table and f"{found['ab-bins'].colourfulness:.1f}" in table
    shot(page, "recolour")


def test_upscaling_the_photo_shows_the_library_numbers_and_the_crop_where_the_skip_path_wins(page, server, shot):
    from aeviz.applications import image_score, photo_upscales
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.photos import HELD_OUT, even_crop, load_photo
    from aeviz.pretrain import UPSCALE_DIR, photo_upscale_recipes

    bottleneck, residual = (load_checkpoint(r.name, SHIPPED_DIR / UPSCALE_DIR).model for r in photo_upscale_recipes())
    image = even_crop(load_photo(HELD_OUT[0]))
    found = photo_upscales(image, {"bottleneck": bottleneck, "residual": residual})
    scores = {name: image_score(image, picture) for name, picture in found.items()}
    goto(page, f"{server}/upscale")
    rerun(page, page.get_by_text("a held-out colour photo", exact=False).click)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img').length === 5", timeout=60_000)
    gain = scores["residual"].psnr - scores["bicubic"].psnr
    assert page.get_by_text(f"the residual model is {gain:.2f} dB ahead of bicubic").count() == 1
    table = page.locator("table").first.inner_text()
    for name in ("bicubic", "bottleneck", "residual"):
        assert f"{scores[name].psnr:.2f}" in table, name
    for caption in ("bicubic", "bottleneck autoencoder", "residual model", "original"):
        assert page.get_by_text(caption, exact=True).count() >= 1, caption
    page.wait_for_function(f"() => ({PLOTS})().length === 1 && ({PLOTS})()[0]._fullLayout", timeout=30_000)
    shot(page, "upscale-photo")


def test_a_face_code_walks_through_the_decoder(page, server, shot):
    """Faces (scikit-image's lfw_subset) on the Latent walk page: the shipped 2-D face model, its pad decodes."""
    goto(page, f"{server}/latent_walk?model=faces-2d")
    assert page.get_by_text("faces · mlp · 2-D code").count() == 1  # the sidebar names the active model's data
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img, canvas').length > 0")
    assert not page.locator('[data-testid="stException"]').count()
    shot(page, "walk-faces")


def test_upscaling_faces_shows_the_library_numbers(page, server, shot):
    """Faces (lfw_subset): the shipped skip-path upscaler against bicubic over the validation pictures, as the library
    scores them."""
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.datasets import load_dataset
    from aeviz.evaluation import score
    from aeviz.latent import restore
    from aeviz.tasks import upscale_input

    data = load_dataset("faces")
    bicubic = upscale_input(data.X_val, data.image_shape)
    ours = score(data.X_val, restore(load_checkpoint("faces-upscale", SHIPPED_DIR).model, bicubic), (25, 25))
    theirs = score(data.X_val, bicubic, (25, 25))
    goto(page, f"{server}/upscale")
    rerun(page, page.get_by_text("faces (25×25)", exact=True).click)
    said = page.get_by_text("the shipped face upscaler (a skip path) beats bicubic interpolation", exact=False)
    said.wait_for(timeout=60_000)
    assert f"{ours.psnr:.1f} dB" in said.inner_text() and f"{theirs.psnr:.1f} dB" in said.inner_text()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stImage\"] img').length === 4", timeout=60_000)
    shot(page, "upscale-faces")
