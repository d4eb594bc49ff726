"""aeviz.evaluation: figures next to PCA with the same number of components."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from aeviz.data import load_dataset
from aeviz.evaluation import describe_gap, evaluate_model, generalisation_gap
from aeviz.models import ModelConfig, build_model


def test_pca_baseline_is_pca_with_as_many_components(small_digits):
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 3))
    result = evaluate_model(model, small_digits)
    pca = PCA(3).fit(small_digits.X_train)
    expected = np.mean((pca.inverse_transform(pca.transform(small_digits.X_val)) - small_digits.X_val) ** 2)
    assert np.isclose(result["pca_val_mse"], expected, rtol=1e-5)
    assert "knn_accuracy" in result and "pca_knn_accuracy" in result


def test_unlabelled_data_has_no_knn_figures():
    data = load_dataset("swiss_roll")
    result = evaluate_model(build_model(ModelConfig.for_data(3, None, "mlp", 2)), data)
    assert "knn_accuracy" not in result and result["val_mse"] > 0


def test_gap_reads_memorising_only_when_validation_error_is_clearly_higher():
    """The sentence follows the numbers: 50 % above training error is memorising, 10 % a small gap, 2 % none."""
    fitting = [{"epoch": 1, "train_loss": 0.2, "val_loss": 0.2, "recon_loss": 0.10, "val_recon": 0.102}]
    memorising = [{"epoch": 1, "train_loss": 0.1, "val_loss": 0.15}]
    assert generalisation_gap(fitting) == pytest.approx(0.02)
    assert generalisation_gap(memorising) == pytest.approx(0.5)
    assert "no sign of memorising" in describe_gap(fitting)
    assert "50% above training error: the model has begun to memorise" in describe_gap(memorising)
    assert "40% below training error" in describe_gap([{"epoch": 9, "train_loss": 0.1, "val_loss": 0.06}])
    assert describe_gap([]) == ""
    assert "a small gap" in describe_gap([{"epoch": 3, "train_loss": 0.1, "val_loss": 0.11}])
