"""Home: the encoder → latent → decoder diagram and the lecture's ideas, with a link to each page."""

import streamlit as st

from aeviz import ui
from aeviz.plots import architecture_svg

checkpoint = ui.sidebar()
ui.start_umap_warm_up()

st.title("What does an autoencoder learn?")
st.markdown(
    "An autoencoder squeezes its input **x** through a narrow **latent layer** and rebuilds it: "
    "**h = f(x)**, **r = g(h) ≈ x**. What it keeps in **h** is what it learned about the data."
)
config = checkpoint.config
st.image(architecture_svg(config))
st.caption(
    f"The active model: a {config.arch} autoencoder with a {config.latent_dim}-unit code for {config.n_features} inputs — "
    f"{config.completeness}."
)

left, right = st.columns(2)
with left:
    st.subheader("The lecture's ideas")
    st.markdown(
        "- **Under-, complete, overcomplete.** A code with fewer units than inputs must compress; a complete or "
        "overcomplete code without regularisation could simply copy the data (the Capacity page measures whether it "
        "does).\n"
        "- **Sensitive, not memorising.** A good autoencoder reconstructs well yet does not memorise: a gap between "
        "training and validation loss shows overfitting.\n"
        "- **PCA finds a hyperplane**, an autoencoder can learn a curved manifold (the swiss roll).\n"
        "- **Sparsity.** L(x, x̂) + λ Σᵢ |aᵢ| silences code units; the lecture says it limits memorising (the "
        "Capacity page measures it).\n"
        "- **Applications:** denoising, recolouring, upscaling."
    )
with right:
    st.subheader("Explore")
    st.page_link("views/train.py", label="Train an autoencoder live and watch its losses", icon=":material/model_training:")
    st.page_link("views/latent_space.py", label="Latent space next to PCA", icon=":material/scatter_plot:")
    st.page_link("views/latent_walk.py", label="Walk the latent space through the decoder", icon=":material/tune:")
    st.page_link("views/capacity.py", label="Under-, complete, overcomplete: memorising, copying", icon=":material/memory:")
    st.page_link("views/pca_steps.py", label="PCA in five steps", icon=":material/stacked_line_chart:")
    st.page_link("views/pca_vs_ae.py", label="PCA against autoencoders at every code size", icon=":material/compare_arrows:")
    st.page_link("views/sparsity.py", label="How λ silences code units", icon=":material/filter_alt:")
    st.caption(f"Active model: {ui.describe(checkpoint)} — switch it in the sidebar.")
