"""aeviz.colours: the CIELAB conversion round-trips, the bins cover sRGB, rare colours weigh more, colourfulness is
Hasler and Süsstrunk's."""

import numpy as np
import pytest
from skimage import color

from aeviz.colours import (
    AB_BIN_COUNT,
    AB_LIMIT,
    ab_bins,
    bin_of,
    colour_targets,
    colourfulness,
    lab_rows,
    rare_colour_weights,
    recoloured_rows,
    rgb_rows,
)
from aeviz.tasks import gray_rows

RNG = np.random.default_rng(0)


def test_rgb_rows_go_to_cielab_and_back():
    rows = RNG.random((4, 3 * 36)).astype(np.float32)
    lightness, ab = lab_rows(rows)
    assert lightness.shape == (4, 36) and ab.shape == (4, 36, 2)
    np.testing.assert_allclose(rgb_rows(lightness, ab), rows, atol=1e-4)
    pixel = rows.reshape(4, 3, 36)[1, :, 7]  # the 8th pixel of the second row, channel first: scikit-image's Lab
    np.testing.assert_allclose(ab[1, 7], color.rgb2lab(pixel[None, None])[0, 0, 1:], atol=1e-3)


def test_the_bins_are_the_ones_srgb_colours_fall_in():
    centres = ab_bins()
    assert centres.shape == (AB_BIN_COUNT, 2) and np.all(np.abs(centres) <= AB_LIMIT)
    assert np.all(np.mod(centres, 10) == 0)  # on the grid of 10
    colours = RNG.random((1, 20_000, 3))
    used = np.unique(bin_of(color.rgb2lab(colours)[0, :, 1:]))
    assert len(used) > 0.8 * AB_BIN_COUNT  # random colours reach most bins
    np.testing.assert_array_equal(bin_of(centres), np.arange(AB_BIN_COUNT))  # a bin's own centre is in it
    far = bin_of(np.array([[-110.0, 110.0]]))[0]  # a corner no sRGB colour reaches: the nearest kept bin
    assert np.linalg.norm(centres[far] - [-110, 110]) == np.min(np.linalg.norm(centres - [-110, 110], axis=1))


def test_the_targets_of_each_head():
    rows = RNG.random((3, 3 * 16)).astype(np.float32)
    ab = lab_rows(rows)[1]
    np.testing.assert_allclose(colour_targets(rows, "ab"), (ab / AB_LIMIT).transpose(0, 2, 1).reshape(3, 32), atol=1e-6)
    bins = colour_targets(rows, "ab-bins")
    assert bins.shape == (3, 16) and bins.dtype == np.int64
    assert np.all(np.abs(ab_bins()[bins] - ab) <= 5 + 1e-3)  # each pixel's colour is within half a bin of its bin's


def test_rare_colours_weigh_more_and_a_training_pixel_weighs_one_on_average():
    bins = np.array([0] * 90 + [1] * 9 + [2])  # a common, a rarer, a rare colour
    weights = rare_colour_weights(bins)
    assert weights[0] < weights[1] < weights[2]
    assert weights[bins].mean() == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(rare_colour_weights(bins, rebalance=1.0), 1.0, rtol=1e-5)  # λ = 1: no re-weighting


def test_a_prediction_of_no_colour_is_the_gray_input_itself():
    colour = RNG.random((2, 3 * 25)).astype(np.float32)
    gray = gray_rows(colour)
    back = recoloured_rows(gray, np.zeros((2, 50), np.float32))
    np.testing.assert_allclose(back, gray, atol=2e-3)


def test_colourfulness_is_hasler_and_susstrunks():
    assert colourfulness(np.full((4, 4, 3), 0.4)) == pytest.approx(0.0)
    red = np.zeros((4, 4, 3))
    red[..., 0] = 1.0  # rg = 255, yb = 127.5 everywhere, no spread: 0.3 × √(255² + 127.5²)
    assert colourfulness(red) == pytest.approx(0.3 * np.hypot(255, 127.5))
    halves = np.zeros((2, 1, 3))
    halves[0, 0, 0], halves[1, 0, 1] = 1.0, 1.0  # one red pixel, one green: rg = ±255 (σ 255), yb = 127.5 (σ 0)
    assert colourfulness(halves) == pytest.approx(255 + 0.3 * 127.5)
