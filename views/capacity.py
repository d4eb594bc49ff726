"""Capacity: codes below, at and above the input size on a small training subset — does the model memorise, and does
it copy inputs unlike its data? Then the overcomplete code with L1 and with denoising."""

import streamlit as st

from aeviz import ui
from aeviz.capacity import (
    SHOWN,
    SUBSETS,
    Report,
    check_run,
    copy_sentence,
    gap_sentence,
    kind_sentence,
    odd_inputs,
    report_job,
    variants,
)
from aeviz.capacity_plots import copy_shares_fig, train_val_fig
from aeviz.datasets import Dataset
from aeviz.escaping import markdown_text
from aeviz.jobhandle import JobKind
from aeviz.montages import display_scale, montage


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


def keep_report(report: Report) -> tuple[str, str]:
    return "success", f"Trained and measured the {len(report.errors)} models; everyone on this server sees them now."


def report_panel(data: Dataset, rows: int) -> Report | None:
    """The run for this data and subset: trained once per server (whoever presses the button first), else the shipped
    one (MNIST, 1,000 rows)."""
    key = ("capacity", data.fingerprint, rows)
    found = ui.shared_result(key)
    shipped = ui.shipped_capacity(data, rows) if found is None else None
    label = f"Train the {len(variants(data.n_features))} models on {rows:,} rows"
    share = f"capacity:{data.fingerprint}:{rows}"
    classmates = ui.job_pool().shared_job(share)
    if classmates is not None and ui.pending_job() is not classmates:
        st.info(
            f"A classmate's run of these {rows:,} rows is {classmates.state} ({classmates.fraction:.0%} done): its "
            "result appears here for everyone when it ends, so there is no need to train it again."
        )
    elif st.button(label if found is None and shipped is None else "Train them again", key="capacity_train"):
        shared = ui.shared_results()  # the run is everyone's as soon as it ends, even if this tab is closed
        label = f"the capacity run on {rows:,} rows"
        ui.submit(
            JobKind.CAPACITY,
            label,
            report_job,
            (data, rows),
            keep_report,
            lambda report: shared.put(key, report),
            check=lambda: check_run(data, rows),
            share=share,
        )
    ui.job_panel(JobKind.CAPACITY)
    if found is None and shipped is not None:
        st.caption("Showing the shipped run (made by `aeviz pretrain`); training again takes about 2 minutes here.")
    if found is None and shipped is None and ui.pending_job() is None:
        st.info(
            f"Nothing trained for {markdown_text(data.name)} on {rows:,} rows yet on this server. The button trains "
            f"{len(variants(data.n_features))} models one after the other; then everyone sees the result."
        )
    return found or shipped


def labels_of(data: Dataset) -> dict[str, str]:
    """Each variant's label, capitalised as the start of a sentence."""
    return {v.key: v.label[0].upper() + v.label[1:] for v in variants(data.n_features)}


def gap_panel(data: Dataset, report: Report) -> None:
    st.subheader("Memorising: training against validation error")
    labels = labels_of(data)
    st.plotly_chart(train_val_fig({labels[k]: h for k, h in report.histories.items()}), key="capacity_curves")
    st.caption(
        "The curves are the losses while training (the denoiser's training curve is on noisy inputs); the sentences "
        "compare each finished model's error on the clean training rows with its validation error."
    )
    for key, errors in report.errors.items():
        st.markdown(f"- {gap_sentence(labels[key], errors, report.active[key])}")


def copy_panel(data: Dataset, report: Report) -> None:
    st.subheader("Just copying? Inputs unlike the training data")
    labels = labels_of(data)
    figure = copy_shares_fig(
        {labels[k]: s for k, s in report.shares.items()}, {labels[k]: e for k, e in report.errors.items()}
    )
    st.plotly_chart(figure, key="capacity_copy")
    inputs = odd_inputs(data)
    for kind in inputs:
        st.markdown(f"- {kind_sentence(kind, {labels[k]: share[kind] for k, share in report.shares.items()})}")
    for key, share in report.shares.items():
        st.markdown(f"- {copy_sentence(labels[key], share)}")
    if data.is_image:
        for column, (kind, X) in zip(st.columns(len(inputs)), inputs.items(), strict=True):
            rows = [X[:SHOWN], *report.outputs[kind].values()]
            scale = max(1, display_scale(data.image_shape) // 2)
            image = montage([r for block in rows for r in block], data.image_shape, SHOWN, scale, pad=2)
            with column:
                ui.show_image(image, f"{kind}: the inputs (top), then each model's output in the order above")


ui.sidebar()
dataset = ui.active_dataset()
st.title("Capacity: under-, complete and overcomplete codes")
st.markdown(
    "The lecture: a code with fewer units than inputs (*undercomplete*) must keep what matters; a *complete* or "
    "*overcomplete* code without regularisation could simply copy its input. Below, the vanilla autoencoder (one ReLU "
    "layer that is the code) trained on a small part of the active model's data at three code sizes, then the "
    "overcomplete one with an L1 penalty and as a denoiser. Every sentence is computed from these models."
)
chosen = report_panel(dataset, rows_form(dataset))
if chosen is not None:
    gap_panel(dataset, chosen)
    copy_panel(dataset, chosen)
