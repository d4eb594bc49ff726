"""Training as one generator: `for metrics in train(model, data, config): ...` yields after every epoch.

The loss is the lecture's L(x, x̂) + λ Σ_i |a_i^(h)|:
- L(x, x̂) is the mean squared error (or binary cross-entropy) averaged over features and over the batch, so it is the
  error per pixel/column and does not grow with the image size;
- the L1 activity penalty sums |a_i| over the code units i and averages over the samples of the batch (measured on
  MNIST with the vanilla 784-64-784 ReLU code, 40 epochs: λ = 0.0003 cuts the active units from 74 % to 31 %);
- denoising corrupts the input (Gaussian noise σ, masking probability p) while the target stays the clean input;
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

from aeviz.checkpoints import Checkpoint
from aeviz.configs import ACTIVE_THRESHOLD, VIEW_SAMPLES, ModelConfig, TrainConfig, default_loss
from aeviz.data import Dataset
from aeviz.errors import AevizError, TrainingError
from aeviz.evaluation import evaluate_model
from aeviz.jobs import Cancelled, Job
from aeviz.latent import encode_dataset
from aeviz.models import Autoencoder, build_model, default_device
from aeviz.projection import live_view
from aeviz.restoration import restoration_metrics, upscale_input

__all__ = [
    "ACTIVE_THRESHOLD",
    "EpochMetrics",
    "TrainConfig",
    "clean_losses",
    "corrupt",
    "default_loss",
    "fit",
    "fit_job",
    "run_to_end",
    "task_inputs",
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


def corrupt(x: torch.Tensor, noise_std: float, mask_prob: float, generator: torch.Generator) -> torch.Tensor:
    """The denoising input: x plus N(0, σ²) noise, with a fraction `mask_prob` of features set to zero."""
    if noise_std > 0:
        x = x + noise_std * torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    if mask_prob > 0:
        keep = torch.rand(x.shape, generator=generator, device=x.device) >= mask_prob
        x = x * keep
    return x


def _reconstruction(x_hat: torch.Tensor, x: torch.Tensor, kind: str) -> torch.Tensor:
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
        recon = _reconstruction(model.decode(z), x, config.loss)
        kl = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp(), dim=1).mean() / x.shape[1]
        return recon + config.beta * kl, recon, config.beta * kl, mean
    code = model.encode(x_in)
    recon = _reconstruction(model.decode(code), x, config.loss)
    penalty = config.l1 * code.abs().sum(dim=1).mean() if config.l1 > 0 else recon.new_zeros(())
    return recon + penalty, recon, penalty, code


def task_inputs(X: np.ndarray, config: TrainConfig, image_shape: tuple[int, int] | None) -> np.ndarray:
    """The model's input for the clean rows X: X itself; for an upscaler X shrunk and enlarged again by bicubic
    interpolation; for a recolourer X's brightness (noise is drawn afresh per batch by `train`, not here)."""
    if config.task not in ("upscale", "recolour"):
        return X
    if image_shape is None:
        raise AevizError(f"{'upscaling' if config.task == 'upscale' else 'recolouring'} needs image data")
    if config.task == "recolour":
        if X.shape[1] != 3 * image_shape[0] * image_shape[1]:
            raise AevizError("recolouring needs colour images (3 values per pixel)")
        from aeviz.photos import gray_rows

        return gray_rows(X)
    return upscale_input(X, tuple(image_shape))


