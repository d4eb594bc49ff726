"""aeviz.photos: packaged photos as RGB patches, the grayscale input, the baseline, a whole photo recoloured, and the
shipped recolouring model against its baselines on the held-out photo (recomputed)."""

import numpy as np
import pytest
from skimage import color

from aeviz import AevizError
from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
from aeviz.configs import ModelConfig
from aeviz.datasets import photo_dataset
from aeviz.evaluation import score
from aeviz.models import build_model
from aeviz.photos import (
    HELD_OUT,
    PATCH,
    TRAIN_PHOTOS,
    colour_by_brightness,
    colour_errors,
    grayscale,
    keep_brightness,
    load_photo,
    recolour_photo,
    recolour_rows,
    to_images,
    to_rows,
)
from aeviz.pretrain import RECOLOUR_DIR, recolour_recipes
from aeviz.tasks import gray_rows

RNG = np.random.default_rng(0)


def test_the_photos_ship_with_the_packages_and_none_is_both_trained_and_held_out():
    assert not set(TRAIN_PHOTOS) & set(HELD_OUT)
    for name in (*TRAIN_PHOTOS, *HELD_OUT):
        image = load_photo(name)
        assert image.ndim == 3 and image.shape[2] == 3 and image.min() >= 0 and image.max() <= 1
    with pytest.raises(AevizError, match="unknown photo"):
        load_photo("../etc/passwd")


def test_patches_are_rows_channel_first_and_come_back_as_images():
    images = RNG.random((2, 4, 4, 3)).astype(np.float32)
    rows = to_rows(images)
    np.testing.assert_array_equal(rows[0, :16], images[0, :, :, 0].ravel())  # all red first
    np.testing.assert_array_equal(to_images(rows, (4, 4)), images)
    data = photo_dataset()
    assert data.n_features == 3 * PATCH * PATCH and data.image_shape == (PATCH, PATCH) and len(data.X_val) > 0


def test_the_gray_input_is_the_photos_lightness_without_its_colour_in_every_channel():
    images = RNG.random((3, 4, 4, 3)).astype(np.float32)
    gray = to_images(gray_rows(to_rows(images)), (4, 4))
    lab = color.rgb2lab(gray)
    np.testing.assert_allclose(lab[..., 0], color.rgb2lab(images)[..., 0], atol=1e-3)  # the photo's own L*
    np.testing.assert_allclose(lab[..., 1:], 0.0, atol=0.01)  # and no colour (R = G = B)
    np.testing.assert_allclose(grayscale(images[0]), gray[0])


def test_the_baseline_colours_each_brightness_by_the_training_photos_average():
    """A pixel's baseline colour is the table's colour for its brightness: two pixels of equal brightness get the same
    colour, and the table is not gray (the training photos are not)."""
    image = np.array([[[0.9, 0.2, 0.2], [0.2, 0.42, 0.09]]], np.float32)  # a red and a green of equal brightness
    out = colour_by_brightness(image)
    assert color.rgb2gray(image)[0, 0] == pytest.approx(color.rgb2gray(image)[0, 1], abs=0.002)
    np.testing.assert_allclose(out[0, 0], out[0, 1])
    assert np.ptp(out[0, 0]) > 0.01


def test_keep_brightness_keeps_the_gray_inputs_lightness_and_the_colours_hue():
    gray = np.full((1, 1, 3), 0.5, np.float32)
    red = np.array([[[0.9, 0.1, 0.1]]], np.float32)
    out = keep_brightness(gray, red)
    assert color.rgb2lab(out)[0, 0, 0] == pytest.approx(color.rgb2lab(gray)[0, 0, 0], abs=0.5)
    assert out[0, 0, 0] > out[0, 0, 1] and out[0, 0, 0] > out[0, 0, 2]


@pytest.mark.parametrize("head", ["image", "ab", "ab-bins"])
def test_a_whole_photo_is_recoloured_to_its_own_size(head):
    config = ModelConfig(
        arch="conv",
        n_features=3 * PATCH * PATCH,
        latent_dim=8 * 8 * 8,
        image_shape=(PATCH, PATCH),
        conv_channels=(8, 8),
        conv_code="spatial",
        channels=3,
        head=head,
        output_activation="sigmoid" if head == "image" else "linear",
    )
    model = build_model(config)
    image = load_photo("flower")[:70, :90]
    out = recolour_photo(model, image)
    assert out.shape == image.shape and np.isfinite(out).all()
    np.testing.assert_allclose(color.rgb2lab(out)[..., 0], color.rgb2lab(grayscale(image))[..., 0], atol=1.0)


def test_the_shipped_recolourers_meet_the_goals_on_the_held_out_photo():
    """Both are closer to the true colours than the grayscale photo, on the whole photo (the page's difference) and on
    its patches (PSNR); the re-weighted distribution model keeps 60 % or more of the photo's colourfulness and is more
    colourful than the regression model (README's table)."""
    from aeviz.colours import colourfulness

    models = {r.model_options["head"]: load_checkpoint(r.name, SHIPPED_DIR / RECOLOUR_DIR).model for r in recolour_recipes()}
    data = photo_dataset()
    X, shape = data.X_val, data.image_shape
    image = load_photo(HELD_OUT[0])
    gray = colour_errors(image, grayscale(image)).mean()
    shown = {head: recolour_photo(model, image) for head, model in models.items()}
    for head, model in models.items():
        assert score(X, recolour_rows(model, X, shape), shape).psnr > score(X, gray_rows(X), shape).psnr, head
        assert colour_errors(image, shown[head]).mean() < gray, head
    assert colourfulness(shown["ab-bins"]) >= 0.6 * colourfulness(image)
    assert colourfulness(shown["ab-bins"]) > colourfulness(shown["ab"])


def test_a_whole_photo_is_shrunk_and_enlarged_as_its_patches_are():
    """The photo's bicubic is the patches' (`upscale_input`) on the photo as one image; a fresh residual model run
    patch by patch gives it back unchanged (its skip path alone: the overlaps average to the input)."""
    from aeviz.photos import bicubic_photo, even_crop, patchwise, shrink_photo
    from aeviz.tasks import upscale_input

    image = even_crop(load_photo(HELD_OUT[0])[:41, :67])
    assert image.shape == (40, 66, 3) and shrink_photo(image).shape == (20, 33, 3)
    expected = to_images(upscale_input(to_rows(image[None]), (40, 66)), (40, 66))[0]
    np.testing.assert_allclose(bicubic_photo(image), np.clip(expected, 0, 1), atol=1e-6)
    options = {"conv_channels": (8, 8), "conv_code": "spatial", "channels": 3, "output_activation": "linear"}
    config = ModelConfig.for_data(3 * PATCH * PATCH, (PATCH, PATCH), "conv", 8 * 8 * 8, residual=True, **options)
    fresh = build_model(config)
    np.testing.assert_allclose(patchwise(fresh, image), image, atol=1e-6)
