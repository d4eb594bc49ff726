"""The shipped checkpoints: one recipe each, trained reproducibly by `aeviz pretrain` (and by the tests at a small size)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from aeviz import capacity, sparsity, sweep
from aeviz.checkpoints import Checkpoint, save_checkpoint
from aeviz.datasets import load_dataset
from aeviz.errors import AevizError
from aeviz.fitting import fit
from aeviz.models import ModelConfig
from aeviz.training import TrainConfig, run_to_end


@dataclass(frozen=True)
class Recipe:
    """How one shipped checkpoint is made."""

    name: str  # checkpoint folder name
    dataset: str  # built-in dataset
    arch: str  # model family
    latent_dim: int  # code size
    train: TrainConfig  # epochs, λ, noise, seed...
    model_options: dict = field(default_factory=dict)  # other ModelConfig fields, e.g. hidden widths


# The denoiser: on MNIST validation digits with noise σ = 0.5 (aeviz/tasks.py), this multilayer 784-256-128-32
# reached 17.6 dB after 80 epochs, its clean-trained twin 13.4 dB and PCA with 32 components 16.7 dB. A 784-512-256-32
# reached 18.0 dB, but it and its three twins of the noise grid took 11 MB (these take 4 MB). The conv family's 32-unit
# dense code (the shipped model until #10) reached 14.8 dB, no better than a model that never saw noise.
DENOISER = {"hidden": (256, 128)}
# The upscaler: the lecture's conv shape without the dense bottleneck (two 32-filter stages, the 7×7×32 feature map is
# the code) reached 23.2 dB / SSIM 0.946 on validation against bicubic's 19.8 dB / 0.834; a multilayer 784-512-256-64
# reached 18.1 dB, worse than bicubic (a narrow code loses the detail it should add).
UPSCALER = {"conv_channels": (32, 32), "conv_code": "spatial"}
# The face upscaler: a skip path (the output is the bicubic input plus what the decoder adds) around one pooling stage
# of 24 filters (a 13×13×24 code); on the 40 validation pictures 32.59 dB / SSIM 0.909 against bicubic's 31.99 / 0.892.
# Tried: the photo upscaler's two stages of 32 (100 epochs) 31.92 dB, below bicubic; one stage of 16, 200 epochs: 32.42.
FACE_UPSCALER = {"conv_channels": (24,), "conv_code": "spatial", "residual": True, "output_activation": "linear"}
FACE_UPSCALING = TrainConfig(epochs=400, batch_size=32, lr=1e-3, task="upscale")
# lr=1e-3 is written out: the shipped models were made with it, before TrainConfig's default became the Train page's 3e-3.
RECIPES = (
    Recipe("mnist-mlp-2d", "mnist", "mlp", 2, TrainConfig(epochs=60, lr=1e-3), {"hidden": (256, 128)}),
    Recipe("mnist-conv", "mnist", "conv", 16, TrainConfig(epochs=40, lr=1e-3, loss="bce")),
    # the lecture's multilayer example, 784-128-64-128-784: one of the four families side by side (aeviz.families)
    Recipe("mnist-mlp-64", "mnist", "mlp", 64, TrainConfig(epochs=40, lr=1e-3), {"hidden": (128,)}),
    Recipe("mnist-sparse-l1", "mnist", "vanilla", 64, TrainConfig(epochs=40, lr=1e-3, l1=3e-4)),
    Recipe("mnist-sparse-l0", "mnist", "vanilla", 64, TrainConfig(epochs=40, lr=1e-3, l1=0.0)),
    Recipe("mnist-denoise", "mnist", "mlp", 32, TrainConfig(epochs=80, lr=1e-3, noise_std=0.5, task="denoise"), DENOISER),
    Recipe("mnist-upscale", "mnist", "conv", 1568, TrainConfig(epochs=20, lr=3e-3, loss="bce", task="upscale"), UPSCALER),
    Recipe("mnist-vae-2d", "mnist", "vae", 2, TrainConfig(epochs=60, lr=1e-3), {"hidden": (256, 128)}),
    Recipe("digits-2d", "digits", "mlp", 2, TrainConfig(epochs=150, lr=1e-3, batch_size=64), {"hidden": (64, 32)}),
    # 100 faces and 100 other pictures (scikit-image's lfw_subset): a 2-D code to walk from one face to another
    Recipe("faces-2d", "faces", "mlp", 2, TrainConfig(epochs=150, lr=1e-3, batch_size=32), {"hidden": (256, 128)}),
    Recipe("faces-upscale", "faces", "conv", 24 * 13 * 13, FACE_UPSCALING, FACE_UPSCALER),
    Recipe("swiss-roll-2d", "swiss_roll", "mlp", 2, TrainConfig(epochs=150, lr=1e-3, batch_size=64), {"hidden": (64, 64)}),
)


SPARSITY_DIR = "sparsity"  # the Sparsity page's shipped λ sweep (measurements: [(λ, active fraction, error)])
LAMBDA_SWEEP = "mnist-lambda-sweep.json"
CAPACITY_DIR = "capacity"  # the Capacity page's shipped reports (measurements, not models: see aeviz/capacity.py)
DENOISE_DIR = "denoise"  # the Denoising page's other training noise levels (σ = 0 is the clean-trained twin)
DENOISE_LEVELS = (0.0, 0.25, 0.5, 0.75)  # training σ of the train-noise × test-noise grid; 0.5 is mnist-denoise
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


def denoise_recipes() -> list[Recipe]:
    """mnist-denoise's twins at the grid's other training noise levels (σ = 0: trained on clean digits)."""
    shipped = recipe("mnist-denoise")
    return [
        replace(shipped, name=denoise_name(level), train=replace(shipped.train, noise_std=level, task=task))
        for level, task in ((level, "denoise" if level > 0 else "reconstruct") for level in DENOISE_LEVELS)
        if level != shipped.train.noise_std
    ]


RECOLOUR_DIR = "recolour"  # the Recolouring page's model: photo patches, not a dataset the other pages can show


UPSCALE_DIR = "upscale"  # the Upscaling page's photo model (photo patches: not a dataset the other pages show)


def photo_upscale_recipe() -> Recipe:
    """2× upscaling of the packaged photos' 32×32 RGB patches: the MNIST upscaler's shape with 3 channels. Measured on
    the held-out photo it stays far below bicubic (README): the page says so."""
    options = {"conv_channels": (32, 32), "conv_code": "spatial", "channels": 3}
    return Recipe(
        "photos-upscale", "all-photos", "conv", 32 * 8 * 8, TrainConfig(epochs=20, lr=3e-3, task="upscale"), options
    )


def residual_upscale_recipe() -> Recipe:
    """The photo upscaler with a skip path: the bottleneck model's network and code (`photo_upscale_recipe`), its
    output the input (bicubic) plus what the decoder adds, trained with MSE. On the held-out photo it beats bicubic
    (README), where the same network without the skip loses by 10 dB."""
    bottleneck = photo_upscale_recipe()
    options = bottleneck.model_options | {"residual": True, "output_activation": "linear"}
    train = replace(bottleneck.train, lr=1e-3)
    return replace(bottleneck, name="photos-upscale-residual", train=train, model_options=options)


def photo_upscale_recipes() -> list[Recipe]:
    """The Upscaling page's two photo models: the bottleneck autoencoder and the same network with a skip path."""
    return [photo_upscale_recipe(), residual_upscale_recipe()]


