"""The PCA step by step page."""

import pytest

from aeviz.checkpoints import SHIPPED_DIR, read_info
from aeviz.datasets import load_dataset
from tests.app.helpers import (
    new_session,
    open_page,
)


@pytest.mark.parametrize("model", ["mnist-mlp-2d", "digits-2d", "swiss-roll-2d"])
def test_pca_steps_page_on_images_and_tables(model):
    """The five steps draw on images and on a table; the caption states what k explains, as the PCA computes it."""
    from aeviz.pca import TeachingPCA

    at = new_session({"model": model})
    at = open_page(at, "views/pca_steps.py")
    assert not at.error and [h.value for h in at.subheader][:1] == ["1. Standardise"]
    at.slider(key="pca_k").set_value(2).run()
    assert not at.exception
    data = load_dataset(read_info(model, SHIPPED_DIR).dataset)
    standardize = not data.is_image
    expected = TeachingPCA(2, standardize).fit(data.X_train).cumulative_ratio_[1]
    assert any(f"The first 2 component(s) explain {expected:.1%}" in c.value for c in at.caption)
