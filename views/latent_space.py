"""Latent space: the model's embedding beside PCA of the raw inputs, with how faithful and how separable each view is."""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.datasets import Dataset
from aeviz.escaping import markdown_text
from aeviz.glossary import TERMS
from aeviz.handout import plotly_figure
from aeviz.jobhandle import JobKind
from aeviz.latent import reconstruct
from aeviz.lecture import views_latex, views_sentence
from aeviz.montages import display_scale, montage
from aeviz.plots import code_axis_titles, latent_scatter_fig, selected_row
from aeviz.projection import ScoredView, coordinates_csv, order_along, unrolling_sentence
from aeviz.questions import views_answer
from aeviz.wording import vector_text

HOVER = "aeviz-latent-space"  # the layout.meta of charts whose points show their image on hover
METHODS = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
SLOW = ("umap", "tsne")


@dataclass(frozen=True)
class ViewSettings:
    method: str  # how the code is projected: pca | umap | tsne (codes of 1-2 units are drawn as they are)
    dims: int  # 2 or 3


def view_form(model: ui.ActiveModel, data: Dataset) -> ViewSettings:
    latent = model.checkpoint.config.latent_dim
    controls = st.columns([2, 1, 2])
    if latent > 2:
        method = controls[0].radio(
            "Projection of the code", list(METHODS), horizontal=True, key="space_method", format_func=METHODS.get,
            bind="query-params",
        )  # fmt: skip
    else:
        method = "pca"
        controls[0].caption(f"The code has {latent} dimension(s): it is drawn as it is, no projection needed.")
    if latent >= 3:
        dims = controls[1].radio(
            "View", [2, 3], horizontal=True, format_func=lambda d: f"{d}-D", key="space_dims", bind="query-params"
        )
    else:  # a 3-D view of a 2-D code would draw an empty third axis
        dims = 2
    if method in SLOW:
        with controls[2]:
            if not slow_view_ready(model, data, method, dims):
                method = "pca"
    return ViewSettings(method, dims)


def slow_view_ready(model: ui.ActiveModel, data: Dataset, method: str, dims: int) -> bool:
    """UMAP and t-SNE take seconds: a button queues them in the class's job pool; PCA is shown until they are ready."""
    name, ready = METHODS[method], ui.slow_views(model, data, method, dims) is not None
    if not ready and st.button(f"Compute {name}", type="primary", key="space_compute"):
        fn, args, then = ui.slow_views_job(model, data, method, dims)
        label = f"{name} ({dims}-D) of {ui.VIEW_SAMPLES} codes"
        ui.submit(JobKind.PROJECTION, label, fn, args, lambda _: ("success", f"{name} is ready."), then)
    ui.job_panel(JobKind.PROJECTION)  # the message of a finished one, or the queue and progress of this one
    if not ready and ui.pending_job() is None:
        st.caption("UMAP and t-SNE take a few seconds; PCA is shown until then.")
    return ready


def scatter_panel(
    panel,
    result: ScoredView,
    title: str,
    axes: tuple[str, ...],
    key: str,
    data: Dataset,
    picked: int | None,
    shared: tuple,
) -> tuple[int | None, object]:
    """One view with its scores and named axes; returns the row the student clicked in it, if any, and the figure
    (made once per server for `shared`, what the view depends on, and the picked row)."""
    with panel:
        labels = ui.view_labels(data)
        label_args = {"label_kind": data.label_kind, "class_names": data.class_names, "label_name": data.label_name}
        meta = HOVER if data.is_image else None
        fig = ui.shared_figure("space", (*shared, key, title, axes, picked), lambda: latent_scatter_fig(
            result.coords, labels, title=title, highlight=picked, meta=meta, axis_titles=axes, **label_args
        ))  # fmt: skip
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config={"displaylogo": False})
        cols = st.columns(2)
        cols[0].metric("trustworthiness", f"{result.trust:.3f}", help=TERMS["trustworthiness"])
        if result.knn is not None:
            help_text = f"{TERMS['5-NN accuracy']} Here: fitted on half the points, scored on the rest."
            cols[1].metric("5-NN accuracy", f"{result.knn:.1%}", help=help_text)
    return selected_row(event), fig


