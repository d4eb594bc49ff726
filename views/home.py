"""Home: the encoder → latent → decoder diagram and the lecture's ideas, with a link to every page
(from the one list of pages, aeviz/sitemap.py)."""

import streamlit as st

from aeviz import ui
from aeviz.handout import svg_figure
from aeviz.lecture import code_sentence, shapes_latex
from aeviz.plots import architecture_svg
from aeviz.sitemap import HOME, PAGES
from aeviz.wording import article, family_name

checkpoint = ui.sidebar()

st.title("What does an autoencoder learn?")
st.markdown(
    "An autoencoder squeezes its input **x** through a narrow **latent layer** and rebuilds it: "
    "**h = f(x)**, **r = g(h) ≈ x**. What it keeps in **h** is what it learned about the data."
)
config = checkpoint.config
drawing = architecture_svg(config)
with ui.key_figure("architecture"):
    st.image(drawing)
ui.explain("architecture", shapes_latex(config), code_sentence(config), [svg_figure(drawing)])
st.caption(
    f"The active model: {article(family_name(config.arch))} {family_name(config.arch)} autoencoder with "
    f"{article(str(config.latent_dim))} {config.latent_dim}-unit code for {config.n_features} inputs — "
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
    for page in PAGES:
        if page is not HOME:
            st.page_link(page.file, label=page.purpose, icon=page.icon)
    st.caption(f"Active model: {ui.describe(checkpoint)} — switch it in the sidebar.")
