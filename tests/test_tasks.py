"""aeviz.tasks: what each task feeds the model — the corruptions at their level, bicubic from half size, the gray
input — and the checks that refuse a task its data cannot feed."""

import numpy as np
import pytest

from aeviz import AevizError
from aeviz.evaluation import psnr
from aeviz.tasks import (
    TASKS,
    check_data,
    check_task,
    corrupt_images,
    describe_input,
    downscale,
    gray_rows,
    model_inputs,
    restores,
    upscale_input,
)

RNG = np.random.default_rng(0)


def test_gaussian_noise_and_masking_are_the_training_corruptions_at_their_level():
    X = np.full((200, 100), 0.5, np.float32)
    noisy = corrupt_images(X, "gaussian", 0.3, seed=1)
    assert np.std(noisy - X) == pytest.approx(0.3, rel=0.02)
    assert noisy.max() > 1.0  # not clipped: what the denoiser was trained on
    masked = corrupt_images(X, "masking", 0.25, seed=1)
    assert np.mean(masked == 0) == pytest.approx(0.25, abs=0.01)
    np.testing.assert_array_equal(noisy, corrupt_images(X, "gaussian", 0.3, seed=1))
    assert not np.array_equal(noisy, corrupt_images(X, "gaussian", 0.3, seed=2))


def test_salt_and_pepper_sets_a_share_of_pixels_to_black_or_white():
    X = np.full((100, 100), 0.5, np.float32)
    salted = corrupt_images(X, "salt_pepper", 0.2, seed=0)
    changed = salted != 0.5
    assert np.mean(changed) == pytest.approx(0.2, abs=0.01)
    assert set(np.unique(salted[changed])) == {0.0, 1.0}


@pytest.mark.parametrize(("kind", "level"), [("blur", 0.1), ("masking", 1.5), ("gaussian", -0.1)])
def test_a_bad_corruption_is_a_message(kind, level):
    with pytest.raises(AevizError):
        corrupt_images(np.zeros((1, 4), np.float32), kind, level)


def test_upscale_input_is_bicubic_from_half_size():
    """A smooth ramp survives the round trip almost exactly; a one-pixel checkerboard is lost (what upscaling lacks)."""
    ramp = np.tile(np.linspace(0, 1, 16), (16, 1)).ravel()[None].astype(np.float32)
    board = (np.indices((16, 16)).sum(axis=0) % 2).ravel()[None].astype(np.float32)
    assert downscale(ramp, (16, 16)).shape == (1, 64)
    assert psnr(ramp, upscale_input(ramp, (16, 16)))[0] > 30
    assert psnr(board, upscale_input(board, (16, 16)))[0] < 8


def test_colour_rows_are_shrunk_and_enlarged_channel_by_channel():
    """A colour row (channel first) gives what its three planes give one by one (no blur across channels)."""
    planes = RNG.random((3, 16 * 16)).astype(np.float32)
    colour = planes.reshape(1, -1)
    together = upscale_input(colour, (16, 16)).reshape(3, -1)
    np.testing.assert_allclose(together, upscale_input(planes, (16, 16)), atol=1e-6)


@pytest.mark.parametrize(
    ("task", "noise", "what"),
    [("reconstruct", 0.0, ""), ("reconstruct", 0.3, "noise"), ("denoise", 0.3, "noise"), ("upscale", 0.0, "resolution"),
     ("recolour", 0.0, "colour")],
)  # fmt: skip
def test_each_task_says_what_it_restores(task, noise, what):
    assert restores(task, noise, 0.0) == what


def test_every_task_has_its_input_in_words_and_an_unknown_one_is_refused():
    assert len({describe_input(task, 0.2, 0.0) for task in TASKS}) == 3  # reconstruct and denoise both say the noise
    with pytest.raises(AevizError, match="unknown task"):
        check_task("colourise", 0.0, 0.0)
    with pytest.raises(AevizError, match="needs a corruption"):
        check_task("denoise", 0.0, 0.0)


def test_the_model_inputs_of_each_task():
    """reconstruct and denoise: the clean rows (noise is drawn per batch); upscale: bicubic from half size; recolour:
    the brightness in every channel. A table cannot be upscaled, a gray image not recoloured."""
    X = RNG.random((3, 3 * 8 * 8)).astype(np.float32)
    assert model_inputs(X, "denoise", (8, 8)) is X
    np.testing.assert_array_equal(model_inputs(X, "recolour", (8, 8)), gray_rows(X))
    gray = X[:, :64]
    np.testing.assert_array_equal(model_inputs(gray, "upscale", (8, 8)), upscale_input(gray, (8, 8)))
    with pytest.raises(AevizError, match="upscaling needs image data"):
        check_data("upscale", None, 5)
    with pytest.raises(AevizError, match="colour images"):
        model_inputs(gray, "recolour", (8, 8))


def test_levels_snap_to_the_pages_step():
    from aeviz.tasks import snap_level

    assert snap_level(0.7999999) == 0.8 and snap_level(1e-300) == 0.0 and snap_level(0.326) == 0.35
