"""aeviz.capacity: the variants' sizes, the subset, the odd inputs, the sentences, and training every variant."""

import numpy as np
import pytest

import aeviz.capacity as capacity
from aeviz import AevizError
from aeviz.capacity import (
    TRAINING,
    VALIDATION,
    check_run,
    copy_sentence,
    errors,
    gap_sentence,
    kind_sentence,
    odd_inputs,
    recovered,
    subset,
    train_config,
    train_variants,
    variants,
)
from aeviz.datasets import Dataset, load_dataset


@pytest.mark.parametrize(("n", "sizes"), [(784, [16, 784, 1024]), (64, [16, 64, 128]), (3, [1, 3, 4])])
def test_codes_below_at_and_above_the_input(n, sizes):
    found = {v.key: v for v in variants(n)}
    assert [found[k].latent for k in ("under", "complete", "over")] == sizes
    assert (
        found["complete_linear"].latent == sizes[1] and found["over_l1"].latent == found["over_denoise"].latent == sizes[2]
    )
    assert [(v.l1 > 0, v.noise > 0, v.linear) for v in found.values()] == [(False, False, False)] * 2 + [
        (False, False, True),
        (False, False, False),
        (True, False, False),
        (False, True, False),
    ]


def test_only_the_linear_variant_drops_relu_and_sigmoid(small_digits):
    configs = {v.key: capacity.model_config(v, small_digits) for v in variants(small_digits.n_features)}
    assert {k: (c.code_activation, c.output_activation) for k, c in configs.items()} == {
        k: ("linear", "linear") if k == "complete_linear" else ("relu", "sigmoid") for k in configs
    }
    assert {c.arch for c in configs.values()} == {"vanilla"}


def test_subset_takes_training_rows_and_keeps_validation(small_digits):
    small = subset(small_digits, 50)
    assert np.array_equal(small.X_train, small_digits.X_train[:50]) and len(small.y_train) == 50
    assert small.X_val is small_digits.X_val


def test_every_subset_gets_the_same_number_of_steps():
    over = variants(784)[2]
    assert [train_config(over, rows).epochs for rows in (200, 1_000, 4_000)] == [400, 100, 25]
    assert train_config(variants(784)[-1], 1_000).noise_std == capacity.NOISE > 0


def test_odd_inputs_are_unlike_the_data(small_digits):
    from aeviz.datasets import load_dataset

    swiss_roll = load_dataset("swiss_roll")
    images = odd_inputs(small_digits, n=8)
    assert set(images) == {"uniform noise", "inverted images", "letter-like strokes"}
    assert np.allclose(images["inverted images"], 1 - small_digits.X_val[:8])
    strokes = images["letter-like strokes"]
    assert strokes.shape == (8, 64) and set(np.unique(strokes)) == {0.0, 1.0}
    assert len({row.tobytes() for row in strokes}) == 8  # eight different letters
    tables = odd_inputs(swiss_roll, n=5)
    low, high = swiss_roll.X_train.min(axis=0), swiss_roll.X_train.max(axis=0)
    assert np.all(tables["uniform noise"] >= low) and np.all(tables["uniform noise"] <= high)
    assert np.allclose(tables["rows 3× further out"], 3 * swiss_roll.X_val[:5])


def test_the_sentences_follow_the_numbers():
    share = {TRAINING: 0.95, VALIDATION: 0.9, "noise": 0.0, "strokes": 0.55}
    assert copy_sentence("Complete (784)", share) == (
        "Complete (784) brings back 90% of the validation rows' detail and 0% of noise, 55% of strokes: it copies strokes."
    )
    assert copy_sentence("A", {**share, "strokes": 0.3}).endswith(": it copies none of them.")
    assert kind_sentence("noise", {"under": 0.0, "over": 0.001}).startswith("Noise: no model brings back any of it")
    found = {TRAINING: 0.004, VALIDATION: 0.01}
    assert gap_sentence("B", found, 0.25) == (
        "B: training error 0.0040, validation error 0.0100 (+150%: memorising); 25% of code activations non-zero."
    )
    assert "(+3%: no sign of memorising)" in gap_sentence("C", {TRAINING: 0.01, VALIDATION: 0.0103}, 1.0)
    assert kind_sentence("strokes", {"under": 0.1, "over": 0.4}) == (
        "Strokes: the over model brings back the most (40% of the detail), the under model the least (10%)."
    )


