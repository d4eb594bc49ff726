"""aeviz.sparsity: the statistics the Sparsity page shows, and a λ sweep whose effect is real."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from aeviz.models import ModelConfig, build_model
from aeviz.sparsity import SparsityReport, compare_sentence, lambda_sweep, sparsity_report
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
