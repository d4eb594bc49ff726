"""A model from its configs: build it, train it (`aeviz.training.train`), keep the epoch scrubber's views, and measure
it next to its baselines at the end (`fit`); and the same as a job of the class's pool (`fit_job`).

`aeviz.training` only trains a model it is given; this module is what the Train page, `aeviz train`, the pretraining
recipes and the lecture pages' own trainings call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from aeviz.checkpoints import Checkpoint
from aeviz.configs import VIEW_SAMPLES, ModelConfig, TrainConfig
from aeviz.datasets import Dataset
from aeviz.errors import AevizError
from aeviz.evaluation import evaluate_model, restoration_metrics
from aeviz.jobhandle import Cancelled, JobHandle
from aeviz.latent import encode_dataset
from aeviz.models import build_model, default_device
from aeviz.projection import live_view
from aeviz.tasks import model_inputs
from aeviz.training import BatchCallback, EpochMetrics, train


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
    shown = model_inputs(data.X_val[:VIEW_SAMPLES], train_config.task, data.image_shape)
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


def fit_job(
    job: JobHandle, data: Dataset, model_config: ModelConfig, train_config: TrainConfig, data_seed: int = 0
) -> JobOutcome:
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


def fit_photos_job(job: JobHandle, name: str, model_config: ModelConfig, train_config: TrainConfig) -> JobOutcome:
    """`fit_job` on the photo patches `name` (aeviz.datasets.photo_dataset), cut in the worker: the upscalers' 4,134
    patches are 50 MB the server need not hold or send."""
    from aeviz.datasets import photo_dataset

    return fit_job(job, photo_dataset(name), model_config, train_config)
