"""Projections of codes to 2-D or 3-D (PCA, UMAP, t-SNE), how faithful they are, and how they line up.

UMAP is imported lazily (it takes seconds) and its 15-nearest-neighbour graph comes from scikit-learn through
`precomputed_knn`, which cut its first fit here from ~50 s to ~9 s; numba's compiled code is cached on disk.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg import orthogonal_procrustes
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from aeviz.errors import AevizError
from aeviz.jobhandle import JobHandle
from aeviz.runtime import configure_environment

METHODS = ("pca", "umap", "tsne")
UMAP_NEIGHBORS = 15
TRUST_SAMPLES = 2_000  # trustworthiness is O(n²): score a seeded subsample


def _import_umap():
    configure_environment()  # numba's threads and cache folder, unless the server set them already
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)  # "Tensorflow not installed": ParametricUMAP is not used
        import umap  # lazy on purpose: importing it costs seconds

    return umap


def _umap(Z: np.ndarray, n_components: int, seed: int) -> np.ndarray:
    umap = _import_umap()
    n_neighbors = min(UMAP_NEIGHBORS, len(Z) - 1)
    distances, indices = NearestNeighbors(n_neighbors=n_neighbors).fit(Z).kneighbors(Z)
    reducer = umap.UMAP(
        n_components=n_components,
        n_neighbors=n_neighbors,
        random_state=seed,
        precomputed_knn=(indices, distances.astype(np.float32), None),
        n_jobs=1,
    )
    with warnings.catch_warnings():
        # We never call reducer.transform, so the missing search index does not matter.
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")
        return reducer.fit_transform(Z).astype(np.float32)


def project(Z: np.ndarray, method: str = "pca", n_components: int = 2, seed: int = 0) -> np.ndarray:
    """Coordinates of shape (n_samples, n_components) of the codes Z (n_samples, latent_dim)."""
    if method not in METHODS:
        raise AevizError(f"unknown projection {method!r}: use one of {', '.join(METHODS)}")
    if n_components not in (2, 3):
        raise AevizError("project to 2 or 3 dimensions")
    Z = np.ascontiguousarray(Z, dtype=np.float32)
    if len(Z) <= n_components + 1:
        raise AevizError(f"too few points ({len(Z)}) to project")
    if Z.shape[1] <= n_components:
        # Nothing to reduce: show the code itself, padded with zeros up to the requested dimensions.
        return np.pad(Z, ((0, 0), (0, n_components - Z.shape[1])))
    if method == "pca":
        return PCA(n_components=n_components, random_state=seed).fit_transform(Z).astype(np.float32)
    if method == "umap":
        return _umap(Z, n_components, seed)
    perplexity = float(min(30.0, (len(Z) - 1) / 3))
    tsne = TSNE(n_components=n_components, init="pca", perplexity=perplexity, random_state=seed)
    return tsne.fit_transform(Z).astype(np.float32)


def trustworthiness_score(X: np.ndarray, Y: np.ndarray, n_neighbors: int = 5, seed: int = 0) -> float:
    """scikit-learn's trustworthiness of the embedding Y of X (1 = every close neighbour in Y is close in X).

    Computed on at most TRUST_SAMPLES rows, chosen with `seed`, because its cost grows with the square of the rows.
    """
    if len(X) != len(Y):
        raise AevizError("X and its embedding must have the same number of rows")
    if len(X) > TRUST_SAMPLES:
        rows = np.random.default_rng(seed).choice(len(X), TRUST_SAMPLES, replace=False)
        X, Y = X[rows], Y[rows]
    n_neighbors = min(n_neighbors, len(X) // 2 - 1)
    return float(trustworthiness(X, Y, n_neighbors=n_neighbors))


def knn_accuracy(Z_train: np.ndarray, y_train: np.ndarray, Z_val: np.ndarray, y_val: np.ndarray, k: int = 5) -> float:
    """Accuracy of a k-nearest-neighbour classifier fitted on training codes and scored on validation codes."""
    classifier = KNeighborsClassifier(n_neighbors=min(k, len(Z_train)))
    return float(classifier.fit(Z_train, y_train).score(Z_val, y_val))


def align(Y: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Y rotated (or reflected) onto `reference` by orthogonal Procrustes, so successive views do not flip.

    Both have shape (n_samples, d) with rows that correspond; only rotation, reflection and translation are applied.
    """
    if Y.shape != reference.shape:
        raise AevizError(f"cannot align shapes {Y.shape} and {reference.shape}")
    y_mean, r_mean = Y.mean(axis=0), reference.mean(axis=0)
    rotation, _ = orthogonal_procrustes(Y - y_mean, reference - r_mean)
    return ((Y - y_mean) @ rotation + r_mean).astype(np.float32)


def warm_up_umap(seed: int = 0) -> None:
    """Import umap-learn and compile its numba code on a small random set, so the first real fit is quick."""
    Z = np.random.default_rng(seed).normal(size=(300, 8)).astype(np.float32)
    _umap(Z, 2, seed)


def warm_up_projections(seed: int = 0) -> None:
    """UMAP's warm-up, then t-SNE and the scores of a view on a small random set (their imports and first calls)."""
    warm_up_umap(seed)
    Z = np.random.default_rng(seed).normal(size=(120, 8)).astype(np.float32)
    Y = project(Z, "tsne", 2, seed)
    trustworthiness_score(Z, Y, seed=seed)


