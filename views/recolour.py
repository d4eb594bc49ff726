"""Recolouring: a grayscale photo in, colour out — a small conv autoencoder trained on patches of other photos, scored
as the lecture scores it (the difference to the true colours) next to the grayscale photo itself and to the average
colour of each brightness level; and where it fails."""

from dataclasses import replace

import streamlit as st

from aeviz import ui
from aeviz.applications import ColourFailure, colour_failure, disagreement_sentence, failure_sentence, saturation_sentence
from aeviz.checkpoints import Checkpoint
from aeviz.configs import ModelConfig
from aeviz.datasets import photo_dataset
from aeviz.evaluation import COLOUR_DIFFERENCE, RESTORATION, leaders, score_values, verdict
from aeviz.fitting import JobOutcome, fit_job
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.jobhandle import JobKind
from aeviz.lecture import differences_latex
from aeviz.photos import HELD_OUT, RECOLOUR_PHOTOS, colour_errors, grayscale, load_photo, to_display
from aeviz.pretrain import recolour_recipe
from aeviz.restoration_plots import error_map_fig
from aeviz.ui.application_caches import brightness_baseline, recolour_scores, recoloured

RECIPE = recolour_recipe()
PHOTOS = {
    **{n: f"{n} (held out: never seen in training)" for n in HELD_OUT},
    **{n: f"{n} (seen in training)" for n in RECOLOUR_PHOTOS},
}
NAMES = {"gray": "grayscale photo", "brightness": "average colour of its brightness", "model": "autoencoder"}
VERBS = ("is closest to the true colours", "is not closest to the true colours")  # what the verdicts say it does
SCORES = ("scores best", "does not score best")
BOUND = "query-params"


def photo_form() -> str:
    """The photo to recolour, one of PHOTOS."""
    return st.selectbox("Photo", list(PHOTOS), format_func=PHOTOS.get, key="recolour_photo", bind=BOUND)


def choose_model() -> tuple[Checkpoint | None, str]:
    mine = ui.session().recolourer
    return (mine, "your recolouring model") if mine is not None else (ui.shipped_recolourer(), "the shipped model")


def keep(outcome: JobOutcome) -> tuple[str, str]:
    ui.session().recolourer = outcome.checkpoint
    return "success", f"Trained the recolouring model for {outcome.epochs_done} epochs: the page now shows it."


def train_panel() -> None:
    """Train the model again on the training photos (a few minutes), in the class's job pool."""
    epochs = st.slider("Epochs", 3, 30, RECIPE.train.epochs, key="recolour_epochs", bind=BOUND)
    if st.button("Train the recolouring model", key="recolour_train"):
        data = photo_dataset()
        config = ModelConfig.for_data(
            data.n_features, data.image_shape, RECIPE.arch, RECIPE.latent_dim, **RECIPE.model_options
        )
        train = replace(RECIPE.train, epochs=epochs)
        label = f"training the recolouring model, {epochs} epochs"
        ui.submit(JobKind.RECOLOUR, label, fit_job, (data, config, train), keep)
    ui.job_panel(JobKind.RECOLOUR)


def pictures_panel(model: Checkpoint, name: str, model_name: str, found: ColourFailure) -> None:
    """The photo four ways, each with the lecture's score under it, and the verdict from those scores."""
    image = load_photo(name)
    shown = {"gray": grayscale(image), "brightness": brightness_baseline(name), "model": recoloured(model, name)}
    errors = {key: float(colour_errors(image, other).mean()) for key, other in shown.items()}
    scale = 2 if image.shape[1] < 400 else 1
    with ui.key_figure("row"):
        columns = st.columns(4)
    for column, key in zip(columns, shown, strict=False):
        column.image(to_display(shown[key], scale), caption=NAMES[key])
        column.markdown(f"difference to the true colours: **{errors[key]:.3f}**")
    columns[3].image(to_display(image, scale), caption="true colours")
    values = {key: (value,) for key, value in errors.items()}
    said = verdict(f"On {name}", model_name, values, NAMES, (COLOUR_DIFFERENCE,), *VERBS)
    st.info(said)

    def pictures() -> list:  # for the handout, on a lecture step only: each picture at its own size
        kept = [png_figure(to_display(shown[key], 1), NAMES[key]) for key in shown]
        return [*kept, png_figure(to_display(image, 1), "true colours")]

    ui.explain("row", differences_latex(errors, NAMES), said, pictures)
    st.markdown(saturation_sentence(found, model_name, len(RECOLOUR_PHOTOS)))


def held_out_panel(model: Checkpoint, model_name: str) -> None:
    """PSNR and SSIM over the held-out photo's patches: the model against the two baselines."""
    found = score_values(recolour_scores(model))
    st.caption(verdict("On the held-out photo's patches", model_name, found, NAMES, RESTORATION, *SCORES))
    st.caption(
        " ".join(filter(None, [disagreement_sentence(leaders(found, RESTORATION), NAMES), definitions("PSNR", "SSIM")]))
    )


def failures_panel(found: ColourFailure, model_name: str) -> None:
    st.subheader("Where it fails")
    title = "How far the autoencoder's colour is from the truth (brighter: further)"
    st.plotly_chart(error_map_fig(found.errors, title), key="recolour_errors")
    st.caption(failure_sentence(found, model_name))


def recolouring_page(photo: str) -> None:
    model, model_name = choose_model()
    if model is None:
        st.error("The shipped recolouring model is missing: run `aeviz pretrain` to make it.")
        return
    found = colour_failure(load_photo(photo), recoloured(model, photo), brightness_baseline(photo))  # once, for both
    pictures_panel(model, photo, model_name, found)
    held_out_panel(model, model_name)
    failures_panel(found, model_name)


ui.sidebar()
st.title("Recolouring: gray in, colour out")
st.markdown(
    "The lecture's second application: give the autoencoder a grayscale image and train it to give back the colour "
    "image; *score it by the difference between the colour image and its output*. This one is a small convolutional "
    f"encoder–decoder trained on 32×32 patches of {len(RECOLOUR_PHOTOS)} photos that ship with scikit-image and "
    "scikit-learn. It colours a whole photo patch by patch, keeping the photo's own brightness. Two baselines anyone "
    "understands: the grayscale photo itself, and each pixel coloured by the average colour its brightness had in the "
    "training photos."
)
recolouring_page(photo_form())
with st.expander("Train it again"):
    train_panel()