def point_panel(model: ui.ActiveModel, data: Dataset, row: int) -> None:
    """The clicked point: its input beside its reconstruction, its code, and a link to walk from it."""
    X, y, Z = ui.view_rows(data), ui.view_labels(data), ui.codes(model, data)
    label = f" — {markdown_text(data.label_name)} {markdown_text(data.class_names[y[row]])}" if data.has_classes else ""
    st.subheader(f"Point {row}{label}", anchor=False)  # no anchor: its slug would carry the label's text into an href
    output = reconstruct(model.checkpoint.model, X[row : row + 1])[0]
    if data.is_image:
        pair = montage([X[row], output], data.image_shape, 2, display_scale(data.image_shape), pad=4)
        ui.show_image(pair, "input x  |  reconstruction r = g(f(x))")
    else:
        st.dataframe({"input x": X[row], "reconstruction r": output}, width="content")
    st.caption(f"Code h = {vector_text(Z[row])} — it is now the starting point of the Latent walk page.")
    st.page_link("views/latent_walk.py", label="Walk from this point", icon=":material/tune:")


def latent_space_panel(model: ui.ActiveModel, data: Dataset, settings: ViewSettings) -> None:
    """The two views side by side; a click on either picks a point for the point panel and the Latent walk."""
    latent = model.checkpoint.config.latent_dim
    name = METHODS[settings.method]
    if settings.method in SLOW:
        model_view, input_view = ui.slow_views(model, data, settings.method, settings.dims)
    else:
        model_view = ui.code_view(model, data, settings.method, settings.dims)
        input_view = ui.pca_view(data, latent, settings.method, settings.dims)
    state = ui.session()
    picked = state.picked.row if state.picked is not None and state.picked.model_key == model.key else None
    titles = (
        f"Autoencoder code ({name} view)" if latent > 2 else "Autoencoder code",
        f"PCA of the inputs, {latent} component(s)" + (f", {name} view" if latent > 2 else ""),
    )
    prefix = "PC" if settings.method == "pca" else name
    numbered = (f"{prefix} 1", f"{prefix} 2", f"{prefix} 3")
    axes = (
        (*code_axis_titles(latent, data.label_kind, data.label_name), "z₂") if latent <= 2 else numbered,
        numbered if latent > 1 else ("PC 1", data.label_name, ""),
    )
    with ui.key_figure("scatters"):
        panels = st.columns(2)
    figures = []
    for panel, result, title, axis, key in zip(
        panels, (model_view, input_view), titles, axes, ("space_model", "space_pca"), strict=True
    ):
        shared = (model.key, data.fingerprint, settings.method, settings.dims)
        row, figure = scatter_panel(panel, result, title, axis, key, data, picked, shared)
        figures.append(plotly_figure(figure))
        if row is not None and row != picked:
            state.picked, picked = ui.PickedPoint(model.key, row), row
    scores = [(view.trust, view.knn) for view in (model_view, input_view)]
    answer = None if model_view.knn is None or input_view.knn is None else views_answer(model_view.knn, input_view.knn)
    ui.explain("scatters", views_latex(*scores), views_sentence(*scores), figures, answer)
    if data.label_kind == "continuous":  # a position along a manifold (the swiss roll, the S-curve)
        labels = ui.view_labels(data)
        code, pca = (order_along(view.coords, labels) for view in (model_view, input_view))
        st.markdown(unrolling_sentence(code, pca, markdown_text(data.label_name)))
    if picked is not None and picked < len(ui.view_rows(data)):
        point_panel(model, data, picked)
    else:
        st.caption("Click a point to see its input and reconstruction, and to start the latent walk from it.")
    st.download_button(
        "Coordinates as CSV",
        lambda: coordinates_csv(model_view.coords, input_view.coords, ui.view_labels(data)),  # built on click
        file_name="latent_views.csv",
        mime="text/csv",
        key="space_csv",
    )
    if data.is_image:  # last, so it adds no gap above the figures; it finds them by their layout.meta
        ui.hover_images(HOVER, data, display_scale(data.image_shape, target=84))


ui.sidebar()
active = ui.active_model()
dataset = ui.require_dataset(active.checkpoint)
st.title("Latent space next to PCA")
st.markdown(
    "PCA finds the best flat hyperplane; an autoencoder's code can follow a curved manifold. Left: the codes "
    "**h = f(x)** of the validation set; right: PCA of the raw inputs with the same number of components. "
    "Trustworthiness tells how well each 2-D view keeps the inputs' neighbours; 5-NN accuracy how well it separates labels."
)
latent_space_panel(active, dataset, view_form(active, dataset))
