"""PCA against autoencoders across code sizes k: one validation error per k for PCA (exact, every k) and for trained
autoencoders (a multilayer one, and a linear one that should land on PCA's curve), with the principal angles between
the linear decoder's span and PCA's subspace.

Measured on MNIST-5k (4,000 training images, same split): the multilayer 784-128-k-128-784 autoencoder has a lower
validation error than PCA up to k = 32 and a higher one at k = 64, where 4,000 images are too few for its 218 k
weights; a linear 784-k-784 autoencoder trained with MSE ends within a few percent of PCA's error at every k.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA

from aeviz.checkpoints import Checkpoint
from aeviz.configs import check_runs
from aeviz.datasets import Dataset
from aeviz.fitting import fit
from aeviz.jobhandle import JobHandle
from aeviz.latent import reconstruct
from aeviz.models import Autoencoder, ModelConfig
from aeviz.training import EpochMetrics, TrainConfig
from aeviz.wording import article

SWEEP_KS = (1, 2, 4, 8, 16, 32, 64)
FAMILIES = {"mlp": "multilayer autoencoder", "linear": "linear autoencoder"}
SMALL_TABLE = 16  # at most this many features (the swiss roll has 3): a deeper, narrower net trained for more steps
MAX_SWEEP_EPOCHS = 500
ON_THE_CURVE = 0.05  # a linear autoencoder within 5 % of PCA's error "lands on PCA's curve"


@dataclass(frozen=True)
class Plan:
    """How one family of the sweep is trained on data of a given size (the same for every k)."""

    options: dict  # ModelConfig fields besides arch and k
    arch: str
    steps: int  # optimiser steps, whatever the number of rows: a sweep costs the same on a small or a large file
    lr: float


def plan(family: str, n_features: int) -> Plan:
    """The recipe of `family` ("mlp" or "linear") for data with `n_features` columns or pixels.

    Chosen by measurement (MNIST, digits, swiss roll, S-curve): 784-128-k-128-784 for 640 steps at lr 0.003 beat
    40 epochs at lr 0.001; the swiss roll needs 3-64-64-k for 3,000 steps (validation MSE 0.04 at k = 2, against 0.14
    with one layer of 128); the linear autoencoder reaches PCA's error at lr 0.01.
    """
    if family == "linear":
        return Plan({"code_activation": "linear", "output_activation": "linear"}, "vanilla", 1_280, 1e-2)
    if family != "mlp":
        raise ValueError(f"unknown sweep family {family!r}")
    if n_features <= SMALL_TABLE:
        return Plan({"hidden": (64, 64)}, "mlp", 3_000, 3e-3)
    return Plan({"hidden": (128,)}, "mlp", 640, 3e-3)


def sweep_ks(n_features: int) -> tuple[int, ...]:
    """The k of the sweep that are codes smaller than the input (the swiss roll's 3 columns: 1 and 2)."""
    return tuple(k for k in SWEEP_KS if k < n_features)


def model_config(family: str, k: int, n_features: int, image_shape: tuple[int, int] | None) -> ModelConfig:
    recipe = plan(family, n_features)
    return ModelConfig.for_data(n_features, image_shape, recipe.arch, k, **recipe.options)


def train_config(family: str, n_features: int, n_train: int, batch_size: int = 128) -> TrainConfig:
    """Epochs that give the plan's number of steps on `n_train` rows (at least 5; at most MAX_SWEEP_EPOCHS, since
    every epoch also evaluates on the validation split, and a file of 100 rows would otherwise need 3,000)."""
    recipe = plan(family, n_features)
    epochs = min(MAX_SWEEP_EPOCHS, max(5, round(recipe.steps / math.ceil(n_train / batch_size))))
    return TrainConfig(epochs=epochs, lr=recipe.lr, batch_size=batch_size)


def check_sweep(data: Dataset) -> float:
    """The sweep's work (every family at every k), or AevizError beyond the server's limits, before it queues."""
    runs = []
    for family in FAMILIES:
        epochs = train_config(family, data.n_features, len(data.X_train)).epochs
        for k in sweep_ks(data.n_features):
            runs.append((model_config(family, k, data.n_features, data.image_shape), len(data.X_train), epochs))
    return check_runs(runs, f"the k-sweep on {data.name}")


def train_sweep(
    data: Dataset, families: Sequence[str] = tuple(FAMILIES), ks: Sequence[int] | None = None
) -> Iterator[tuple[str, int, EpochMetrics, Checkpoint]]:
    """Train one autoencoder per family and k on `data`; yields (family, k, metrics, checkpoint so far) after every
    epoch, so a page can show progress. The last checkpoint of each (family, k) is the finished model."""
    for family in families:
        config = train_config(family, data.n_features, len(data.X_train))
        for k in sweep_ks(data.n_features) if ks is None else ks:
            shape = model_config(family, k, data.n_features, data.image_shape)
            for metrics, checkpoint in fit(data, shape, config, keep_views=False):  # no scrubber: it is a point
                yield family, k, metrics, checkpoint


def family_of(config: ModelConfig) -> str:
    """ "linear" for a linear autoencoder (no non-linearity anywhere), else "mlp"."""
    linear = config.arch == "vanilla" and config.code_activation == config.output_activation == "linear"
    return "linear" if linear else "mlp"


def pca_errors(data: Dataset, max_k: int, split: str = "validation") -> np.ndarray:
    """PCA's MSE per feature on the validation (or "training") split for every k = 1 … max_k (entry k - 1), fitted
    on the training split.

    One fit gives them all: with orthonormal components, ‖x - V_kᵀV_k x‖² = ‖x‖² - ‖V_k x‖² for centred x.
    """
    max_k = min(max_k, data.n_features, len(data.X_train))
    pca = PCA(n_components=max_k, random_state=0).fit(data.X_train)
    X = data.X_train if split == "training" else data.X_val
    centred = (X - pca.mean_).astype(np.float64)
    projected = centred @ pca.components_.T.astype(np.float64)
    total = np.sum(centred**2)
    explained = np.cumsum(np.sum(projected**2, axis=0))
    return (total - explained) / centred.size


def val_error(model: Autoencoder, data: Dataset, split: str = "validation") -> float:
    """The model's MSE per feature on the validation (or "training") split."""
    X = data.X_train if split == "training" else data.X_val
    return float(np.mean((reconstruct(model, X) - X) ** 2))


def principal_angles(model: Autoencoder, data: Dataset) -> np.ndarray:
    """Angles in degrees, smallest first, between a linear autoencoder's decoder span (the columns of its weight) and
    the span of PCA's first k components on the training split."""
    if family_of(model.config) != "linear":
        raise ValueError("principal angles are defined here for the linear autoencoder")
    weight = model.decoder[0].weight.detach().cpu().numpy().astype(np.float64)  # (n_features, k)
    k = weight.shape[1]
    components = PCA(n_components=k, random_state=0).fit(data.X_train).components_.T
    return np.sort(np.degrees(subspace_angles(weight, components)))


def compare_sentence(ks: Sequence[int], errors: Sequence[float], pca: np.ndarray) -> str:
    """Where the multilayer autoencoder beats PCA and where it loses, from the numbers (pca[k - 1] is PCA at k)."""
    wins = [k for k, e in zip(ks, errors, strict=True) if e < pca[k - 1]]
    losses = [k for k in ks if k not in wins]
    ratio = {k: e / pca[k - 1] for k, e in zip(ks, errors, strict=True)}
    parts = []
    if wins:
        best = min(wins, key=ratio.get)
        parts.append(f"below PCA's at k = {_list(wins)} ({_at(wins, best)}{1 - ratio[best]:.0%} lower)")
    if losses:
        worst = max(losses, key=ratio.get)
        parts.append(f"above PCA's at k = {_list(losses)} ({_at(losses, worst)}{ratio[worst] - 1:.0%} higher)")
    return "The multilayer autoencoder's validation error is " + "; ".join(parts) + "."


def largest_loss(ks: Sequence[int], errors: Sequence[float], pca: np.ndarray) -> int | None:
    """The k where a family's validation error is furthest above PCA's (relatively), or None if it never is."""
    ratio = {k: e / pca[k - 1] for k, e in zip(ks, errors, strict=True) if e > pca[k - 1]}
    return max(ratio, key=ratio.get) if ratio else None


def reason_sentence(k: int, train: float, val: float, pca_train: float, steps: int) -> str:
    """Why the multilayer autoencoder is above PCA at k, from its training error: above PCA's on the training rows
    too is learning less than PCA in `steps` steps (under-training); below it there, memorising."""
    gap = val / train - 1
    if train > pca_train:
        return (
            f"Why it loses at k = {k}: even on its own training rows its error is above PCA's ({train:.4f} against "
            f"{pca_train:.4f}), and its validation error is only {gap:.0%} above its training error. In {steps:,} "
            "optimiser steps it has learnt less than PCA computes exactly: under-training, not memorising. A longer "
            "run or more images would move it; PCA needs neither."
        )
    return (
        f"Why it loses at k = {k}: on its training rows it beats PCA ({train:.4f} against {pca_train:.4f}), on new "
        f"rows it does not, {gap:.0%} above its training error: it has memorised its training images."
    )


def linear_sentence(ks: Sequence[int], errors: Sequence[float], pca: np.ndarray) -> str:
    """Whether the linear autoencoder landed on PCA's curve (within ON_THE_CURVE), from the numbers."""
    gaps = {k: e / pca[k - 1] - 1 for k, e in zip(ks, errors, strict=True)}
    on = [k for k, g in gaps.items() if g <= ON_THE_CURVE]
    off = [k for k in gaps if k not in on]
    if not off:
        return f"The linear autoencoder lands on PCA's curve: within {ON_THE_CURVE:.0%} of PCA's error at every k."
    worst = max(off, key=gaps.get)
    start = f"The linear autoencoder is within {ON_THE_CURVE:.0%} of PCA's error at k = {_list(on)}; " if on else ""
    return start + f"at k = {_list(off)} it has not reached PCA's curve ({_at(off, worst)}{gaps[worst]:.0%} above)."


def linear_note(ks: Sequence[int], errors: Sequence[float], pca: np.ndarray) -> str:
    """A few words for the chart: the k where the linear autoencoder is on PCA's curve (empty if none)."""
    on = [k for k, e in zip(ks, errors, strict=True) if e / pca[k - 1] - 1 <= ON_THE_CURVE]
    return f"linear autoencoder on PCA's curve (within {ON_THE_CURVE:.0%}) at k = {_list(on)}" if on else ""


def angles_sentence(angles: np.ndarray, error: float, pca_error: float) -> str:
    """What a linear autoencoder's principal angles (degrees) and its error against PCA's say, from the numbers."""
    k = len(angles)
    return (
        f"The decoder of the linear autoencoder spans {article(str(k))} {k}-dimensional subspace. Its principal angles to "
        f"PCA's first "
        f"{k} components: median **{np.median(angles):.1f}°**, largest **{np.max(angles):.1f}°** (0° = the same "
        f"directions). Its validation error is {error:.4f} against PCA's {pca_error:.4f} ({error / pca_error - 1:+.1%}). "
        "A linear autoencoder trained with squared error has PCA's subspace as its optimum, but not PCA's axes: its "
        "code is any invertible mix of the components."
    )


def _at(ks: Sequence[int], k: int) -> str:
    """ "at k = 8: " when several k are listed, nothing when there is one."""
    return f"at k = {k}: " if len(ks) > 1 else ""


def _list(ks: Sequence[int]) -> str:
    return ", ".join(str(k) for k in ks)


def k_sweep_job(job: JobHandle, data: Dataset) -> dict[tuple[str, int], Checkpoint]:
    """`train_sweep` as a job of the class's pool (aeviz.jobs): progress after every epoch; {(family, k): model}."""
    check_sweep(data)
    ks = sweep_ks(data.n_features)
    epochs = {family: train_config(family, data.n_features, len(data.X_train)).epochs for family in FAMILIES}
    total, finished = sum(epochs.values()) * len(ks), {}
    for done, (family, k, metrics, checkpoint) in enumerate(train_sweep(data), start=1):
        job.report(done / total, f"{FAMILIES[family]}, k = {k}: epoch {metrics.epoch}/{epochs[family]}")
        finished[family, k] = checkpoint
    return finished
