"""aeviz.training: the loss falls, runs are reproducible, λ silences units, denoising denoises, NaN stops cleanly."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from aeviz import AevizError, TrainingError
from aeviz.latent import reconstruct
from aeviz.models import ModelConfig, build_model
from aeviz.tasks import corrupt, model_inputs
from aeviz.training import EpochMetrics, FusedAdam, TrainConfig, clean_losses, train


def _run(data, arch="mlp", latent=2, seed=0, **train_kwargs):
    model = build_model(ModelConfig.for_data(data.n_features, data.image_shape, arch, latent), seed=seed)
    history = list(train(model, data, TrainConfig(seed=seed, **train_kwargs)))
    return model, history


def test_yields_metrics_after_every_epoch(small_digits):
    _, history = _run(small_digits, epochs=3)
    assert [m.epoch for m in history] == [1, 2, 3]
    assert all(isinstance(m, EpochMetrics) and m.seconds > 0 for m in history)


@pytest.mark.parametrize("arch", ["vanilla", "mlp", "conv", "vae"])
def test_the_loss_falls(small_digits, arch):
    """Validation reconstruction error after 15 epochs is clearly lower than the untrained model's."""
    config = TrainConfig(epochs=15, batch_size=32, lr=3e-3)
    model = build_model(ModelConfig.for_data(64, (8, 8), arch, 8))
    _, untrained, _ = clean_losses(model, small_digits.X_val, config)
    history = list(train(model, small_digits, config))
    assert history[-1].val_recon < 0.7 * untrained


def test_two_identical_runs_give_identical_parameters(small_digits):
    a, _ = _run(small_digits, epochs=2, noise_std=0.1)
    b, _ = _run(small_digits, epochs=2, noise_std=0.1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


@pytest.mark.parametrize("arch", ["mlp", "vae"])
def test_model_is_the_one_the_metrics_describe_at_every_yield(small_digits, arch):
    """At each yield the model is in eval mode and its validation error is the one reported for that epoch (a yield
    before the epoch's last step, or a model left in training mode — a VAE would sample — fails this)."""
    model = build_model(ModelConfig.for_data(64, (8, 8), arch, 2))
    for metrics in train(model, small_digits, TrainConfig(epochs=3, lr=3e-3)):
        assert not model.training
        error = float(np.mean((reconstruct(model, small_digits.X_val) - small_digits.X_val) ** 2))
        assert error == pytest.approx(metrics.val_recon, rel=1e-4)


def test_stopping_early_keeps_exactly_the_epochs_trained(small_digits):
    """Leaving the loop after epoch 2 of 5 (the Stop button) leaves the same weights as a 2-epoch run."""
    stopped = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2))
    for metrics in train(stopped, small_digits, TrainConfig(epochs=5)):
        if metrics.epoch == 2:
            break
    two, _ = _run(small_digits, epochs=2)
    assert all(torch.equal(p, q) for p, q in zip(stopped.parameters(), two.parameters(), strict=True))


def test_larger_l1_gives_lower_active_fraction(mnist):
    """Same seed, λ > 0 against λ = 0: fewer code units are active on validation."""
    subset = replace(mnist, X_train=mnist.X_train[:1500], X_val=mnist.X_val[:300])
    _, dense = _run(subset, arch="vanilla", latent=64, epochs=8, l1=0.0)
    _, sparse = _run(subset, arch="vanilla", latent=64, epochs=8, l1=3e-4)
    assert sparse[-1].active_fraction < 0.8 * dense[-1].active_fraction
    assert sparse[-1].penalty > 0 and dense[-1].penalty == 0


def test_denoiser_output_is_closer_to_clean_than_its_noisy_input(mnist):
    subset = replace(mnist, X_train=mnist.X_train[:2000], X_val=mnist.X_val[:200])
    model, _ = _run(subset, arch="mlp", latent=32, epochs=10, noise_std=0.5)
    clean = subset.X_val
    noisy = corrupt(torch.from_numpy(clean), 0.5, 0.0, torch.Generator().manual_seed(1)).numpy()
    denoised = reconstruct(model, noisy)
    assert np.mean((denoised - clean) ** 2) < 0.5 * np.mean((noisy - clean) ** 2)


def test_masking_zeroes_about_the_given_fraction():
    x = torch.ones(200, 100)
    masked = corrupt(x, 0.0, 0.3, torch.Generator().manual_seed(0))
    assert 0.27 < (masked == 0).float().mean() < 0.33


def test_nan_loss_stops_with_advice_and_keeps_finite_weights(small_digits):
    """A loss that becomes NaN raises TrainingError suggesting a smaller rate; weights stay those of the last good epoch."""
    bad = small_digits.X_train.copy()
    bad[5, 3] = np.nan
    data = replace(small_digits, X_train=bad)
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2))
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(TrainingError, match="smaller learning rate"):
        list(train(model, data, TrainConfig(epochs=3)))
    assert all(torch.equal(p, q) for p, q in zip(before, model.parameters(), strict=True))


