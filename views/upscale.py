"""Upscaling: a small image in, a 2× larger one out — MNIST digits (14×14 → 28×28) and patches of a held-out photo —,
the autoencoder against bicubic interpolation, the same input and the same scores (PSNR, SSIM on validation), with one
zoom shared by the pictures."""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.applications import (
    UpscaleExample,
    disagreement_sentence,
    input_sentence,
    most_detailed,
    upscale_example,
)
from aeviz.checkpoints import Checkpoint
from aeviz.datasets import Dataset, photo_dataset
from aeviz.evaluation import RESTORATION, Score, leaders, score_values, verdict
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.lecture import psnr_latex
from aeviz.montages import display_scale
from aeviz.pretrain import recipe
from aeviz.questions import upscale_answer
from aeviz.restoration_plots import zoom_compare_fig
from aeviz.tasks import UPSCALE
from aeviz.ui.application_caches import upscale_scores, upscaled

SHIPPED = recipe("mnist-upscale")
SOURCES = {"mnist": "MNIST digits", "photos": "patches of a held-out colour photo (flower)"}
WHERE = {"mnist": "the validation digits", "photos": "the held-out photo's patches"}
NAMES = {"model": "autoencoder", "bicubic": "bicubic"}
VERBS = ("beats bicubic interpolation", "does not beat bicubic interpolation")  # what the verdict says it does
BOUND = "query-params"


@dataclass(frozen=True)
class UpscaleSettings:
    source: str  # one of SOURCES
    index: int  # the validation image shown


def source_form() -> str:
    return st.radio("Images", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="upscale_source", bind=BOUND)


def image_form(source: str, data: Dataset) -> UpscaleSettings:
    """The image shown: digits from the first; photo patches from the most detailed (a plain patch of background,
    patch 0, shows nothing to upscale), under a key of their own so each source keeps its own choice."""
    if source == "photos":
        index = st.slider("Patch", 0, len(data.X_val) - 1, most_detailed(data.X_val), key="upscale_patch", bind=BOUND)
    else:
        index = st.slider("Image", 0, len(data.X_val) - 1, 0, key="upscale_index", bind=BOUND)
    return UpscaleSettings(source, int(index))


def choose_model(source: str, data: Dataset) -> tuple[Checkpoint | None, str]:
    """This session's upscaler when it trained one on these digits, else the shipped one; and its name on the page."""
    if source == "photos":
        return ui.shipped_photo_upscaler(), "the shipped photo upscaler"
    mine = ui.session_model()
    live = None if mine is None else mine.checkpoint
    trained = live is not None and live.train_config is not None and live.train_config.restores == "resolution"
    if trained and live.dataset == data.name and live.config.n_features == data.n_features:
        return live, "your upscaler"
    return ui.stored_checkpoint(SHIPPED.name), "the shipped upscaler"


def verdict_panel(found: dict[str, Score], model_name: str, source: str) -> str:
    values = score_values(found)
    said = verdict(f"On {WHERE[source]}", model_name, values, NAMES, RESTORATION, *VERBS)
    st.info(said)
    st.caption(
        " ".join(filter(None, [disagreement_sentence(leaders(values, RESTORATION), NAMES), definitions("PSNR", "SSIM")]))
    )
    st.markdown(input_sentence(found["model"].psnr, found["bicubic"].psnr, model_name))
    return said


def pictures_panel(example: UpscaleExample, shape: tuple[int, int]) -> None:
    """The input, bicubic, the autoencoder and the original side by side, then the three in one zoomable figure."""
    with ui.key_figure("row"):
        columns = st.columns(4)
    with columns[0]:
        small = example.small_shape
        ui.show_image(example.small, f"input: {small[0]}×{small[1]}")
    for column, (name, picture) in zip(columns[1:], example.pictures.items(), strict=True):
        with column:
            ui.show_image(picture, f"{name}: {shape[0]}×{shape[1]}")
            if name in example.scores:
                st.markdown(f"**{example.scores[name].text}**")
    st.plotly_chart(zoom_compare_fig(example.zoom, list(example.pictures)), key="upscale_zoom")
    st.caption("Drag a box on any of the three to zoom all of them to that region; double-click to zoom out.")


def upscaling_page(source: str) -> None:
    """The chosen images' verdict over validation, then one image in every form."""
    data = ui.builtin_dataset(SHIPPED.dataset) if source == "mnist" else photo_dataset()
    model, model_name = choose_model(source, data)
    if model is None:
        st.error("The shipped photo upscaler is missing: run `aeviz pretrain` to make it.")
        return
    bicubic_rows, model_rows = upscaled(model, data)
    said = verdict_panel(upscale_scores(model, data), model_name, source)
    settings = image_form(source, data)
    shape = tuple(data.image_shape)
    size = 256 if ui.presenting() else 150  # the back row of a projector needs larger images
    example = upscale_example(data.X_val, bicubic_rows, model_rows, settings.index, shape, display_scale(shape, size))
    pictures_panel(example, shape)
    pictures = {"input": example.small, **example.pictures}
    numbers = psnr_latex(data.X_val[settings.index], model_rows[settings.index], "autoencoder")
    found = upscale_scores(model, data)
    answer = upscale_answer(found["model"].psnr, found["bicubic"].psnr)
    ui.explain("row", numbers, said, lambda: [png_figure(p, name) for name, p in pictures.items()], answer)
    st.caption(
        f"{model_name.capitalize()}: {model.config.arch} network, {model.config.n_parameters:,} parameters. Train your "
        "own digit upscaler on the Train page with *Input → target: upscale 2×* (mnist); this page then shows yours."
    )


ui.sidebar()
st.title(f"Upscaling: {UPSCALE}× more pixels")
st.markdown(
    "The lecture's third application: a small image in, a larger one out. The autoencoder gets the image shrunk to "
    "half its size and enlarged again by **bicubic interpolation** — the honest baseline — and is trained to put back "
    "the detail that shrinking lost. Both are scored against the original; the box below says, from the scores, "
    "whether it beats bicubic on the images you choose."
)
upscaling_page(source_form())
