"""Recolouring: a grayscale photo in, colour out — a small conv autoencoder trained on patches of other photos, scored
as the lecture scores it (the difference to the true colours) next to the grayscale photo itself and to the average
colour of each brightness level; and where it fails."""

from dataclasses import replace

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.configs import ModelConfig
from aeviz.data import photo_dataset
from aeviz.fitting import JobOutcome, fit_job
from aeviz.jobhandle import JobKind
from aeviz.photos import (
    HELD_OUT,
    TRAIN_PHOTOS,
    colour_errors,
    grayscale,
    load_photo,
    saturation,
    to_display,
)
from aeviz.pretrain import recolour_recipe
from aeviz.restoration_plots import error_map_fig
from aeviz.ui.restoring import brightness_baseline, recolour_scores, recoloured

RECIPE = recolour_recipe()
PHOTOS = {
    **{n: f"{n} (held out: never seen in training)" for n in HELD_OUT},
    **{n: f"{n} (seen in training)" for n in TRAIN_PHOTOS},
}
NAMES = {"gray": "grayscale photo", "brightness": "average colour of its brightness", "model": "autoencoder"}


def chosen_model() -> tuple[Checkpoint | None, str]:
    mine = ui.session().recolourer
    return (mine, "your recolouring model") if mine is not None else (ui.shipped_recolourer(), "the shipped model")


def train_panel() -> None:
    """Train the model again on the training photos (a few minutes), in the class's job pool."""
    with st.expander("Train it again"):
        epochs = st.slider("Epochs", 3, 30, RECIPE.train.epochs, key="recolour_epochs")
        if st.button("Train the recolouring model", key="recolour_train"):
            data = photo_dataset()
            config = ModelConfig.for_data(
                data.n_features, data.image_shape, RECIPE.arch, RECIPE.latent_dim, **RECIPE.model_options
            )

            def keep(outcome: JobOutcome) -> tuple[str, str]:
                ui.session().recolourer = outcome.checkpoint
                return "success", f"Trained the recolouring model for {outcome.epochs_done} epochs: the page now shows it."

            train = replace(RECIPE.train, epochs=epochs)
            ui.submit(
                JobKind.RECOLOUR, f"training the recolouring model, {epochs} epochs", fit_job, (data, config, train), keep
            )
        ui.job_panel(JobKind.RECOLOUR)


def pictures(model: Checkpoint, name: str) -> dict[str, float]:
    """The photo four ways, each with the lecture's score under it; returns the scores (mean absolute difference)."""
    image = load_photo(name)
    gray = grayscale(image)
    shown = {
        "gray": gray,
        "brightness": brightness_baseline(name),
        "model": recoloured(model, name),
    }
    errors = {key: float(colour_errors(image, other).mean()) for key, other in shown.items()}
    scale = 2 if image.shape[1] < 400 else 1
    columns = st.columns(4)
    for column, key in zip(columns, shown, strict=False):
        column.image(to_display(shown[key], scale), caption=NAMES[key])
        column.markdown(f"difference to the true colours: **{errors[key]:.3f}**")
    columns[3].image(to_display(image, scale), caption="true colours")
    return errors


def verdict(errors: dict[str, float], model_name: str, photo: str) -> str:
    best = min(errors, key=errors.get)
    both = ", ".join(f"{NAMES[k]} {v:.3f}" for k, v in errors.items())
    if best == "model":
        return f"On {photo} {model_name} is closest to the true colours (mean absolute difference per channel: {both})."
    return f"On {photo} {model_name} is not closest to the true colours; the {NAMES[best]} is ({both})."


def failures(model: Checkpoint, name: str, model_name: str) -> None:
    st.subheader("Where it fails")
    image = load_photo(name)
    ours = recoloured(model, name)
    baseline = brightness_baseline(name)
    mine, theirs = colour_errors(image, ours), colour_errors(image, baseline)
    st.plotly_chart(
        error_map_fig(mine, "How far the autoencoder's colour is from the truth (brighter: further)"), key="recolour_errors"
    )
    better = float((mine < theirs).mean())
    ours_s, true_s = saturation(ours), saturation(image)
    muted = "muted" if ours_s < 0.8 * true_s else "about as colourful as the photo's"
    st.caption(
        f"{model_name.capitalize()} is closer than the brightness baseline on {better:.0%} of the pixels. Its colours "
        f"are {muted}: mean saturation {ours_s:.2f}, the photo's {true_s:.2f}. Where a grayscale "
        "value could be many colours (a red flower and green leaves can be equally bright) it guesses the colours its "
        "training photos mostly had at that brightness and texture, and misses whatever is rare in them."
    )


ui.sidebar()
st.title("Recolouring: gray in, colour out")
st.markdown(
    "The lecture's second application: give the autoencoder a grayscale image and train it to give back the colour "
    "image; *score it by the difference between the colour image and its output*. This one is a small convolutional "
    f"encoder–decoder trained on 32×32 patches of {len(TRAIN_PHOTOS)} photos that ship with scikit-image and "
    "scikit-learn. It colours a whole photo patch by patch, keeping the photo's own brightness. Two baselines anyone "
    "understands: the grayscale photo itself, and each pixel coloured by the average colour its brightness had in the "
    "training photos."
)
active, active_name = chosen_model()
if active is None:
    st.error("The shipped recolouring model is missing: run `aeviz pretrain` to make it.")
    st.stop()
photo = st.selectbox("Photo", list(PHOTOS), format_func=PHOTOS.get, key="recolour_photo", bind="query-params")
found = pictures(active, photo)
st.info(verdict(found, active_name, photo))
held_out = recolour_scores(active)
st.caption(
    "On the held-out photo's patches (PSNR, dB): "
    + ", ".join(f"{NAMES[k]} {held_out[k].psnr:.1f}" for k in ("gray", "brightness", "model"))
    + "; SSIM: "
    + ", ".join(f"{NAMES[k]} {held_out[k].ssim:.3f}" for k in ("gray", "brightness", "model"))
    + "."
)
failures(active, photo, active_name)
train_panel()
