"""Autoencoders of the lecture's four families, behind one interface: h = encode(x), r = decode(h), r ≈ x.

- vanilla: one hidden layer that is the code (784-64-784, ReLU code, sigmoid output);
- mlp: a multilayer encoder with mirrored decoder (784-128-64-[code]-64-128-784);
- conv: Conv2D 16-8-8 3×3 with 2×2 max-pooling, a dense bottleneck (so the code can be 2-D), mirrored with upsampling;
  or, with conv_code="spatial", no bottleneck: the last feature map is the code (the lecture's Keras example);
  with residual=True, a skip path around the code: the output is the input plus what the decoder adds (an upscaler
  that starts at bicubic and learns only the detail bicubic misses, as VDSR does);
  with a colour head (head="ab" or "ab-bins"), a recolourer of RGB rows whose decoder gives CIELAB's colour channels
  (aeviz.colours): `forward` gives a*, b* / AB_LIMIT per pixel for both, the bins head its annealed mean;
- vae: a variational autoencoder whose encoder gives a mean and a log-variance per code unit.

Inputs are always flat rows of shape (n_samples, n_features); the conv family reshapes to images inside.
"""

from __future__ import annotations

import os

import torch
from torch import nn

from aeviz.colours import AB_BIN_COUNT, AB_LIMIT, TEMPERATURE, ab_bins
from aeviz.configs import ARCHS, ModelConfig

__all__ = ["ARCHS", "Autoencoder", "ModelConfig", "build_model", "default_device"]

