"""Sparsity: λ = 0 against λ > 0 on the same model, and a λ sweep — how the L1 penalty silences code units."""

import streamlit as st

from aeviz import AevizError, ui
from aeviz.images import montage
from aeviz.latent import one_hot_features
from aeviz.models import ModelConfig
from aeviz.plots import histogram_fig, lambda_sweep_fig, unit_means_fig
from aeviz.pretrain import fit
from aeviz.sparsity import compare_sentence, lambda_sweep, sparsity_report
from aeviz.training import TrainConfig

SHIPPED_PAIR = ("mnist-sparse-l0", "mnist-sparse-l1")
LAMBDAS = [1e-4, 3e-4, 1e-3, 3e-3]

ui.sidebar()
st.title("Sparse autoencoders: what λ does")
st.markdown(
    "The lecture's sparse loss adds **λ Σᵢ |aᵢ⁽ʰ⁾|** on the code activations. The penalty pushes units to zero, so each "
    "input is described by a few active units: less memorising, features kept. Below, the same 784-64-784 ReLU "
    "autoencoder trained with λ = 0 and with λ > 0 (same seed, same data)."
)

source = st.radio(
    "Models to compare",
    ["shipped", "train"],
    horizontal=True,
    key="sparsity_source",
    format_func={"shipped": "shipped twins (λ = 0.0003 and 0)", "train": "train a pair now with my λ"}.get,
)
data = ui.builtin_dataset("mnist")
config = ModelConfig.for_data(data.n_features, data.image_shape, "vanilla", 64)
if source == "shipped":
    dense, sparse = (ui.stored_checkpoint(name) for name in SHIPPED_PAIR)
    lam = sparse.train_config.l1
else:
    cols = st.columns([2, 1, 1])
    lam = cols[0].select_slider(
        "λ",
        LAMBDAS,
        float(st.query_params.get("l1", 3e-4)) if st.query_params.get("l1") in map(str, LAMBDAS) else 3e-4,
        format_func=lambda v: f"{v:g}",
        key="sparsity_lambda",
    )
    epochs = cols[1].slider("Epochs", 5, 60, 30, key="sparsity_epochs")
    st.query_params["l1"] = f"{lam:g}"
    if cols[2].button("Train the pair", type="primary", key="sparsity_train"):
        bar = st.progress(0.0, text="training λ = 0…")
        pair = []
        for i, value in enumerate((0.0, lam)):
            for metrics, checkpoint in fit(data, config, TrainConfig(epochs=epochs, l1=value)):  # noqa: B007
                bar.progress(
                    (i * epochs + metrics.epoch) / (2 * epochs), text=f"training λ = {value:g}: epoch {metrics.epoch}"
                )
            pair.append(checkpoint)
        st.session_state["sparsity_pair"] = (lam, pair)
        bar.empty()
    trained = st.session_state.get("sparsity_pair")
    if trained is None:
        st.info("Choose λ and press *Train the pair* (a few seconds), or look at the shipped twins.")
        st.stop()
    lam, (dense, sparse) = trained

X = data.X_val
reports = [sparsity_report(m.model, X) for m in (dense, sparse)]
st.success(compare_sentence(reports[0], reports[1], lam))

columns = st.columns(2)
for column, checkpoint, report, value in zip(columns, (dense, sparse), reports, (0.0, lam), strict=True):
    with column:
        st.subheader(f"λ = {value:g}")
        metrics = st.columns(3)
        metrics[0].metric("active fraction", f"{report.active_fraction:.1%}")
        metrics[1].metric("silent units", f"{report.dead_units} / {len(report.unit_means)}")
        metrics[2].metric("reconstruction MSE", f"{report.reconstruction_mse:.4f}")
        st.plotly_chart(histogram_fig(report.activations, "Code activations (validation set)"), key=f"hist_{value}")
        st.plotly_chart(unit_means_fig(report.unit_means, "Mean activation per unit, sorted"), key=f"means_{value}")
        features = one_hot_features(checkpoint.model, scale=float(max(report.unit_means.max(), 1e-3)) * 3)
        ui.show_image(montage(features, data.image_shape, 8, 2, pad=1), "What each unit draws alone: g(c·eᵢ), 64 units")

st.divider()
st.subheader("λ sweep")
st.caption("One short training per λ (same seed, 15 epochs): the active fraction falls as λ grows, the error rises.")
if st.button("Run the sweep", key="sparsity_sweep"):
    bar = st.progress(0.0, text="sweeping λ…")
    results = []
    lambdas = [0.0, *LAMBDAS]
    try:
        for i, (value, report) in enumerate(lambda_sweep(data, config, lambdas, TrainConfig(epochs=15))):
            results.append((value, report.active_fraction, report.reconstruction_mse))
            bar.progress((i + 1) / len(lambdas), text=f"λ = {value:g} done")
    except AevizError as exc:
        ui.show_error(exc)
    st.session_state["sparsity_sweep_result"] = results
    bar.empty()
sweep = st.session_state.get("sparsity_sweep_result")
if sweep:
    values, active, errors = zip(*sweep, strict=True)
    st.plotly_chart(lambda_sweep_fig(values, active, errors), key="sweep_fig")
