"""The Capacity page."""

from aeviz.datasets import load_dataset
from tests.app.helpers import (
    free,
    new_session,
    occupy_the_pool,
    open_page,
    run_job,
    shown,
)


def test_capacity_trains_once_for_the_class_and_prints_what_its_models_measure(monkeypatch):
    """The button trains the six variants (steps cut here), the page prints each model's gap and copying sentence as
    recomputed from the models, and a second session sees the same models without training."""
    import aeviz.capacity as capacity
    from aeviz.ui.resources import shared_result

    monkeypatch.setattr(capacity, "STEPS", 20)
    at = new_session({"model": "digits-2d"})
    at = open_page(at, "views/capacity.py")
    assert at.info and "Nothing trained for digits on 1,000 rows" in at.info[0].value
    run_job(at, "capacity_train")
    assert not at.exception and not at.error and not at.info
    data = load_dataset("digits")
    report = shared_result(("capacity", data.fingerprint, 1_000))
    assert report.data_key == data.fingerprint and report.rows == 1_000
    labels = {v.key: v.label[0].upper() + v.label[1:] for v in capacity.variants(64)}
    shown = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    n = len(capacity.variants(64))
    for line, (key, found) in zip(shown[:n], report.errors.items(), strict=True):  # each model's own numbers
        train, val = found["training rows"], found["validation rows"]
        gap = (val - train) / train
        verdict = "memorising" if gap > 0.25 else "a small gap" if gap > 0.05 else "no sign of memorising"
        assert line.startswith(f"{labels[key]}: training error {train:.4f}, validation error {val:.4f} ({gap:+.0%}: ")
        assert f"{verdict}); {report.active[key]:.0%} of code activations" in line
    for line, (key, share) in zip(shown[-n:], report.shares.items(), strict=True):
        assert line.startswith(f"{labels[key]} brings back {share['validation rows']:.0%} of the validation rows")
    assert len(shown) == n + len(capacity.odd_inputs(data)) + n
    other = new_session({"model": "digits-2d"})
    other = open_page(other, "views/capacity.py")
    assert not other.info and len([m for m in other.markdown if m.value.startswith("- ")]) == len(shown)


def test_a_capacity_run_over_the_work_budget_is_refused_before_it_queues(monkeypatch):
    import aeviz.configs

    monkeypatch.setattr(aeviz.configs, "MAX_WORK", 1e9)
    at = open_page(new_session({"model": "digits-2d"}), "views/capacity.py")
    at.button(key="capacity_train").click().run()
    assert "units of work" in shown(at.error[0]) and at.session_state["aeviz"].pending is None


def test_a_classmates_identical_run_is_waited_for_not_queued_again():
    pool, others = occupy_the_pool()
    try:
        anna = open_page(new_session({"model": "digits-2d"}), "views/capacity.py")
        anna.button(key="capacity_train").click().run()
        job = anna.session_state["aeviz"].pending.job
        ben = open_page(new_session({"model": "digits-2d"}), "views/capacity.py")
        assert "A classmate's run of these 1,000 rows is queued" in ben.info[0].value
        assert not [b for b in ben.button if b.key == "capacity_train"] and ben.session_state["aeviz"].pending is None
        pool.cancel(job)
    finally:
        free(pool, others)


def test_the_shipped_run_says_what_its_numbers_show():
    """On the shipped MNIST run: the linear complete model copies the letter strokes and the page says so; the
    widest gap is set against its validation error; each picture's caption is the share recomputed from its pixels."""
    import aeviz.capacity as capacity
    from aeviz.capacity import TRAINING, VALIDATION, odd_inputs, recovered
    from aeviz.checkpoints import SHIPPED_DIR
    from aeviz.pretrain import CAPACITY_DIR

    report = capacity.report_from_json((SHIPPED_DIR / CAPACITY_DIR / "mnist-1000.json").read_text(), 784)
    at = open_page(new_session(), "views/capacity.py")
    assert not at.exception and not at.error
    text = " ".join(m.value for m in at.markdown)
    linear, relu = report.shares["complete_linear"], report.shares["complete"]
    strokes = "letter-like strokes"
    assert linear[strokes] >= 0.5 > relu[strokes]  # the demonstration holds in the numbers
    assert f"brings back {linear[strokes]:.0%} of the {strokes}, Complete (784) (ReLU code, sigmoid output) " in text
    assert "only the linear one copies it." in text
    assert f"Complete, linear (784) brings back {linear[VALIDATION]:.0%} of the validation rows' detail" in text
    gaps = {k: (e[VALIDATION] - e[TRAINING]) / e[TRAINING] for k, e in report.errors.items()}
    widest = max(gaps, key=gaps.get)
    assert f"Yet the first's validation error ({report.errors[widest][VALIDATION]:.4f}) is" in text
    assert "Widest gap: Complete, linear (784)" in text  # its gap is the widest and its error the lowest
    inputs = odd_inputs(load_dataset("mnist"))
    captions = [c for image in at.get("image") for c in [image.proto.imgs[0].caption] if c.startswith("brought back")]
    first = [recovered(float(((o - x) ** 2).mean()), x[None]) for o, x in zip(
        report.outputs["uniform noise"]["under"], inputs["uniform noise"], strict=False
    )]  # fmt: skip
    assert captions[0] == "brought back: " + ", ".join(f"{v:.0%}" for v in first)
    assert len(captions) == len(report.shares) * len(inputs)
    assert all(i.proto.imgs[0].url.endswith(".png") for i in at.get("image"))  # pixels kept, not JPEG-blurred
