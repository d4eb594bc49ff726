"""aeviz.pca_plots: the PCA pages' figures."""

import numpy as np
import pytest

from aeviz.pca_plots import angles_fig, covariance_fig, scree_fig, sweep_fig


def test_scree_marks_k_and_keeps_the_cumulative_share():
    ratios = np.array([0.5, 0.3, 0.2])
    fig = scree_fig(ratios, np.cumsum(ratios), k=2)
    bars, line = fig.data
    assert list(bars.y) == [0.5, 0.3, 0.2] and list(line.y) == pytest.approx([0.5, 0.8, 1.0])
    assert fig.layout.shapes[0].x0 == 2


def test_covariance_heatmap_is_centred_on_zero():
    """Red for positive, blue for negative, white at 0, whatever the largest entry's sign."""
    heat = covariance_fig(np.array([[1.0, -3.0], [-3.0, 2.0]]), np.array([0, 9]), "c").data[0]
    assert heat.zmin == -3.0 and heat.zmax == 3.0 and list(heat.x) == [0, 9]


def test_sweep_draws_pca_for_every_k_and_each_family_at_its_own_k():
    pca = np.array([0.06, 0.05, 0.045, 0.04])
    fig = sweep_fig(pca, {"mlp": ([1, 4], [0.05, 0.03]), "linear": ([2], [0.051])}, "t")
    curve, mlp, linear = fig.data
    assert list(curve.x) == [1, 2, 3, 4] and list(curve.y) == pytest.approx(pca.tolist())
    assert list(mlp.x) == [1, 4] and list(mlp.y) == [0.05, 0.03] and list(linear.x) == [2]
    assert mlp.name != linear.name and fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.type == "log" and {"0.02", "0.05"} <= set(fig.layout.yaxis.ticktext)  # not "2", "5"


def test_angles_are_drawn_in_degrees_from_zero_to_at_least_ten():
    """Small angles are seen without filling the chart (an autoscaled axis made 1° look like 90°; a 0-90° one drew the
    usual 0.4-3° as an empty chart); a large angle gets room above it, and nothing goes past 90°."""
    small = angles_fig(np.array([0.4, 0.8]), 2)
    assert tuple(small.layout.yaxis.range) == (0, 10) and small.layout.xaxis.dtick == 1
    fig = angles_fig(np.array([0.5, 1.0, 30.0]), 3)
    assert list(fig.data[0].y) == [0.5, 1.0, 30.0] and tuple(fig.layout.yaxis.range) == (0, pytest.approx(39.0))
    assert tuple(angles_fig(np.array([5.0, 85.0]), 2).layout.yaxis.range) == (0, 90)


def test_small_angles_carry_their_value_and_the_covariance_its_axis_titles():
    fig = angles_fig(np.array([1.5, 3.04]), 2)
    assert list(fig.data[0].text) == ["1.5°", "3.0°"]
    cov = covariance_fig(np.eye(3), np.arange(3), "c")
    assert cov.layout.xaxis.title.text == "feature" and cov.layout.yaxis.title.text == "feature"
