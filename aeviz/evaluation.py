"""How good a trained autoencoder is on the validation split, always next to an honest baseline: PCA with the same
number of components; for a restoring model (aeviz.tasks) the corrupted input, PCA, bicubic interpolation, the gray
photo or the colour of each brightness. Scores of restorations are per image and then averaged: PSNR in dB (data range
1, images clipped to [0, 1] as they are shown) and SSIM, both scikit-image's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from sklearn.decomposition import PCA

from aeviz.configs import ACTIVE_THRESHOLD, TrainConfig
from aeviz.datasets import Dataset
from aeviz.errors import AevizError
from aeviz.latent import encode_dataset, reconstruct, restore
from aeviz.models import Autoencoder
from aeviz.photos import brightness_rows, recolour_rows
from aeviz.projection import knn_accuracy
from aeviz.tasks import corrupt_images, gray_rows, training_corruption, upscale_input


def evaluate_model(model: Autoencoder, data: Dataset) -> dict[str, float]:
    """Validation figures of `model` and of PCA fitted on the training split with as many components as the code.

    - val_mse / pca_val_mse: mean squared error per feature on clean validation rows;
    - active_fraction: share of (sample, code unit) pairs with |a| > ACTIVE_THRESHOLD;
    - knn_accuracy / pca_knn_accuracy (labelled data): 5-NN fitted on training codes, scored on validation codes.
    """
    if data.n_features != model.config.n_features:
        raise AevizError(f"the model takes {model.config.n_features} inputs but {data.name} has {data.n_features} features")
    if model.config.head != "image":  # a recolourer's input is gray: its figures are `restoration_metrics`'
        gray = gray_rows(data.X_val)
        return {
            "val_mse": float(np.mean((restore(model, gray) - data.X_val) ** 2)),  # of its RGB colours
            "active_fraction": float(np.mean(np.abs(encode_dataset(model, gray)) > ACTIVE_THRESHOLD)),
            "latent_dim": model.config.latent_dim,
            "n_val": len(data.X_val),
        }
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


# --- restorations: PSNR, SSIM and the baselines ------------------------------------------------------------------


def psnr(clean: np.ndarray, other: np.ndarray) -> np.ndarray:
    """PSNR in dB of each row of `other` (clipped to [0, 1]) against the same row of `clean`."""
    other = np.clip(other, 0.0, 1.0)
    with np.errstate(divide="ignore"):  # an exact copy has infinite PSNR, as scikit-image says
        return np.array([peak_signal_noise_ratio(a, b, data_range=1.0) for a, b in zip(clean, other, strict=True)])


def ssim(clean: np.ndarray, other: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """SSIM of each row of `other` (clipped to [0, 1]) against the same row of `clean`, as (height, width) images
    (rows of 3 × height × width values are colour images, channel first)."""
    other = np.clip(other, 0.0, 1.0)
    channels = clean.shape[1] // (shape[0] * shape[1])
    image = (channels, *shape) if channels > 1 else shape
    axis = 0 if channels > 1 else None
    return np.array(
        [
            structural_similarity(a.reshape(image), b.reshape(image), data_range=1.0, channel_axis=axis)
            for a, b in zip(clean, other, strict=True)
        ]
    )


@dataclass(frozen=True)
class Score:
    """Mean PSNR (dB) and SSIM of a restoration over a set of images."""

    psnr: float
    ssim: float

    @property
    def text(self) -> str:
        """The two as every page prints them (an exact copy's infinite PSNR as "∞ dB", not "inf dB")."""
        return f"{number(self.psnr, 1)} dB · SSIM {self.ssim:.2f}"


def number(value: float, digits: int) -> str:
    """A score as a page prints it: `digits` decimals, and ∞ for an exact copy's PSNR."""
    return ("−∞" if value < 0 else "∞") if math.isinf(value) else f"{value:.{digits}f}"


def score(clean: np.ndarray, other: np.ndarray, shape: tuple[int, int]) -> Score:
    """Mean PSNR and SSIM of the rows `other` against `clean`, as (height, width) images."""
    return Score(float(np.mean(psnr(clean, other))), float(np.mean(ssim(clean, other, shape))))


def pca_restore(X_train: np.ndarray, X_in: np.ndarray, n_components: int) -> np.ndarray:
    """The linear baseline: PCA fitted on clean training rows, the corrupted rows recast through its components."""
    n_components = min(n_components, *X_train.shape)
    pca = PCA(n_components=n_components, random_state=0).fit(X_train)
    return pca.inverse_transform(pca.transform(X_in)).astype(np.float32)


def restoration_metrics(model: Autoencoder, train_config: TrainConfig, data: Dataset, seed: int = 0) -> dict[str, float]:
    """Validation PSNR/SSIM of a restoring model next to its baselines (empty for a plain autoencoder).

    A denoiser, at the corruption it was trained on: the corrupted input, PCA with as many components as the code, the
    model. An upscaler: bicubic interpolation (its own input) and the model. A recolourer: the grayscale input, the
    average colour of each brightness level in the training photos, and the model.
    """
    shape = data.image_shape
    if shape is None or not train_config.restores:
        return {}
    X = data.X_val
    if train_config.restores == "colour":
        baselines = {"gray": gray_rows(X), "brightness": brightness_rows(X, tuple(shape))}
        found = {**baselines, "model": recolour_rows(model, X, tuple(shape))}
    else:
        if train_config.restores == "resolution":
            X_in = upscale_input(X, tuple(shape))
            baselines = {"bicubic": X_in}
        else:
            X_in = corrupt_images(X, *training_corruption(train_config.noise_std, train_config.mask_prob), seed=seed)
            baselines = {"corrupted": X_in, "pca": pca_restore(data.X_train, X_in, model.config.latent_dim)}
        found = {**baselines, "model": restore(model, X_in)}
    result = {}
    for name, other in found.items():
        scored = score(X, other, tuple(shape))
        result[f"{name}_psnr"], result[f"{name}_ssim"] = scored.psnr, scored.ssim
    return result


# --- one sentence from the numbers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What a verdict compares: a score's name, how it is printed, and which way is better."""

    name: str
    digits: int  # decimals printed
    unit: str = ""
    higher_is_better: bool = True


PSNR = Measure("PSNR", 1, " dB")
SSIM = Measure("SSIM", 3)
COLOUR_DIFFERENCE = Measure("mean absolute difference to the true colours per channel", 3, higher_is_better=False)
RESTORATION = (PSNR, SSIM)


def leaders(values: Mapping[str, Sequence[float]], measures: Sequence[Measure]) -> dict[str, str]:
    """{measure name: the key of `values` best on it} (the model first on a tie); values[key][i] is on measures[i]."""
    order = ["model", *(key for key in values if key != "model")]
    found = {}
    for i, measure in enumerate(measures):
        pick = max if measure.higher_is_better else min
        found[measure.name] = pick(order, key=lambda key, i=i: values[key][i])
    return found


def verdict(
    setting: str,
    model: str,
    values: Mapping[str, Sequence[float]],
    names: Mapping[str, str],
    measures: Sequence[Measure],
    wins: str,
    loses: str,
) -> str:
    """One sentence on a model against its baselines, computed from the numbers, for every application page.

    values[key][i] is entry `key`'s value on measures[i]; "model" is the model, the other keys its baselines, `names`
    what each is called. The model wins only where it is best on every measure; otherwise the sentence says which
    entry is best on each. E.g. "At Gaussian noise σ = 0.5 the denoiser restores best on the validation split. PSNR:
    denoiser 17.6 dB, PCA 16.6 dB; SSIM: denoiser 0.766, PCA 0.616."
    """
    order = ["model", *(key for key in values if key != "model")]
    best = list(leaders(values, measures).values())
    figures = "; ".join(
        f"{m.name}: " + ", ".join(f"{names[key]} {number(values[key][i], m.digits)}{m.unit}" for key in order)
        for i, m in enumerate(measures)
    )
    figures = figures[0].upper() + figures[1:]
    if all(leader == "model" for leader in best):
        return f"{setting} {model} {wins}. {figures}."
    if len(set(best)) == 1:
        said = f"{names[best[0]]} is best on {' and '.join(m.name for m in measures)}"
    else:
        said = "; ".join(f"best on {m.name}: {names[leader]}" for m, leader in zip(measures, best, strict=True))
    return f"{setting} {model} {loses} ({said}). {figures}."


def score_values(scores: Mapping[str, Score]) -> dict[str, tuple[float, float]]:
    """{key: (PSNR, SSIM)}: the values `verdict` compares on RESTORATION."""
    return {key: (found.psnr, found.ssim) for key, found in scores.items()}
