"""aeviz.pca: the lecture's five steps give scikit-learn's PCA."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from aeviz.pca import TeachingPCA


@pytest.mark.parametrize("n_components", [1, 2, 5, 10])
@pytest.mark.parametrize("standardize", [True, False])
def test_five_steps_equal_scikit_learn(digits, n_components, standardize):
    """Components (up to sign), explained-variance ratio and reconstruction agree with sklearn to 1e-6."""
    X = digits.X_train.astype(np.float64)
    mine = TeachingPCA(n_components, standardize=standardize).fit(X)
    X_ref = StandardScaler(with_std=standardize).fit_transform(X)
    ref = PCA(n_components=n_components, svd_solver="full").fit(X_ref)
    signs = np.sign(np.sum(mine.components_ * ref.components_, axis=1))
    assert np.allclose(mine.components_ * signs[:, None], ref.components_, atol=1e-6)
    assert np.allclose(mine.explained_variance_ratio_, ref.explained_variance_ratio_, atol=1e-6)
    recast = mine.transform(X)
    assert np.allclose(recast * signs, ref.transform(X_ref), atol=1e-6)
    reference_reconstruction = ref.inverse_transform(ref.transform(X_ref)) * mine.scale_ + mine.mean_
    assert np.allclose(mine.inverse_transform(recast), reference_reconstruction, atol=1e-6)


def test_steps_are_inspectable(digits):
    """Each step's result is kept: standardised data, covariance, sorted eigenvalues, chosen components."""
    pca = TeachingPCA(3).fit(digits.X_train)
    assert pca.covariance_.shape == (64, 64) and np.allclose(pca.covariance_, pca.covariance_.T)
    assert np.all(np.diff(pca.eigenvalues_) <= 1e-12)
    assert pca.components_.shape == (3, 64) and pca.X_recast_.shape == (len(digits.X_train), 3)
    assert np.allclose(pca.fit_transform(digits.X_train), pca.transform(digits.X_train))


def test_all_components_reconstruct_exactly(digits):
    X = digits.X_train[:200].astype(np.float64)
    pca = TeachingPCA(64, standardize=False).fit(X)
    assert np.allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-8)


def test_rank_k_reconstruction_equals_scikit_learn(digits):
    """The page's rank-k reconstruction is sklearn's PCA(k) reconstruction, for several k from one fit."""
    X = digits.X_train.astype(np.float64)
    pca = TeachingPCA(2, standardize=False).fit(X)
    for k in (1, 5, 20):
        ref = PCA(n_components=k, svd_solver="full").fit(X)
        assert np.allclose(pca.reconstruct(X[:50], k), ref.inverse_transform(ref.transform(X[:50])), atol=1e-6)


def test_cumulative_ratio_rises_to_one_and_matches_scikit_learn(digits):
    pca = TeachingPCA(2).fit(digits.X_train)
    ref = PCA().fit(StandardScaler().fit_transform(digits.X_train))
    assert np.allclose(pca.cumulative_ratio_, np.cumsum(ref.explained_variance_ratio_), atol=1e-6)
    assert pca.cumulative_ratio_[-1] == pytest.approx(1.0)


def test_covariance_view_keeps_every_step_th_feature():
    from aeviz.pca import covariance_view

    cov = np.arange(784 * 784, dtype=float).reshape(784, 784)
    small, kept = covariance_view(cov, side=96)
    assert len(kept) <= 96 and kept[1] - kept[0] == 9 and small[2, 3] == cov[kept[2], kept[3]]


def test_standardising_sentence_counts_quiet_features(digits):
    """Digits' border pixels are nearly constant: the sentence counts them from the data and gives both shares."""
    from aeviz.pca import standardising_sentence

    centred, standardized = TeachingPCA(2, False).fit(digits.X_train), TeachingPCA(2, True).fit(digits.X_train)
    quiet = int(np.sum(digits.X_train.std(axis=0, ddof=1) < 0.05))
    sentence = standardising_sentence(centred, standardized)
    assert sentence.startswith(f"{quiet} of 64 features") and quiet > 0
    assert f"{centred.cumulative_ratio_[0]:.1%}" in sentence and f"{standardized.cumulative_ratio_[0]:.1%}" in sentence


def test_standardising_sentence_says_when_nothing_changes(digits):
    """A table that is already standardised (as aeviz loads tables): the sentence says both choices agree."""
    from sklearn.preprocessing import StandardScaler

    from aeviz.pca import standardising_sentence

    X = StandardScaler().fit_transform(digits.X_train[:, 10:14])
    sentence = standardising_sentence(TeachingPCA(2, False).fit(X), TeachingPCA(2, True).fit(X))
    assert sentence.startswith("All 4 features already have the same spread (1)")


def test_the_formulas_follow_the_choice_of_step_1():
    """Centred only: no division by σ in step 1 nor multiplication by it in step 5; the share in step 4 is the fit's."""
    from aeviz.pca import TeachingPCA, step_formulas

    X = np.random.default_rng(0).normal(size=(50, 4)) * [1.0, 2.0, 3.0, 4.0]
    centred, standardised = (step_formulas(TeachingPCA(2, s).fit(X), 2) for s in (False, True))
    assert r"\frac{x_{ij} - \mu_j}{\sigma_j}" in standardised[1] and r"\sigma_j \text{ not divided}" in centred[1]
    assert r"\sigma \odot" in standardised[5] and r"\sigma" not in centred[5]
    share = TeachingPCA(2, False).fit(X).cumulative_ratio_[1]
    assert centred[4].endswith(f"= {100 * share:.1f}\\%") and r"n = 50" in centred[2]
