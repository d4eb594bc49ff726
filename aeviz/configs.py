"""The configs of a model and of its training: frozen dataclasses saved as JSON next to the weights.

Kept free of torch so that listing and describing checkpoints (the sidebar, the home page) starts fast.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields

from aeviz.colours import HEADS, head_channels
from aeviz.errors import AevizError
from aeviz.tasks import check_task, describe_input, restores

ACTIVATIONS = ("relu", "linear", "sigmoid", "tanh")
ARCHS = ("vanilla", "mlp", "conv", "vae")
MAX_LATENT = 4_096
# Limits that protect a shared server: every model is checked against them before a tensor is allocated (a page's
# hidden widths, a CLI flag, a checkpoint's meta.json). 8 M parameters is 32 MB of float32; the largest shipped model
# has 1.3 M. AEVIZ_MAX_PARAMETERS raises it on a machine of one's own.
MAX_FEATURES = 4_096  # inputs per row (64 x 64 pixels)
MAX_WIDTH = 4_096  # units in one hidden layer
MAX_LAYERS = 8  # hidden layers before the code
MAX_CHANNELS = 256  # filters in one conv stage
MAX_CONV_STAGES = 4
MAX_PARAMETERS = int(os.environ.get("AEVIZ_MAX_PARAMETERS", 8_000_000))
MAX_EPOCHS = 1_000
# The work of one training, epochs × training rows × parameters: a proxy for its CPU time (the Train page's default,
# 15 × 4,000 × 469,010 = 2.8e10, trains in a few seconds here; a conv model does more per parameter). 2e12 allows the
# page's largest epochs with a few million parameters; AEVIZ_MAX_WORK changes it.
MAX_WORK = float(os.environ.get("AEVIZ_MAX_WORK", 2e12))
MAX_BATCH = 65_536
VIEW_SAMPLES = 1_000  # validation rows shown in latent scatters, and kept per epoch by training (the epoch scrubber)
ACTIVE_THRESHOLD = 1e-3  # a code unit counts as active for a sample when |a| exceeds this

# The one home of the defaults: the Train page, `aeviz train` and bench/bench_app.py all start from DEFAULT_DATASET,
# ModelConfig() and TrainConfig(). Chosen so that the first run makes the lecture's point: on MNIST, a 2-D code from a
# 784-256-128-2 MLP trained 15 epochs at lr 0.003 separates the digits clearly better than PCA with 2 components
# (5-NN accuracy 0.63 against 0.42; with 128,64 and lr 0.001 for 20 epochs it was 0.414 against 0.415, no lesson).
# tests/test_cli.py keeps that margin.
DEFAULT_DATASET = "mnist"
# Inputs per row of each built-in dataset (tests/test_datasets.py checks them against the data): a checkpoint that says it
# was trained on one of them must have as many, or every page would fail on its first matrix product.
DATASET_FEATURES = {"mnist": 784, "digits": 64, "faces": 625, "swiss_roll": 3, "s_curve": 3}
DATASET_FEATURES |= {"photos": 3 * 32 * 32, "all-photos": 3 * 32 * 32}


def _whole(name: str, value, low: int, high: int) -> None:
    """`value` must be a whole number (not a bool or a float) in [low, high]."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise AevizError(f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise AevizError(f"{name} must be between {low} and {high:,}, got {value:,}")


