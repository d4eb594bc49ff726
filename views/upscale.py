"""Upscaling: a 14×14 digit in, a 28×28 digit out — the autoencoder against bicubic interpolation, the same input and
the same scores (PSNR, SSIM on the validation split), with one zoom shared by the pictures."""

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.data import Dataset
from aeviz.montages import display_scale, montage
from aeviz.pretrain import recipe
from aeviz.restoration import UPSCALE, Score, downscale, psnr, ssim
from aeviz.restoration_plots import zoom_compare_fig
from aeviz.ui.restoring import upscale_scores, upscaled

SHIPPED = recipe("mnist-upscale")


def chosen_model(data: Dataset) -> tuple[Checkpoint, str]:
    """This session's upscaler when it trained one on this dataset, else the shipped one; and its name on the page."""
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
        ui.show_image(montage(small, small_shape, 1, scale * UPSCALE, pad=0), f"input: {small_shape[0]}×{small_shape[1]}")
    for column, (name, rows) in zip(
        columns[1:], (("bicubic", bicubic), ("autoencoder", model_rows), ("original", clean)), strict=True
    ):
        with column:
            one = rows[index : index + 1] if name != "original" else rows
            ui.show_image(montage(one, shape, 1, scale, pad=0), f"{name}: {shape[0]}×{shape[1]}")
            if name != "original":
                st.markdown(f"**{psnr(clean, one)[0]:.1f} dB** · SSIM **{ssim(clean, one, shape)[0]:.2f}**")
    images = [rows[index].reshape(shape) for rows in (bicubic, model_rows, data.X_val)]
    st.plotly_chart(zoom_compare_fig(images, ["bicubic", "autoencoder", "original"]), key="upscale_zoom")
    st.caption("Drag a box on any of the three to zoom all of them to that region; double-click to zoom out.")


def verdict(found: dict[str, Score], model_name: str) -> str:
    gain = found["model"].psnr - found["bicubic"].psnr
    both = (
        f"mean PSNR {found['model'].psnr:.1f} dB against bicubic's {found['bicubic'].psnr:.1f} dB, "
        f"SSIM {found['model'].ssim:.3f} against {found['bicubic'].ssim:.3f}"
    )
    if gain > 0 and found["model"].ssim > found["bicubic"].ssim:
        return f"On the validation split {model_name} beats bicubic interpolation: {both}."
    return f"On the validation split {model_name} does not beat bicubic interpolation: {both}."


ui.sidebar()
st.title(f"Upscaling: {UPSCALE}× more pixels")
st.markdown(
    "The lecture's third application: a small image in, a larger one out. The autoencoder gets the digit shrunk to "
    "half its size and enlarged again by **bicubic interpolation** — the honest baseline — and has learnt, from "
    "training digits, what the missing detail of a digit looks like. Both are scored against the original digit."
)
mnist = ui.builtin_dataset(SHIPPED.dataset)
model, model_name = chosen_model(mnist)
bicubic_rows, model_rows = upscaled(model, mnist)
found_scores = upscale_scores(model, mnist)
st.info(verdict(found_scores, model_name))
digit = st.slider("Validation digit", 0, len(mnist.X_val) - 1, 0, key="upscale_index", bind="query-params")
pictures(mnist, bicubic_rows, model_rows, int(digit))
st.caption(
    f"{model_name.capitalize()}: {model.config.arch} network, {model.config.n_parameters:,} parameters. Train your own "
    "on the Train page with *Input → target: upscale 2×* (mnist); this page then shows yours."
)
