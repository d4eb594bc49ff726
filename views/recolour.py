"""Recolouring: a grayscale photo in, colour out. Two small conv networks trained on patches of other photos predict
CIELAB's colour channels a*, b* from the brightness: one by regression (a squared error), one as a distribution over
colour bins with rare colours weighing more (Zhang, Isola and Efros). Each is scored as the lecture scores it (the
difference to the true colours) and by how colourful it is, next to the grayscale photo and the average colour of each
brightness level; and where it fails."""

from dataclasses import replace

import streamlit as st

from aeviz import ui
from aeviz.applications import RECOLOURINGS, colour_failure, colouring, failure_sentence, recolour_sentence
from aeviz.checkpoints import Checkpoint
from aeviz.colours import colourfulness
from aeviz.configs import ModelConfig
from aeviz.datasets import photo_dataset
from aeviz.fitting import JobOutcome, fit_job
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.jobhandle import JobKind
from aeviz.lecture import differences_latex
from aeviz.photos import HELD_OUT, RECOLOUR_PHOTOS, grayscale, load_photo, to_display
from aeviz.pretrain import RECOLOURERS, recolour_recipe
from aeviz.restoration_plots import error_map_fig
from aeviz.ui.application_caches import brightness_baseline, recolour_scores, recoloured

PHOTOS = {
    **{n: f"{n} (held out: never seen in training)" for n in HELD_OUT},
    **{n: f"{n} (seen in training)" for n in RECOLOUR_PHOTOS},
}
NAMES = {**RECOLOURINGS, "brightness": "average colour of its brightness", "photo": "true colours"}
BOUND = "query-params"


def photo_form() -> str:
    """The photo to recolour, one of PHOTOS."""
    return st.selectbox("Photo", list(PHOTOS), format_func=PHOTOS.get, key="recolour_photo", bind=BOUND)


def choose_models() -> tuple[dict[str, Checkpoint], dict[str, str]]:
    """{head: model} — this session's own where it trained one, else the shipped one — and who each is, in words;
    a head whose model is missing is left out."""
    mine, shipped = ui.session().recolourers, ui.shipped_recolourers()
    models = {head: mine.get(head) or shipped.get(head) for head in RECOLOURERS}
    whose = {head: "yours" if head in mine else "shipped" for head in RECOLOURERS}
    return {head: model for head, model in models.items() if model is not None}, whose


def keep(outcome: JobOutcome) -> tuple[str, str]:
    head = outcome.checkpoint.model.config.head
    ui.session().recolourers[head] = outcome.checkpoint
    return "success", f"Trained the {RECOLOURINGS[head]} for {outcome.epochs_done} epochs: the page now shows it."


def train_panel() -> None:
    """Train one of the two models again on the training photos (a few minutes), in the class's job pool."""
    head = st.radio(
        "Model", list(RECOLOURERS), format_func=RECOLOURINGS.get, key="recolour_head", horizontal=True, bind=BOUND
    )
    recipe = recolour_recipe(head)
    epochs = st.slider("Epochs", 3, 60, recipe.train.epochs, key="recolour_epochs", bind=BOUND)
    if st.button("Train the recolouring model", key="recolour_train"):
        data = photo_dataset()
        config = ModelConfig.for_data(
            data.n_features, data.image_shape, recipe.arch, recipe.latent_dim, **recipe.model_options
        )
        train = replace(recipe.train, epochs=epochs)
        label = f"training the {RECOLOURINGS[head]}, {epochs} epochs"
        ui.submit(JobKind.RECOLOUR, label, fit_job, (data, config, train), keep)
    ui.job_panel(JobKind.RECOLOUR)


