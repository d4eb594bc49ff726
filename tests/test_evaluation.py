"""aeviz.evaluation: figures next to PCA with the same number of components, PSNR/SSIM as scikit-image computes them,
and the baselines of each restoring task."""

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from sklearn.decomposition import PCA

from aeviz.configs import TrainConfig
from aeviz.datasets import load_dataset
from aeviz.evaluation import (
    COLOUR_DIFFERENCE,
    RESTORATION,
    describe_gap,
    evaluate_model,
    generalisation_gap,
    pca_restore,
    psnr,
    restoration_metrics,
    score,
    ssim,
    verdict,
)
from aeviz.models import ModelConfig, build_model
from aeviz.tasks import upscale_input

RNG = np.random.default_rng(0)


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


def test_psnr_is_scikit_images_per_image_on_clipped_images():
    clean = np.full((2, 16), 0.9, np.float32)
    other = np.stack([np.full(16, 0.8), np.full(16, 1.3)]).astype(np.float32)  # the second is clipped to 1.0
    np.testing.assert_allclose(psnr(clean, other), [20.0, 20.0], rtol=1e-5)  # 10·log10(1 / 0.1²)
    a, b = RNG.random((3, 64)), RNG.random((3, 64))
    expected = [peak_signal_noise_ratio(x, y, data_range=1.0) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(psnr(a, b), expected)


def test_ssim_compares_the_rows_as_images_of_their_shape():
    a = RNG.random((2, 64))
    b = np.clip(a + 0.1 * RNG.standard_normal(a.shape), 0, 1)
    expected = [structural_similarity(x.reshape(8, 8), y.reshape(8, 8), data_range=1.0) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(ssim(a, b, (8, 8)), expected)
    assert ssim(a, a, (8, 8)) == pytest.approx([1.0, 1.0])


def test_pca_removes_noise_off_the_datas_plane():
    """Rows on a 3-D plane in 50-D: PCA with 3 components keeps the plane and drops most of the noise."""
    basis = RNG.standard_normal((3, 50))
    clean = (0.5 + 0.05 * RNG.standard_normal((400, 3)) @ basis).astype(np.float32)
    noisy = clean + 0.1 * RNG.standard_normal(clean.shape).astype(np.float32)
    restored = pca_restore(clean[:300], noisy[300:], 3)
    assert np.mean((restored - clean[300:]) ** 2) < 0.2 * np.mean((noisy[300:] - clean[300:]) ** 2)


def test_restoration_metrics_name_the_baselines_of_each_task():
    data = load_dataset("digits")
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 8, hidden=(32,)))
    assert restoration_metrics(model, TrainConfig(), data) == {}
    denoise = restoration_metrics(model, TrainConfig(noise_std=0.3), data)
    assert set(denoise) == {f"{n}_{m}" for n in ("corrupted", "pca", "model") for m in ("psnr", "ssim")}
    upscale = restoration_metrics(model, TrainConfig(task="upscale"), data)
    assert set(upscale) == {f"{n}_{m}" for n in ("bicubic", "model") for m in ("psnr", "ssim")}
    assert upscale["bicubic_psnr"] == pytest.approx(score(data.X_val, upscale_input(data.X_val, (8, 8)), (8, 8)).psnr)


NAMES = {"model": "denoiser", "pca": "PCA", "twin": "twin"}


def test_the_verdict_names_the_model_the_winner_only_when_it_is_best_on_every_measure():
    wins = verdict("At σ = 0.5", "the denoiser", {"model": (17.6, 0.77), "pca": (16.6, 0.62)}, NAMES, RESTORATION,
                   "restores best", "is not the best")  # fmt: skip
    assert (
        wins
        == "At σ = 0.5 the denoiser restores best. PSNR: denoiser 17.6 dB, PCA 16.6 dB; SSIM: denoiser 0.770, PCA 0.620."
    )
    values = {"pca": (15.9, 0.60), "model": (16.5, 0.70), "twin": (16.3, 0.73)}  # masking p = 0.3, as measured
    mixed = verdict("At p = 0.3", "the denoiser", values, NAMES, RESTORATION, "restores best", "is not the best")
    assert mixed.startswith("At p = 0.3 the denoiser is not the best (best on PSNR: denoiser; best on SSIM: twin). PSNR:")


def test_a_verdict_on_an_error_counts_the_lowest_as_best():
    names = {"model": "autoencoder", "gray": "gray"}
    closer = verdict("On flower", "it", {"model": (0.09,), "gray": (0.11,)}, names, (COLOUR_DIFFERENCE,), "wins", "loses")
    further = verdict("On flower", "it", {"model": (0.12,), "gray": (0.11,)}, names, (COLOUR_DIFFERENCE,), "wins", "loses")
    assert closer.startswith("On flower it wins. Mean absolute difference to the true colours per channel: autoencoder")
    assert further.startswith("On flower it loses (gray is best on mean absolute difference")


def test_an_exact_copy_prints_as_infinity_not_inf():
    from aeviz.evaluation import PSNR, Score, verdict

    assert Score(float("inf"), 1.0).text == "∞ dB · SSIM 1.00"
    said = verdict("At σ = 0", "the model", {"model": (20.0,), "input": (float("inf"),)}, {"model": "m", "input": "i"},
                   (PSNR,), "wins", "loses")  # fmt: skip
    assert "i ∞ dB" in said and "inf" not in said
