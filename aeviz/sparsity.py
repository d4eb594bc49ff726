"""What an L1 penalty does to the code: activations, active units, reconstruction error, and a λ sweep."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from aeviz.checkpoints import Checkpoint
from aeviz.configs import ACTIVE_THRESHOLD
from aeviz.datasets import Dataset
from aeviz.fitting import fit
from aeviz.jobhandle import JobHandle
from aeviz.latent import decode, encode_dataset
from aeviz.models import Autoencoder, ModelConfig, build_model
from aeviz.training import EpochMetrics, TrainConfig, run_to_end, train


@dataclass(frozen=True)
class SparsityReport:
    """Code statistics of a model on clean data X."""

    activations: np.ndarray  # (n_samples, latent_dim) code activations
    active_fraction: float  # share of (sample, unit) pairs with |a| > ACTIVE_THRESHOLD
    unit_means: np.ndarray  # (latent_dim,) mean |activation| of each unit
    dead_units: int  # units never active on X
    reconstruction_mse: float  # mean squared error per feature


def sparsity_report(model: Autoencoder, X: np.ndarray) -> SparsityReport:
    """Statistics of the code of `model` on X (n_samples, n_features)."""
    Z = encode_dataset(model, X)
    active = np.abs(Z) > ACTIVE_THRESHOLD
    mse = float(np.mean((decode(model, Z) - X) ** 2))
    return SparsityReport(Z, float(active.mean()), np.abs(Z).mean(axis=0), int((~active.any(axis=0)).sum()), mse)


def compare_sentence(dense: SparsityReport, sparse: SparsityReport, lam: float) -> str:
    """One sentence that states, from the numbers, what λ changed."""
    change = "fewer" if sparse.active_fraction < dense.active_fraction else "more"
    return (
        f"With λ = {lam:g}, {sparse.active_fraction:.0%} of code activations are non-zero against "
        f"{dense.active_fraction:.0%} with λ = 0 ({change} active units; {sparse.dead_units} of "
        f"{len(sparse.unit_means)} units never fire, against {dense.dead_units}), while the reconstruction error goes "
        f"from {dense.reconstruction_mse:.4f} to {sparse.reconstruction_mse:.4f}."
    )


def train_twins(
    data: Dataset, config: ModelConfig, train_config: TrainConfig, lam: float
) -> Iterator[tuple[float, EpochMetrics, Checkpoint]]:
    """Train the same model twice, with λ = 0 and with λ = lam (same seed, data and everything else).

    Yields (λ, metrics, checkpoint so far) after every epoch of each; the last checkpoint of each λ is its finished twin.
    """
    for value in (0.0, float(lam)):
        for metrics, checkpoint in fit(data, config, replace(train_config, l1=value)):
            yield value, metrics, checkpoint


def lambda_sweep(
    data: Dataset, config: ModelConfig, lambdas: Sequence[float], train_config: TrainConfig
) -> Iterator[tuple[float, SparsityReport]]:
    """Train one model per λ (same seed, same everything else) and yield (λ, its report on the validation split)."""
    for lam in lambdas:
        model = build_model(config, seed=train_config.seed)
        run_to_end(train(model, data, replace(train_config, l1=float(lam))))
        yield float(lam), sparsity_report(model, data.X_val)


def twins_job(
    job: JobHandle, data: Dataset, config: ModelConfig, train_config: TrainConfig, lam: float
) -> tuple[Checkpoint, Checkpoint]:
    """`train_twins` as a job of the class's pool (aeviz.jobs): progress after every epoch; (λ = 0 twin, λ twin)."""
    finished, total = {}, 2 * train_config.epochs
    for done, (value, metrics, checkpoint) in enumerate(train_twins(data, config, train_config, lam), start=1):
        job.report(done / total, f"training λ = {value:g}: epoch {metrics.epoch}")
        finished[value] = checkpoint
    return finished[0.0], finished[float(lam)]


def lambda_sweep_job(
    job: JobHandle, data: Dataset, config: ModelConfig, lambdas: Sequence[float], train_config: TrainConfig
) -> list[tuple[float, float, float]]:
    """`lambda_sweep` as a pool job: [(λ, active fraction, reconstruction MSE)], progress after every λ."""
    results = []
    for done, (value, report) in enumerate(lambda_sweep(data, config, lambdas, train_config), start=1):
        results.append((value, report.active_fraction, report.reconstruction_mse))
        job.report(done / len(lambdas), f"λ = {value:g} done")
    return results
