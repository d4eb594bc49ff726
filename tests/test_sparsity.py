"""aeviz.sparsity: the statistics the Sparsity page shows, and a λ sweep whose effect is real."""

from dataclasses import replace

import numpy as np

from aeviz.models import ModelConfig, build_model
from aeviz.sparsity import compare_sentence, lambda_sweep, sparsity_report
from aeviz.training import TrainConfig


def test_report_counts_active_and_silent_units(small_digits):
    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", 16))
    report = sparsity_report(model, small_digits.X_val)
    active = np.abs(report.activations) > 1e-3
    assert report.activations.shape == (len(small_digits.X_val), 16)
    assert report.active_fraction == active.mean()
    assert report.dead_units == int((~active.any(axis=0)).sum())


def test_sweep_lowers_the_active_fraction_as_lambda_grows(mnist):
    subset = replace(mnist, X_train=mnist.X_train[:1500], X_val=mnist.X_val[:300])
    config = ModelConfig.for_data(784, (28, 28), "vanilla", 64)
    results = dict(lambda_sweep(subset, config, [0.0, 1e-3], TrainConfig(epochs=6)))
    assert results[1e-3].active_fraction < 0.5 * results[0.0].active_fraction


def test_sentence_states_the_numbers(small_digits):
    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", 8))
    report = sparsity_report(model, small_digits.X_val)
    sentence = compare_sentence(report, report, 0.001)
    assert f"{report.active_fraction:.0%}" in sentence and "λ = 0.001" in sentence
