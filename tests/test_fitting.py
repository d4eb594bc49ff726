"""aeviz.fitting: a model built, trained and measured from its configs, the scrubber's views, and the same as a job."""

import numpy as np
import pytest
import torch

from aeviz import fitting
from aeviz.fitting import fit, fit_job
from aeviz.jobhandle import Cancelled, JobKind
from aeviz.jobs import Job
from aeviz.models import ModelConfig, build_model
from aeviz.training import TrainConfig, run_to_end, train


@pytest.mark.parametrize("latent", [2, 4])
def test_fit_keeps_one_view_of_the_shown_rows_per_epoch(small_digits, latent):
    """The epoch scrubber's data: after every epoch, a float16 2-D view of the first validation rows; the last one is
    the finished model's code (a 2-D code as it is, a wider one by its PCA, turned like the epoch before)."""
    from aeviz.configs import VIEW_SAMPLES
    from aeviz.latent import encode_dataset
    from aeviz.projection import live_view

    config = ModelConfig.for_data(small_digits.n_features, small_digits.image_shape, "mlp", latent)
    _, checkpoint = run_to_end(fit(small_digits, config, TrainConfig(epochs=3)))
    views = checkpoint.epoch_views
    shown = small_digits.X_val[:VIEW_SAMPLES]
    assert len(views) == 3 and all(v.dtype == np.float16 and v.shape == (len(shown), 2) for v in views)
    code = encode_dataset(checkpoint.model, shown)
    expected = live_view(code, views[-2].astype(np.float32))
    assert np.allclose(views[-1], expected, atol=2e-3 * np.abs(expected).max())
    _, no_views = run_to_end(fit(small_digits, config, TrainConfig(epochs=2), keep_views=False))
    assert no_views.epoch_views == []


def test_each_epoch_view_is_turned_like_the_one_before(small_digits, monkeypatch):
    """The scrubber's views are Procrustes-aligned in a chain: epoch t's view is computed with epoch t-1's as its
    reference (the first with none), so a replay does not flip or spin."""
    from aeviz.projection import live_view

    references = []

    def spy(Z, reference=None, labels=None):
        references.append(None if reference is None else reference.copy())
        return live_view(Z, reference, labels)

    monkeypatch.setattr(fitting, "live_view", spy)
    config = ModelConfig.for_data(small_digits.n_features, small_digits.image_shape, "mlp", 4)
    _, checkpoint = run_to_end(fitting.fit(small_digits, config, TrainConfig(epochs=3)))
    assert references[0] is None
    for reference, previous in zip(references[1:], checkpoint.epoch_views[:-1], strict=True):
        assert np.array_equal(reference, previous.astype(np.float32))


def _job():
    return Job("owner", JobKind.TRAINING, "a test", fn=None)


def test_a_training_job_hands_the_page_each_epoch_and_ends_as_fit_does(small_digits):
    """fit_job reports a LiveFrame per epoch (a copy of the history, the epoch's view) and returns fit's model."""

    config = ModelConfig.for_data(64, (8, 8), "mlp", 2)
    job, frames = _job(), []
    report = job.report
    job.report = lambda fraction, text="", payload=None: (frames.append(payload), report(fraction, text, payload))
    outcome = fit_job(job, small_digits, config, TrainConfig(epochs=3))
    epochs = [f.epoch for f in frames if f is not None]
    assert epochs == [1, 2, 3] and [len(f.history) for f in frames if f is not None] == [1, 2, 3]
    assert (outcome.epochs_done, outcome.epochs_asked, outcome.error) == (3, 3, "")
    _, alone = run_to_end(fit(small_digits, config, TrainConfig(epochs=3)))
    assert outcome.checkpoint.fingerprint() == alone.fingerprint() and "val_mse" in outcome.checkpoint.metrics
    assert job.fraction == 1.0


def test_a_stopped_training_job_keeps_its_finished_epochs(small_digits):
    """Stop (the pool's cancel) during epoch 3: the outcome holds the 2-epoch model; before epoch 1 ends, nothing."""

    config = ModelConfig.for_data(64, (8, 8), "mlp", 2)
    job = _job()
    report = job.report

    def cancel_in_epoch_three(fraction, text="", payload=None):
        if payload is not None and payload.epoch == 2:
            job._cancel.set()  # what JobPool.cancel does to a running job
        return report(fraction, text, payload)

    job.report = cancel_in_epoch_three
    outcome = fit_job(job, small_digits, config, TrainConfig(epochs=5, batch_size=32))
    two = build_model(config, seed=0)
    run_to_end(train(two, small_digits, TrainConfig(epochs=2, batch_size=32)))
    assert (outcome.epochs_done, len(outcome.checkpoint.history)) == (2, 2)
    assert all(torch.equal(p, q) for p, q in zip(outcome.checkpoint.model.parameters(), two.parameters(), strict=True))
    early = _job()
    early._cancel.set()
    with pytest.raises(Cancelled):
        fit_job(early, small_digits, config, TrainConfig(epochs=5))
