"""aeviz.ui: what pages share is keyed by content, so one session never sees another's figures for other data."""

from dataclasses import replace

import numpy as np

from aeviz import ui
from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint


def test_codes_of_the_same_model_on_two_datasets_of_one_name_differ(digits):
    """The cross-session bug: one shared model, two uploads named alike with different rows, each gets its own codes."""
    checkpoint = load_checkpoint("digits-2d", SHIPPED_DIR)
    model = ui.ActiveModel(checkpoint, checkpoint.fingerprint())
    flipped = replace(digits, X_val=digits.X_val[::-1].copy())
    assert np.array_equal(ui.codes(model, digits)[0], ui.codes(model, flipped)[-1])
    assert not np.array_equal(ui.codes(model, digits), ui.codes(model, flipped))


def test_the_bounded_store_drops_the_oldest_beyond_its_capacity():
    """The live-model store and the shared results: a read does not keep an entry alive, a new put does."""
    from aeviz.ui.resources import BoundedStore

    store = BoundedStore(2)
    store.put("a", 1)
    store.put("b", 2)
    store.put("a", 3)  # renewed: now the newest
    store.put("c", 4)
    assert [store.get(k) for k in "abc"] == [3, None, 4]