@torch.inference_mode()
def clean_losses(
    model: Autoencoder, X: np.ndarray, config: TrainConfig, X_in: np.ndarray | None = None
) -> tuple[float, float, float]:
    """(loss, reconstruction error, active fraction) on clean data X of shape (n_samples, n_features), the model fed
    X_in (default X: an upscaler is fed its task's input, a denoiser the clean rows).

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
    device = next(model.parameters()).device
    X = torch.from_numpy(np.ascontiguousarray(data.X_train)).to(device)
    X_in = torch.from_numpy(np.ascontiguousarray(task_inputs(data.X_train, config, data.image_shape))).to(device)
    X_val_in = task_inputs(data.X_val, config, data.image_shape)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    denoising = config.noise_std > 0 or config.mask_prob > 0
    for epoch in range(1, config.epochs + 1):
        start = time.perf_counter()
        last_good = copy.deepcopy(model.state_dict())
        model.train()
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        n_batches = 0
        batches = torch.randperm(len(X), generator=generator, device=device).split(config.batch_size)
        try:
            for idx in batches:
                x, x_in = X[idx], X_in[idx]
                x_in = corrupt(x_in, config.noise_std, config.mask_prob, generator) if denoising else x_in
                loss, recon, penalty, _ = batch_loss(model, x_in, x, config, generator)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                sums += torch.stack([loss.detach(), recon.detach(), penalty.detach()]).double()
                n_batches += 1
                if on_batch is not None:
                    on_batch(epoch, n_batches, len(batches))
        except BaseException:  # stopped within the epoch (Stop in the app, Ctrl-C): back to the last finished epoch
            model.load_state_dict(last_good)
            model.eval()
            raise
        train_loss, recon_loss, penalty = (sums / n_batches).tolist()
        val_loss, val_recon, active = clean_losses(model, data.X_val, config, X_val_in)
        if not all(map(math.isfinite, (train_loss, val_loss))):
            model.load_state_dict(last_good)
            raise TrainingError(
                f"the loss became NaN or infinite in epoch {epoch}; try a smaller learning rate (now {config.lr:g}). "
                f"The model keeps the weights from the end of epoch {epoch - 1}."
            )
        seconds = time.perf_counter() - start
        yield EpochMetrics(epoch, train_loss, val_loss, recon_loss, penalty, val_recon, active, seconds)


def fit(
    data: Dataset,
    model_config: ModelConfig,
    train_config: TrainConfig,
    data_seed: int = 0,
    on_batch: BatchCallback | None = None,
    keep_views: bool = True,
) -> Iterator[tuple[EpochMetrics, Checkpoint]]:
    """Build a model and train it, yielding (metrics, checkpoint so far) after each epoch.

    The checkpoint is the same object at every yield, its model trained in place; after the last epoch (when the
    generator is driven to its end) it also carries the evaluation figures next to PCA (`evaluate_model`).
    With `keep_views`, every epoch also appends the 2-D view of the first VIEW_SAMPLES validation rows to
    `checkpoint.epoch_views` (float16, turned like the previous epoch's): the epoch scrubber replays them.
    """
    model = build_model(model_config, seed=train_config.seed).to(default_device())
    checkpoint = Checkpoint(model, train_config, data.name, data_seed)
    shown = task_inputs(data.X_val[:VIEW_SAMPLES], train_config, data.image_shape)
    labels = None if data.y_val is None else data.y_val[:VIEW_SAMPLES]
    for metrics in train(model, data, train_config, on_batch):
        if keep_views:
            previous = checkpoint.epoch_views[-1].astype(np.float32) if checkpoint.epoch_views else None
            view = live_view(encode_dataset(model, shown), previous, labels)
            checkpoint.epoch_views.append(view.astype(np.float16))
        checkpoint.history.append(metrics.to_dict())
        checkpoint.metrics = {"val_loss": metrics.val_loss, "active_fraction": metrics.active_fraction}
        yield metrics, checkpoint
    checkpoint.metrics.update(evaluate_model(model, data))
    checkpoint.metrics.update(restoration_metrics(model, train_config, data, seed=train_config.seed))


def run_to_end(steps: Iterable[T]) -> T:
    """Drive a generator (e.g. `fit` or `train`) to its end and return the last thing it yielded."""
    last = deque(steps, maxlen=1)
    if not last:
        raise AevizError("nothing to run: the generator yielded nothing")
    return last[0]


@dataclass(frozen=True)
class LiveFrame:
    """What a training job hands the page after each epoch: the losses so far and the latest view of the code."""

    history: list[dict]  # a copy: the page reads it while the worker trains on
    view: np.ndarray  # (n_shown, 2) float16, never changed after the epoch that made it
    epoch: int


@dataclass(frozen=True)
class JobOutcome:
    """How a training job ended: its model (epochs done so far after a Stop or a failure) and why it ended early."""

    checkpoint: Checkpoint | None
    epochs_done: int
    epochs_asked: int
    error: str = ""  # a training error after some epochs (the model keeps them)


def fit_job(job: Job, data: Dataset, model_config: ModelConfig, train_config: TrainConfig, data_seed: int = 0) -> JobOutcome:
    """`fit` inside a pool job: progress within epochs, a `LiveFrame` after each, Stop (cancel) keeps the finished
    epochs. Cancelled before the first epoch ended, the job ends cancelled with nothing."""
    epochs = train_config.epochs

    def tick(epoch: int, batch: int, batches: int) -> None:
        if batch % 8 == 0 or batch == batches:
            job.report((epoch - 1 + batch / batches) / epochs, f"epoch {epoch}/{epochs}: batch {batch} of {batches}…")
        else:
            job.check()

    checkpoint, done = None, 0
    try:
        for metrics, checkpoint in fit(data, model_config, train_config, data_seed, tick):
            done = metrics.epoch
            frame = LiveFrame(list(checkpoint.history), checkpoint.epoch_views[-1], done)
            text = (
                f"epoch {done}/{epochs} — training loss {metrics.train_loss:.3g}, validation loss "
                f"{metrics.val_loss:.3g}, active units {metrics.active_fraction:.0%}"
            )
            job.report(done / epochs, text, frame)
    except Cancelled:
        if checkpoint is None:
            raise
    except AevizError as exc:
        if checkpoint is None:
            raise
        return JobOutcome(checkpoint, done, epochs, str(exc))
    return JobOutcome(checkpoint, done, epochs)
