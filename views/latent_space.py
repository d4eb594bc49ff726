"""Latent space: the model's embedding beside PCA of the raw inputs, with how faithful and how separable each view is."""

import streamlit as st

from aeviz import ui
from aeviz.images import display_scale, montage
from aeviz.latent import reconstruct
from aeviz.plots import latent_scatter_fig, selected_row
from aeviz.projection import coordinates_csv

ui.sidebar()
checkpoint, model_key = ui.active_checkpoint()
ui.start_umap_warm_up()
data = ui.check_dataset(checkpoint)
latent = checkpoint.config.latent_dim

st.title("Latent space next to PCA")
st.markdown(
    "PCA finds the best flat hyperplane; an autoencoder can bend its code around a curved manifold. Left: the codes "
    "**h = f(x)** of the validation set; right: PCA of the raw inputs with the same number of components. "
    "Trustworthiness tells how well each 2-D view keeps the inputs' neighbours; 5-NN accuracy how well it separates labels."
)

controls = st.columns([2, 1, 2])
if latent > 2:
    method = controls[0].radio(
        "Projection of the code",
        ["pca", "umap", "tsne"],
        horizontal=True,
        key="space_method",
        format_func={"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}.get,
    )
else:
    method = "pca"
    controls[0].caption(f"The code has {latent} dimension(s): it is drawn as it is, no projection needed.")
n_components = controls[1].radio("View", [2, 3], horizontal=True, format_func=lambda d: f"{d}-D", key="space_dims")

X, y = ui.view_rows(data), ui.view_labels(data)
Z = ui.codes(model_key, "shown", checkpoint, X)
data_key = f"{data.name}:{checkpoint.data_seed}:{id(data)}"
pca_inputs = ui.raw_pca(data_key, latent, data.X_train, X)
slow = method in ("umap", "tsne")
if slow and not st.session_state.get(f"asked:{model_key}:{method}:{n_components}"):
    if controls[2].button(f"Compute {method.upper()}", type="primary", key="space_compute"):
        st.session_state[f"asked:{model_key}:{method}:{n_components}"] = True
        st.rerun()
    controls[2].caption("UMAP and t-SNE take a few seconds; PCA is shown until then.")
    method = "pca"
with st.spinner(f"Computing {method.upper()} of {len(Z)} codes…"):
    model_view = ui.view(model_key, method, n_components, Z, X, y)
    input_view = ui.view(data_key + f":pca{latent}", method, n_components, pca_inputs, X, y)

label_args = {"label_kind": data.label_kind, "class_names": data.class_names, "label_name": data.label_name}
HOVER = "aeviz-latent-space" if data.is_image else None  # charts whose points show their image on hover
picked = st.session_state.get("picked_row")
panels = st.columns(2)
for panel, result, name, key in (
    (
        panels[0],
        model_view,
        f"Autoencoder code ({method.upper()} view)" if latent > 2 else "Autoencoder code",
        "space_model",
    ),
    (
        panels[1],
        input_view,
        f"PCA of the inputs, {latent} component(s)" + (f", {method.upper()} view" if latent > 2 else ""),
        "space_pca",
    ),
):
    with panel:
        fig = latent_scatter_fig(result["coords"], y, title=name, highlight=picked, meta=HOVER, **label_args)
        event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points", config={"displaylogo": False})
        row = selected_row(event)
        if row is not None and row != picked:
            st.session_state["picked_row"] = picked = row
            st.session_state["walk_start"] = {"model": model_key, "row": row}
        cols = st.columns(2)
        cols[0].metric("trustworthiness", f"{result['trust']:.3f}")
        if "knn" in result:
            cols[1].metric("5-NN accuracy", f"{result['knn']:.1%}", help="fitted on half the points, scored on the rest")

if picked is not None and picked < len(X):
    st.subheader(f"Point {picked}" + (f" — {data.label_name} {data.class_names[y[picked]]}" if data.has_classes else ""))
    if data.is_image:
        pair = montage(
            [X[picked], reconstruct(checkpoint.model, X[picked : picked + 1])[0]],
            data.image_shape,
            2,
            display_scale(data.image_shape),
            pad=4,
        )
        ui.show_image(pair, "input x  |  reconstruction r = g(f(x))")
    else:
        st.write(
            {
                "input x": X[picked].round(3).tolist(),
                "reconstruction r": reconstruct(checkpoint.model, X[picked : picked + 1])[0].round(3).tolist(),
            }
        )
    st.caption(f"Code h = {Z[picked].round(3).tolist()[:16]} — it is now the starting point of the Latent walk page.")
    st.page_link("views/latent_walk.py", label="Walk from this point", icon=":material/tune:")
else:
    st.caption("Click a point to see its input and reconstruction, and to start the latent walk from it.")

st.download_button(
    "Coordinates as CSV",
    lambda: coordinates_csv(model_view["coords"], input_view["coords"], y),  # built only when clicked
    file_name="latent_views.csv",
    mime="text/csv",
    key="space_csv",
)
if HOVER:  # last, so it adds no gap above the figures; it finds them by their layout.meta
    ui.hover_images(HOVER, data_key, X, data.image_shape, display_scale(data.image_shape, target=84))
