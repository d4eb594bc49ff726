"""aeviz.models: one interface over every family, any latent size, seeded construction."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from aeviz import AevizError
from aeviz.models import ARCHS, ModelConfig, build_model

SHAPES = [((8, 8), 64), ((28, 28), 784)]


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize(("image_shape", "n_features"), SHAPES)
@pytest.mark.parametrize("latent_dim", [1, 2, 16])
def test_shapes_through_every_family(arch, image_shape, n_features, latent_dim):
    """encode gives (n, latent_dim); decode and forward give (n, n_features); the code is among the activations."""
    model = build_model(ModelConfig.for_data(n_features, image_shape, arch, latent_dim))
    x = torch.rand(3, n_features)
    z = model.encode(x)
    assert z.shape == (3, latent_dim)
    assert model.decode(z).shape == (3, n_features)
    assert model(x).shape == (3, n_features)
    assert torch.equal(model.activations(x)["code"], z)


def test_sigmoid_output_stays_in_unit_range():
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2))
    out = model.decode(torch.randn(50, 2) * 100)
    assert out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("latent_dim", [32, 64, 100])
def test_under_complete_and_overcomplete(latent_dim):
    """Any latent size works, including more code units than inputs."""
    config = ModelConfig.for_data(64, (8, 8), "vanilla", latent_dim)
    assert config.completeness == {32: "undercomplete", 64: "complete", 100: "overcomplete"}[latent_dim]
    assert build_model(config)(torch.rand(2, 64)).shape == (2, 64)


def test_hidden_activations_are_listed_per_layer():
    """An MLP 784-128-64-[2] exposes hidden1 (128), hidden2 (64) and code (2)."""
    model = build_model(ModelConfig.for_data(784, (28, 28), "mlp", 2, hidden=(128, 64)))
    widths = {k: v.shape[1] for k, v in model.activations(torch.rand(4, 784)).items()}
    assert widths == {"hidden1": 128, "hidden2": 64, "code": 2}


def test_vanilla_is_the_lectures_784_64_784():
    """The vanilla family has one hidden layer, the ReLU code, and a sigmoid output."""
    model = build_model(ModelConfig.for_data(784, (28, 28), "vanilla", 64))
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(64, 784), (64,), (784, 64), (784,)]
    assert model.encode(torch.randn(10, 784)).min() >= 0


def test_conv_family_uses_16_8_8_filters():
    model = build_model(ModelConfig.for_data(784, (28, 28), "conv", 2))
    convs = [m.out_channels for m in model.encoder if isinstance(m, torch.nn.Conv2d)]
    assert convs == [16, 8, 8]


def test_same_seed_same_weights_and_global_rng_untouched():
    """build_model with one seed twice gives equal weights and does not move torch's global RNG."""
    config = ModelConfig.for_data(64, (8, 8), "mlp", 2)
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b = build_model(config, seed=5), build_model(config, seed=5)
    assert torch.rand(1) == before
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    c = build_model(config, seed=6)
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


def test_config_round_trips_through_json_dict():
    config = ModelConfig.for_data(784, (28, 28), "conv", 3)
    assert ModelConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arch": "gan"}, "unknown family"),
        ({"latent_dim": 0}, "latent size"),
        ({"arch": "conv", "image_shape": None}, "needs image data"),
        ({"image_shape": (5, 5)}, "does not hold"),
        ({"arch": "mlp", "residual": True, "output_activation": "linear"}, "a residual model is a conv model"),
        ({"arch": "conv", "residual": True}, "with a linear output"),
        ({"arch": "conv", "residual": 1, "output_activation": "linear"}, "residual must be true or false"),
        ({"arch": "conv", "head": "rgb"}, "unknown head"),
        ({"arch": "mlp", "head": "ab", "output_activation": "linear"}, "a colour head belongs to a conv model of RGB"),
        ({"arch": "conv", "head": "ab-bins", "output_activation": "linear"}, "a colour head belongs"),  # 1 channel
    ],
)
def test_bad_config_is_refused(kwargs, message):
    with pytest.raises(AevizError, match=message):
        ModelConfig(**{"n_features": 64, "image_shape": (8, 8), **kwargs})


def test_unknown_keys_in_saved_config():
    with pytest.raises(AevizError, match="unknown model settings: colour"):
        ModelConfig.from_dict({"colour": "red"})


