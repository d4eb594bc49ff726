"""The Sparsity page."""

import json

from tests.app.helpers import (
    open_page,
    run_job,
)


def test_sparsity_twins_pair_and_sweep(app):
    """The shipped twins compare at once; a pair trained here with λ > 0 is sparser than its λ = 0 twin; the sweep's
    chart has one point per λ and its active fraction falls from λ = 0 to the largest λ."""
    at = open_page(app, "views/sparsity.py")
    assert "non-zero against" in at.success[0].value
    at.radio(key="sparsity_source").set_value("train").run()
    at.slider(key="sparsity_epochs").set_value(5)
    run_job(at, "sparsity_train")
    assert [m.value for m in at.success][0] == "Trained the pair: λ = 0 and λ = 0.0003, 5 epochs each."
    assert "non-zero against" in at.success[1].value and len(at.success) == 2
    pair = at.session_state["aeviz"].sparsity_pair
    assert pair.lam == 3e-4 and pair.sparse.train_config.l1 == 3e-4 and pair.dense.train_config.l1 == 0
    assert pair.sparse.metrics["active_fraction"] < pair.dense.metrics["active_fraction"]
    run_job(at, "sparsity_sweep")
    assert not at.exception
    sweep = at.session_state["aeviz"].sparsity_sweep
    assert [lam for lam, _, _ in sweep] == [0.0, 1e-4, 3e-4, 1e-3, 3e-3]
    assert sweep[-1][1] < 0.5 * sweep[0][1]
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert any([len(trace["x"]) for trace in f["data"]] == [5, 5] for f in figures)  # active fraction and error


def test_the_shipped_twins_credit_lambda_only_with_the_units_it_silenced(app):
    """Recomputed from the shipped twins' codes on the validation digits: the dead units of the λ = 0 twin are named
    as the baseline, the twins' gaps come with their errors, the loss is written with the λ twin's numbers, and the
    shipped sweep is drawn before anyone runs it."""
    import numpy as np
    import torch

    from aeviz.checkpoints import load_checkpoint
    from aeviz.configs import ACTIVE_THRESHOLD
    from aeviz.datasets import load_dataset
    from aeviz.evaluation import generalisation_gap

    X = torch.from_numpy(load_dataset("mnist").X_val)
    dead = {}
    for name in ("mnist-sparse-l0", "mnist-sparse-l1"):
        checkpoint = load_checkpoint(name)
        with torch.no_grad():
            Z = checkpoint.model.encode(X).numpy()
        dead[name] = int((np.abs(Z) <= ACTIVE_THRESHOLD).all(axis=0).sum())
        gap = generalisation_gap(checkpoint.history)
        last = checkpoint.history[-1]
        dead[name + " gap"] = (f"{gap:+.0%}", f"({last['val_recon']:.4f} against {last['recon_loss']:.4f})")
    assert dead["mnist-sparse-l0"] > 0  # the baseline the page must not credit to λ
    at = open_page(app, "views/sparsity.py")
    sentence = at.success[0].value
    assert f"{dead['mnist-sparse-l0']} of 64 units never fire with λ = 0 either (dead ReLUs" in sentence
    assert f"so λ silenced {dead['mnist-sparse-l1'] - dead['mnist-sparse-l0']};" in sentence
    memorising = next(m.value for m in at.markdown if m.value.startswith("Memorising:"))
    for name in ("mnist-sparse-l0", "mnist-sparse-l1"):
        assert all(part in memorising for part in dead[name + " gap"])
    assert any(r"\underbrace{0.0003}_{\lambda}" in latex.value for latex in at.latex)
    assert any("shipped (made by `aeviz pretrain`)" in c.value and "From λ = 0 to λ = 0.003" in c.value for c in at.caption)
