"""Training as one generator: `for metrics in train(model, data, config): ...` yields after every epoch.

The loss is the lecture's L(x, x̂) + λ Σ_i |a_i^(h)|:
- L(x, x̂) is the mean squared error (or binary cross-entropy) averaged over features and over the batch, so it is the
  error per pixel/column and does not grow with the image size;
- the L1 activity penalty sums |a_i| over the code units i and averages over the samples of the batch (measured on
  MNIST with the vanilla 784-64-784 ReLU code, 40 epochs: λ = 0.0003 cuts the active units from 74 % to 31 %);
- denoising corrupts the input (Gaussian noise σ, masking probability p) while the target stays the clean input; what
  each task feeds the model is `aeviz.tasks`'s;
- a VAE adds β · KL(q(z|x) || N(0, I)), summed over code units, averaged over samples and divided by the number of
  features so that it is on the per-feature scale of the reconstruction term.
"""

from __future__ import annotations

import copy
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TypeVar

import numpy as np
import torch
import torch.nn.functional as F

from aeviz.colours import AB_BIN_COUNT, colour_targets, rare_colour_weights
from aeviz.configs import ACTIVE_THRESHOLD, TrainConfig, default_loss
from aeviz.datasets import Dataset
from aeviz.errors import AevizError, TrainingError
from aeviz.models import Autoencoder
from aeviz.tasks import corrupt, model_inputs

__all__ = [
    "ACTIVE_THRESHOLD",
    "EpochMetrics",
    "FusedAdam",
    "TrainConfig",
    "batch_loss",
    "clean_losses",
    "default_loss",
    "run_to_end",
    "train",
]

EVAL_BATCH = 2_048
T = TypeVar("T")


@dataclass(frozen=True)
class EpochMetrics:
    """What one epoch did; losses are per feature, as in the module docstring."""

    epoch: int  # 1-based
    train_loss: float  # total loss on the training split (mean over batches)
    val_loss: float  # total loss on the clean validation split
    recon_loss: float  # reconstruction part of train_loss
    penalty: float  # L1 (or KL) part of train_loss
    val_recon: float  # reconstruction error on the validation split
    active_fraction: float  # share of (sample, code unit) pairs with |a| > ACTIVE_THRESHOLD on validation
    seconds: float  # wall time of the epoch, validation included

    def to_dict(self) -> dict:
        return asdict(self)


