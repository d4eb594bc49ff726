"""aeviz.latent: encoding, decoding, slider ranges, the decoded grid and interpolation."""

import numpy as np
import pytest

from aeviz import AevizError
from aeviz.latent import (
    decode,
    encode_dataset,
    interpolate,
    latent_grid,
    nearest_index,
    one_hot_features,
    reconstruct,
    slider_ranges,
)
from aeviz.models import ModelConfig, build_model


@pytest.fixture(scope="module")
def model():
    return build_model(ModelConfig.for_data(64, (8, 8), "mlp", 3), seed=1)


def test_encode_in_batches_equals_one_batch(model, digits):
    """Encoding in small batches gives the same codes as one big batch."""
    assert np.allclose(encode_dataset(model, digits.X_val, batch_size=7), encode_dataset(model, digits.X_val), atol=1e-6)


def test_decode_shapes(model):
    assert decode(model, np.zeros(3)).shape == (1, 64)
    assert decode(model, np.zeros((5, 3))).shape == (5, 64)
    with pytest.raises(AevizError, match="latent size is 3"):
        decode(model, np.zeros((2, 4)))


def test_read_only_arrays_reach_torch_as_copies(model, digits):
    """The datasets and codes every session shares are read-only; handed to torch as they are, torch warns that it may
    write through them (an error under this suite's filterwarnings). Their results equal a writable copy's."""
    X, Z = digits.X_val[:10].copy(), np.linspace(-1, 1, 9, dtype=np.float32).reshape(3, 3)
    frozen_X, frozen_Z = X.copy(), Z.copy()
    frozen_X.setflags(write=False)
    frozen_Z.setflags(write=False)
    assert np.array_equal(decode(model, frozen_Z), decode(model, Z))
    assert np.array_equal(encode_dataset(model, frozen_X), encode_dataset(model, X))
    assert np.array_equal(reconstruct(model, frozen_X), reconstruct(model, X))


def test_slider_ranges_are_percentiles_and_never_flat():
    Z = np.stack([np.arange(101.0), np.zeros(101)], axis=1)
    ranges = slider_ranges(Z, 5, 95)
    assert np.allclose(ranges[0], [5, 95])
    assert ranges[1, 1] - ranges[1, 0] > 0


def test_grid_places_codes_like_a_scatter_plot(model):
    """Column c sweeps the first dimension upward; row r sweeps the second downward; the third stays at the base."""
    ranges = np.array([[-1.0, 1.0], [-2.0, 2.0], [0.0, 1.0]])
    base = np.array([0.0, 0.0, 0.5], dtype=np.float32)
    grid = latent_grid(model, base, (0, 1), ranges, n_steps=5)
    assert grid.shape == (5, 5, 64)
    assert np.allclose(grid[0, 4], decode(model, [1.0, 2.0, 0.5])[0], atol=1e-6)
    assert np.allclose(grid[4, 0], decode(model, [-1.0, -2.0, 0.5])[0], atol=1e-6)


def test_interpolation_ends_at_both_codes():
    a, b = np.array([0.0, 1.0]), np.array([2.0, -1.0])
    path = interpolate(a, b, 5)
    assert path.shape == (5, 2) and np.allclose(path[0], a) and np.allclose(path[-1], b)
    assert np.allclose(path[2], [1.0, 0.0])


def test_nearest_index():
    Z = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 1.0]])
    assert nearest_index(Z, [0.9, 1.2]) == 2


def test_one_hot_features_decode_each_unit(model):
    features = one_hot_features(model)
    assert features.shape == (3, 64)
    assert np.allclose(features[1], decode(model, [0.0, 1.0, 0.0])[0])
