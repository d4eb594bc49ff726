"""The configs of a model and of its training: frozen dataclasses saved as JSON next to the weights.

Kept free of torch so that listing and describing checkpoints (the sidebar, the home page) starts fast.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from aeviz.errors import AevizError

ACTIVATIONS = ("relu", "linear", "sigmoid", "tanh")
ARCHS = ("vanilla", "mlp", "conv", "vae")
MAX_LATENT = 4_096
ACTIVE_THRESHOLD = 1e-3  # a code unit counts as active for a sample when |a| exceeds this

# The one home of the defaults: the Train page, `aeviz train` and bench/bench_app.py all start from DEFAULT_DATASET,
# ModelConfig() and TrainConfig(). Chosen so that the first run makes the lecture's point: on MNIST, a 2-D code from a
# 784-256-128-2 MLP trained 15 epochs at lr 0.003 separates the digits clearly better than PCA with 2 components
# (5-NN accuracy 0.63 against 0.42; with 128,64 and lr 0.001 for 20 epochs it was 0.414 against 0.415, no lesson).
# tests/test_cli.py keeps that margin.
DEFAULT_DATASET = "mnist"


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
    code_activation: str = "linear"  # relu | linear; the lecture's vanilla and sparse models use relu
    output_activation: str = "sigmoid"  # sigmoid for images in [0, 1], linear for standardised tables

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise AevizError(f"unknown family {self.arch!r}: choose one of {', '.join(ARCHS)}")
        if not 1 <= self.latent_dim <= MAX_LATENT:
            raise AevizError(f"latent size must be between 1 and {MAX_LATENT}, got {self.latent_dim}")
        if self.n_features < 2:
            raise AevizError("an autoencoder needs at least two input features")
        if any(w < 1 for w in self.hidden) or any(c < 1 for c in self.conv_channels):
            raise AevizError("hidden widths and channel counts must be positive")
        if self.arch == "conv" and self.image_shape is None:
            raise AevizError("the convolutional family needs image data (choose mnist, digits or an image file)")
        if self.image_shape is not None and self.image_shape[0] * self.image_shape[1] != self.n_features:
            raise AevizError(f"image shape {self.image_shape} does not hold {self.n_features} features")
        if self.code_activation not in ACTIVATIONS or self.output_activation not in ACTIVATIONS:
            raise AevizError(f"activations must be one of {', '.join(ACTIVATIONS)}")

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
    loss: str = "mse"  # mse | bce (bce needs data in [0, 1])
    seed: int = 0  # shuffling, noise and VAE sampling

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise AevizError("epochs and batch size must be at least 1")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise AevizError(f"the learning rate must be a positive number, got {self.lr}")
        if self.l1 < 0 or self.noise_std < 0 or self.beta < 0:
            raise AevizError("λ, noise and β cannot be negative")
        if not 0 <= self.mask_prob < 1:
            raise AevizError(f"the masking probability must be in [0, 1), got {self.mask_prob}")
        if self.loss not in ("mse", "bce"):
            raise AevizError(f"unknown loss {self.loss!r}: use mse or bce")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, meta: dict) -> TrainConfig:
        """Rebuild from JSON; unknown keys are an error."""
        return cls(**_known_fields(cls, meta, "training"))


def default_loss(arch: str) -> str:
    """ "bce" for the conv family, "mse" otherwise.

    Measured here on MNIST: with MSE the conv family's sigmoid output collapses to an all-black image (val MSE stuck at
    0.1099, the mean of x², for every learning rate tried from 3e-4 to 3e-3), while binary cross-entropy, as in the
    lecture's Keras conv example, keeps learning (val MSE 0.052 after 12 epochs).
    """
    return "bce" if arch == "conv" else "mse"
