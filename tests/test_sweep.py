"""aeviz.sweep: PCA's error at every k, principal angles, the sentences, and the shipped sweep's lesson recomputed."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
from aeviz.datasets import load_dataset
from aeviz.models import build_model
from aeviz.pretrain import SWEEP_DIR, sweep_name
from aeviz.sweep import (
    MAX_SWEEP_EPOCHS,
    angles_sentence,
    compare_sentence,
    family_of,
    linear_note,
    linear_sentence,
    model_config,
    pca_errors,
    principal_angles,
    sweep_ks,
    train_config,
    train_sweep,
    val_error,
)


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def test_pca_errors_equal_sklearn_reconstructions_at_every_k(digits):
    """One fit gives every k; each equals a separate PCA(k)'s validation reconstruction error."""
    errors = pca_errors(digits, 10)
    for k in (1, 2, 7, 10):
        pca = PCA(n_components=k).fit(digits.X_train)
        expected = np.mean((pca.inverse_transform(pca.transform(digits.X_val)) - digits.X_val) ** 2)
        assert errors[k - 1] == pytest.approx(expected, rel=1e-5)
    assert np.all(np.diff(errors) < 0)


def _linear_model(weight: np.ndarray):
    model = build_model(model_config("linear", weight.shape[1], weight.shape[0], None))
    with torch.no_grad():
        model.decoder[0].weight.copy_(torch.from_numpy(weight))
    return model


def test_principal_angles_see_the_subspace_not_the_axes(digits):
    """A decoder spanning PCA's first 3 components through any invertible mix has angles 0; one spanning components
    4-6 (orthogonal to them) has angles 90."""
    components = PCA(n_components=6).fit(digits.X_train).components_.T
    mix = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, -3.0], [1.0, 0.0, 1.0]])
    assert principal_angles(_linear_model(components[:, :3] @ mix), digits) == pytest.approx([0, 0, 0], abs=1e-3)
    assert principal_angles(_linear_model(components[:, 3:]), digits) == pytest.approx([90, 90, 90], abs=1e-3)


def test_only_the_linear_family_is_linear():
    assert family_of(model_config("linear", 2, 64, (8, 8))) == "linear"
    assert family_of(model_config("mlp", 2, 64, (8, 8))) == "mlp"
    with pytest.raises(ValueError):
        principal_angles(build_model(model_config("mlp", 2, 64, (8, 8))), None)


def test_sentences_state_where_each_side_wins():
    pca = np.array([0.06, 0.05, 0.045, 0.04])  # PCA at k = 1 … 4
    sentence = compare_sentence([1, 2, 4], [0.03, 0.049, 0.06], pca)
    assert "below PCA's at k = 1, 2 (at k = 1: 50% lower)" in sentence and "above PCA's at k = 4 (50% higher)" in sentence
    assert "above" not in compare_sentence([1], [0.05], pca)
    assert linear_sentence([1, 2], [0.061, 0.051], pca).startswith("The linear autoencoder lands on PCA's curve")
    off = linear_sentence([1, 4], [0.061, 0.05], pca)
    assert "within 5% of PCA's error at k = 1;" in off and "at k = 4 it has not reached PCA's curve (25% above)" in off
    assert linear_note([1, 4], [0.061, 0.05], pca).endswith("at k = 1") and linear_note([4], [0.05], pca) == ""


def test_sweep_sizes_follow_the_data():
    assert sweep_ks(784) == (1, 2, 4, 8, 16, 32, 64) and sweep_ks(3) == (1, 2) and sweep_ks(64) == (1, 2, 4, 8, 16, 32)
    assert train_config("mlp", 784, 4_000).epochs == 20  # 640 steps of 32 batches
    assert train_config("mlp", 6, 96).epochs == MAX_SWEEP_EPOCHS  # a 100-row file: bounded, not 3,000 epochs


def test_train_sweep_trains_each_family_and_k_for_its_epochs(digits):
    finished = {}
    for family, k, metrics, checkpoint in train_sweep(digits, ks=(1, 2)):
        finished[family, k] = (metrics.epoch, checkpoint)
    assert sorted(finished) == [("linear", 1), ("linear", 2), ("mlp", 1), ("mlp", 2)]
    for (family, k), (epochs, checkpoint) in finished.items():
        assert checkpoint.config.latent_dim == k and family_of(checkpoint.config) == family
        assert epochs == len(checkpoint.history) == train_config(family, 64, len(digits.X_train)).epochs


@pytest.mark.parametrize("dataset", ["mnist", "swiss_roll"])
def test_the_shipped_sweep_makes_the_lecture_point(dataset):
    """Recomputed from the shipped models (not their stored figures): the multilayer autoencoder beats PCA at k = 2,
    and the linear one lands within 5 % of PCA's error for k up to 32."""
    data = load_dataset(dataset)
    ks = sweep_ks(data.n_features)
    pca = pca_errors(data, max(ks))
    folder = SHIPPED_DIR / SWEEP_DIR
    mlp = val_error(load_checkpoint(sweep_name(dataset, "mlp", 2), folder).model, data)
    assert mlp < 0.95 * pca[1]
    for k in [k for k in ks if k <= 32]:
        linear = val_error(load_checkpoint(sweep_name(dataset, "linear", k), folder).model, data)
        assert linear < 1.05 * pca[k - 1], k


def test_angles_sentence_reads_the_median_and_the_largest_angle():
    sentence = angles_sentence(np.array([0.5, 2.0, 40.0]), 0.0303, 0.03)
    assert "median **2.0°**, largest **40.0°**" in sentence and "(+1.0%)" in sentence and "3-dimensional" in sentence


def test_the_sweep_is_checked_against_the_work_budget_before_it_queues(monkeypatch):
    import aeviz.configs
    from aeviz import AevizError
    from aeviz.datasets import load_dataset
    from aeviz.sweep import check_sweep

    digits = load_dataset("digits")
    work = check_sweep(digits)
    monkeypatch.setattr(aeviz.configs, "MAX_WORK", work / 2)
    with pytest.raises(AevizError, match="the k-sweep on digits would do"):
        check_sweep(digits)


def test_the_reason_for_a_loss_follows_the_training_error():
    """Above PCA on its own training rows is under-training; below it there but above on new rows is memorising."""
    from aeviz.sweep import largest_loss, reason_sentence

    assert "under-training, not memorising" in reason_sentence(64, 0.0118, 0.0137, 0.0090, 640)
    assert "16% above its training error" in reason_sentence(64, 0.0118, 0.0137, 0.0090, 640)
    assert "it has memorised" in reason_sentence(64, 0.0080, 0.0137, 0.0090, 640)
    pca = np.array([0.05, 0.04, 0.03, 0.02])
    assert largest_loss([1, 2, 4], [0.04, 0.05, 0.021], pca) == 2  # 25 % above at k = 2, 5 % at k = 4
    assert largest_loss([1], [0.01], pca) is None


def test_pca_errors_on_the_training_rows_are_pcas_own_fit(digits):
    errors = pca_errors(digits, 5, "training")
    pca = PCA(n_components=5).fit(digits.X_train)
    expected = np.mean((pca.inverse_transform(pca.transform(digits.X_train)) - digits.X_train) ** 2)
    assert errors[4] == pytest.approx(expected, rel=1e-5)