_ACTIVATIONS = {"relu": nn.ReLU, "linear": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class Reshape(nn.Module):
    """Reshape each sample to `shape` (a module, so encoder and decoder stay plain nn.Sequential)."""

    def __init__(self, *shape: int) -> None:
        super().__init__()
        self.shape = shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(len(x), *self.shape)


class Lightness(nn.Module):
    """A colour head's input: gray rows (an image's brightness in each of 3 channels, as sRGB values, `aeviz.tasks.
    gray_rows`) as CIELAB's lightness L* / 100 in one channel, (n, 1, height, width) — scikit-image's rgb2lab of a
    gray pixel, whose relative luminance Y is its linearised value (tests/test_models.py compares the two)."""

    def __init__(self, height: int, width: int) -> None:
        super().__init__()
        self.shape = (height, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gray = x.reshape(len(x), 3, *self.shape)[:, :1].clamp(0.0, 1.0)
        linear = torch.where(gray > 0.04045, ((gray + 0.055) / 1.055) ** 2.4, gray / 12.92)
        f = torch.where(linear > 0.008856, linear.clamp_min(1e-12) ** (1 / 3), 7.787 * linear + 16 / 116)
        return (116 * f - 16) / 100


def _mlp(widths: list[int], last: nn.Module) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        layers.append(nn.ReLU() if i < len(widths) - 2 else last)
    return layers


def _pooled_sizes(size: int, stages: int) -> list[int]:
    """Side lengths after each 2×2 max-pooling with ceil mode (Keras' padding='same'): 28 -> 14 -> 7 -> 4."""
    sizes = [size]
    for _ in range(stages):
        sizes.append(-(-sizes[-1] // 2))
    return sizes


def _conv_layers(config: ModelConfig) -> tuple[list[nn.Module], list[nn.Module]]:
    height, width = config.image_shape
    colour_head = config.head != "image"  # reads the lightness alone (one channel)
    channels = [1 if colour_head else config.channels, *config.conv_channels]
    hs, ws = _pooled_sizes(height, len(channels) - 1), _pooled_sizes(width, len(channels) - 1)
    flat = channels[-1] * hs[-1] * ws[-1]
    encoder: list[nn.Module] = [Lightness(height, width) if colour_head else Reshape(config.channels, height, width)]
    for c_in, c_out in zip(channels, channels[1:], strict=False):
        encoder += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True)]
    encoder += [nn.Flatten()]
    decoder: list[nn.Module] = [Reshape(channels[-1], hs[-1], ws[-1])]
    if config.conv_code == "dense":  # a Linear bottleneck; "spatial" keeps the last feature map as the code
        encoder += [nn.Linear(flat, config.latent_dim), _ACTIVATIONS[config.code_activation]()]
        decoder = [nn.Linear(config.latent_dim, flat), nn.ReLU(), *decoder]
    back = list(config.conv_channels[::-1])  # 8, 8, 16: mirrored, upsampling to the exact sizes the encoder pooled from
    for i, (c_in, c_out) in enumerate(zip([back[0], *back[:-1]], back, strict=True)):
        size = (hs[-2 - i], ws[-2 - i])
        decoder += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.Upsample(size=size, mode="nearest")]
    last = nn.Conv2d(back[-1], config.out_channels, 3, padding=1)
    decoder += [last, _ACTIVATIONS[config.output_activation](), nn.Flatten()]
    return encoder, decoder


class Autoencoder(nn.Module):
    """encode(x) -> z, decode(z) -> x̂; `activations(x)` exposes the hidden and code activations for sparsity views."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        out = _ACTIVATIONS[config.output_activation]()
        if config.arch == "conv":
            encoder, decoder = _conv_layers(config)
        else:
            hidden = [] if config.arch == "vanilla" else list(config.hidden)
            if config.arch == "vae":
                encoder = _mlp([config.n_features, *hidden], nn.ReLU()) if hidden else []
                self.to_stats = nn.Linear(hidden[-1] if hidden else config.n_features, 2 * config.latent_dim)
            else:
                code = _ACTIVATIONS[config.code_activation]()
                encoder = _mlp([config.n_features, *hidden, config.latent_dim], code)
            decoder = _mlp([config.latent_dim, *hidden[::-1], config.n_features], out)
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder)
        if config.residual:  # the decoder adds nothing at first: a fresh residual model gives back its input
            last = [m for m in self.decoder if isinstance(m, nn.Conv2d)][-1]
            nn.init.zeros_(last.weight)
            nn.init.zeros_(last.bias)
        if config.head == "ab-bins":  # the bins' colours, and each bin's weight in the loss (set by training)
            self.register_buffer("ab_centres", torch.from_numpy(ab_bins() / AB_LIMIT), persistent=False)
            self.register_buffer("bin_weights", torch.ones(AB_BIN_COUNT))

    @property
    def is_variational(self) -> bool:
        return self.config.arch == "vae"

    def encode_stats(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """VAE only: the mean and log-variance of q(z|x), each of shape (n_samples, latent_dim)."""
        mean, log_var = self.to_stats(self.encoder(x)).chunk(2, dim=1)
        return mean, log_var.clamp(-20.0, 20.0)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code h = f(x), shape (n_samples, latent_dim); for a VAE, the mean of q(z|x)."""
        if self.is_variational:
            return self.encode_stats(x)[0]
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The reconstruction r = g(h), shape (n_samples, n_features)."""
        return self.decoder(z)

    def output(self, x: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """The model's output for the input x whose code is `code`: r = g(h), plus x for a residual model."""
        decoded = self.decode(code)
        return x + decoded if self.config.residual else decoded

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The model's answer for x: `output`; for the bins head, each pixel's a*, b* / AB_LIMIT as its scores'
        annealed mean (softmax of scores / TEMPERATURE, the bins' colours averaged with those weights)."""
        out = self.output(x, self.encode(x))
        if self.config.head != "ab-bins":
            return out
        scores = out.reshape(len(out), AB_BIN_COUNT, -1) / TEMPERATURE
        ab = torch.einsum("nqp,qc->ncp", scores.softmax(dim=1), self.ab_centres)
        return ab.reshape(len(out), -1)

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The encoder's hidden layers after their non-linearity ('hidden1', ...) and the 'code', each (n_samples, width)."""
        out: dict[str, torch.Tensor] = {}
        h = x
        layers = list(self.encoder)
        last = len(layers) if self.is_variational else len(layers) - 1  # a non-VAE encoder ends in the code itself
        for i, layer in enumerate(layers):
            h = layer(h)
            if i < last and isinstance(layer, nn.ReLU) and h.ndim == 2:
                out[f"hidden{len(out) + 1}"] = h
        out["code"] = self.to_stats(h).chunk(2, dim=1)[0] if self.is_variational else h
        return out


def build_model(config: ModelConfig, seed: int = 0) -> Autoencoder:
    """A freshly initialised autoencoder; the same seed gives the same weights, and the global RNG is left untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Autoencoder(config)


def default_device() -> torch.device:
    """CUDA when available, else CPU; the environment variable AEVIZ_DEVICE overrides (e.g. 'cpu')."""
    wanted = os.environ.get("AEVIZ_DEVICE")
    if wanted:
        return torch.device(wanted)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
