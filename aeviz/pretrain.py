"""The shipped checkpoints: one recipe each, trained reproducibly by `aeviz pretrain` (and by the tests at a small size)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from aeviz.checkpoints import Checkpoint, save_checkpoint
from aeviz.data import Dataset, load_dataset
from aeviz.evaluation import evaluate_model
from aeviz.models import ModelConfig, build_model, default_device
from aeviz.training import EpochMetrics, TrainConfig, train


@dataclass(frozen=True)
class Recipe:
    """How one shipped checkpoint is made."""

    name: str  # checkpoint folder name
    dataset: str  # built-in dataset
    arch: str  # model family
    latent_dim: int  # code size
    train: TrainConfig  # epochs, λ, noise, seed...
    model_options: dict = field(default_factory=dict)  # other ModelConfig fields, e.g. hidden widths


RECIPES = (
    Recipe("mnist-mlp-2d", "mnist", "mlp", 2, TrainConfig(epochs=60), {"hidden": (256, 128)}),
    Recipe("mnist-conv", "mnist", "conv", 16, TrainConfig(epochs=40, loss="bce")),
    Recipe("mnist-sparse-l1", "mnist", "vanilla", 64, TrainConfig(epochs=40, l1=3e-4)),
    Recipe("mnist-sparse-l0", "mnist", "vanilla", 64, TrainConfig(epochs=40, l1=0.0)),
    Recipe("mnist-denoise", "mnist", "conv", 32, TrainConfig(epochs=40, noise_std=0.5, loss="bce")),
    Recipe("mnist-vae-2d", "mnist", "vae", 2, TrainConfig(epochs=60), {"hidden": (256, 128)}),
    Recipe("digits-2d", "digits", "mlp", 2, TrainConfig(epochs=150, batch_size=64), {"hidden": (64, 32)}),
    Recipe("swiss-roll-2d", "swiss_roll", "mlp", 2, TrainConfig(epochs=150, batch_size=64), {"hidden": (64, 64)}),
)


def fit(
    data: Dataset, model_config: ModelConfig, train_config: TrainConfig, data_seed: int = 0
) -> Iterator[tuple[EpochMetrics, Checkpoint]]:
    """Build and train a model, yielding (metrics, checkpoint so far) after each epoch; the last carries eval figures."""
    model = build_model(model_config, seed=train_config.seed).to(default_device())
    checkpoint = Checkpoint(model, train_config, data.name, data_seed)
    for metrics in train(model, data, train_config):
        checkpoint.history.append(metrics.to_dict())
        checkpoint.metrics = {"val_loss": metrics.val_loss, "active_fraction": metrics.active_fraction}
        yield metrics, checkpoint
    checkpoint.metrics.update(evaluate_model(model, data))


def make(recipe: Recipe, epochs: int | None = None) -> Checkpoint:
    """Train one recipe to the end (optionally for fewer epochs) and return the checkpoint."""
    data = load_dataset(recipe.dataset)
    config = ModelConfig.for_data(data.n_features, data.image_shape, recipe.arch, recipe.latent_dim, **recipe.model_options)
    train_config = recipe.train if epochs is None else replace(recipe.train, epochs=epochs)
    *_, (_, checkpoint) = fit(data, config, train_config)
    return checkpoint


def pretrain(out: str | Path, report: Callable[[str], None] = lambda line: None) -> list[Path]:
    """Regenerate every shipped checkpoint under `out`."""
    paths = []
    for recipe in RECIPES:
        checkpoint = make(recipe)
        paths.append(save_checkpoint(checkpoint, recipe.name, out))
        report(f"{recipe.name}: val_mse {checkpoint.metrics['val_mse']:.4f}")
    return paths
