"""The shipped checkpoints: one recipe each, trained reproducibly by `aeviz pretrain` (and by the tests at a small size)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from aeviz import capacity, sweep
from aeviz.checkpoints import Checkpoint, save_checkpoint
from aeviz.data import load_dataset
from aeviz.errors import AevizError
from aeviz.models import ModelConfig
from aeviz.training import TrainConfig, fit, run_to_end


@dataclass(frozen=True)
class Recipe:
    """How one shipped checkpoint is made."""

    name: str  # checkpoint folder name
    dataset: str  # built-in dataset
    arch: str  # model family
    latent_dim: int  # code size
    train: TrainConfig  # epochs, λ, noise, seed...
    model_options: dict = field(default_factory=dict)  # other ModelConfig fields, e.g. hidden widths


# lr=1e-3 is written out: the shipped models were made with it, before TrainConfig's default became the Train page's 3e-3.
RECIPES = (
    Recipe("mnist-mlp-2d", "mnist", "mlp", 2, TrainConfig(epochs=60, lr=1e-3), {"hidden": (256, 128)}),
    Recipe("mnist-conv", "mnist", "conv", 16, TrainConfig(epochs=40, lr=1e-3, loss="bce")),
    Recipe("mnist-sparse-l1", "mnist", "vanilla", 64, TrainConfig(epochs=40, lr=1e-3, l1=3e-4)),
    Recipe("mnist-sparse-l0", "mnist", "vanilla", 64, TrainConfig(epochs=40, lr=1e-3, l1=0.0)),
    Recipe("mnist-denoise", "mnist", "conv", 32, TrainConfig(epochs=40, lr=1e-3, noise_std=0.5, loss="bce")),
    Recipe("mnist-vae-2d", "mnist", "vae", 2, TrainConfig(epochs=60, lr=1e-3), {"hidden": (256, 128)}),
    Recipe("digits-2d", "digits", "mlp", 2, TrainConfig(epochs=150, lr=1e-3, batch_size=64), {"hidden": (64, 32)}),
    Recipe("swiss-roll-2d", "swiss_roll", "mlp", 2, TrainConfig(epochs=150, lr=1e-3, batch_size=64), {"hidden": (64, 64)}),
)


CAPACITY_DIR = "capacity"  # the Capacity page's shipped reports (measurements, not models: see aeviz/capacity.py)
SWEEP_DIR = "sweep"  # the k-sweep's checkpoints: a folder of their own, so the sidebar's model list stays short
SWEEP_DATASETS = ("mnist", "digits", "swiss_roll", "s_curve")


def sweep_recipes(datasets: tuple[str, ...] = SWEEP_DATASETS) -> list[Recipe]:
    """PCA against autoencoders across k: one small checkpoint per built-in dataset, family and k (aeviz/sweep.py)."""
    recipes = []
    for name in datasets:
        data = load_dataset(name)
        for family in sweep.FAMILIES:
            config = sweep.train_config(family, data.n_features, len(data.X_train))
            options = sweep.plan(family, data.n_features)
            for k in sweep.sweep_ks(data.n_features):
                recipes.append(Recipe(sweep_name(name, family, k), name, options.arch, k, config, options.options))
    return recipes


def sweep_name(dataset: str, family: str, k: int) -> str:
    return f"{dataset}-{family}-k{k}"


def recipe(name: str) -> Recipe:
    """The recipe of the shipped checkpoint `name` (pages train variants of it, e.g. the Sparsity page's twins)."""
    found = [r for r in RECIPES if r.name == name]
    if not found:
        raise AevizError(f"no shipped recipe named {name!r}")
    return found[0]


def make(recipe: Recipe, epochs: int | None = None, keep_views: bool = True) -> Checkpoint:
    """Train one recipe to the end (optionally for fewer epochs) and return the checkpoint (with its per-epoch views
    for the epoch scrubber, unless `keep_views` is off)."""
    data = load_dataset(recipe.dataset)
    config = ModelConfig.for_data(data.n_features, data.image_shape, recipe.arch, recipe.latent_dim, **recipe.model_options)
    train_config = recipe.train if epochs is None else replace(recipe.train, epochs=epochs)
    _, checkpoint = run_to_end(fit(data, config, train_config, keep_views=keep_views))
    return checkpoint


CAPACITY_RUNS = (("mnist", 1_000),)  # the Capacity page's default run, shipped as a report


def capacity_report(dataset: str, rows: int) -> capacity.Report:
    """Train the Capacity page's five models on `rows` rows of a built-in dataset and measure them."""
    data = load_dataset(dataset)
    models = {}
    for variant, _, checkpoint in capacity.train_variants(data, rows):
        models[variant.key] = checkpoint
    return capacity.make_report(models, data, rows)


def pretrain(out: str | Path, report: Callable[[str], None] = lambda line: None) -> list[Path]:
    """Regenerate every shipped checkpoint under `out`. The k-sweep's go to out/sweep, stored as float16 and without
    per-epoch views: they are drawn as points on one chart (their recomputed errors are what tests/test_sweep.py checks).
    """
    paths = []
    for recipe, sweep_model in [*((r, False) for r in RECIPES), *((r, True) for r in sweep_recipes())]:
        checkpoint = make(recipe, keep_views=not sweep_model)
        folder = Path(out) / SWEEP_DIR if sweep_model else Path(out)
        # regenerating is replacing
        paths.append(save_checkpoint(checkpoint, recipe.name, folder, overwrite=True, half=sweep_model))
        report(f"{recipe.name}: val_mse {checkpoint.metrics['val_mse']:.4f}")
    for dataset, rows in CAPACITY_RUNS:
        path = Path(out) / CAPACITY_DIR / f"{dataset}-{rows}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(capacity.report_to_json(capacity_report(dataset, rows)))
        paths.append(path)
        report(f"capacity report {path.name}")
    return paths
