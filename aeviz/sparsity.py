"""What an L1 penalty does to the code: activations, active units, reconstruction error, and a λ sweep."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from aeviz.checkpoints import Checkpoint
from aeviz.configs import ACTIVE_THRESHOLD
from aeviz.datasets import Dataset
from aeviz.evaluation import generalisation_gap
from aeviz.fitting import fit
from aeviz.jobhandle import JobHandle
from aeviz.latent import decode, encode_dataset
from aeviz.models import Autoencoder, ModelConfig, build_model
from aeviz.training import EpochMetrics, TrainConfig, run_to_end, train

SWEEP_LAMBDAS = (0.0, 1e-4, 3e-4, 1e-3, 3e-3)  # the λ sweep's values, from no penalty to one that silences most units
SWEEP_EPOCHS = 15  # one short training per λ


@dataclass(frozen=True)
class SparsityReport:
    """Code statistics of a model on clean data X."""

    activations: np.ndarray  # (n_samples, latent_dim) code activations
    active_fraction: float  # share of (sample, unit) pairs with |a| > ACTIVE_THRESHOLD
    unit_means: np.ndarray  # (latent_dim,) mean |activation| of each unit
    dead_units: int  # units never active on X
    reconstruction_mse: float  # mean squared error per feature
    code_l1: float  # Σᵢ |aᵢ| over the code units, averaged over the rows: what λ multiplies in the loss


def sparsity_report(model: Autoencoder, X: np.ndarray) -> SparsityReport:
    """Statistics of the code of `model` on X (n_samples, n_features)."""
    Z = encode_dataset(model, X)
    active = np.abs(Z) > ACTIVE_THRESHOLD
    mse = float(np.mean((decode(model, Z) - X) ** 2))
    dead = int((~active.any(axis=0)).sum())
    return SparsityReport(Z, float(active.mean()), np.abs(Z).mean(axis=0), dead, mse, float(np.abs(Z).sum(axis=1).mean()))


def compare_sentence(dense: SparsityReport, sparse: SparsityReport, lam: float) -> str:
    """One sentence that states, from the numbers, what λ changed; the units silent without any penalty (dead
    ReLUs: never active on any row) are the baseline, not λ's doing."""
    change = "fewer" if sparse.active_fraction < dense.active_fraction else "more"
    n_units = len(sparse.unit_means)
    if dense.dead_units:
        baseline = (
            f"{dense.dead_units} of {n_units} units never fire with λ = 0 either (dead ReLUs: no penalty silenced "
            f"them), {sparse.dead_units} with λ = {lam:g}, so λ silenced {max(0, sparse.dead_units - dense.dead_units)}"
        )
    else:
        baseline = f"{sparse.dead_units} of {n_units} units never fire with λ = {lam:g}, none with λ = 0"
    return (
        f"With λ = {lam:g}, {sparse.active_fraction:.0%} of code activations are non-zero against "
        f"{dense.active_fraction:.0%} with λ = 0 ({change} active units). {baseline}; the reconstruction error goes "
        f"from {dense.reconstruction_mse:.4f} to {sparse.reconstruction_mse:.4f}."
    )


def loss_latex(report: SparsityReport, lam: float) -> str:
    """The lecture's sparse loss with this model's numbers on the validation rows: L(x, x̂) + λ Σᵢ|aᵢ| (LaTeX)."""
    total = report.reconstruction_mse + lam * report.code_l1
    return (
        rf"\underbrace{{{report.reconstruction_mse:.4f}}}_{{L(x,\hat x)}} + \underbrace{{{lam:g}}}_{{\lambda}} \times "
        rf"\underbrace{{{report.code_l1:.1f}}}_{{\sum_i |a_i|}} = {total:.4f}"
    )


def gap_sentence(dense_history: Sequence[dict], sparse_history: Sequence[dict], lam: float) -> str:
    """Memorising in the twins: each one's last-epoch training and validation reconstruction error and their gap,
    and whether λ narrowed it (reconstruction parts only: the penalty is not an error)."""

    def errors(history: Sequence[dict]) -> tuple[float, float]:
        last = history[-1]
        return last.get("recon_loss", last["train_loss"]), last.get("val_recon", last["val_loss"])

    (d_train, d_val), (s_train, s_val) = errors(dense_history), errors(sparse_history)
    d_gap, s_gap = generalisation_gap(dense_history), generalisation_gap(sparse_history)
    narrows = "narrows" if s_gap < d_gap else "does not narrow"
    raises = "raises" if s_val > d_val else "lowers"
    return (
        f"Memorising: with λ = 0 the validation error ends {d_gap:+.0%} from the training error ({d_val:.4f} against "
        f"{d_train:.4f}); with λ = {lam:g}, {s_gap:+.0%} ({s_val:.4f} against {s_train:.4f}). The penalty {narrows} "
        f"the gap and {raises} the validation error."
    )


def sweep_sentence(results: Sequence[tuple[float, float, float]]) -> str:
    """What the λ sweep measured, from its first and last λ: [(λ, active fraction, validation MSE)]."""
    (lam0, active0, error0), (lam1, active1, error1) = results[0], results[-1]
    return (
        f"From λ = {lam0:g} to λ = {lam1:g} the share of non-zero code activations goes from {active0:.0%} to "
        f"{active1:.0%} and the validation error from {error0:.4f} to {error1:.4f}."
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


def sweep_to_json(results: Sequence[tuple[float, float, float]], epochs: int) -> str:
    """A λ sweep's results as JSON (the shipped sweep, read back by `sweep_from_json`)."""
    return json.dumps({"epochs": epochs, "results": [list(map(float, r)) for r in results]})


def sweep_from_json(text: str) -> tuple[list[tuple[float, float, float]], int]:
    """(results, epochs) of a sweep written by `sweep_to_json`: plain data, checked to be triples of numbers."""
    content = json.loads(text)
    results = [tuple(float(v) for v in row) for row in content["results"]]
    if not results or any(len(row) != 3 for row in results):
        raise ValueError("a λ sweep is a list of (λ, active fraction, error) triples")
    return results, int(content["epochs"])
