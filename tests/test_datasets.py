"""aeviz.datasets: the built-in datasets, the seeded split, uploads, and the content fingerprint."""

import numpy as np
import pytest

from aeviz import DataError
from aeviz.datasets import list_datasets, load_dataset, load_upload


@pytest.mark.parametrize(
    ("name", "n_features", "image_shape", "label_kind"),
    [
        ("digits", 64, (8, 8), "class"),
        ("mnist", 784, (28, 28), "class"),
        ("swiss_roll", 3, None, "continuous"),
        ("s_curve", 3, None, "continuous"),
    ],
)
def test_builtin_datasets_have_their_shapes(name, n_features, image_shape, label_kind):
    """Each built-in dataset loads offline with the documented features, image shape and label kind."""
    data = load_dataset(name)
    assert data.n_features == n_features
    assert data.image_shape == image_shape
    assert data.label_kind == label_kind
    assert data.X_train.dtype == np.float32 and len(data.X_val) > 0
    assert len(data.y_train) == len(data.X_train)


def test_images_are_in_unit_range(mnist):
    """Image datasets are float32 in [0, 1]."""
    assert mnist.X_train.min() >= 0 and mnist.X_train.max() <= 1
    assert mnist.X_train.shape == (4000, 784) and np.bincount(mnist.y_train).min() > 350


def test_tabular_data_is_standardised_on_the_training_split():
    """Tabular training columns have mean 0 and std 1, and the kept scaler undoes it."""
    data = load_dataset("swiss_roll")
    assert np.allclose(data.X_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(data.X_train.std(axis=0), 1, atol=1e-3)
    assert data.scaler.inverse_transform(data.X_train).std() > 2


def test_split_is_seeded_and_disjoint():
    """Same seed gives the same split; another seed a different one; train and validation never share rows."""
    a, b, c = load_dataset("digits", seed=1), load_dataset("digits", seed=1), load_dataset("digits", seed=2)
    assert np.array_equal(a.X_val, b.X_val)
    assert not np.array_equal(a.X_val, c.X_val)
    train_rows = {row.tobytes() for row in a.X_train}
    assert sum(row.tobytes() in train_rows for row in a.X_val) < 5  # digits holds a few duplicate images


def test_unknown_dataset_names_the_choices():
    with pytest.raises(DataError, match="unknown dataset 'fashion'.*mnist"):
        load_dataset("fashion")
    assert list_datasets()[0] == "mnist"


def test_upload_gives_a_split_dataset():
    rows = "\n".join(f"{i},{i * 2},{i % 2}" for i in range(20))
    data = load_upload("t.csv", ("a,b,label\n" + rows).encode())
    assert data.n_features == 2 and data.has_classes and len(data.X_val) == 4


def test_fingerprint_tells_apart_two_files_of_the_same_name(digits):
    """Two students' uploads called data.csv are different data: their cache keys differ; equal data, equal keys."""
    from dataclasses import replace

    other = replace(digits, X_val=digits.X_val[::-1].copy())
    assert other.name == digits.name and other.fingerprint != digits.fingerprint
    assert replace(digits).fingerprint == digits.fingerprint


def test_the_feature_counts_checkpoints_are_checked_against_are_the_datasets_own():
    from aeviz.configs import DATASET_FEATURES
    from aeviz.datasets import photo_dataset

    found = {name: load_dataset(name).n_features for name in list_datasets()} | {
        n: photo_dataset(n).n_features for n in ("photos", "all-photos")
    }
    assert found == DATASET_FEATURES