def pictures_panel(models: dict[str, Checkpoint], whose: dict[str, str], name: str) -> None:
    """The photo gray, by each model and in its true colours, each with its difference to the true colours and its
    colourfulness; the sentence from those numbers."""
    image = load_photo(name)
    shown = {"gray": grayscale(image), **{head: recoloured(model, name) for head, model in models.items()}}
    found = {key: colouring(image, picture) for key, picture in shown.items()}
    photo = colourfulness(image)
    scale = 2 if image.shape[1] < 400 else 1
    with ui.key_figure("row"):
        columns = st.columns(len(shown) + 1)
    for column, key in zip(columns, shown, strict=False):
        owner = f" ({whose[key]})" if key in whose else ""
        column.image(to_display(shown[key], scale), caption=NAMES[key] + owner)
        column.markdown(f"difference **{found[key].difference:.4f}** · colourfulness **{found[key].colourfulness:.0f}**")
    columns[-1].image(to_display(image, scale), caption="true colours")
    columns[-1].markdown(f"colourfulness **{photo:.0f}**")
    said = recolour_sentence(found, photo, name in HELD_OUT) if len(found) == 3 else ""
    if said:
        st.info(said)

    def pictures() -> list:  # for the handout, on a lecture step only: each picture at its own size
        kept = [png_figure(to_display(shown[key], 1), NAMES[key]) for key in shown]
        return [*kept, png_figure(to_display(image, 1), "true colours")]

    errors = {key: value.difference for key, value in found.items()}
    ui.explain("row", differences_latex(errors, NAMES), said, pictures)
    table_panel(models, found, photo, name)


def table_panel(models: dict[str, Checkpoint], found: dict, photo: float, name: str) -> None:
    """This photo's differences and colourfulness, and PSNR and SSIM over the held-out photo's patches, in one table."""
    scores = recolour_scores(models)
    brightness = colouring(load_photo(name), brightness_baseline(name))
    rows = ["| | difference to the true colours | colourfulness (share of the photo's) | held-out patches: PSNR | SSIM |"]
    rows.append("|---|---:|---:|---:|---:|")
    for key, measured in {**found, "brightness": brightness}.items():
        held = scores[key]
        rows.append(
            f"| {NAMES[key]} | {measured.difference:.4f} | {measured.colourfulness:.1f} "
            f"({measured.colourfulness / photo:.0%}) | {held.psnr:.2f} dB | {held.ssim:.3f} |"
        )
    rows.append(f"| true colours | 0 | {photo:.1f} (100%) | | |")
    st.markdown("\n".join(rows))
    st.caption(
        "Difference: the mean absolute difference to the true colours per channel (0 to 1) on the photo above. "
        "Colourfulness: Hasler and Süsstrunk's measure (0 for a gray picture; about 33 reads as moderately, 59 as "
        "highly colourful). " + definitions("PSNR", "SSIM")
    )


def how_panel() -> None:
    """What the two models are, for whoever asks after the pictures."""
    st.markdown(
        "Both keep the photo's lightness (CIELAB's L\\*) and predict its two colour channels (a\\*, b\\*) from "
        f"it, with the same small convolutional network trained on 32×32 patches of {len(RECOLOUR_PHOTOS)} photos "
        f"that ship with scikit-image and scikit-learn ({', '.join(RECOLOUR_PHOTOS)}). The **regression model** "
        "learns a\\*, b\\* with a squared error; the **re-weighted distribution model** gives each pixel a score for "
        "each of 261 colour bins, learns them with a cross-entropy in which each bin weighs by how rare it was in the "
        "training photos, and shows the scores' annealed mean (Zhang, Isola and Efros, *Colorful Image "
        "Colorization*, 2016)."
    )


def failures_panel(model: Checkpoint, name: str) -> None:
    st.subheader("Where it fails")
    found = colour_failure(load_photo(name), recoloured(model, name), brightness_baseline(name))
    title = "How far the re-weighted model's colour is from the truth (brighter: further)"
    st.plotly_chart(error_map_fig(found.errors, title), key="recolour_errors")
    st.caption(failure_sentence(found, "the re-weighted model"))


def recolouring_page(photo: str) -> None:
    models, whose = choose_models()
    if not models:
        st.error("The shipped recolouring models are missing: run `aeviz pretrain` to make them.")
        return
    pictures_panel(models, whose, photo)
    how_panel()
    if "ab-bins" in models:
        failures_panel(models["ab-bins"], photo)


ui.sidebar()
st.title("Recolouring: gray in, colour out")
st.markdown(
    "The lecture's second application: give the model a grayscale photo, train it to give back the colours, and "
    "*score it by the difference to the true colours*. Two models with the same small network: one learns the colour "
    "with a squared error, one a distribution over colours in which rare colours weigh more."
)
recolouring_page(photo_form())
with st.expander("Train them again"):
    train_panel()
