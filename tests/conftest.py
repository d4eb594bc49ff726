"""Shared tiny, seeded datasets so every test runs in well under a second or two."""

import numpy as np
import pytest

from aeviz.datasets import Dataset, load_dataset, split_dataset
from aeviz.userdata import RawData


@pytest.fixture(scope="session")
def digits() -> Dataset:
    """scikit-learn's 8×8 digits (1,797 images), split with seed 0."""
    return load_dataset("digits")


@pytest.fixture(scope="session")
def small_digits(digits) -> Dataset:
    """400 training and 100 validation digits: enough to learn something in a few epochs."""
    raw = RawData(
        np.concatenate([digits.X_train[:400], digits.X_val[:100]]),
        np.concatenate([digits.y_train[:400], digits.y_val[:100]]),
        (8, 8),
        "class",
        "digit",
        digits.class_names,
    )
    return split_dataset(raw, "small_digits", val_fraction=0.2, seed=0)


@pytest.fixture(scope="session")
def mnist() -> Dataset:
    return load_dataset("mnist")
