"""PCA in the lecture's five steps, each result kept for display and checked against scikit-learn's PCA.

1. standardise the data; 2. the covariance matrix; 3. its eigenvectors and eigenvalues, sorted; 4. choose components
(explained-variance ratio); 5. recast the data onto them (and back, for the reconstruction).
"""

from __future__ import annotations

import math

import numpy as np

from aeviz.errors import AevizError

COVARIANCE_SIDE = 96  # at most this many features a side in the drawn covariance matrix (784 pixels: every 9th)


class TeachingPCA:
    """The five steps written out. Learned attributes end in `_`, as in scikit-learn.

    Parameters
    ----------
    n_components : int, components kept in step 4.
    standardize : bool, divide each centred feature by its standard deviation in step 1 (constant features keep scale 1).
    """

    def __init__(self, n_components: int = 2, standardize: bool = True) -> None:
        self.n_components = n_components
        self.standardize = standardize

    def fit(self, X: np.ndarray) -> TeachingPCA:
        """X : ndarray of shape (n_samples, n_features)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or len(X) < 2:
            raise AevizError("PCA needs a 2-D array with at least two rows")
        if not 1 <= self.n_components <= min(X.shape):
            raise AevizError(f"n_components must be between 1 and {min(X.shape)}, got {self.n_components}")
        # Step 1: standardise.
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.spread_ = std  # each feature's standard deviation before step 1 (shown beside the mean)
        self.scale_ = np.where(std > 0, std, 1.0) if self.standardize else np.ones(X.shape[1])
        self.X_standardized_ = (X - self.mean_) / self.scale_
        # Step 2: covariance matrix (n - 1 in the denominator, like scikit-learn's explained_variance_).
        self.covariance_ = self.X_standardized_.T @ self.X_standardized_ / (len(X) - 1)
        # Step 3: eigen-decomposition of the symmetric covariance, largest eigenvalue first.
        eigenvalues, eigenvectors = np.linalg.eigh(self.covariance_)
        order = np.argsort(eigenvalues)[::-1]
        self.eigenvalues_ = np.clip(eigenvalues[order], 0.0, None)
        self.eigenvectors_ = eigenvectors[:, order].T  # one eigenvector per row
        # Step 4: choose components.
        self.components_ = self.eigenvectors_[: self.n_components]
        total = self.eigenvalues_.sum()  # 0 for constant data: no direction explains anything, and nothing is NaN
        self.explained_variance_ratio_ = (
            self.eigenvalues_[: self.n_components] / total if total > 0 else (np.zeros(self.n_components))
        )
        # Step 5 happens in transform(); keep the training data recast for display.
        self.X_recast_ = self.X_standardized_ @ self.components_.T
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Step 5: the data recast onto the components, shape (n_samples, n_components)."""
        return ((np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_) @ self.components_.T

    def inverse_transform(self, Y: np.ndarray) -> np.ndarray:
        """Back from (n_samples, n_components) to the original units: the PCA reconstruction."""
        return (np.asarray(Y, dtype=np.float64) @ self.components_) * self.scale_ + self.mean_

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).X_recast_

    def reconstruct(self, X: np.ndarray, k: int) -> np.ndarray:
        """Rank-k reconstruction of X (n_samples, n_features) with the first k eigenvectors (k may exceed n_components
        up to n_features: every eigenvector is kept from step 3)."""
        if not 1 <= k <= len(self.eigenvectors_):
            raise AevizError(f"k must be between 1 and {len(self.eigenvectors_)}, got {k}")
        vectors = self.eigenvectors_[:k]
        standardized = (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_
        return (standardized @ vectors.T @ vectors) * self.scale_ + self.mean_

    @property
    def ratios_(self) -> np.ndarray:
        """Share of the variance along each eigenvector, shape (n_features,); zeros for constant data."""
        total = self.eigenvalues_.sum()
        return self.eigenvalues_ / total if total > 0 else np.zeros(len(self.eigenvalues_))

    @property
    def cumulative_ratio_(self) -> np.ndarray:
        """Share of the variance explained by the first 1, 2, … components, shape (n_features,); zeros for constant data."""
        return np.cumsum(self.ratios_)


def covariance_view(covariance: np.ndarray, side: int = COVARIANCE_SIDE) -> tuple[np.ndarray, np.ndarray]:
    """A covariance matrix small enough to draw: every step-th feature, so at most `side` a side.

    Returns (matrix (m, m), the indices of the features kept (m,)).
    """
    step = max(1, math.ceil(len(covariance) / side))
    kept = np.arange(0, len(covariance), step)
    return covariance[np.ix_(kept, kept)], kept


def standardising_sentence(centred: TeachingPCA, standardized: TeachingPCA, low_spread: float = 0.05) -> str:
    """What standardising changed, in numbers: how many features were nearly constant, and the first component's share."""
    std = centred.spread_
    quiet = int(np.sum(std < low_spread))
    first_c, first_s = centred.cumulative_ratio_[0], standardized.cumulative_ratio_[0]
    if np.ptp(std) <= 0.01 * max(float(std.max()), 1e-12):
        return (
            f"All {len(std)} features already have the same spread ({std.max():.3g}), so standardising changes nothing "
            f"here: the first component explains {first_c:.1%} of the variance either way."
        )
    return (
        f"{quiet} of {len(std)} features vary by less than {low_spread:g} (standard deviation); standardising gives "
        f"each feature the same variance, so these weigh as much as the busiest ones. The first component explains "
        f"{first_c:.1%} of the variance when only centred and {first_s:.1%} when standardised."
    )


def _n(value: float) -> str:
    """A number for a formula: whole numbers in full with thousands grouped by a thin space, others to 3 significant
    digits (never in e-notation below a million)."""
    if abs(value) < 5e-4:  # a standardised mean of -5e-08 is 0 to the eye, and to the lecture
        return "0"
    if float(value).is_integer() or abs(value) >= 1_000:
        return f"{round(value):,}".replace(",", r"\,")
    return f"{value:.3g}"


def step_formulas(pca: TeachingPCA, k: int) -> dict[int, str]:
    """The lecture's five steps as formulas with this fit's numbers (LaTeX), {step: formula}: the data's size, a
    feature's mean and spread, the covariance's size and trace, the first eigenvalues, k's share, the recast shapes."""
    n, d = pca.X_standardized_.shape
    j = int(np.argmax(pca.spread_))  # the busiest feature, as the example of step 1
    mu, sigma = pca.mean_[j], pca.spread_[j]
    if pca.standardize:
        step_1 = (
            rf"z_{{ij}} = \frac{{x_{{ij}} - \mu_j}}{{\sigma_j}},\qquad j = {j}:\ \mu_j = {_n(mu)},\ \sigma_j = {_n(sigma)}"
        )
    else:
        step_1 = rf"z_{{ij}} = x_{{ij}} - \mu_j\quad(\sigma_j \text{{ not divided}}),\qquad j = {j}:\ \mu_j = {_n(mu)}"
    trace = float(pca.eigenvalues_.sum())
    lambdas = r",\ ".join(rf"\lambda_{{{i + 1}}} = {_n(v)}" for i, v in enumerate(pca.eigenvalues_[:2]))
    kept = float(pca.eigenvalues_[:k].sum())
    share = kept / trace if trace > 0 else 0.0
    return {
        1: step_1,
        2: rf"C = \tfrac{{1}}{{n-1}} Z^\top Z,\ n = {_n(n)},\ C \in \mathbb{{R}}^{{{d} \times {d}}}",
        3: rf"C\, v_i = \lambda_i\, v_i:\quad {lambdas},\ \ldots",
        4: rf"\frac{{\sum_{{i=1}}^{{{k}}} \lambda_i}}{{\sum_{{i=1}}^{{{d}}} \lambda_i}} = "
        rf"\frac{{{_n(kept)}}}{{{_n(trace)}}} = {100 * share:.1f}\%",
        5: rf"Y = Z\, V_{{{k}}} \in \mathbb{{R}}^{{{_n(n)} \times {k}}},\qquad \hat x = \mu + "
        + (rf"\sigma \odot (V_{{{k}}}^\top y)" if pca.standardize else rf"V_{{{k}}}^\top y"),
    }


def choice_sentence(ratios: np.ndarray, k: int) -> str:
    """What choosing k keeps: the kept share of the variance and what the next component would add."""
    kept = float(np.sum(ratios[:k]))
    sentence = f"{k} component(s) keep {kept:.1%} of the variance"
    if k < len(ratios):
        sentence += f"; component {k + 1} would add {float(ratios[k]):.1%}"
    return sentence + "."


def recast_sentence(n_features: int, k: int, kept: float) -> str:
    """The recast in numbers: k values per row instead of n_features, and the share of the variance they keep."""
    return (
        f"Each row becomes {k} number(s) instead of {n_features}; rebuilt from them it keeps {kept:.1%} of the "
        "variance: compare the reconstructions with the inputs."
    )
