"""PCA against autoencoders across code sizes k: PCA's exact curve, trained autoencoders as points, a linear
autoencoder's principal angles to PCA, and (for 3-D data) the flat plane against the curved sheet."""

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.datasets import Dataset
from aeviz.escaping import markdown_text
from aeviz.handout import plotly_figure
from aeviz.jobhandle import JobKind
from aeviz.latent import reconstruct
from aeviz.lecture import manifold_sentence, versus_latex
from aeviz.pca_plots import angles_fig, sweep_fig
from aeviz.plots import points_3d_fig
from aeviz.questions import versus_answer
from aeviz.sweep import (
    FAMILIES,
    angles_sentence,
    check_sweep,
    compare_sentence,
    k_sweep_job,
    largest_loss,
    linear_note,
    linear_sentence,
    plan,
    reason_sentence,
    sweep_ks,
)

Models = dict[tuple[str, int], Checkpoint]


def keep_sweep(data: Dataset):
    def keep(models: dict) -> tuple[str, str]:
        ui.session().k_sweep = ui.SweepRun(data.fingerprint, models)
        return "success", f"Trained the sweep: {len(models)} models."

    return keep


def train_panel(data: Dataset) -> None:
    """A button that queues the whole sweep on `data`; the result stays with this session."""
    ks = sweep_ks(data.n_features)
    label = f"Train the sweep on {markdown_text(data.name)} ({len(FAMILIES) * len(ks)} models)"
    if st.button(label, key="sweep_train", help="One multilayer and one linear autoencoder per k, same split."):
        label = f"the k-sweep on {data.name}"
        ui.submit(JobKind.K_SWEEP, label, k_sweep_job, (data,), keep_sweep(data), check=lambda: check_sweep(data))
    ui.job_panel(JobKind.K_SWEEP)


def sweep_models(data: Dataset) -> Models:
    """The sweep this session trained on `data`, else the shipped one for a built-in dataset, else none."""
    train_panel(data)
    run = ui.session().k_sweep
    if run is not None and run.data_key == data.fingerprint:
        st.caption("Showing the sweep trained in this session.")
        return run.models
    shipped = ui.shipped_sweep(data)
    if shipped:
        st.caption(
            f"Showing the shipped sweep for {markdown_text(data.name)} (made by `aeviz pretrain`); "
            "retrain it with the button."
        )
    else:
        st.info(
            f"No sweep for {markdown_text(data.name)} yet: press the button to train one (PCA's curve is drawn already)."
        )
    return shipped


def error_panel(data: Dataset, models: Models) -> None:
    ks = sweep_ks(data.n_features)
    pca = ui.pca_errors(data, max(ks))
    points, sentences, note = {}, [], ""
    for family in FAMILIES:
        trained = [k for k in ks if (family, k) in models]
        if not trained:
            continue
        errors = [ui.model_error(models[family, k], data) for k in trained]
        points[family] = (trained, errors)
        if family == "mlp":
            sentences.append(compare_sentence(trained, errors, pca))
        else:
            sentences.append(linear_sentence(trained, errors, pca))
            note = linear_note(trained, errors, pca)
    title = f"Validation error against code size on {data.name} ({len(data.X_train):,} training rows)"
    figure = sweep_fig(pca, points, title, note)
    with ui.key_figure("sweep"):
        st.plotly_chart(figure, key="sweep_fig")
    if "mlp" in points:
        trained, errors = points["mlp"]
        i = min(1, len(trained) - 1)  # k = 2 when it was trained: the size of the Latent space page's views
        numbers = versus_latex(trained[i], float(pca[trained[i] - 1]), errors[i])
        answer = versus_answer(float(pca[trained[i] - 1]), errors[i], f"at k = {trained[i]}")
        ui.explain("sweep", numbers, sentences[0], [plotly_figure(figure)], answer)
    for sentence in sentences:
        st.markdown(f"- {sentence}")
    reason_panel(data, models, points.get("mlp"), pca)


