"""aeviz.sparsity: the statistics the Sparsity page shows, and a λ sweep whose effect is real."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from aeviz.models import ModelConfig, build_model
from aeviz.sparsity import SparsityReport, compare_sentence, lambda_sweep, sparsity_report
from aeviz.training import TrainConfig


def _model_with_known_code(n_dead: int, n_units: int = 16):
    """A vanilla 64-16-64 model whose first `n_dead` ReLU units never fire (bias −1, no weights) and whose others are
    always 1 (bias +1); the decoder outputs sigmoid(0) = 0.5 everywhere."""
    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", n_units))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.encoder[0].bias[:n_dead] = -1.0
        model.encoder[0].bias[n_dead:] = 1.0
    return model


def test_report_counts_active_and_silent_units(small_digits):
    """4 of 16 units silenced by construction: active fraction 12/16, 4 dead units, means 0 and 1, MSE of a flat 0.5."""
    X = small_digits.X_val
    report = sparsity_report(_model_with_known_code(n_dead=4), X)
    assert report.activations.shape == (len(X), 16)
    assert report.active_fraction == pytest.approx(0.75)
    assert report.dead_units == 4
    assert np.allclose(report.unit_means, [0.0] * 4 + [1.0] * 12)
    assert report.reconstruction_mse == pytest.approx(float(np.mean((X - 0.5) ** 2)), rel=1e-5)


def _report(active: float, dead: int, mse: float) -> SparsityReport:
    return SparsityReport(np.zeros((1, 8)), active, np.zeros(8), dead, mse)


def test_sentence_says_fewer_or_more_from_the_numbers():
    """The sentence follows the two reports: a sparser λ model gives 'fewer', a denser one 'more', with both figures."""
    dense, sparse = _report(0.74, 1, 0.0126), _report(0.31, 5, 0.0213)
    sentence = compare_sentence(dense, sparse, 0.0003)
    assert "31% of code activations are non-zero against 74% with λ = 0 (fewer active units" in sentence
    assert "5 of 8 units never fire, against 1" in sentence and "from 0.0126 to 0.0213" in sentence
    assert "(more active units" in compare_sentence(sparse, dense, 0.0003)


def test_sweep_lowers_the_active_fraction_as_lambda_grows(mnist):
    subset = replace(mnist, X_train=mnist.X_train[:1500], X_val=mnist.X_val[:300])
    config = ModelConfig.for_data(784, (28, 28), "vanilla", 64)
    results = dict(lambda_sweep(subset, config, [0.0, 1e-3], TrainConfig(epochs=6, lr=1e-3)))
    assert results[1e-3].active_fraction < 0.5 * results[0.0].active_fraction
