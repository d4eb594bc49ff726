"""The PCA step by step page."""

import pytest

from aeviz.checkpoints import SHIPPED_DIR, read_info
from aeviz.datasets import load_dataset
from tests.app.helpers import (
    new_session,
    open_page,
)


@pytest.mark.parametrize("model", ["mnist-mlp-2d", "digits-2d", "swiss-roll-2d"])
def test_pca_steps_page_on_images_and_tables(model):
    """The five steps draw on images and on a table; the caption states what k explains, as the PCA computes it."""
    from aeviz.pca import TeachingPCA

    at = new_session({"model": model})
    at = open_page(at, "views/pca_steps.py")
    data = load_dataset(read_info(model, SHIPPED_DIR).dataset)
    step_1 = "1. Standardise" + (" (here: centre only)" if data.is_image else "")  # pixels are only centred
    assert not at.error and [h.value for h in at.subheader][:1] == [step_1]
    at.slider(key="pca_k").set_value(2).run()
    assert not at.exception
    standardize = not data.is_image
    expected = TeachingPCA(2, standardize).fit(data.X_train).cumulative_ratio_[1]
    assert any(f"The first 2 component(s) explain {expected:.1%}" in c.value for c in at.caption)


@pytest.mark.parametrize("model", ["mnist-mlp-2d", "swiss-roll-2d"])
def test_each_step_has_its_formula_with_the_numbers_scikit_learn_gives(model):
    """The formulas carry the fit's own numbers: the rows, the first eigenvalues (scikit-learn's explained_variance_)
    and the share of the first k, recomputed here from scikit-learn on the same rows."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    at = open_page(new_session({"model": model, "pca_k": "2"}), "views/pca_steps.py")
    data = load_dataset(read_info(model, SHIPPED_DIR).dataset)
    X = data.X_train if data.is_image else StandardScaler().fit_transform(data.X_train)
    pca = PCA().fit(X)
    formulas = [f.value for f in at.latex]
    assert len(formulas) == 5
    assert f"\\lambda_{{1}} = {pca.explained_variance_[0]:.3g}" in formulas[2]
    share = pca.explained_variance_ratio_[:2].sum()
    assert f"= {100 * share:.1f}\\%" in formulas[3]
    assert f"n = {len(X):,}".replace(",", "\\,") in formulas[1]


def test_the_swiss_roll_is_one_choice_away_and_k_follows_the_data():
    """From the default (MNIST) model: choosing the swiss roll shows its three features' steps, and a k chosen on the
    784 pixels falls back into the roll's range instead of failing."""
    at = open_page(new_session({"pca_k": "10"}), "views/pca_steps.py")
    assert at.slider(key="pca_k").value == 10
    at.selectbox(key="pca_data").set_value("swiss_roll").run()
    assert not at.exception and not at.error
    assert at.slider(key="pca_k").max == 3 and 1 <= at.slider(key="pca_k").value <= 3
    assert any("R}^{3 \\times 3}" in f.value for f in at.latex)  # the covariance of the roll's 3 features


def test_the_shared_figures_follow_k_and_the_data():
    """The scree plot and the step-4 picture are made once per server and shared, keyed by what they show: a second
    session at another k gets its own k's marker and eigenvectors, and a session back at the first k the first
    session's figure (a key without k would hand every student the first k's figures)."""
    import json

    def scree(at):
        spec = json.loads(next(c for c in at.get("plotly_chart") if "pca_scree" in c.proto.id).proto.spec)
        return [s["x0"] for s in spec["layout"]["shapes"]]

    def eigenvectors(at):
        return next(i.proto.imgs[0].url for i in at.get("image") if "eigenvectors" in i.proto.imgs[0].caption)

    first = open_page(new_session({"model": "mnist-mlp-2d", "pca_k": "2"}), "views/pca_steps.py")
    second = open_page(new_session({"model": "mnist-mlp-2d", "pca_k": "5"}), "views/pca_steps.py")
    again = open_page(new_session({"model": "mnist-mlp-2d", "pca_k": "2"}), "views/pca_steps.py")
    assert not first.exception and not second.exception
    assert scree(first) == [2] and scree(second) == [5] and scree(again) == [2]
    assert eigenvectors(first) == eigenvectors(again) != eigenvectors(second)  # the picture's bytes name its URL
