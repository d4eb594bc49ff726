"""aeviz.montages: montages are one crisp uint8 picture."""

import io

import numpy as np
import pytest
from PIL import Image

from aeviz import AevizError
from aeviz.montages import display_scale, montage, sprite_png, to_image


def test_to_image_scales_with_nearest_neighbour():
    img = to_image(np.array([0.0, 1.0, 0.5, 2.0]), (2, 2), scale=3)
    assert img.shape == (6, 6) and img.dtype == np.uint8
    assert img[0, 0] == 0 and img[0, 5] == 255 and img[5, 5] == 255 and img[3, 0] == 128
    assert len(np.unique(img[:3, :3])) == 1


def test_montage_tiles_rows_with_padding():
    X = np.stack([np.full(4, v) for v in (0.0, 0.5, 1.0)])
    canvas = montage(X, (2, 2), n_cols=2, scale=1, pad=1)
    assert canvas.shape == (2 * 3 + 1, 2 * 3 + 1)
    assert canvas[1, 1] == 0 and canvas[1, 4] == 128 and canvas[4, 1] == 255


def test_montage_refuses_rows_of_the_wrong_size():
    with pytest.raises(AevizError, match="cannot tile"):
        montage(np.zeros((2, 5)), (2, 2), 2)


@pytest.mark.parametrize("height", [1, 8, 25, 28, 64, 140, 300, 1000])
def test_display_scale_shows_images_about_the_target_size(height):
    """The shown height is the integer multiple nearest the target (never below 1×, so a large image is not shrunk
    to nothing): an 8-pixel digit as 144, a 28-pixel one as 140."""
    scale = display_scale((height, height), target=140)
    assert scale >= 1 and isinstance(scale, int)
    if height <= 140:
        assert abs(scale * height - 140) <= height / 2
    else:
        assert scale == 1


def test_sprite_cell_i_is_image_i():
    """The browser cuts row i out at (i // n_cols, i % n_cols): the PNG must hold exactly that image there."""
    X = np.random.default_rng(0).random((7, 12))
    sheet = np.asarray(Image.open(io.BytesIO(sprite_png(X, (3, 4), n_cols=3))))
    assert sheet.shape == (3 * 3, 3 * 4)
    for i in range(7):
        r, c = divmod(i, 3)
        assert np.array_equal(sheet[r * 3 : r * 3 + 3, c * 4 : c * 4 + 4], to_image(X[i], (3, 4)))


def test_a_colour_row_is_drawn_with_its_channels_in_place():
    from aeviz.montages import row_image

    row = np.zeros(3 * 2 * 2, np.float32)
    row[:4] = 1.0  # the red plane
    picture = row_image(row, (2, 2), scale=2)
    assert picture.shape == (4, 4, 3) and picture.dtype == np.uint8
    assert (picture[..., 0] == 255).all() and (picture[..., 1:] == 0).all()
    assert row_image(np.ones(4, np.float32), (2, 2)).shape == (2, 2)
