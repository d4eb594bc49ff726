"""aeviz.configs: the limits that protect a shared server (the parameter budget is tested with the models)."""

import pytest

from aeviz import AevizError
from aeviz.configs import MAX_WORK, ModelConfig, check_work, model_from_form


def test_a_training_within_the_work_budget_passes_and_reports_its_work():
    model = ModelConfig.for_data(784, (28, 28), "mlp", 2)
    assert check_work(model, 4_000, 15) == 15 * 4_000 * model.n_parameters <= MAX_WORK


def test_a_training_beyond_the_work_budget_is_refused_with_what_to_change():
    model = ModelConfig.for_data(784, (28, 28), "mlp", 2, hidden=(2048, 1024))  # 5.4 M parameters
    epochs = int(MAX_WORK / (4_000 * model.n_parameters)) + 1
    check_work(model, 4_000, epochs - 1)
    with pytest.raises(AevizError, match=r"epochs × rows × parameters: .* use fewer epochs, a smaller model"):
        check_work(model, 4_000, epochs)


def test_a_task_says_what_the_input_is_and_a_denoiser_needs_a_corruption():
    from aeviz.configs import TrainConfig

    assert TrainConfig().restores == "" and TrainConfig(noise_std=0.2).restores == "noise"
    assert TrainConfig(task="upscale").restores == "resolution"
    assert "σ = 0.2" in TrainConfig(noise_std=0.2).input_kind and "bicubic" in TrainConfig(task="upscale").input_kind
    with pytest.raises(AevizError, match="a denoiser needs a corruption"):
        TrainConfig(task="denoise")
    with pytest.raises(AevizError, match="unknown task 'colorize'"):
        TrainConfig(task="colorize")
    assert TrainConfig(task="recolour").restores == "colour"
    assert TrainConfig.from_dict({"epochs": 3}).task == "reconstruct"  # checkpoints saved before tasks existed


def test_a_form_gives_the_model_its_family_and_data_ask_for():
    """The hidden widths count only for the families that have them; a spatial conv code is the last feature map
    (8 channels of 4×4 after three poolings of 28×28), whatever latent size the form says; a typo is a message."""
    mlp = model_from_form("mlp", 16, "64, 32", "dense", 784, (28, 28))
    assert (mlp.hidden, mlp.latent_dim, mlp.output_activation) == ((64, 32), 16, "sigmoid")
    assert model_from_form("vanilla", 16, "not used", "spatial", 784, (28, 28)).conv_code == "dense"
    spatial = model_from_form("conv", 16, "", "spatial", 784, (28, 28))
    assert (spatial.conv_code, spatial.latent_dim) == ("spatial", 8 * 4 * 4)
    assert model_from_form("mlp", 2, "8", "dense", 3, None).output_activation == "linear"  # a standardised table
    with pytest.raises(AevizError, match="whole numbers separated by commas"):
        model_from_form("mlp", 2, "64,x", "dense", 784, (28, 28))
