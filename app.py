"""aeviz: the entry file routes (page config and navigation in the order of the lecture), after two things every page
needs first: the process's thread settings (once, before torch or numba is imported) and the result of this session's
finished background job (aeviz.ui.work), whichever page the student is on.

The page files live in views/, not pages/: with a pages/ folder, Streamlit 1.67 runs the first direct link of a fresh
server (e.g. a shared /latent_walk URL) in the legacy folder mode, without this file's navigation and page config.
"""

from pathlib import Path

from aeviz.runtime import configure_environment

configure_environment()

import streamlit as st  # noqa: E402 - after the thread settings

from aeviz.ui.work import collect_jobs  # noqa: E402

# The favicon is a file of the package: a Material icon as page_icon is fetched from fonts.gstatic.com, and nothing may
# download at run time (a classroom may be offline).
ICON = str(Path(__file__).resolve().parent / "aeviz" / "static" / "favicon.png")
st.set_page_config(page_title="aeviz — autoencoder latent spaces", page_icon=ICON, layout="wide")

pages = {
    "Start": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
    "Autoencoders": [
        st.Page("views/train.py", title="Train", icon=":material/model_training:"),
        st.Page("views/latent_space.py", title="Latent space", icon=":material/scatter_plot:"),
        st.Page("views/latent_walk.py", title="Latent walk", icon=":material/tune:"),
        st.Page("views/capacity.py", title="Capacity", icon=":material/memory:"),
    ],
    "PCA": [
        st.Page("views/pca_steps.py", title="PCA step by step", icon=":material/stacked_line_chart:"),
        st.Page("views/pca_vs_ae.py", title="PCA vs autoencoders", icon=":material/compare_arrows:"),
    ],
    "Regularisation": [st.Page("views/sparsity.py", title="Sparsity", icon=":material/filter_alt:")],
    "Applications": [
        st.Page("views/denoise.py", title="Denoising", icon=":material/blur_off:"),
        st.Page("views/recolour.py", title="Recolouring", icon=":material/palette:"),
        st.Page("views/upscale.py", title="Upscaling", icon=":material/zoom_in:"),
    ],
}
collect_jobs()
st.navigation(pages).run()
