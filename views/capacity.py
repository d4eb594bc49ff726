"""Capacity: codes below, at and above the input size on a small training subset — does the model memorise, and does
it copy inputs unlike its data? Then the overcomplete code with L1 and with denoising."""

import streamlit as st

from aeviz import AevizError, ui
from aeviz.capacity import (
    SUBSETS,
    copy_sentence,
    gap_sentence,
    kind_sentence,
    odd_inputs,
    train_config,
    train_variants,
    variants,
)
from aeviz.capacity_plots import copy_shares_fig, train_val_fig
from aeviz.checkpoints import Checkpoint
from aeviz.data import Dataset
from aeviz.latent import reconstruct
from aeviz.montages import display_scale, montage
from aeviz.text import markdown_text

Models = dict[str, Checkpoint]  # variant key -> finished model
SHOWN = 4  # odd inputs drawn per kind


def rows_form(data: Dataset) -> int:
    n_train = len(data.X_train)
    choices = [r for r in SUBSETS if r < n_train] + ([n_train] if n_train <= max(SUBSETS) else [])
    if len(choices) == 1:  # a small file: its whole training split
        st.caption(f"Training rows: all {n_train:,} of this dataset's training split.")
        return n_train
    default = 1_000 if 1_000 in choices else choices[-1]
    return st.select_slider(
        "Training rows", choices, default, format_func=lambda r: f"{r:,}", key="capacity_rows", bind="query-params"
    )


def trained_models(data: Dataset, rows: int) -> Models | None:
    """The five models for this data and subset: trained once per server (by whoever presses the button first)."""
    key = ("capacity", data.fingerprint, rows)
    found = ui.shared_result(key)
    shown = variants(data.n_features)
    total = sum(train_config(v, rows).epochs for v in shown)
    label = f"Train the {len(shown)} models on {rows:,} rows" if found is None else "Train them again"
    if st.button(label, key="capacity_train", type="primary" if found is None else "secondary"):
        bar, done, models = st.progress(0.0, text="starting…"), 0, {}
        try:
            for variant, metrics, checkpoint in train_variants(data, rows):
                done += 1
                bar.progress(done / total, text=f"{variant.label}: epoch {metrics.epoch}")
                models[variant.key] = checkpoint
        except AevizError as exc:
            ui.show_error(exc)
            return found
        bar.empty()
        ui.keep_shared_result(key, models)
        found = models
    if found is None:
        st.info(
            f"Nothing trained for {markdown_text(data.name)} on {rows:,} rows yet on this server. The button trains "
            f"{len(shown)} models one after the other (about 2 minutes for MNIST here); then everyone sees the result."
        )
    return found


def gap_panel(data: Dataset, models: Models, found: dict) -> None:
    st.subheader("Memorising: training against validation error")
    labels = {v.key: v.label for v in variants(data.n_features)}
    st.plotly_chart(train_val_fig({labels[k]: m.history for k, m in models.items()}), key="capacity_curves")
    st.caption(
        "The curves are the losses while training (the denoiser's training curve is on noisy inputs); the sentences "
        "compare each finished model's error on the clean training rows with its validation error."
    )
    for key, (errors, _) in found.items():
        active = models[key].metrics["active_fraction"]
        st.markdown(f"- {gap_sentence(labels[key][0].upper() + labels[key][1:], errors, active)}")


def copy_panel(data: Dataset, models: Models, found: dict) -> None:
    st.subheader("Just copying? Inputs unlike the training data")
    labels = {v.key: v.label for v in variants(data.n_features)}
    st.plotly_chart(copy_shares_fig({labels[k]: share for k, (_, share) in found.items()}), key="capacity_copy")
    inputs = odd_inputs(data)
    for kind in inputs:
        st.markdown(f"- {kind_sentence(kind, {labels[k]: share[kind] for k, (_, share) in found.items()})}")
    for key, (_, share) in found.items():
        st.markdown(f"- {copy_sentence(labels[key][0].upper() + labels[key][1:], share)}")
    if data.is_image:
        for column, (kind, X) in zip(st.columns(len(inputs)), inputs.items(), strict=True):
            rows = [X[:SHOWN], *(reconstruct(m.model, X[:SHOWN]) for m in models.values())]
            scale = max(1, display_scale(data.image_shape) // 2)
            image = montage([r for block in rows for r in block], data.image_shape, SHOWN, scale, pad=2)
            with column:
                ui.show_image(image, f"{kind}: the inputs (top), then each model's output in the order above")


ui.sidebar()
active = ui.active_model()
dataset = ui.require_dataset(active.checkpoint)
st.title("Capacity: under-, complete and overcomplete codes")
st.markdown(
    "The lecture: a code with fewer units than inputs (*undercomplete*) must keep what matters; a *complete* or "
    "*overcomplete* code without regularisation could simply copy its input. Below, the vanilla autoencoder (one ReLU "
    "layer that is the code) trained on a small part of the active model's data at three code sizes, then the "
    "overcomplete one with an L1 penalty and as a denoiser. Every sentence is computed from these models."
)
rows_chosen = rows_form(dataset)
chosen = trained_models(dataset, rows_chosen)
if chosen:
    measured = ui.capacity_errors(chosen, dataset, rows_chosen)
    gap_panel(dataset, chosen, measured)
    copy_panel(dataset, chosen, measured)
