"""aeviz: the entry file only routes (page config and navigation in the order of the lecture)."""

import streamlit as st

st.set_page_config(page_title="aeviz — autoencoder latent spaces", page_icon=":material/hub:", layout="wide")

pages = {
    "Start": [st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Autoencoders": [
        st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
        st.Page("pages/latent_space.py", title="Latent space", icon=":material/scatter_plot:"),
        st.Page("pages/latent_walk.py", title="Latent walk", icon=":material/tune:"),
    ],
    "Regularisation": [st.Page("pages/sparsity.py", title="Sparsity", icon=":material/filter_alt:")],
}
st.navigation(pages).run()
