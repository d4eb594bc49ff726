"""The lecture's four families side by side: vanilla, multilayer, convolutional and regularised autoencoders (shipped
models, all trained on the same MNIST split), each with its layers, parameter count, validation error and PCA's error
at the same code size, and the same validation digits reconstructed by each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from aeviz.checkpoints import Checkpoint


@dataclass(frozen=True)
class Family:
    """One family and the shipped model that shows it."""

    name: str  # the lecture's name
    model: str  # the shipped checkpoint (aeviz.pretrain's recipes)


FAMILIES = (
    Family("vanilla", "mnist-sparse-l0"),  # 784-64-784, ReLU code, sigmoid output: the lecture's example
    Family("multilayer", "mnist-mlp-64"),  # 784-128-64-128-784
    Family("convolutional", "mnist-conv"),  # Conv2D 16-8-8 3×3 with 2×2 max-pooling, mirrored with upsampling
    Family("regularised", "mnist-sparse-l1"),  # the vanilla network with an L1 penalty λ on its code
)
SHOWN = 8  # validation digits reconstructed by every family


@dataclass(frozen=True)
class FamilyRow:
    """What the table and the sentence say of one family."""

    name: str
    layers: str  # e.g. "784-128-64-128-784"
    parameters: int
    code: int  # code units
    error: float  # validation MSE per pixel
    pca_error: float  # PCA's, with as many components as the code has units
    knn: float | None  # 5-NN accuracy on the codes (stored with the model)


def layers_text(checkpoint: Checkpoint) -> str:
    """A model's layers as the lecture writes them: widths joined by dashes, convolutions by their filters, and the
    penalty or noise it was trained with."""
    config, train = checkpoint.config, checkpoint.train_config
    if config.arch == "conv":
        text = f"conv {'-'.join(map(str, config.conv_channels))} 3×3 + 2×2 pooling → {config.latent_dim} → mirrored"
    else:
        hidden = () if config.arch == "vanilla" else config.hidden
        widths = (config.n_features, *hidden, config.latent_dim, *hidden[::-1], config.n_features)
        text = "-".join(map(str, widths))
    if train is not None and train.l1 > 0:
        text += f", L1 λ = {train.l1:g}"
    if train is not None and train.noise_std > 0:
        text += f", denoising σ = {train.noise_std:g}"
    return text


def family_rows(models: Mapping[str, Checkpoint], errors: Mapping[str, float], pca: np.ndarray) -> list[FamilyRow]:
    """One row per family ({family name: checkpoint}, {family name: validation MSE}), with PCA's validation error
    at the family's code size (`pca[k - 1]`)."""
    rows = []
    for name, checkpoint in models.items():
        k = checkpoint.config.latent_dim
        rows.append(
            FamilyRow(
                name,
                layers_text(checkpoint),
                checkpoint.config.n_parameters,
                k,
                float(errors[name]),
                float(pca[k - 1]),
                checkpoint.metrics.get("knn_accuracy"),
            )
        )
    return rows


def families_sentence(rows: Sequence[FamilyRow]) -> str:
    """Which family reconstructs best and with how many parameters, the smallest, and how each does against PCA with
    the same code size: a family that loses to PCA is said to."""
    best = min(rows, key=lambda r: r.error)
    small = min(rows, key=lambda r: r.parameters)
    beat = [r.name for r in rows if r.error < r.pca_error]
    lost = [r.name for r in rows if r.error >= r.pca_error]
    sentence = f"Lowest validation error: {best.name} ({best.error:.4f}, {best.parameters:,} parameters)."
    if small is not best:
        sentence += f" Fewest parameters: {small.name} ({small.parameters:,}), error {small.error:.4f}."
    if beat:
        sentence += f" Below PCA at the same code size: {', '.join(beat)}."
    if lost:
        sentence += f" Not below PCA at the same code size: {', '.join(lost)}."
    return sentence


def families_latex(rows: Sequence[FamilyRow]) -> str:
    """Each family's validation error beside PCA's at its code size (LaTeX)."""
    lines = [rf"\text{{{r.name} ({r.code})}}:\ {r.error:.4f}\ \text{{vs}}\ {r.pca_error:.4f}" for r in rows]
    return r"\begin{gathered} \text{family (code units): MSE vs PCA's} \\ " + r" \\ ".join(lines) + r" \end{gathered}"
