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
