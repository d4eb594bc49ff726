"""aeviz.evaluation: figures next to PCA with the same number of components."""

import numpy as np
from sklearn.decomposition import PCA

from aeviz.data import load_dataset
from aeviz.evaluation import evaluate_model
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
