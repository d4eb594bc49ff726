"""The PCA vs autoencoders page."""

import json

import pytest

from aeviz.checkpoints import SHIPPED_DIR
from aeviz.datasets import load_dataset
from tests.app.helpers import (
    new_session,
    open_page,
    run_job,
)


def _sweep_expected(dataset: str) -> tuple[list[str], object]:
    """The sentences the PCA-vs-autoencoders page should print, recomputed from the shipped models."""
    from aeviz.checkpoints import load_checkpoint
    from aeviz.pretrain import SWEEP_DIR, sweep_name
    from aeviz.sweep import compare_sentence, linear_sentence, pca_errors, sweep_ks, val_error

    data = load_dataset(dataset)
    ks = sweep_ks(data.n_features)
    pca = pca_errors(data, max(ks))
    errors = {
        family: [val_error(load_checkpoint(sweep_name(dataset, family, k), SHIPPED_DIR / SWEEP_DIR).model, data) for k in ks]
        for family in ("mlp", "linear")
    }
    return [compare_sentence(ks, errors["mlp"], pca), linear_sentence(ks, errors["linear"], pca)], errors


@pytest.mark.parametrize(
    ("model", "dataset"), [("mnist-mlp-2d", "mnist"), ("digits-2d", "digits"), ("swiss-roll-2d", "swiss_roll")]
)
def test_pca_vs_autoencoders_shows_the_shipped_sweep_with_its_own_numbers(model, dataset):
    """The shipped sweep shows at once: PCA's curve and both families' points, and the sentences the models' errors
    give when recomputed; 3-D data also gets the plane and the curved sheet with each error in the title."""
    at = new_session({"model": model})
    at = open_page(at, "views/pca_vs_ae.py")
    sentences, errors = _sweep_expected(dataset)
    shown = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    assert shown[:2] == sentences
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    curve, mlp, linear = figures[0]["data"]
    assert len(mlp["x"]) == len(linear["x"]) == len(errors["mlp"]) and mlp["y"] == pytest.approx(errors["mlp"])
    titles = [f["layout"]["title"]["text"] for f in figures[2:]]
    roll = errors["mlp"][1] if dataset == "swiss_roll" else _sweep_expected("swiss_roll")[1]["mlp"][1]
    assert len(titles) == 3 and titles[2].endswith(f"MSE {roll:.3f}")  # the swiss roll on every dataset


def test_where_the_multilayer_model_loses_to_pca_the_page_says_why():
    """MNIST at k = 64: recomputed from the shipped model and scikit-learn's PCA on the training rows, its training
    error is above PCA's too (under-training), and the page says so with both numbers."""
    import numpy as np
    from sklearn.decomposition import PCA

    from aeviz.checkpoints import load_checkpoint
    from aeviz.latent import reconstruct
    from aeviz.pretrain import SWEEP_DIR

    data = load_dataset("mnist")
    model = load_checkpoint("mnist-mlp-k64", SHIPPED_DIR / SWEEP_DIR).model
    train = float(np.mean((reconstruct(model, data.X_train) - data.X_train) ** 2))
    pca = PCA(64).fit(data.X_train)
    pca_train = float(np.mean((pca.inverse_transform(pca.transform(data.X_train)) - data.X_train) ** 2))
    assert train > pca_train
    at = open_page(new_session(), "views/pca_vs_ae.py")
    (reason,) = [m.value for m in at.markdown if m.value.startswith("- Why it loses at k = 64")]
    assert f"({train:.4f} against {pca_train:.4f})" in reason and "under-training, not memorising" in reason


def test_pca_vs_autoencoders_trains_a_sweep_for_this_session(app, monkeypatch):
    """The button trains every family and k on the active data (epochs capped here to keep the test short); the page
    then shows this session's models, not the shipped ones."""
    monkeypatch.setattr("aeviz.sweep.MAX_SWEEP_EPOCHS", 2)
    at = open_page(app, "views/pca_vs_ae.py")
    assert any("shipped sweep" in c.value for c in at.caption)
    run_job(at, "sweep_train")
    assert not at.exception and not at.error
    assert any("trained in this session" in c.value for c in at.caption)
    mlp = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]
    assert mlp["x"] == [1, 2, 4, 8, 16, 32, 64]
    shipped = _sweep_expected("mnist")[1]["mlp"]
    assert all(abs(a - b) > 1e-4 for a, b in zip(mlp["y"], shipped, strict=True))  # 2-epoch models, not the shipped