def _reconstruction(model: Autoencoder, x_hat: torch.Tensor, x: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "ce":  # the bins head: scores per bin and pixel against each pixel's bin, a rare colour weighing more
        scores = x_hat.reshape(len(x_hat), AB_BIN_COUNT, -1)
        return F.cross_entropy(scores, x, weight=model.bin_weights)
    if kind == "bce":
        return F.binary_cross_entropy(x_hat.clamp(1e-6, 1 - 1e-6), x)
    return F.mse_loss(x_hat, x)


def batch_loss(
    model: Autoencoder, x_in: torch.Tensor, x: torch.Tensor, config: TrainConfig, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(total, reconstruction, penalty, code) for one batch; `generator` draws the VAE sample (None: use the mean)."""
    if model.is_variational:
        mean, log_var = model.encode_stats(x_in)
        z = mean
        if generator is not None:
            z = mean + torch.exp(0.5 * log_var) * torch.randn(mean.shape, generator=generator, device=mean.device)
        recon = _reconstruction(model, model.decode(z), x, config.loss)
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp(), dim=1).mean() / x.shape[1]
        return recon + config.beta * kl, recon, config.beta * kl, mean
    code = model.encode(x_in)
    recon = _reconstruction(model, model.output(x_in, code), x, config.loss)
    if config.l1 <= 0:  # no penalty term: nothing to add (an add and its backward fewer per step)
        return recon, recon, recon.new_zeros(()), code
    penalty = config.l1 * code.abs().sum(dim=1).mean()
    return recon + penalty, recon, penalty, code


@torch.inference_mode()
def clean_losses(
    model: Autoencoder, X: np.ndarray, config: TrainConfig, X_in: np.ndarray | None = None
) -> tuple[float, float, float]:
    """(loss, reconstruction error, active fraction) on clean data X of shape (n_samples, n_features), the model fed
    X_in (default X: an upscaler is fed its task's input, a denoiser the clean rows); for a colour head X is its
    targets (`targets`).

    The per-epoch figures of `train`; `aeviz.evaluation.evaluate_model` gives a finished model's figures next to PCA.
    """
    model.eval()
    device = next(model.parameters()).device
    sums = torch.zeros(3, dtype=torch.float64, device=device)
    X_in = X if X_in is None else X_in
    for start in range(0, len(X), EVAL_BATCH):
        x = torch.from_numpy(X[start : start + EVAL_BATCH]).to(device)
        x_in = torch.from_numpy(X_in[start : start + EVAL_BATCH]).to(device)
        loss, recon, _, code = batch_loss(model, x_in, x, config, generator=None)
        active = (code.abs() > ACTIVE_THRESHOLD).float().mean()
        sums += torch.stack([loss, recon, active]).double() * len(x)
    return tuple((sums / len(X)).tolist())


class FusedAdam:
    """Adam (PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay) through torch's fused kernel, called
    directly.

    torch.optim.Adam(fused=True) runs the same kernel on the same state (bit-identical weights: tested), but its step()
    spends ~120 µs per call grouping tensors, checking hooks and flags: 6 % of a step of the benchmark's MLP at batch
    256 (measured, bench/bench_training.py). torch is pinned exactly, and the test compares the two step by step.
    """

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.lr = lr
        self.exp_avgs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sqs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        # float32 step counters on the parameters' device, as torch.optim.Adam keeps them for its fused path
        self.steps = [torch.zeros((), dtype=torch.float32, device=p.device) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """One update of every parameter that has a gradient (as torch.optim.Adam: one without is left alone)."""
        held = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not held:
            return
        params, steps = [self.params[i] for i in held], [self.steps[i] for i in held]
        torch._foreach_add_(steps, 1)
        torch._fused_adam_(
            params,
            [p.grad for p in params],
            [self.exp_avgs[i] for i in held],
            [self.exp_avg_sqs[i] for i in held],
            [],
            steps,
            amsgrad=False,
            lr=self.lr,
            beta1=0.9,
            beta2=0.999,
            weight_decay=0.0,
            eps=1e-8,
            maximize=False,
        )


BatchCallback = Callable[[int, int, int], None]  # (epoch, batches done, batches per epoch)


def train(
    model: Autoencoder, data: Dataset, config: TrainConfig, on_batch: BatchCallback | None = None
) -> Iterator[EpochMetrics]:
    """Train `model` in place on `data.X_train`, yielding EpochMetrics after every epoch.

    The model is in eval mode and usable at every yield, so a caller may draw, stop, or keep it. Same seed, same machine:
    bit-identical weights. A non-finite loss restores the last finite weights and raises TrainingError.

    on_batch is called after every optimiser step. A page uses it to give Streamlit a chance to stop the run within an
    epoch (an epoch of a big model can take many seconds); whatever it raises ends training with the weights of the
    last finished epoch, so the model always matches its history.
    """
    if data.n_features != model.config.n_features:
        raise AevizError(f"the model expects {model.config.n_features} features but {data.name} has {data.n_features}")
    if config.loss == "bce" and (data.X_train.min() < 0 or data.X_train.max() > 1):
        raise AevizError("binary cross-entropy needs data in [0, 1]; use mse for tabular data")
    head = model.config.head
    if (head == "ab-bins") != (config.loss == "ce") or (head != "image" and config.task != "recolour"):
        raise AevizError("a colour head recolours, and the bins head alone learns with the cross-entropy (loss ce)")
    device = next(model.parameters()).device
    Y = targets(model, data.X_train)
    if head == "ab-bins":  # the loss weighs each colour by how rare it is in these training rows
        model.bin_weights.copy_(torch.from_numpy(rare_colour_weights(Y)))
    X = torch.from_numpy(Y).to(device)
    inputs = model_inputs(data.X_train, config.task, data.image_shape)
    X_in = X if inputs is data.X_train else torch.from_numpy(np.ascontiguousarray(inputs)).to(device)
    X_val_in, X_val = model_inputs(data.X_val, config.task, data.image_shape), targets(model, data.X_val)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    optimizer = FusedAdam(model.parameters(), lr=config.lr)
    denoising = config.noise_std > 0 or config.mask_prob > 0
    for epoch in range(1, config.epochs + 1):
        start = time.perf_counter()
        last_good = copy.deepcopy(model.state_dict())
        model.train()
        steps: list[tuple[torch.Tensor, ...]] = []  # each step's (loss, reconstruction, penalty), summed after the epoch
        batches = torch.randperm(len(X), generator=generator, device=device).split(config.batch_size)
        try:
            for idx in batches:
                x = X.index_select(0, idx)  # the batch's rows (index_select: half the time of X[idx] here)
                x_in = x if X_in is X else X_in.index_select(0, idx)
                x_in = corrupt(x_in, config.noise_std, config.mask_prob, generator) if denoising else x_in
                loss, recon, penalty, _ = batch_loss(model, x_in, x, config, generator)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                steps.append((loss.detach(), recon.detach(), penalty.detach()))
                if on_batch is not None:
                    on_batch(epoch, len(steps), len(batches))
        except BaseException:  # stopped within the epoch (Stop in the app, Ctrl-C): back to the last finished epoch
            model.load_state_dict(last_good)
            model.eval()
            raise
        train_loss, recon_loss, penalty = (
            torch.tensor([[float(v) for v in step] for step in steps], dtype=torch.float64).mean(dim=0).tolist()
        )
        val_loss, val_recon, active = clean_losses(model, X_val, config, X_val_in)
        if not all(map(math.isfinite, (train_loss, val_loss))):
            model.load_state_dict(last_good)
            raise TrainingError(
                f"the loss became NaN or infinite in epoch {epoch}; try a smaller learning rate (now {config.lr:g}). "
                f"The model keeps the weights from the end of epoch {epoch - 1}."
            )
        seconds = time.perf_counter() - start
        yield EpochMetrics(epoch, train_loss, val_loss, recon_loss, penalty, val_recon, active, seconds)


def targets(model: Autoencoder, X: np.ndarray) -> np.ndarray:
    """What `model` learns to give back for the clean rows X: X itself, or for a colour head its colours
    (`aeviz.colours.colour_targets`)."""
    head = model.config.head
    return np.ascontiguousarray(X) if head == "image" else colour_targets(X, head)


def warm_up_training(seed: int = 0) -> None:
    """torch's first calls (autograd, the dense and convolution kernels, Adam), two steps each on a small MLP and a
    small convolutional model with a random batch, so a worker's first training starts at full speed."""
    from aeviz.configs import ModelConfig
    from aeviz.models import build_model

    x = torch.rand(32, 784, generator=torch.Generator().manual_seed(seed))
    for arch in ("mlp", "conv"):
        model = build_model(ModelConfig.for_data(784, (28, 28), arch, 4), seed)
        optimizer = FusedAdam(model.parameters(), lr=1e-3)
        for _ in range(2):
            loss = batch_loss(model, x, x, TrainConfig(), None)[0]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        clean_losses(model, x.numpy(), TrainConfig())


def run_to_end(steps: Iterable[T]) -> T:
    """Drive a generator (e.g. `fit` or `train`) to its end and return the last thing it yielded."""
    last = deque(steps, maxlen=1)
    if not last:
        raise AevizError("nothing to run: the generator yielded nothing")
    return last[0]