def _finite(name: str, value, low: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
        raise AevizError(f"{name} must be a finite number of at least {low:g}, got {value!r}")


def _known_fields(cls, meta: dict, what: str) -> dict:
    """meta's values for the dataclass `cls`, lists as tuples; a key `cls` does not know is an error."""
    unknown = set(meta) - {f.name for f in fields(cls)}
    if unknown:
        raise AevizError(f"unknown {what} settings: {', '.join(sorted(unknown))}")
    return {k: tuple(v) if isinstance(v, list) else v for k, v in meta.items()}


def parse_widths(text: str) -> tuple[int, ...]:
    """Hidden-layer widths from text such as "256,128"."""
    try:
        widths = tuple(int(w) for w in text.replace(" ", "").split(",") if w)
    except ValueError:
        raise AevizError(f"hidden widths must be whole numbers separated by commas, e.g. 256,128 (got {text!r})") from None
    if not widths or min(widths) < 1:
        raise AevizError(f"hidden widths must be positive whole numbers, e.g. 256,128 (got {text!r})")
    return widths


@dataclass(frozen=True)
class ModelConfig:
    """The shape of an autoencoder; saved as JSON next to the weights and rebuilt with `ModelConfig.from_dict`."""

    arch: str = "mlp"  # vanilla | mlp | conv | vae
    n_features: int = 784  # input size (pixels or columns)
    latent_dim: int = 2  # code units: < n_features undercomplete, = complete, > overcomplete
    hidden: tuple[int, ...] = (256, 128)  # encoder widths before the code (mlp, vae); the decoder mirrors them
    image_shape: tuple[int, int] | None = None  # (height, width); required by conv
    conv_channels: tuple[int, ...] = (16, 8, 8)  # conv filters per stage, each followed by 2×2 max-pooling
    conv_code: str = "dense"  # conv: "dense" (a Linear bottleneck of latent_dim) or "spatial" (the last feature map)
    channels: int = 1  # values per pixel: 1 (grayscale) or 3 (RGB rows, channel first: all red, all green, all blue)
    code_activation: str = "linear"  # relu | linear; the lecture's vanilla and sparse models use relu
    output_activation: str = "sigmoid"  # sigmoid for images in [0, 1], linear for standardised tables
    residual: bool = False  # conv: the output is the input plus what the decoder adds (a skip path around the code)
    head: str = "image"  # what the decoder gives back: "image" (its input's shape) or a recolourer's CIELAB colour
    # channels from RGB rows, "ab" (a*, b* per pixel) or "ab-bins" (a score per colour bin per pixel): aeviz.colours

    def __post_init__(self) -> None:
        """Types and sizes are checked here, before any tensor exists: a config from a page, a flag or a checkpoint's
        meta.json that would not fit the server's limits is refused with a message (never a 40 GB allocation)."""
        if self.arch not in ARCHS:
            raise AevizError(f"unknown family {self.arch!r}: choose one of {', '.join(ARCHS)}")
        _whole("the latent size", self.latent_dim, 1, MAX_LATENT)
        _whole("the number of input features", self.n_features, 2, MAX_FEATURES)
        for name, values, high, most in (
            ("hidden widths", self.hidden, MAX_WIDTH, MAX_LAYERS),
            ("conv channels", self.conv_channels, MAX_CHANNELS, MAX_CONV_STAGES),
        ):
            if not isinstance(values, tuple) or len(values) > most:
                raise AevizError(f"{name} must be a list of at most {most} numbers, got {values!r}")
            for value in values:
                _whole(name, value, 1, high)
        if not self.conv_channels:
            raise AevizError("the conv family needs at least one channel count")
        if self.arch == "conv" and self.image_shape is None:
            raise AevizError("the convolutional family needs image data (choose mnist, digits or an image file)")
        if self.image_shape is not None:
            if not isinstance(self.image_shape, tuple) or len(self.image_shape) != 2:
                raise AevizError(f"the image shape must be (height, width), got {self.image_shape!r}")
            for side in self.image_shape:
                _whole("an image side", side, 1, MAX_FEATURES)
            if self.image_shape[0] * self.image_shape[1] * self.channels != self.n_features:
                raise AevizError(f"image shape {self.image_shape} does not hold {self.n_features} features")
        if self.channels not in (1, 3):
            raise AevizError(f"images have 1 (grayscale) or 3 (colour) channels, got {self.channels!r}")
        if self.channels != 1 and self.image_shape is None:
            raise AevizError("colour channels need an image shape")
        if self.conv_code not in ("dense", "spatial"):
            raise AevizError(f"the conv code must be dense or spatial, got {self.conv_code!r}")
        if self.arch == "conv" and self.conv_code == "spatial" and self.latent_dim != self.feature_map_size:
            raise AevizError(
                f"a spatial code is the last feature map: {self.feature_map_size} units with these channels, "
                f"not {self.latent_dim}"
            )
        if not isinstance(self.residual, bool):
            raise AevizError(f"residual must be true or false, got {self.residual!r}")
        if self.residual and (self.arch != "conv" or self.output_activation != "linear"):
            raise AevizError("a residual model is a conv model with a linear output (it adds to its input)")
        if self.head not in HEADS:
            raise AevizError(f"unknown head {self.head!r}: choose one of {', '.join(HEADS)}")
        if self.head != "image" and (
            self.arch != "conv" or self.channels != 3 or self.residual or self.output_activation != "linear"
        ):
            raise AevizError("a colour head belongs to a conv model of RGB images with a linear output, without a skip path")
        if self.code_activation not in ACTIVATIONS or self.output_activation not in ACTIVATIONS:
            raise AevizError(f"activations must be one of {', '.join(ACTIVATIONS)}")
        if self.n_parameters > MAX_PARAMETERS:
            raise AevizError(
                f"this model would have {self.n_parameters:,} parameters, more than this server's limit of "
                f"{MAX_PARAMETERS:,}: choose smaller hidden widths or a smaller code"
            )

    @property
    def feature_map_size(self) -> int:
        """conv: values in the encoder's last feature map (channels × height × width after 2×2 max-pooling with ceil
        mode, Keras' padding='same': 28 → 14 → 7 → 4); 0 without an image shape."""
        if self.image_shape is None:
            return 0
        height, width = self.image_shape
        for _ in self.conv_channels:
            height, width = -(-height // 2), -(-width // 2)
        return self.conv_channels[-1] * height * width

    @property
    def out_channels(self) -> int:
        """conv: values per pixel the decoder gives back (`head`): the input's channels, 2 or one per colour bin."""
        return head_channels(self.head, self.channels)

    @property
    def n_outputs(self) -> int:
        """Values per row the decoder gives back: n_features, or out_channels per pixel for a colour head."""
        if self.head == "image":
            return self.n_features
        return self.out_channels * self.image_shape[0] * self.image_shape[1]

    @property
    def n_parameters(self) -> int:
        """How many weights and biases `aeviz.models.Autoencoder(self)` has, counted without building it."""
        dense = lambda a, b: a * b + b  # noqa: E731 - a Linear layer's weights and biases
        conv = lambda a, b: a * b * 9 + b  # noqa: E731 - a 3×3 Conv2d's
        if self.arch == "conv":
            channels = [1 if self.head != "image" else self.channels, *self.conv_channels]  # a colour head reads L*
            flat = self.feature_map_size
            back = list(self.conv_channels[::-1])
            bottleneck = dense(flat, self.latent_dim) + dense(self.latent_dim, flat) if self.conv_code == "dense" else 0
            encoder = sum(conv(a, b) for a, b in zip(channels, channels[1:], strict=False))
            decoder = sum(conv(a, b) for a, b in zip([back[0], *back[:-1]], back, strict=True))
            return encoder + bottleneck + decoder + conv(back[-1], self.out_channels)
        hidden = [] if self.arch == "vanilla" else list(self.hidden)
        if self.arch == "vae":
            widths = [self.n_features, *hidden]
            encoder = sum(dense(a, b) for a, b in zip(widths, widths[1:], strict=False)) + dense(
                widths[-1], 2 * self.latent_dim
            )
        else:
            widths = [self.n_features, *hidden, self.latent_dim]
            encoder = sum(dense(a, b) for a, b in zip(widths, widths[1:], strict=False))
        back = [self.latent_dim, *hidden[::-1], self.n_features]
        return encoder + sum(dense(a, b) for a, b in zip(back, back[1:], strict=False))

    @classmethod
    def for_data(
        cls, n_features: int, image_shape: tuple[int, int] | None, arch: str = "mlp", latent_dim: int = 2, **kwargs
    ) -> ModelConfig:
        """A config that fits the data: sigmoid output for images in [0, 1], linear for standardised tables; a ReLU
        code for the vanilla family (as in the lecture), a linear code otherwise."""
        kwargs.setdefault("output_activation", "sigmoid" if image_shape else "linear")
        kwargs.setdefault("code_activation", "relu" if arch == "vanilla" else "linear")
        shape = tuple(image_shape) if image_shape else None
        return cls(arch=arch, n_features=n_features, latent_dim=latent_dim, image_shape=shape, **kwargs)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, meta: dict) -> ModelConfig:
        """Rebuild from JSON; unknown keys are an error, lists become tuples."""
        return cls(**_known_fields(cls, meta, "model"))

    @property
    def completeness(self) -> str:
        """'undercomplete', 'complete' or 'overcomplete': the code size against the input size."""
        if self.latent_dim < self.n_features:
            return "undercomplete"
        return "complete" if self.latent_dim == self.n_features else "overcomplete"


@dataclass(frozen=True)
class TrainConfig:
    """How to train; saved as JSON next to the weights."""

    epochs: int = 15  # passes over the training split
    batch_size: int = 128  # samples per optimiser step
    lr: float = 3e-3  # Adam's learning rate
    l1: float = 0.0  # λ of the L1 activity penalty on the code (sum over units, mean over samples)
    noise_std: float = 0.0  # denoising: std of Gaussian noise added to the input
    mask_prob: float = 0.0  # denoising: probability that an input feature is set to zero
    beta: float = 1.0  # VAE: weight of the KL term
    loss: str = "mse"  # mse | bce (bce needs data in [0, 1]) | ce (the colour-bins head's weighted cross-entropy)
    seed: int = 0  # shuffling, noise and VAE sampling
    task: str = "reconstruct"  # what the input is (aeviz.tasks.TASKS); the target is always the clean row

    def __post_init__(self) -> None:
        _whole("the number of epochs", self.epochs, 1, MAX_EPOCHS)
        _whole("the batch size", self.batch_size, 1, MAX_BATCH)
        _whole("the seed", self.seed, 0, 2**63 - 1)
        if isinstance(self.lr, bool) or not isinstance(self.lr, (int, float)) or not (0 < self.lr <= 10):
            raise AevizError(f"the learning rate must be a positive number up to 10, got {self.lr!r}")
        _finite("λ (the L1 penalty)", self.l1)
        _finite("the noise σ", self.noise_std)
        _finite("β", self.beta)
        if isinstance(self.mask_prob, bool) or not isinstance(self.mask_prob, (int, float)) or not 0 <= self.mask_prob < 1:
            raise AevizError(f"the masking probability must be in [0, 1), got {self.mask_prob!r}")
        if self.loss not in ("mse", "bce", "ce"):
            raise AevizError(f"unknown loss {self.loss!r}: use mse or bce")
        check_task(self.task, self.noise_std, self.mask_prob)

    @property
    def restores(self) -> str:
        """What the model was trained to undo: "noise", "resolution", "colour" or "" (`aeviz.tasks.restores`)."""
        return restores(self.task, self.noise_std, self.mask_prob)

    @property
    def input_kind(self) -> str:
        """The model's input in words (its target is the clean image or row)."""
        return describe_input(self.task, self.noise_std, self.mask_prob)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, meta: dict) -> TrainConfig:
        """Rebuild from JSON; unknown keys are an error."""
        return cls(**_known_fields(cls, meta, "training"))