def test_a_gap_is_set_against_the_validation_errors():
    """The widest gap with the lowest validation error is said to be lower, with the ratio, not worse."""
    found = {
        "u": {TRAINING: 0.036, VALIDATION: 0.0375},
        "c": {TRAINING: 0.0037, VALIDATION: 0.0074},
        "l": {TRAINING: 0.0004, VALIDATION: 0.0013},
    }
    text = capacity.validation_sentence({"u": "Under", "c": "Complete", "l": "Linear"}, found)
    assert text.startswith("Widest gap: Linear (+225%); narrowest: Under (+4%). Yet the first's validation error (0.0013)")
    assert "is 28.8× lower than the second's (0.0375)" in text and text.endswith("here Linear (0.0013).")
    worse = capacity.validation_sentence({"a": "A", "b": "B"}, {"a": found["u"], "b": {TRAINING: 0.01, VALIDATION: 0.1}})
    assert "And the first's validation error (0.1000) is 2.7× higher than the second's (0.0375)" in worse


def test_the_linear_and_reach_sentences_name_what_copies_and_what_lies_outside():
    shares = {
        "complete": {TRAINING: 0.96, VALIDATION: 0.92, "noise": 0.0, "strokes": 0.3},
        "complete_linear": {TRAINING: 1.0, VALIDATION: 0.99, "noise": 0.0, "strokes": 0.74},
    }
    labels = {"complete": "Complete (784)", "complete_linear": "Complete, linear (784)"}
    text = capacity.linear_sentence(labels, shares, 800)
    assert "Complete, linear (784) brings back 74% of the strokes, Complete (784) (ReLU code, sigmoid output) 30%" in text
    assert text.endswith("only the linear one copies it.")
    shares["complete"]["strokes"] = 0.6
    assert capacity.linear_sentence(labels, shares, 800).endswith("both copy it.")
    reach = {TRAINING: 1.0, VALIDATION: 0.99, "noise": 0.0, "strokes": 0.83}
    text = capacity.reach_sentence(424, reach, shares, 1_000)
    assert "with 424 components (99.9% of their variance) brings back 0% of noise, 83% of strokes." in text
    assert "What no model here brings back (noise) lies outside" in text
    assert "lies outside" not in capacity.reach_sentence(424, {**reach, "noise": 0.2}, shares, 1_000)


def test_row_shares_score_each_picture_on_its_own():
    X = np.random.default_rng(0).uniform(0, 1, (3, 16)).astype(np.float32)
    outputs = X.copy()
    outputs[1] = X[1].mean()  # a flat picture: 0 %
    assert capacity.row_shares(outputs, X) == pytest.approx([1.0, 0.0, 1.0])


def test_reach_is_pca_with_nearly_all_of_the_training_rows_variance(small_digits):
    components, reach = capacity.pca_reach(small_digits, 200, odd_inputs(small_digits))
    from sklearn.decomposition import PCA

    assert components == PCA(capacity.REACH_VARIANCE).fit(small_digits.X_train[:200]).n_components_
    assert reach[TRAINING] > 0.99 and reach["uniform noise"] < reach["letter-like strokes"]


def test_recovered_is_measured_against_a_flat_picture():
    """A grey output for uniform noise is not copying: it scores 0, as a black one does; a perfect copy scores 1."""
    noise = np.random.default_rng(0).uniform(0, 1, (50, 64))
    grey = float(np.mean((noise - noise.mean(axis=1, keepdims=True)) ** 2))
    assert recovered(grey, noise) == pytest.approx(0.0) and recovered(float(np.mean(noise**2)), noise) == 0.0
    assert recovered(0.0, noise) == 1.0 and recovered(grey / 4, noise) == pytest.approx(0.75)


def test_errors_are_measured_on_clean_rows(small_digits):
    """The training error is the model's on the clean subset (a denoiser's history has it on noisy inputs)."""
    from aeviz.latent import reconstruct
    from aeviz.models import ModelConfig, build_model

    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", 16))
    inputs = odd_inputs(small_digits, n=4)
    found = errors(model, small_digits, 30, inputs)
    X = small_digits.X_train[:30]
    assert found[TRAINING] == pytest.approx(float(np.mean((reconstruct(model, X) - X) ** 2)))
    assert list(found) == [TRAINING, VALIDATION, *inputs]