def test_bad_hyper_parameters_are_refused():
    with pytest.raises(ValueError, match="learning rate"):
        TrainConfig(lr=0)
    with pytest.raises(ValueError, match="masking"):
        TrainConfig(mask_prob=1.5)


def test_a_stop_within_an_epoch_keeps_the_last_finished_epoch(small_digits):
    """on_batch lets a page stop mid-epoch; whatever it raises, the model is left as after the last finished epoch
    (so it matches its history) and in eval mode."""
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2))
    two, _ = _run(small_digits, epochs=2, batch_size=32)

    def stop_in_epoch_three(epoch, batch, batches):
        assert batches == -(-len(small_digits.X_train) // 32)
        if epoch == 3 and batch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        for _ in train(model, small_digits, TrainConfig(epochs=5, batch_size=32), on_batch=stop_in_epoch_three):
            pass
    assert not model.training
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), two.parameters(), strict=True))


def test_an_upscaler_learns_from_and_is_validated_on_the_bicubic_input(small_digits):
    """Its validation loss is measured on its task's input (a shrunk and enlarged digit), not on the clean digit."""
    config = TrainConfig(epochs=2, task="upscale", seed=0)
    model, history = _run(small_digits, latent=16, epochs=2, task="upscale")
    X_in = model_inputs(small_digits.X_val, config.task, small_digits.image_shape)
    assert not np.allclose(X_in, small_digits.X_val)
    on_task = clean_losses(model, small_digits.X_val, config, X_in)[1]
    on_clean = clean_losses(model, small_digits.X_val, config)[1]
    assert history[-1].val_recon == pytest.approx(on_task, rel=1e-5) and on_task != pytest.approx(on_clean, rel=1e-3)
    with pytest.raises(AevizError, match="upscaling needs image data"):
        model_inputs(np.zeros((2, 5), np.float32), config.task, None)


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_fused_adam_steps_as_torch_adam_does(arch):
    """Bit for bit the weights torch.optim.Adam(fused=True) gives, over steps with changing gradients, with a parameter
    that has no gradient in one step left alone (as torch's Adam leaves it)."""
    config = ModelConfig.for_data(784, (28, 28), arch, 3)
    ours, theirs = build_model(config, seed=1), build_model(config, seed=1)
    adam, reference = FusedAdam(ours.parameters(), lr=3e-3), torch.optim.Adam(theirs.parameters(), lr=3e-3, fused=True)
    x = torch.rand(16, 784, generator=torch.Generator().manual_seed(2))
    for step in range(4):
        for model, optimizer in ((ours, adam), (theirs, reference)):
            optimizer.zero_grad()
            model(x).square().mean().backward()
            if step == 2:
                next(model.parameters()).grad = None
            optimizer.step()
    for mine, reference_param in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(mine, reference_param)
    assert not torch.equal(next(ours.parameters()), next(build_model(config, seed=1).parameters()))


def test_the_bins_head_learns_with_rare_colours_weighing_more():
    """A recolourer with the bins head: its loss weights are the training pixels' (`rare_colour_weights`), its loss
    falls, its validation loss is measured on the gray input against the held-out colours; a head and a loss that do
    not go together are refused."""
    from aeviz.colours import colour_targets, rare_colour_weights
    from aeviz.datasets import Dataset, photo_dataset

    photos = photo_dataset()
    data = Dataset("photos", photos.X_train[::8], photos.X_val[:16], None, None, photos.image_shape)
    options = {"conv_channels": (8, 8), "conv_code": "spatial", "channels": 3, "output_activation": "linear"}
    config = ModelConfig.for_data(data.n_features, data.image_shape, "conv", 8 * 8 * 8, head="ab-bins", **options)
    model = build_model(config)
    train_config = TrainConfig(epochs=3, batch_size=32, task="recolour", loss="ce")
    history = list(train(model, data, train_config))
    assert history[-1].train_loss < history[0].train_loss
    expected = rare_colour_weights(colour_targets(data.X_train, "ab-bins"))
    np.testing.assert_allclose(model.bin_weights.numpy(), expected)
    X_in = model_inputs(data.X_val, "recolour", data.image_shape)
    on_task = clean_losses(model, colour_targets(data.X_val, "ab-bins"), train_config, X_in)[1]
    assert history[-1].val_recon == pytest.approx(on_task, rel=1e-5)
    with pytest.raises(AevizError, match="the bins head alone learns with the cross-entropy"):
        next(train(build_model(config), data, replace(train_config, loss="mse")))
    with pytest.raises(AevizError, match="a colour head recolours"):
        next(train(build_model(config), data, replace(train_config, task="reconstruct")))
