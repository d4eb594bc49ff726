"""Capacity: codes below, at and above the input size on a small training subset — does the model memorise, and does
it copy inputs unlike its data? Then the overcomplete code with L1 and with denoising."""

import hashlib
import json

import streamlit as st

from aeviz import ui
from aeviz.capacity import (
    COPIES,
    COPYING,
    SHOWN,
    SUBSETS,
    TRAINING,
    VALIDATION,
    Report,
    check_run,
    copy_sentence,
    gap_sentence,
    kind_sentence,
    linear_sentence,
    reach_sentence,
    report_job,
    report_steps,
    row_shares,
    validation_sentence,
    variants,
)
from aeviz.capacity_plots import copy_shares_fig, errors_fig, train_val_fig
from aeviz.datasets import Dataset
from aeviz.escaping import markdown_text
from aeviz.handout import plotly_figure
from aeviz.jobhandle import JobKind
from aeviz.lecture import copy_latex, gap_latex
from aeviz.montages import display_scale, montage
from aeviz.questions import copy_answer


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


def report_key(report: Report) -> tuple:
    """What the report's shared figures depend on: its data, rows and a digest of its numbers (a run trained again on
    the same rows replaces the report under the same data and rows)."""
    numbers = json.dumps([report.errors, report.shares, report.active, report.histories], sort_keys=True, default=str)
    return report.data_key, report.rows, hashlib.blake2b(numbers.encode(), digest_size=16).hexdigest()


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
        st.caption("Showing the shipped run (made by `aeviz pretrain`); training again takes about a minute here.")
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
    labels, key = labels_of(data), report_key(report)
    errors = {labels[k]: e for k, e in report.errors.items()}
    figure = ui.shared_figure("capacity_errors", key, lambda: errors_fig(errors, TRAINING, VALIDATION))
    with ui.key_figure("gaps"):
        st.plotly_chart(figure, key="capacity_errors")
    widest = max(report.errors.values(), key=lambda e: (e[VALIDATION] - e[TRAINING]) / max(e[TRAINING], 1e-12))
    said = validation_sentence(labels, report.errors)
    ui.explain("gaps", gap_latex(widest[TRAINING], widest[VALIDATION]), said, [plotly_figure(figure)])
    st.markdown(validation_sentence(labels, report.errors))
    for key, found in report.errors.items():
        st.markdown(f"- {gap_sentence(labels[key], found, report.active[key])}")
    with st.expander("The losses while training"):
        curves = ui.shared_figure(
            "capacity_curves", key, lambda: train_val_fig({labels[k]: h for k, h in report.histories.items()})
        )
        st.plotly_chart(curves, key="capacity_curves")
        st.caption("The denoiser's training curve is on noisy inputs; the bars above measure every model on clean rows.")


def output_rows(data: Dataset, report: Report) -> None:
    """One row of pictures per model, its label beside them, each picture captioned with the share of each of its
    letters (or noise, or inverted digits) it brings back, in reading order."""
    inputs = ui.odd_inputs_of(data)
    labels, key = labels_of(data), report_key(report)
    scale = max(1, display_scale(data.image_shape) // 2)
    rows = {"The inputs": {kind: X[:SHOWN] for kind, X in inputs.items()}}
    rows |= {labels[k]: {kind: report.outputs[kind][k] for kind in inputs} for k in report.shares}
    for name, by_kind in rows.items():
        label, *columns = st.columns([1.3] + [1] * len(inputs), vertical_alignment="center")
        label.markdown(f"**{name}**")
        for column, (kind, images) in zip(columns, by_kind.items(), strict=True):
            with column:
                shape, shown = data.image_shape, list(images)
                picture = ui.shared_figure(  # 2×2: fits a column
                    "capacity_rows", (*key, name, kind), lambda s=shown, d=shape: montage(s, d, SHOWN // 2, scale, pad=2)
                )
                if name == "The inputs":
                    ui.show_image(picture, kind)
                else:
                    shares = row_shares(images, inputs[kind][:SHOWN])
                    ui.show_image(picture, "brought back: " + ", ".join(f"{v:.0%}" for v in shares))


def copy_panel(data: Dataset, report: Report) -> None:
    st.subheader("Just copying? Inputs unlike the training data")
    labels = labels_of(data)
    figure = ui.shared_figure("capacity_copy", report_key(report), lambda: copy_shares_fig(
        {labels[k]: s for k, s in report.shares.items()}, {labels[k]: e for k, e in report.errors.items()}
    ))  # fmt: skip
    with ui.key_figure("copy"):
        st.plotly_chart(figure, key="capacity_copy")
    st.caption(COPYING)
    latents = {v.key: v.latent for v in variants(data.n_features)}
    kind = next(iter(ui.odd_inputs_of(data)))
    summary = linear_sentence(labels, report.shares, report_steps(report)) if "complete_linear" in report.shares else ""
    shares = {k: share[kind] for k, share in report.shares.items()}
    answer = None
    if "complete_linear" in report.shares:  # asked of the kind the linear code brings back best
        linear = report.shares["complete_linear"]
        best = max(linear, key=linear.get)
        answer = copy_answer(report.shares["complete"][best], linear[best], best, COPIES)
    figures = [plotly_figure(figure)]
    ui.explain("copy", copy_latex(latents, shares, data.n_features, kind), summary or COPYING, figures, answer)
    if "complete_linear" in report.shares:
        st.markdown(linear_sentence(labels, report.shares, report_steps(report)))
    for kind in ui.odd_inputs_of(data):
        st.markdown(f"- {kind_sentence(kind, {labels[k]: share[kind] for k, share in report.shares.items()})}")
    for key, share in report.shares.items():
        st.markdown(f"- {copy_sentence(labels[key], share)}")
    if report.reach:
        st.markdown(reach_sentence(report.reach_components, report.reach, report.shares, report.rows))
    if data.is_image:
        output_rows(data, report)


ui.sidebar()
dataset = ui.active_dataset()
st.title("Capacity: under-, complete and overcomplete codes")
st.markdown(
    "The lecture: a code with fewer units than inputs (*undercomplete*) must keep what matters; a *complete* or "
    "*overcomplete* code without regularisation *could* simply copy its input. Below, the vanilla autoencoder (one "
    "ReLU layer that is the code) trained on a small part of the active model's data at three code sizes, the "
    "complete one also without ReLU and sigmoid (linear), then the overcomplete one with an L1 penalty and as a "
    "denoiser. Every sentence is computed from these models."
)
chosen = report_panel(dataset, rows_form(dataset))
if chosen is not None:
    gap_panel(dataset, chosen)
    copy_panel(dataset, chosen)
