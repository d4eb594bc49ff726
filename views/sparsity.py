"""Sparsity: λ = 0 against λ > 0 on the same model, and a λ sweep — how the L1 penalty silences code units."""

from dataclasses import dataclass, replace

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.datasets import Dataset
from aeviz.handout import plotly_figure
from aeviz.jobhandle import JobKind
from aeviz.latent import one_hot_features
from aeviz.models import ModelConfig
from aeviz.montages import montage
from aeviz.plots import histogram_fig, lambda_sweep_fig, unit_means_fig
from aeviz.pretrain import recipe
from aeviz.questions import penalty_answer
from aeviz.sparsity import (
    SWEEP_EPOCHS,
    SWEEP_LAMBDAS,
    SparsityReport,
    compare_sentence,
    gap_sentence,
    lambda_sweep_job,
    loss_latex,
    sweep_sentence,
    twins_job,
)

SHIPPED_PAIR = ("mnist-sparse-l0", "mnist-sparse-l1")
LAMBDAS = [v for v in SWEEP_LAMBDAS if v > 0]
TWIN_RECIPE = recipe(SHIPPED_PAIR[0])  # pairs trained here are trained as the shipped twins were (784-64-784, lr 0.001)


@dataclass(frozen=True)
class PairSettings:
    source: str  # "shipped" twins, or "train" a pair now
    lam: float  # λ of the pair to train
    epochs: int


def pair_form() -> PairSettings:
    source = st.radio(
        "Models to compare",
        ["shipped", "train"],
        horizontal=True,
        key="sparsity_source",
        bind="query-params",
        format_func={"shipped": "shipped twins (λ = 0.0003 and 0)", "train": "train a pair now with my λ"}.get,
    )
    if source == "shipped":
        return PairSettings(source, 0.0, 0)
    cols = st.columns([2, 1, 1])
    lam = cols[0].select_slider(
        "λ", LAMBDAS, 3e-4, format_func=lambda v: f"{v:g}", key="sparsity_lambda", bind="query-params"
    )
    epochs = cols[1].slider("Epochs", 5, 60, 30, key="sparsity_epochs", bind="query-params")
    return PairSettings(source, lam, epochs)


def twin_config(data: Dataset) -> ModelConfig:
    return ModelConfig.for_data(data.n_features, data.image_shape, TWIN_RECIPE.arch, TWIN_RECIPE.latent_dim)


def keep_pair(lam: float):
    def keep(twins: tuple[Checkpoint, Checkpoint]) -> tuple[str, str]:
        ui.session().sparsity_pair = ui.SparsityPair(lam, *twins)
        return "success", f"Trained the pair: λ = 0 and λ = {lam:g}, {len(twins[0].history)} epochs each."

    return keep


def pair_panel(settings: PairSettings, data: Dataset) -> ui.SparsityPair | None:
    """The shipped twins, or the pair this session trained (a button queues the training)."""
    if settings.source == "shipped":
        dense, sparse = (ui.stored_checkpoint(name) for name in SHIPPED_PAIR)
        return ui.SparsityPair(sparse.train_config.l1, dense, sparse)
    state = ui.session()
    if st.button("Train the pair", type="primary", key="sparsity_train"):
        train_config = replace(TWIN_RECIPE.train, epochs=settings.epochs)
        args = (data, twin_config(data), train_config, settings.lam)
        ui.submit(JobKind.SPARSITY_PAIR, f"the λ = 0 / {settings.lam:g} pair", twins_job, args, keep_pair(settings.lam))
    ui.job_panel(JobKind.SPARSITY_PAIR)
    if state.sparsity_pair is None and ui.pending_job() is None:
        st.info("Choose λ and press *Train the pair* (a few seconds), or look at the shipped twins.")
    return state.sparsity_pair