def live_view(Z: np.ndarray, reference: np.ndarray | None = None, labels: np.ndarray | None = None) -> np.ndarray:
    """A 2-D view of codes for drawing while training: the code itself when it is 2-D, else its PCA.

    A 1-D code is drawn against its `labels` (n_samples,) when given: a class per row (with a fixed jitter, so the points
    of a class do not hide each other) or the continuous value itself, e.g. the position along a swiss roll; without
    labels, against 0. With a `reference` (the previous epoch's view of the same rows) a PCA view is Procrustes-aligned
    to it, so the picture does not flip or spin from one epoch to the next.
    """
    if Z.shape[1] == 1:
        return np.column_stack([Z[:, 0], _strip(labels, len(Z))]).astype(np.float32)
    coords = project(Z, "pca", 2) if Z.shape[1] > 2 else np.asarray(Z, dtype=np.float32)
    if reference is not None and Z.shape[1] > 2:
        coords = align(coords, reference)
    return coords


def _strip(labels: np.ndarray | None, n: int) -> np.ndarray:
    """The second coordinate of a 1-D code's view: the label (classes jittered by ±0.3, seeded), or 0."""
    if labels is None:
        return np.zeros(n)
    labels = np.asarray(labels)
    if labels.dtype.kind in "iu":
        return labels + np.random.default_rng(0).uniform(-0.3, 0.3, n)
    return labels.astype(np.float64)


def coordinates_csv(model_coords: np.ndarray, input_coords: np.ndarray, labels: np.ndarray | None) -> str:
    """Both views' coordinates as CSV text: row, label, model_1.., pca_1.."""
    columns = [np.arange(len(model_coords))[:, None], model_coords, input_coords]
    names = ["row"] + [f"model_{i + 1}" for i in range(model_coords.shape[1])]
    names += [f"pca_{i + 1}" for i in range(input_coords.shape[1])]
    if labels is not None:
        columns.insert(1, np.asarray(labels)[:, None])
        names.insert(1, "label")
    table = np.hstack([np.asarray(c, dtype=np.float64) for c in columns])
    lines = [",".join(names)] + [",".join(f"{v:.6g}" for v in row) for row in table]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ScoredView:
    """A 2-D/3-D view of some codes, with how faithful and how separable it is."""

    coords: np.ndarray  # (n_samples, n_components)
    trust: float  # trustworthiness against the inputs (5 neighbours)
    knn: float | None = None  # 5-NN accuracy of integer labels: fitted on half the points, scored on the rest


def scored_view(Z: np.ndarray, X: np.ndarray, y: np.ndarray | None, method: str, n_components: int) -> ScoredView:
    """A 2-D/3-D view of codes Z with its trustworthiness against the inputs X and, for integer labels y, its 5-NN
    accuracy (fitted on half the points, scored on the rest)."""
    coords = project(Z, method, n_components)
    knn = None
    if y is not None and y.dtype.kind in "iu":
        half = len(coords) // 2
        knn = knn_accuracy(coords[:half], y[:half], coords[half:], y[half:])
    return ScoredView(coords, trustworthiness_score(X, coords), knn)


def views_job(
    job: JobHandle, method: str, n_components: int, Z: np.ndarray, Z_pca: np.ndarray, X: np.ndarray, y: np.ndarray | None
) -> tuple[ScoredView, ScoredView]:
    """The Latent space page's two views by a slow method (UMAP, t-SNE), as a job of the class's pool: the codes Z and
    PCA of the inputs Z_pca, each scored against the inputs X."""
    job.report(0.05, "the model's codes…")
    codes = scored_view(Z, X, y, method, n_components)
    job.report(0.5, "PCA of the inputs…")
    return codes, scored_view(Z_pca, X, y, method, n_components)


UNROLLED = 0.9  # |Spearman ρ| along the best axis at which a view counts as having laid the manifold out in order


def order_along(coords: np.ndarray, position: np.ndarray) -> float:
    """How well some axis of a view keeps the points in their order along a manifold: the largest |Spearman ρ|
    between a column of `coords` (n_samples, n_components) and `position` (n_samples,). 1 is laid out in order."""
    from scipy.stats import spearmanr

    found = [abs(float(spearmanr(column, position)[0])) for column in np.asarray(coords).T]
    return max((v for v in found if np.isfinite(v)), default=0.0)


def unrolling_sentence(code: float, pca: float, label_name: str) -> str:
    """Whether the code unrolled a curved manifold (from `order_along` of the code's view and of PCA's)."""
    if code >= UNROLLED:
        verdict = "the code has unrolled it"
    elif code > pca + 0.1:
        verdict = "the code orders it better than PCA but has not unrolled it"
    else:
        verdict = "this code has not unrolled it: a low reconstruction error does not mean the code lies flat"
    return (
        f"Unrolled? Along its best axis the code keeps the points in the order of their {label_name} with "
        f"|Spearman ρ| = {code:.2f} (1 = in order along a line, 0 = no order), PCA with {pca:.2f}: {verdict}."
    )
