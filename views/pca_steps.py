"""PCA step by step: the lecture's five steps on the active model's dataset, each a picture first."""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.datasets import Dataset, list_datasets
from aeviz.handout import plotly_figure, png_figure
from aeviz.montages import display_scale, montage, unit_range
from aeviz.pca import (
    TeachingPCA,
    choice_sentence,
    covariance_view,
    recast_sentence,
    standardising_sentence,
    step_formulas,
)
from aeviz.pca_plots import covariance_fig, feature_spread_fig, scree_fig
from aeviz.plots import latent_scatter_fig, points_3d_fig

SHOWN_INPUTS = 8  # inputs shown beside their rank-k reconstructions
MAX_K = 64


@dataclass(frozen=True)
class StepSettings:
    standardize: bool  # step 1: divide by each feature's spread, or only centre
    k: int  # step 4: components kept


def step_form(data: Dataset) -> StepSettings:
    standardize = st.radio(
        "Step 1",
        [False, True],
        index=0 if data.is_image else 1,  # pixels share one unit; a table's columns may not
        format_func={False: "centre only (subtract the mean)", True: "standardise (also divide by the spread)"}.get,
        horizontal=True,
        key="pca_standardize",
        bind="query-params",
    )
    top = min(MAX_K, data.n_features)
    if st.session_state.get("pca_k", 1) > top:  # a k chosen on other data (784 pixels) than these (3 columns)
        st.session_state["pca_k"] = top
    k = st.slider(
        "Step 4: components kept (k)",
        1,
        top,
        min(2, data.n_features),
        key="pca_k",
        bind="query-params",
    )
    return StepSettings(standardize, k)


def heading(figure: str, title: str, formula: str) -> None:
    """A step's title and formula, unless a lecture step shows this figure on the stage (which says both)."""
    if not ui.on_stage(figure):
        st.subheader(title)
        st.latex(formula)


def step_1(data: Dataset, pca: TeachingPCA, other: TeachingPCA, formulas: dict[int, str], key: tuple) -> None:
    heading("pca_1", "1. Standardise" + ("" if pca.standardize else " (here: centre only)"), formulas[1])
    with ui.key_figure("pca_1"):
        if data.is_image:
            shape, scale = data.image_shape, display_scale(data.image_shape)
            pictures = [unit_range(pca.mean_), unit_range(pca.spread_)]
            caption = "mean image  |  spread (std) of each pixel, brightest = most"
            image = ui.shared_figure("pca_1", key, lambda: montage(pictures, shape, 2, scale, pad=4))
            ui.show_image(image, caption)
            kept = png_figure(image, caption)
        else:
            figure = ui.shared_figure(
                "pca_spread", key, lambda: feature_spread_fig(pca.mean_, pca.spread_, "Each feature before: mean ± spread")
            )
            st.plotly_chart(figure, key="pca_spread")
            kept = plotly_figure(figure)
    centred, standardized = (other, pca) if pca.standardize else (pca, other)
    st.caption(standardising_sentence(centred, standardized))
    ui.explain("pca_1", formulas[1], standardising_sentence(centred, standardized), [kept])


def step_2_and_3(pca: TeachingPCA, k: int, formulas: dict[int, str], key: tuple) -> None:
    with ui.key_figure("pca_2_3"):
        left, right = st.columns(2)
    with left:
        heading("pca_2_3", "2. Covariance matrix", formulas[2])
        matrix, kept = covariance_view(pca.covariance_)
        title = "covariance of the features" + (f" (every {kept[1] - kept[0]}th)" if len(kept) > 1 and kept[1] > 1 else "")
        covariance = ui.shared_figure("pca_cov", key, lambda: covariance_fig(matrix, kept, title))
        st.plotly_chart(covariance, key="pca_cov")
    with right:
        heading("pca_2_3", "3. Eigenvectors and eigenvalues", formulas[3])
        scree = ui.shared_figure("pca_scree", (*key, k), lambda: scree_fig(pca.ratios_, pca.cumulative_ratio_, k))
        st.plotly_chart(scree, key="pca_scree")
        explained = f"The first {k} component(s) explain {pca.cumulative_ratio_[k - 1]:.1%} of the variance."
        st.caption(explained)
    numbers = rf"\begin{{gathered}} {formulas[2]} \\ {formulas[3]} \end{{gathered}}"
    ui.explain("pca_2_3", numbers, explained, [plotly_figure(covariance), plotly_figure(scree)])


