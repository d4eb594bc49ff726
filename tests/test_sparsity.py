"""aeviz.sparsity: the statistics the Sparsity page shows, and a λ sweep whose effect is real."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from aeviz.models import ModelConfig, build_model
from aeviz.sparsity import (
    SparsityReport,
    compare_sentence,
    gap_sentence,
    lambda_sweep,
    loss_latex,
    sparsity_report,
    sweep_from_json,
    sweep_sentence,
    sweep_to_json,
)
from aeviz.training import TrainConfig

PIXEL = 36  # a pixel near the middle of an 8×8 digit: bright in some digits, dark in others


def _model_with_known_code(n_units: int = 16):
    """A vanilla 64-16-64 model with a code known by construction: ReLU units 0-3 never fire (bias −1, no weights),
    unit 4 fires only where x[PIXEL] > 0.5 (weight 1, bias −0.5), units 5-15 are always 1 (bias +1); the decoder
    outputs sigmoid(0) = 0.5 everywhere."""
    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", n_units))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.encoder[0].bias[:4] = -1.0
        model.encoder[0].weight[4, PIXEL] = 1.0
        model.encoder[0].bias[4] = -0.5
        model.encoder[0].bias[5:] = 1.0
    return model


def test_report_counts_active_and_silent_units(small_digits):
    """4 dead units, one that fires for some digits only, 11 always on: the fraction, the count of units that never
    fire (not of those that sometimes rest), each unit's mean, and the MSE of a flat 0.5 follow from the construction."""
    X = small_digits.X_val
    fires = X[:, PIXEL] - 0.5 > 1e-3
    assert 0 < fires.mean() < 1  # the data really has both kinds of digit
    report = sparsity_report(_model_with_known_code(), X)
    assert report.activations.shape == (len(X), 16)
    assert report.active_fraction == pytest.approx((11 + fires.mean()) / 16)
    assert report.dead_units == 4
    assert np.allclose(report.unit_means[:4], 0) and np.allclose(report.unit_means[5:], 1)
    assert report.unit_means[4] == pytest.approx(np.mean(np.maximum(X[:, PIXEL] - 0.5, 0)), rel=1e-5)
    assert report.reconstruction_mse == pytest.approx(float(np.mean((X - 0.5) ** 2)), rel=1e-5)


def _report(active: float, dead: int, mse: float) -> SparsityReport:
    return SparsityReport(np.zeros((1, 8)), active, np.zeros(8), dead, mse, 0.0)


def test_sentence_says_fewer_or_more_from_the_numbers():
    """The sentence follows the two reports: a sparser λ model gives 'fewer', a denser one 'more', with both figures."""
    dense, sparse = _report(0.74, 1, 0.0126), _report(0.31, 5, 0.0213)
    sentence = compare_sentence(dense, sparse, 0.0003)
    assert "31% of code activations are non-zero against 74% with λ = 0 (fewer active units" in sentence
    assert "1 of 8 units never fire with λ = 0 either" in sentence and "5 with λ = 0.0003, so λ silenced 4" in sentence
    assert "from 0.0126 to 0.0213" in sentence
    assert "(more active units" in compare_sentence(sparse, dense, 0.0003)


def test_sweep_lowers_the_active_fraction_as_lambda_grows(mnist):
    subset = replace(mnist, X_train=mnist.X_train[:1500], X_val=mnist.X_val[:300])
    config = ModelConfig.for_data(784, (28, 28), "vanilla", 64)
    results = dict(lambda_sweep(subset, config, [0.0, 1e-3], TrainConfig(epochs=6, lr=1e-3)))
    assert results[1e-3].active_fraction < 0.5 * results[0.0].active_fraction


def _stats(dead: int, active: float, mse: float, code_l1: float = 10.0) -> SparsityReport:
    return SparsityReport(np.zeros((2, 64)), active, np.zeros(64), dead, mse, code_l1)


def test_units_dead_without_a_penalty_are_not_credited_to_lambda():
    """15 units silent at λ = 0 are dead ReLUs: the sentence credits λ only with the ones it added."""
    text = compare_sentence(_stats(15, 0.5, 0.01), _stats(40, 0.1, 0.02), 3e-4)
    assert "15 of 64 units never fire with λ = 0 either (dead ReLUs" in text and "so λ silenced 25;" in text
    assert "none with λ = 0" in compare_sentence(_stats(0, 0.5, 0.01), _stats(3, 0.1, 0.02), 3e-4)


def test_the_loss_is_written_with_the_models_numbers():
    """L + λ Σ|a| with the error, λ, the mean absolute sum and their total."""
    latex = loss_latex(_stats(0, 0.5, 0.0123, code_l1=45.6), 3e-4)
    assert "{0.0123}" in latex and "{0.0003}" in latex and "{45.6}" in latex and latex.endswith("= 0.0260")


def test_the_twins_gaps_are_stated_with_their_absolute_errors():
    dense = [{"epoch": 1, "recon_loss": 0.010, "val_recon": 0.011, "train_loss": 0.01, "val_loss": 0.011}]
    sparse = [{"epoch": 1, "recon_loss": 0.020, "val_recon": 0.0212, "train_loss": 0.03, "val_loss": 0.031}]
    text = gap_sentence(dense, sparse, 3e-4)
    assert "with λ = 0 the validation error ends +10% from the training error (0.0110 against 0.0100)" in text
    assert "with λ = 0.0003, +6% (0.0212 against 0.0200)" in text
    assert text.endswith("The penalty narrows the gap and raises the validation error.")


def test_a_sweep_survives_json_and_its_sentence_reads_its_ends():
    results = [(0.0, 0.73, 0.025), (3e-3, 0.0, 0.16)]
    back, epochs = sweep_from_json(sweep_to_json(results, 15))
    assert back == results and epochs == 15
    assert sweep_sentence(results) == (
        "From λ = 0 to λ = 0.003 the share of non-zero code activations goes from 73% to 0% and the validation error "
        "from 0.0250 to 0.1600."
    )
    with pytest.raises(ValueError):
        sweep_from_json('{"epochs": 1, "results": [[0.1, 0.2]]}')