def model_from_form(
    arch: str,
    latent: int,
    hidden_text: str,
    conv_code: str,
    n_features: int,
    image_shape: tuple[int, int] | None,
) -> ModelConfig:
    """The model a training form asks for, fitted to the data (`ModelConfig.for_data`); the hidden widths stay text
    until here, so a typo is a message. A spatial conv code is the last feature map, whatever the latent size says."""
    hidden = parse_widths(hidden_text) if arch in ("mlp", "vae") else ModelConfig.hidden
    if arch == "conv" and conv_code == "spatial":
        latent = ModelConfig.for_data(n_features, image_shape, "conv", 1).feature_map_size
    code = "spatial" if arch == "conv" and conv_code == "spatial" else "dense"
    return ModelConfig.for_data(n_features, image_shape, arch, latent, hidden=hidden, conv_code=code)


def check_work(model: ModelConfig, rows: int, epochs: int) -> float:
    """The work of a training (epochs × rows × parameters); raises AevizError beyond this server's MAX_WORK."""
    work = float(epochs) * rows * model.n_parameters
    if work > MAX_WORK:
        raise AevizError(
            f"this training would do {work:.2g} units of work (epochs × rows × parameters: {epochs:,} × {rows:,} × "
            f"{model.n_parameters:,}), more than this server's limit of {MAX_WORK:.2g}: use fewer epochs, a smaller "
            "model or fewer rows"
        )
    return work


def check_runs(runs: list[tuple[ModelConfig, int, int]], what: str) -> float:
    """The work of several trainings together, each (model, rows, epochs) — a lecture page's run of several models —
    checked against MAX_WORK like one training's (`check_work`); the models' own limits were checked when they were
    made, so a run that would fail on its third model is refused before its first."""
    work = sum(float(epochs) * rows * model.n_parameters for model, rows, epochs in runs)
    if work > MAX_WORK:
        raise AevizError(
            f"{what} would do {work:.2g} units of work (epochs × rows × parameters over its {len(runs)} models), more "
            f"than this server's limit of {MAX_WORK:.2g}: use fewer rows or data with fewer features"
        )
    return work


def default_loss(arch: str) -> str:
    """ "bce" for the conv family, "mse" otherwise.

    Measured here on MNIST: with MSE the conv family's sigmoid output collapses to an all-black image (val MSE stuck at
    0.1099, the mean of x², for every learning rate tried from 3e-4 to 3e-3), while binary cross-entropy, as in the
    lecture's Keras conv example, keeps learning (val MSE 0.052 after 12 epochs).
    """
    return "bce" if arch == "conv" else "mse"