def step_4(data: Dataset, pca: TeachingPCA, k: int, formulas: dict[int, str], key: tuple) -> None:
    heading("pca_4", "4. Choose k components", formulas[4])
    with ui.key_figure("pca_4"):
        if data.is_image:
            components = [unit_range(v, signed=True) for v in pca.eigenvectors_[:k]]
            columns = min(k, 16)
            scale = max(1, display_scale(data.image_shape) // 2)
            image = ui.shared_figure(
                "pca_4", (*key, k), lambda: montage(components, data.image_shape, columns, scale, pad=2)
            )
            ui.show_image(image, f"the first {k} eigenvectors drawn as images (grey = 0)")
            ui.explain("pca_4", figures=[png_figure(image, f"the first {k} eigenvectors (grey = 0)")])
        else:
            table = {f"PC {i + 1}": v.round(3) for i, v in enumerate(pca.eigenvectors_[:k])}
            st.dataframe(table, hide_index=False, width="content")
            st.caption(f"The first {k} eigenvectors: one column each, one row per feature (its weight in the component).")
    ui.explain("pca_4", formulas[4], choice_sentence(pca.ratios_, k))


def step_5(data: Dataset, pca: TeachingPCA, k: int, formulas: dict[int, str], key: tuple) -> None:
    heading("pca_5", "5. Recast the data", formulas[5])
    with ui.key_figure("pca_5"):
        left, right = st.columns(2)
    ui.explain("pca_5", formulas[5], recast_sentence(data.n_features, k, float(pca.cumulative_ratio_[k - 1])))
    X, labels = ui.view_rows(data), ui.view_labels(data)
    with left:
        fig = ui.shared_figure("pca_recast", key, lambda: latent_scatter_fig(
            pca.transform(X)[:, :2] if data.n_features > 1 else pca.transform(X), labels, label_kind=data.label_kind,
            class_names=data.class_names, label_name=data.label_name, title="the data on the first two components",
            axis_titles=("PC 1", "PC 2"),
        ))  # fmt: skip
        st.plotly_chart(fig, key="pca_recast")
        ui.explain("pca_5", figures=[plotly_figure(fig)])
    with right:
        if data.is_image:
            rows = X[:SHOWN_INPUTS]
            pairs = ui.shared_figure("pca_5", (*key, k), lambda: montage(
                [*rows, *pca.reconstruct(rows, k)], data.image_shape, SHOWN_INPUTS, 2, pad=2
            ))  # fmt: skip
            caption = f"inputs (top) and their reconstructions from {k} component(s) (bottom)"
            ui.show_image(pairs, caption)
            ui.explain("pca_5", figures=[plotly_figure(fig), png_figure(pairs, caption)])
        else:
            original = data.scaler.inverse_transform(X)
            shown = data.scaler.inverse_transform(pca.reconstruct(X, k))
            st.plotly_chart(
                points_3d_fig(
                    original, labels, shown, title=f"data (colour) and its rank-{k} reconstruction (red)", joined=False
                ),
                key="pca_rebuilt",
            )


ACTIVE = "the active model's data"


def data_form() -> Dataset:
    """The active model's data, or a built-in dataset: the swiss roll (where a plane fails) is one choice away."""
    choices = [ACTIVE, *list_datasets()]
    chosen = st.selectbox("Data", choices, format_func=lambda c: c.replace("_", " "), key="pca_data", bind="query-params")
    return ui.active_dataset() if chosen == ACTIVE else ui.builtin_dataset(chosen)


ui.sidebar()
st.title("PCA step by step")
st.markdown(
    "The lecture's five steps on the chosen data (its training split; the swiss roll shows where a plane fails): "
    "standardise, the covariance matrix, its eigenvectors and eigenvalues, choose k, recast. PCA finds the best flat "
    "k-dimensional hyperplane; the Latent space page puts an autoencoder's code beside it."
)
dataset = data_form()
settings = step_form(dataset)
chosen, alternative = ui.teaching_pca(dataset, settings.standardize), ui.teaching_pca(dataset, not settings.standardize)
formulas = step_formulas(chosen, settings.k)
shared = (dataset.fingerprint, settings.standardize)  # what the shared figures and pictures depend on (and k)
step_1(dataset, chosen, alternative, formulas, shared)
step_2_and_3(chosen, settings.k, formulas, shared)
step_4(dataset, chosen, settings.k, formulas, shared)
step_5(dataset, chosen, settings.k, formulas, shared)
