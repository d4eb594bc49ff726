"""Upscaling: a small image in, a 2× larger one out — MNIST digits (14×14 → 28×28) and patches of a held-out photo —,
the autoencoder against bicubic interpolation, the same input and the same scores (PSNR, SSIM on validation), with one
zoom shared by the pictures."""

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.data import Dataset, photo_dataset
from aeviz.evaluation import Score, psnr, ssim
from aeviz.montages import display_scale, row_image
from aeviz.pretrain import recipe
from aeviz.restoration_plots import zoom_compare_fig
from aeviz.tasks import UPSCALE, downscale
from aeviz.ui.restoring import upscale_scores, upscaled

SHIPPED = recipe("mnist-upscale")
SOURCES = {"mnist": "MNIST digits", "photos": "patches of a held-out colour photo (flower)"}
WHERE = {"mnist": "the validation digits", "photos": "the held-out photo's patches"}


def chosen_model(source: str, data: Dataset) -> tuple[Checkpoint | None, str]:
    """This session's upscaler when it trained one on these digits, else the shipped one; and its name on the page."""
    if source == "photos":
        return ui.shipped_photo_upscaler(), "the shipped photo upscaler"
    live = ui.session().live
    trained = live is not None and live.train_config is not None and live.train_config.task == "upscale"
    if trained and live.dataset == data.name and live.config.n_features == data.n_features:
        return live, "your upscaler"
    return ui.stored_checkpoint(SHIPPED.name), "the shipped upscaler"


def pictures(data: Dataset, bicubic, model_rows, index: int) -> None:
    shape = tuple(data.image_shape)
    small_shape = (shape[0] // UPSCALE, shape[1] // UPSCALE)
    clean = data.X_val[index : index + 1]
    scale = display_scale(shape, 150)
    small = downscale(clean, shape)
    columns = st.columns(4)
    with columns[0]:
        ui.show_image(row_image(small[0], small_shape, scale * UPSCALE), f"input: {small_shape[0]}×{small_shape[1]}")
    for column, (name, rows) in zip(
        columns[1:], (("bicubic", bicubic), ("autoencoder", model_rows), ("original", clean)), strict=True
    ):
        with column:
            one = rows[index : index + 1] if name != "original" else rows
            ui.show_image(row_image(one[0], shape, scale), f"{name}: {shape[0]}×{shape[1]}")
            if name != "original":
                st.markdown(f"**{psnr(clean, one)[0]:.1f} dB** · SSIM **{ssim(clean, one, shape)[0]:.2f}**")
    gray = data.n_features == shape[0] * shape[1]
    images = [
        rows[index].reshape(shape) if gray else row_image(rows[index], shape) for rows in (bicubic, model_rows, data.X_val)
    ]
    st.plotly_chart(zoom_compare_fig(images, ["bicubic", "autoencoder", "original"]), key="upscale_zoom")
    st.caption("Drag a box on any of the three to zoom all of them to that region; double-click to zoom out.")


def verdict(found: dict[str, Score], model_name: str, where: str) -> str:
    gain = found["model"].psnr - found["bicubic"].psnr
    both = (
        f"mean PSNR {found['model'].psnr:.1f} dB against bicubic's {found['bicubic'].psnr:.1f} dB, "
        f"SSIM {found['model'].ssim:.3f} against {found['bicubic'].ssim:.3f}"
    )
    if gain > 0 and found["model"].ssim > found["bicubic"].ssim:
        return f"On {where} {model_name} beats bicubic interpolation: {both}."
    return f"On {where} {model_name} does not beat bicubic interpolation: {both}."


ui.sidebar()
st.title(f"Upscaling: {UPSCALE}× more pixels")
st.markdown(
    "The lecture's third application: a small image in, a larger one out. The autoencoder gets the image shrunk to "
    "half its size and enlarged again by **bicubic interpolation** — the honest baseline — and has learnt, from "
    "training images, what the missing detail looks like. Both are scored against the original."
)
source = st.radio(
    "Images", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="upscale_source", bind="query-params"
)
data = ui.builtin_dataset(SHIPPED.dataset) if source == "mnist" else photo_dataset()
model, model_name = chosen_model(source, data)
if model is None:
    st.error("The shipped photo upscaler is missing: run `aeviz pretrain` to make it.")
    st.stop()
bicubic_rows, model_rows = upscaled(model, data)
found_scores = upscale_scores(model, data)
st.info(verdict(found_scores, model_name, WHERE[source]))
if source == "photos" and found_scores["model"].psnr < found_scores["bicubic"].psnr:
    st.caption(
        "Likely why: bicubic interpolation is already close on a smooth photo, while this autoencoder rebuilds every "
        "patch from a code pooled twice (2×2 max-pooling), so the detail it cannot keep costs more than what it adds. "
        "On digits, whose sharp strokes bicubic blurs, the same shape wins."
    )
shown = st.slider("Image", 0, len(data.X_val) - 1, 0, key="upscale_index", bind="query-params")
pictures(data, bicubic_rows, model_rows, int(shown))
st.caption(
    f"{model_name.capitalize()}: {model.config.arch} network, {model.config.n_parameters:,} parameters. Train your own "
    "digit upscaler on the Train page with *Input → target: upscale 2×* (mnist); this page then shows yours."
)