def test_a_spatial_conv_code_is_the_last_feature_map_without_a_dense_layer():
    config = ModelConfig(
        arch="conv", n_features=784, latent_dim=32 * 7 * 7, image_shape=(28, 28), conv_channels=(32, 32), conv_code="spatial"
    )
    model = build_model(config)
    assert not any(isinstance(m, torch.nn.Linear) for m in model.modules())
    assert model.encode(torch.rand(3, 784)).shape == (3, 32 * 7 * 7)
    assert model(torch.rand(3, 784)).shape == (3, 784)
    assert config.n_parameters == sum(p.numel() for p in model.parameters())
    with pytest.raises(AevizError, match="spatial code is the last feature map: 1568 units"):
        ModelConfig(
            arch="conv", n_features=784, latent_dim=64, image_shape=(28, 28), conv_channels=(32, 32), conv_code="spatial"
        )


def test_a_fresh_residual_model_gives_back_its_input_and_trains_only_what_it_adds():
    """The skip path: with nothing learnt yet the output is the input (for an upscaler: bicubic itself), and the
    model's output is its input plus the decoder's, not the decoder's alone."""
    from aeviz.latent import reconstruct

    config = ModelConfig.for_data(48, (4, 4), "conv", 8 * 1 * 1, conv_channels=(8, 8), conv_code="spatial", channels=3)
    residual = replace(config, residual=True, output_activation="linear")
    X = np.random.default_rng(0).random((5, 48)).astype(np.float32)
    model = build_model(residual)
    np.testing.assert_array_equal(reconstruct(model, X), X)
    last = [m for m in model.decoder if isinstance(m, torch.nn.Conv2d)][-1]
    torch.nn.init.constant_(last.bias, 0.25)  # the last conv adds 0.25 everywhere
    np.testing.assert_allclose(reconstruct(model, X), X + 0.25, atol=1e-6)
    assert residual.n_parameters == config.n_parameters == sum(p.numel() for p in model.parameters())


def test_the_bins_head_shows_the_annealed_mean_of_its_scores():
    """forward gives each pixel's a*, b* / AB_LIMIT: equal scores give the bins' mean colour, one bin far ahead its
    own colour; training sees the scores themselves (`output`)."""
    from aeviz.colours import AB_BIN_COUNT, AB_LIMIT, ab_bins

    options = {"conv_channels": (8,), "conv_code": "spatial", "channels": 3, "output_activation": "linear"}
    config = ModelConfig.for_data(48, (4, 4), "conv", 8 * 2 * 2, head="ab-bins", **options)
    model = build_model(config)
    assert config.n_parameters == sum(p.numel() for p in model.parameters())
    x = torch.rand(2, 48)
    assert model.output(x, model.encode(x)).shape == (2, AB_BIN_COUNT * 16)
    last = [m for m in model.decoder if isinstance(m, torch.nn.Conv2d)][-1]
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.zeros_(last.bias)
    with torch.no_grad():
        mean = model(x).reshape(2, 2, 16)
        np.testing.assert_allclose(mean[0, :, 3].numpy(), ab_bins().mean(axis=0) / AB_LIMIT, atol=1e-5)
        last.bias[17] = 100.0  # bin 17 far ahead of the rest
        np.testing.assert_allclose(model(x).reshape(2, 2, 16)[1, :, 5].numpy(), ab_bins()[17] / AB_LIMIT, atol=1e-5)
    regression = build_model(replace(config, head="ab"))
    assert regression(x).shape == (2, 32) and replace(config, head="ab").n_parameters < config.n_parameters


def test_a_colour_head_reads_the_lightness_of_its_gray_input():
    """`Lightness` is scikit-image's L* / 100 of the gray picture the recolourers are given."""
    from skimage import color

    from aeviz.models import Lightness
    from aeviz.tasks import gray_rows

    rows = np.random.default_rng(1).random((3, 3 * 20)).astype(np.float32)
    rows[0, :5] = 0.0  # some black pixels: the linear part of both curves
    gray = gray_rows(rows)
    found = Lightness(4, 5)(torch.from_numpy(gray)).numpy()
    expected = color.rgb2lab(gray.reshape(3, 3, 20).transpose(0, 2, 1))[..., 0] / 100
    assert found.shape == (3, 1, 4, 5)
    np.testing.assert_allclose(found.reshape(3, 20), expected, atol=1e-4)
