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