RECOLOURERS = {"ab": "regression (MSE)", "ab-bins": "colour distribution, rare colours re-weighted"}


def recolour_recipes() -> list[Recipe]:
    """The Recolouring page's two models, side by side: the same network with each colour head."""
    return [recolour_recipe(head) for head in RECOLOURERS]


def recolour_recipe(head: str = "ab-bins", epochs: int = 30) -> Recipe:
    """A recolourer of 32×32 RGB patches of the training photos (aeviz/photos.py): the conv shape without a bottleneck
    (two stages of 32 filters, the 8×8×32 feature map is the code), its input the patch's brightness, its output the
    CIELAB colour (aeviz.colours): a*, b* with a squared error ("ab"), or a distribution over colour bins with the
    rare-colour-weighted cross-entropy ("ab-bins"). Measured on the held-out photo: see README."""
    options = {"conv_channels": (32, 32), "conv_code": "spatial", "channels": 3, "head": head}
    options["output_activation"] = "linear"
    train = TrainConfig(epochs=epochs, lr=3e-3, task="recolour", loss="ce" if head == "ab-bins" else "mse")
    return Recipe(f"photos-recolour-{head}", "photos", "conv", 32 * 8 * 8, train, options)


def denoise_name(level: float) -> str:
    return f"mnist-denoise-s{level:g}"


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


def lambda_sweep_results(epochs: int = sparsity.SWEEP_EPOCHS) -> list[tuple[float, float, float]]:
    """The Sparsity page's λ sweep on the twins' model and data (784-64-784 on MNIST), one short training per λ."""
    twin = recipe("mnist-sparse-l0")
    data = load_dataset(twin.dataset)
    config = ModelConfig.for_data(data.n_features, data.image_shape, twin.arch, twin.latent_dim, **twin.model_options)
    train_config = replace(twin.train, epochs=epochs)
    return [
        (lam, report.active_fraction, report.reconstruction_mse)
        for lam, report in sparsity.lambda_sweep(data, config, sparsity.SWEEP_LAMBDAS, train_config)
    ]


def pretrain(out: str | Path, report: Callable[[str], None] = lambda line: None) -> list[Path]:
    """Regenerate every shipped checkpoint under `out`. The k-sweep's go to out/sweep and the denoiser's twins to
    out/denoise, stored as float16 and without per-epoch views: they are points on one chart or cells of one grid (their
    recomputed errors are what tests/test_sweep.py and tests/test_applications.py check)."""
    paths = []
    extra = [(r, SWEEP_DIR) for r in sweep_recipes()] + [(r, DENOISE_DIR) for r in denoise_recipes()]
    extra += [(r, RECOLOUR_DIR) for r in recolour_recipes()] + [(r, UPSCALE_DIR) for r in photo_upscale_recipes()]
    for recipe, subfolder in [*((r, "") for r in RECIPES), *extra]:
        checkpoint = make(recipe, keep_views=not subfolder)
        # regenerating is replacing
        paths.append(save_checkpoint(checkpoint, recipe.name, Path(out) / subfolder, overwrite=True, half=bool(subfolder)))
        report(f"{recipe.name}: val_mse {checkpoint.metrics['val_mse']:.4f}")
    for dataset, rows in CAPACITY_RUNS:
        path = Path(out) / CAPACITY_DIR / f"{dataset}-{rows}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(capacity.report_to_json(capacity_report(dataset, rows)))
        paths.append(path)
        report(f"capacity report {path.name}")
    path = Path(out) / SPARSITY_DIR / LAMBDA_SWEEP
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sparsity.sweep_to_json(lambda_sweep_results(), sparsity.SWEEP_EPOCHS))
    paths.append(path)
    report(f"λ sweep {path.name}")
    return paths