def test_train_variants_trains_each_variant_as_configured(small_digits, monkeypatch):
    monkeypatch.setattr(capacity, "STEPS", 10)
    last = {}
    for variant, metrics, checkpoint in train_variants(small_digits, 64):
        last[variant.key] = (metrics.epoch, checkpoint)
    assert list(last) == ["under", "complete", "complete_linear", "over", "over_l1", "over_denoise"]
    for variant in variants(small_digits.n_features):
        epochs, checkpoint = last[variant.key]
        assert checkpoint.config == capacity.model_config(variant, small_digits)
        assert checkpoint.train_config.l1 == variant.l1 and checkpoint.train_config.noise_std == variant.noise
        assert epochs == len(checkpoint.history) == train_config(variant, 64).epochs


def test_a_report_measures_the_models_and_survives_json(small_digits, monkeypatch):
    """The report is what the page draws: each model's errors and shares on the same inputs, its history, and its
    outputs for the pictures (kept to 1/255 through JSON)."""
    monkeypatch.setattr(capacity, "STEPS", 10)
    models = {variant.key: checkpoint for variant, _, checkpoint in train_variants(small_digits, 64)}
    report = capacity.make_report(models, small_digits, 64)
    inputs = odd_inputs(small_digits)
    over = models["over"].model
    assert report.errors["over"] == errors(over, small_digits, 64, inputs)
    assert report.shares["over"] == capacity.shares(report.errors["over"], small_digits, 64, inputs)
    assert report.histories["over"] == models["over"].history and report.data_key == small_digits.fingerprint
    from aeviz.latent import reconstruct

    expected = reconstruct(over, inputs["letter-like strokes"][: capacity.SHOWN])
    assert np.allclose(report.outputs["letter-like strokes"]["over"], expected)
    back = capacity.report_from_json(capacity.report_to_json(report), small_digits.n_features)
    assert back.errors == report.errors and back.active == report.active and back.rows == 64
    assert np.allclose(back.outputs["letter-like strokes"]["over"], expected, atol=0.5 / 255 + 1e-6)


@pytest.mark.slow
def test_the_shipped_mnist_report_is_what_training_gives():
    """Retrains the shipped default run (about 2 minutes) and compares: the README and the page quote these numbers.
    Same seeds, same torch build: equal up to floating-point summation order on another CPU."""
    from aeviz.checkpoints import SHIPPED_DIR
    from aeviz.datasets import load_dataset
    from aeviz.pretrain import CAPACITY_DIR, capacity_report

    data = load_dataset("mnist")
    shipped = capacity.report_from_json((SHIPPED_DIR / CAPACITY_DIR / "mnist-1000.json").read_text(), 784)
    fresh = capacity_report("mnist", 1_000)
    assert shipped.data_key == data.fingerprint and list(shipped.errors) == list(fresh.errors)
    for key in fresh.errors:
        for kind, value in fresh.errors[key].items():
            assert shipped.errors[key][kind] == pytest.approx(value, rel=0.02, abs=1e-4), (key, kind)
        assert shipped.active[key] == pytest.approx(fresh.active[key], abs=0.01)


def _table(n_features: int, rows: int = 1_200) -> Dataset:
    X = np.random.default_rng(0).normal(size=(rows, n_features)).astype(np.float32)
    return Dataset("wide.csv", X[:1_000], X[1_000:], None, None)


def test_a_run_over_the_work_budget_or_the_model_limits_is_refused_before_its_first_model():
    """1,900 features: five models within the parameter limit, 3·10¹² units of work together (the page used to skip
    the budget); 2,500 features: the complete model is over the parameter limit (it failed after the first model)."""
    with pytest.raises(AevizError, match=r"the capacity run on 1,000 rows would do 3.\de\+12 units of work"):
        check_run(_table(1_900), 1_000)
    with pytest.raises(AevizError, match="parameters, more than this server's limit"):
        check_run(_table(2_500), 1_000)
    assert check_run(load_dataset("mnist"), 1_000) < 2e12  # the shipped run is within it
