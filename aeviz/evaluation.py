"""How good a trained autoencoder is on the validation split, next to PCA with the same number of components."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.decomposition import PCA

from aeviz.configs import ACTIVE_THRESHOLD
from aeviz.data import Dataset
from aeviz.latent import encode_dataset, reconstruct
from aeviz.models import Autoencoder
from aeviz.projection import knn_accuracy


def evaluate_model(model: Autoencoder, data: Dataset) -> dict[str, float]:
    """Validation figures of `model` and of PCA fitted on the training split with as many components as the code.

    - val_mse / pca_val_mse: mean squared error per feature on clean validation rows;
    - active_fraction: share of (sample, code unit) pairs with |a| > ACTIVE_THRESHOLD;
    - knn_accuracy / pca_knn_accuracy (labelled data): 5-NN fitted on training codes, scored on validation codes.
    """
    n_components = min(model.config.latent_dim, data.n_features, len(data.X_train))
    pca = PCA(n_components=n_components, random_state=0).fit(data.X_train)
    Z_val = encode_dataset(model, data.X_val)
    pca_val = pca.transform(data.X_val)
    result = {
        "val_mse": float(np.mean((reconstruct(model, data.X_val) - data.X_val) ** 2)),
        "pca_val_mse": float(np.mean((pca.inverse_transform(pca_val) - data.X_val) ** 2)),
        "active_fraction": float(np.mean(np.abs(Z_val) > ACTIVE_THRESHOLD)),
        "latent_dim": model.config.latent_dim,
        "n_val": len(data.X_val),
    }
    if data.has_classes:
        Z_train = encode_dataset(model, data.X_train)
        result["knn_accuracy"] = knn_accuracy(Z_train, data.y_train, Z_val, data.y_val)
        result["pca_knn_accuracy"] = knn_accuracy(pca.transform(data.X_train), data.y_train, pca_val, data.y_val)
    return result


SMALL_GAP, MEMORISING_GAP = 0.05, 0.25  # relative gaps read as "a small gap" and as memorising


def generalisation_gap(history: Sequence[dict]) -> float:
    """(validation − training) / training reconstruction error at the last epoch; > 0 means seen data fits better.

    Uses the reconstruction parts of the losses (a penalty is not an error) when the history has them.
    """
    last = history[-1]
    train, val = last.get("recon_loss", last["train_loss"]), last.get("val_recon", last["val_loss"])
    return float((val - train) / train) if train > 0 else 0.0


def describe_gap(history: Sequence[dict]) -> str:
    """One sentence on the last epoch's gap between training and validation error, for the lecture's overfitting idea.

    Empty when there is no history (a checkpoint may carry none).
    """
    if not history:
        return ""
    gap = generalisation_gap(history)
    if gap > MEMORISING_GAP:
        return f"Validation error ends {gap:.0%} above training error: the model has begun to memorise its training data."
    if gap > SMALL_GAP:
        return f"Validation error ends {gap:.0%} above training error: a small gap, seen data fit a little better."
    if gap < -SMALL_GAP:  # a denoiser's training error is on noisy inputs; an epoch's mean lags the improving model
        return f"Validation error ends {-gap:.0%} below training error: no sign of memorising."
    return f"Validation error ends within {abs(gap):.0%} of training error: no gap, so no sign of memorising."
