"""Four families: the lecture's vanilla, multilayer, convolutional and regularised autoencoders side by side, on the
same validation digits, with their layers, parameters and validation error beside PCA's at the same code size."""

import streamlit as st

from aeviz import ui
from aeviz.datasets import Dataset
from aeviz.families import FAMILIES, SHOWN, FamilyRow, families_latex, families_sentence, family_rows
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.latent import reconstruct
from aeviz.montages import display_scale, montage


def pictures_panel(models: dict, data: Dataset) -> list:
    """The same validation digits, then each family's reconstruction of them, one row each with its name."""
    X = data.X_val[:SHOWN]
    scale = display_scale(data.image_shape, 84 if ui.presenting() else 56)  # larger for a projector's back row
    rows = {"validation digits": X} | {name: reconstruct(m.model, X) for name, m in models.items()}
    kept = []
    for name, images in rows.items():
        label, picture = st.columns([1, 5], vertical_alignment="center")
        label.markdown(f"**{name}**")
        with picture:
            picture = montage(list(images), data.image_shape, SHOWN, scale, pad=2)
            ui.show_image(picture, "")
            kept.append((picture, name))
    return kept


def table_panel(rows: list[FamilyRow]) -> None:
    st.dataframe(
        {
            "family": [r.name for r in rows],
            "layers": [r.layers for r in rows],
            "parameters": [r.parameters for r in rows],
            "code units": [r.code for r in rows],
            "validation MSE": [round(r.error, 4) for r in rows],
            "PCA, same code size": [round(r.pca_error, 4) for r in rows],
            "5-NN accuracy": [None if r.knn is None else round(r.knn, 3) for r in rows],
        },
        hide_index=True,
    )


ui.sidebar()
st.title("Four families of autoencoders")
st.markdown(
    "The lecture's four families, each a model that ships with aeviz, trained on the same MNIST split: **vanilla** "
    "(one hidden layer that is the code, 784-64-784, ReLU code, sigmoid output), **multilayer** (784-128-64-128-784), "
    "**convolutional** (Conv2D 16-8-8, 3×3, 2×2 max-pooling, mirrored with upsampling) and **regularised** (the "
    "vanilla network with an L1 penalty on its code). Below, the same validation digits through each, and each one's "
    "validation error beside PCA's with as many components as its code has units (the honest flat baseline)."
)
mnist = ui.builtin_dataset("mnist")
models = {f.name: ui.stored_checkpoint(f.model) for f in FAMILIES}
errors = {name: ui.model_error(m, mnist) for name, m in models.items()}
rows = family_rows(models, errors, ui.pca_errors(mnist, max(m.config.latent_dim for m in models.values())))
with ui.key_figure("families"):
    pictures = pictures_panel(models, mnist)
sentence = families_sentence(rows)
ui.explain("families", families_latex(rows), sentence, lambda: [png_figure(*picture) for picture in pictures])
st.markdown(sentence)
table_panel(rows)
st.caption(f"Validation MSE per pixel on the {len(mnist.X_val):,} validation digits. {definitions('5-NN accuracy')}")
