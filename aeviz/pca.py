"""PCA in the lecture's five steps, each result kept for display and checked against scikit-learn's PCA.

1. standardise the data; 2. the covariance matrix; 3. its eigenvectors and eigenvalues, sorted; 4. choose components
(explained-variance ratio); 5. recast the data onto them (and back, for the reconstruction).
"""

from __future__ import annotations

import numpy as np

from aeviz.errors import AevizError


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