def twin_panel(checkpoint: Checkpoint, report: SparsityReport, lam: float, data: Dataset) -> None:
    st.subheader(f"λ = {lam:g}")
    metrics = st.columns(3)
    metrics[0].metric("active fraction", f"{report.active_fraction:.1%}")
    metrics[1].metric("silent units", f"{report.dead_units} / {len(report.unit_means)}")
    metrics[2].metric("reconstruction MSE", f"{report.reconstruction_mse:.4f}")
    st.latex(loss_latex(report, lam))
    st.plotly_chart(histogram_fig(report.activations, "Code activations (validation set)"), key=f"hist_{lam}")
    st.plotly_chart(unit_means_fig(report.unit_means, "Mean activation per unit, sorted"), key=f"means_{lam}")
    features = one_hot_features(checkpoint.model, scale=float(max(report.unit_means.max(), 1e-3)) * 3)
    n_units = len(report.unit_means)
    caption = f"What each unit draws alone at λ = {lam:g}: g(c·eᵢ), {n_units} units"
    ui.show_image(montage(features, data.image_shape, 8, 2, pad=1), caption)


def comparison_panel(pair: ui.SparsityPair, data: Dataset) -> None:
    reports = [ui.sparsity_of(m, data) for m in (pair.dense, pair.sparse)]
    st.success(compare_sentence(reports[0], reports[1], pair.lam))
    ui.explain("lambda_sweep", loss_latex(reports[1], pair.lam))  # the sparse twin's loss, beside the sweep
    st.markdown(gap_sentence(pair.dense.history, pair.sparse.history, pair.lam))
    for column, checkpoint, report, lam in zip(
        st.columns(2), (pair.dense, pair.sparse), reports, (0.0, pair.lam), strict=True
    ):
        with column:
            twin_panel(checkpoint, report, lam, data)


def keep_sweep(results: list[tuple[float, float, float]]) -> tuple[str, str]:
    ui.session().sparsity_sweep = results
    return "success", f"Swept {len(results)} values of λ."


def sweep_panel(data: Dataset) -> None:
    st.subheader("λ sweep")
    if st.button("Run the sweep again", key="sparsity_sweep"):
        args = (data, twin_config(data), list(SWEEP_LAMBDAS), replace(TWIN_RECIPE.train, epochs=SWEEP_EPOCHS))
        ui.submit(JobKind.LAMBDA_SWEEP, "the λ sweep", lambda_sweep_job, args, keep_sweep)
    ui.job_panel(JobKind.LAMBDA_SWEEP)
    results, source, epochs = ui.session().sparsity_sweep, "run in this session", SWEEP_EPOCHS
    if not results and (shipped := ui.shipped_lambda_sweep()) is not None:
        (results, epochs), source = shipped, "shipped (made by `aeviz pretrain`)"
    if results:
        values, active, errors = zip(*results, strict=True)
        figure = lambda_sweep_fig(values, active, errors)
        with ui.key_figure("lambda_sweep"):
            st.plotly_chart(figure, key="sweep_fig")
        st.caption(f"One training per λ, same seed, {epochs} epochs each; {source}. {sweep_sentence(results)}")
        answer = penalty_answer({lam: error for lam, _, error in results})
        ui.explain("lambda_sweep", look_for=sweep_sentence(results), figures=[plotly_figure(figure)], answer=answer)


ui.sidebar()
st.title("Sparse autoencoders: what λ does")
st.latex(r"\mathcal{L} = L(x, \hat x) + \lambda \sum_i |a_i^{(h)}|")
st.markdown(
    "The lecture's sparse loss adds λ times the code activations' absolute sum to the reconstruction error. It claims "
    "the penalty pushes units to zero, so each input is described by a few active units: less memorising, features "
    "kept. Below, the same 784-64-784 ReLU autoencoder trained with λ = 0 and with λ > 0 (same seed, same data), and "
    "what their numbers say."
)
mnist = ui.builtin_dataset(TWIN_RECIPE.dataset)
chosen = pair_panel(pair_form(), mnist)
if chosen is not None:
    comparison_panel(chosen, mnist)
st.divider()
sweep_panel(mnist)