def reason_panel(data: Dataset, models: Models, mlp: tuple | None, pca) -> None:
    """Where the multilayer autoencoder loses most to PCA, why: its training error against PCA's."""
    k = None if mlp is None else largest_loss(*mlp, pca)
    if k is None:
        return
    model = models["mlp", k]
    train, val = ui.model_error(model, data, "training"), ui.model_error(model, data)
    pca_train = ui.pca_errors(data, k, "training")[k - 1]
    st.markdown(f"- {reason_sentence(k, train, val, pca_train, plan('mlp', data.n_features).steps)}")


def angles_panel(data: Dataset, models: Models) -> None:
    ks = [k for k in sweep_ks(data.n_features) if ("linear", k) in models]
    if not ks:
        return
    st.subheader("Does the linear autoencoder find PCA's subspace?")
    k = st.select_slider("k", ks, ks[min(3, len(ks) - 1)], key="sweep_angle_k", bind="query-params")
    angles = ui.principal_angles(models["linear", k], data)
    error, pca = ui.model_error(models["linear", k], data), ui.pca_errors(data, k)[k - 1]
    left, right = st.columns([3, 2])
    left.plotly_chart(angles_fig(angles, k), key="sweep_angles")
    right.markdown(angles_sentence(angles, error, pca))


def manifold_panel(data: Dataset, models: Models) -> None:
    """3-D data: the points, PCA's rank-2 reconstruction (a plane) and the autoencoder's k = 2 one (a curved sheet).
    On other data, the swiss roll's shipped sweep: the lecture's picture of what PCA cannot fit, on every dataset."""
    if data.n_features != 3 or ("mlp", 2) not in models:
        data = ui.builtin_dataset("swiss_roll")
        models = ui.shipped_sweep(data)
        if ("mlp", 2) not in models:
            return
    st.subheader(f"A plane against a curved sheet: {markdown_text(data.name.replace('_', ' '))}")
    X, colors = data.X_val, data.y_val
    pca_rebuilt = ui.teaching_pca(data, standardize=False).reconstruct(X, 2)
    ae_rebuilt = reconstruct(models["mlp", 2].model, X)
    pca_error, ae_error = ui.pca_errors(data, 2)[1], ui.model_error(models["mlp", 2], data)
    shown = {
        "validation points": X,
        f"PCA, k = 2: MSE {pca_error:.3f}": pca_rebuilt,
        f"autoencoder, k = 2: MSE {ae_error:.3f}": ae_rebuilt,
    }
    with ui.key_figure("manifold"):
        columns = st.columns(3)
    figures = []
    for i, (column, (title, points)) in enumerate(zip(columns, shown.items(), strict=True)):
        original = data.scaler.inverse_transform(points) if data.scaler is not None else points
        figures.append(points_3d_fig(original, colors, title=title))
        column.plotly_chart(figures[-1], key=f"sweep_3d_{i}")
    said = manifold_sentence(pca_error, ae_error)
    answer = versus_answer(pca_error, ae_error, "on the roll at k = 2")
    ui.explain("manifold", versus_latex(2, pca_error, ae_error), said, [plotly_figure(f) for f in figures], answer)
    st.caption(
        "Each reconstruction is coloured by the true position of its point along the manifold; drag to rotate. "
        "Errors are validation MSE per (standardised) feature; the autoencoder is the multilayer one of the sweep."
    )


ui.sidebar()
dataset = ui.active_dataset()
st.title("PCA against autoencoders")
st.markdown(
    "PCA's validation error at every code size k (fitted on the training rows: the best flat k-dimensional fit of "
    "*those*, measured on new ones) next to autoencoders trained at k = 1, 2, 4 … 64 on the same split: a multilayer "
    "one (non-linear) and a linear one (no activation functions), which can at best find PCA's subspace."
)
chosen = sweep_models(dataset)
error_panel(dataset, chosen)
angles_panel(dataset, chosen)
manifold_panel(dataset, chosen)
