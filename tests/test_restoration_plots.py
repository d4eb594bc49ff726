"""aeviz.restoration_plots: the application pages' figures hold the numbers they are given."""

import numpy as np

from aeviz.restoration_plots import code_arrows_fig, error_map_fig, noise_grid_fig, zoom_compare_fig


def test_the_noise_grid_outlines_each_columns_best_model():
    psnr = np.array([[20.0, 10.0], [18.0, 15.0]])  # rows: trained at 0 and 0.5; columns: tested at 0 and 0.5
    fig = noise_grid_fig(psnr, [0.0, 0.5], [0.0, 0.5])
    assert np.array_equal(np.array(fig.data[0].z), psnr)
    assert list(fig.data[0].y) == ["trained at σ = 0", "trained at σ = 0.5"] and list(fig.data[0].x) == ["0", "0.5"]
    outlined = [(shape.x0 + 0.5, shape.y0 + 0.5) for shape in fig.layout.shapes]
    assert outlined == [(0, 0), (1, 1)]  # column 0's best is row 0, column 1's is row 1


def test_code_arrows_join_each_clean_code_to_its_noisy_copy():
    clean, noisy = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[0.5, 0.0], [1.0, 2.0]])
    fig = code_arrows_fig(clean, noisy, np.array([3, 7]), "t")
    lines, dots, crosses = fig.data
    assert list(lines.x) == [0.0, 0.5, None, 1.0, 1.0, None] and list(lines.y) == [0.0, 0.0, None, 1.0, 2.0, None]
    assert list(dots.text) == ["digit 3", "digit 7"] and list(crosses.y) == [0.0, 2.0]


def test_zoomed_pictures_share_their_axes():
    gray, colour = np.full((4, 4), 1.5), np.zeros((4, 4, 3), np.uint8)
    fig = zoom_compare_fig([gray, colour, gray], ["a", "b", "c"])
    assert [type(t).__name__ for t in fig.data] == ["Heatmap", "Image", "Heatmap"]
    assert np.array(fig.data[0].z).max() == 1.0  # clipped to the picture's range
    assert fig.layout.xaxis2.matches == "x" and fig.layout.yaxis3.matches == "y"


def test_the_error_map_scales_to_its_largest_error():
    errors = np.array([[0.0, 0.2], [0.1, 0.4]])
    fig = error_map_fig(errors, "t")
    assert fig.data[0].zmax == 0.4 and fig.layout.yaxis.autorange == "reversed"
    assert error_map_fig(np.zeros((2, 2)), "t").data[0].zmax > 0  # a perfect map still has a scale
