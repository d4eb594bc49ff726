"""aeviz.projection: PCA/UMAP/t-SNE projections, trustworthiness, k-NN accuracy, Procrustes alignment."""

import numpy as np
import pytest

from aeviz import AevizError
from aeviz.projection import (
    align,
    coordinates_csv,
    knn_accuracy,
    live_view,
    project,
    scored_view,
    trustworthiness_score,
)


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centers = rng.normal(scale=6, size=(3, 10))
    y = np.repeat(np.arange(3), 60)
    return (centers[y] + rng.normal(size=(180, 10))).astype(np.float32), y


@pytest.mark.parametrize("method", ["pca", "tsne", pytest.param("umap", marks=pytest.mark.slow)])
@pytest.mark.parametrize("n_components", [2, 3])
def test_projection_shapes_and_faithfulness(blobs, method, n_components):
    """Every method maps (n, 10) to (n, k) and keeps well-separated blobs trustworthy."""
    X, _ = blobs
    Y = project(X, method, n_components, seed=0)
    assert Y.shape == (len(X), n_components) and np.isfinite(Y).all()
    assert trustworthiness_score(X, Y) > 0.8


def test_projection_is_seeded(blobs):
    X, _ = blobs
    assert np.array_equal(project(X, "tsne", seed=3), project(X, "tsne", seed=3))


def test_two_d_codes_are_shown_as_they_are():
    Z = np.random.default_rng(0).normal(size=(20, 2)).astype(np.float32)
    assert np.array_equal(project(Z, "umap"), Z)


def test_unknown_method():
    with pytest.raises(AevizError, match="unknown projection"):
        project(np.zeros((10, 4)), "lle")


def test_knn_accuracy_separates_blobs(blobs):
    X, y = blobs
    assert knn_accuracy(X[::2], y[::2], X[1::2], y[1::2]) == 1.0


def test_align_undoes_a_rotation_and_reflection():
    """Procrustes maps a rotated, reflected, shifted copy back onto the reference."""
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(50, 2))
    theta = 0.7
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]) @ np.diag([1, -1])
    moved = reference @ rotation + np.array([3.0, -2.0])
    assert np.allclose(align(moved, reference), reference, atol=1e-5)


def test_trustworthiness_of_large_inputs_tells_good_views_from_bad():
    """Above TRUST_SAMPLES rows the score is computed on a subsample: it must still be that subsample's true score,
    1 for a view that keeps the data's two dimensions, far lower for a view that shuffles the rows."""
    from sklearn.manifold import trustworthiness

    from aeviz.projection import TRUST_SAMPLES

    rng = np.random.default_rng(0)
    X = np.hstack([rng.normal(size=(TRUST_SAMPLES + 500, 2)), np.zeros((TRUST_SAMPLES + 500, 3))])
    shuffled = X[rng.permutation(len(X)), :2]
    assert trustworthiness_score(X, X[:, :2]) == pytest.approx(1.0)
    assert trustworthiness_score(X, shuffled) < 0.7
    rows = np.random.default_rng(0).choice(len(X), TRUST_SAMPLES, replace=False)  # the documented subsample, seed 0
    assert trustworthiness_score(X, shuffled) == pytest.approx(trustworthiness(X[rows], shuffled[rows], n_neighbors=5))


def test_a_one_unit_code_is_drawn_against_its_labels():
    """Classes get a row each (jittered within ±0.3), a continuous label is the height itself, no label gives 0."""
    z = np.linspace(-1, 1, 6, dtype=np.float32)[:, None]
    classes = live_view(z, labels=np.array([0, 0, 1, 1, 2, 2]))
    assert np.array_equal(classes[:, 0], z[:, 0])
    assert np.all(np.abs(classes[:, 1] - [0, 0, 1, 1, 2, 2]) <= 0.3)
    assert np.allclose(live_view(z, labels=np.arange(6) / 10.0)[:, 1], np.arange(6) / 10.0)
    assert np.array_equal(live_view(z)[:, 1], np.zeros(6))


def test_live_view_keeps_two_d_codes_and_aligns_wider_ones():
    rng = np.random.default_rng(0)
    Z2 = rng.normal(size=(50, 2)).astype(np.float32)
    assert np.array_equal(live_view(Z2), Z2)
    Z8 = rng.normal(size=(50, 8)).astype(np.float32)
    first = live_view(Z8)
    assert np.allclose(live_view(-Z8, first), first, atol=1e-4)  # a flipped code is turned back


def test_coordinates_csv_has_a_header_and_a_row_per_point():
    text = coordinates_csv(np.zeros((3, 2)), np.ones((3, 2)), np.array([4, 5, 6]))
    lines = text.strip().split("\n")
    assert lines[0] == "row,label,model_1,model_2,pca_1,pca_2" and lines[3] == "2,6,0,0,1,1"


def test_a_scored_view_has_knn_accuracy_only_for_class_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 6)).astype(np.float32)
    X[:, 0] *= 5  # the classes lie along the widest direction, which PCA's first component finds
    classes = (X[:, 0] > 0).astype(np.int64)
    labelled = scored_view(X, X, classes, "pca", 2)
    assert labelled.coords.shape == (80, 2) and 0.5 < labelled.trust <= 1.0 and labelled.knn > 0.8
    assert scored_view(X, X, X[:, 0], "pca", 2).knn is None  # a continuous colour is not a class


def test_order_along_a_manifold_is_the_best_axis_rank_correlation():
    """A view whose second axis is the position (reversed) scores 1; a shuffled one near 0."""
    from aeviz.projection import order_along, unrolling_sentence

    t = np.linspace(0, 1, 200)
    rng = np.random.default_rng(0)
    assert order_along(np.c_[rng.normal(size=200), -t], t) == pytest.approx(1.0)
    assert order_along(np.c_[rng.permutation(t), rng.permutation(t)], t) < 0.2
    assert "this code has not unrolled it" in unrolling_sentence(0.06, 0.28, "position")
    assert unrolling_sentence(0.95, 0.28, "position").endswith("the code has unrolled it.")
