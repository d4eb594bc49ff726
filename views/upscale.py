"""Upscaling: a small image in, a 2× larger one out — MNIST digits (14×14 → 28×28) and a held-out photo —, the
autoencoder against bicubic interpolation, the same input and the same scores (PSNR, SSIM), with one zoom shared by the
pictures. On the photo, two models side by side: the bottleneck autoencoder and the same network with a skip path
(the residual model), which starts at bicubic and adds only the detail bicubic misses."""

from dataclasses import dataclass, replace

import streamlit as st

from aeviz import ui
from aeviz.applications import (
    UPSCALERS,
    UpscaleExample,
    best_crop,
    disagreement_sentence,
    input_sentence,
    residual_sentence,
    upscale_example,
)
from aeviz.checkpoints import Checkpoint
from aeviz.configs import ModelConfig
from aeviz.datasets import ALL_PHOTOS, PHOTOS, Dataset, photo_dataset
from aeviz.evaluation import RESTORATION, Score, leaders, score_values, verdict
from aeviz.fitting import JobOutcome, fit_photos_job
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.jobhandle import JobKind
from aeviz.lecture import psnr_latex
from aeviz.montages import display_scale
from aeviz.photos import HELD_OUT, PATCH, TRAIN_PHOTOS, even_crop, load_photo, shrink_photo, to_display
from aeviz.pretrain import photo_upscale_recipes, recipe
from aeviz.questions import upscale_answer
from aeviz.restoration_plots import zoom_compare_fig
from aeviz.tasks import UPSCALE
from aeviz.ui.application_caches import photo_upscales, upscale_scores, upscaled

SHIPPED = {"mnist": recipe("mnist-upscale"), "faces": recipe("faces-upscale")}  # the photo's two: photo_page
SOURCES = {"mnist": "MNIST digits", "faces": "faces (25×25)", "photos": f"a held-out colour photo ({HELD_OUT[0]})"}
WHERE = {"mnist": "the validation digits", "faces": "the validation pictures of faces"}
SHIPPED_NAMES = {"mnist": "the shipped upscaler", "faces": "the shipped face upscaler (a skip path)"}
NAMES = {"model": "autoencoder", "bicubic": "bicubic"}
VERBS = ("beats bicubic interpolation", "does not beat bicubic interpolation")  # what the verdict says it does
BOUND = "query-params"
CROP_SIDE = 48  # pixels of the photo in the crop (aeviz.applications.best_crop)


@dataclass(frozen=True)
class UpscaleSettings:
    source: str  # one of SOURCES
    index: int  # the validation image shown


def source_form() -> str:
    return st.radio("Images", list(SOURCES), format_func=SOURCES.get, horizontal=True, key="upscale_source", bind=BOUND)


def image_form(source: str, data: Dataset) -> UpscaleSettings:
    """The digit or face shown."""
    key = "upscale_index" if source == "mnist" else f"upscale_{source}"  # each source keeps its own choice
    index = st.slider("Image", 0, len(data.X_val) - 1, 0, key=key, bind=BOUND)
    return UpscaleSettings(source, int(index))


def choose_model(source: str, data: Dataset) -> tuple[Checkpoint | None, str]:
    """This session's upscaler when it trained one on this dataset, else the shipped one; and its name on the page."""
    mine = ui.session_model()
    live = None if mine is None else mine.checkpoint
    trained = live is not None and live.train_config is not None and live.train_config.restores == "resolution"
    if trained and live.dataset == data.name and live.config.n_features == data.n_features:
        return live, "your upscaler"
    return ui.stored_checkpoint(SHIPPED[source].name), SHIPPED_NAMES[source]


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


def photo_scores_table(image: dict[str, Score], patches: dict[str, Score]) -> None:
    """PSNR and SSIM of each upscaling on the whole photo and mean over its patches, the best of each column bold."""
    columns = {
        "PSNR, photo (dB)": {k: s.psnr for k, s in image.items()},
        "SSIM, photo": {k: s.ssim for k, s in image.items()},
        "PSNR, mean over patches (dB)": {k: s.psnr for k, s in patches.items()},
        "SSIM, mean over patches": {k: s.ssim for k, s in patches.items()},
    }
    header = "| | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    rows = []
    for key, name in UPSCALERS.items():
        cells = []
        for values in columns.values():
            text = f"{values[key]:.2f}" if values[key] > 1 else f"{values[key]:.4f}"
            cells.append(f"**{text}**" if key == max(values, key=values.get) else text)
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    st.markdown(header + "\n".join(rows))


def crop_panel(image, found: dict, small) -> None:
    """The crop of the (height, width, 3) photo where the residual model gains most over bicubic: the input (`small`,
    the photo shrunk), the three upscalings ({UPSCALERS key: picture}) and the original, each enlarged so its pixels
    show. (Pages import no numpy: the arrays go untyped.)"""
    top, left = best_crop(image, found["bicubic"], found["residual"])
    size = min(CROP_SIDE, *image.shape[:2])
    scale = 5 if ui.presenting() else 4
    with ui.key_figure("row"):
        columns = st.columns(5)
    with columns[0]:
        part = small[top // 2 : (top + size) // 2, left // 2 : (left + size) // 2]
        ui.show_image(to_display(part, 2 * scale), f"input: {size // 2}×{size // 2} of the small photo")
    for column, (key, name) in zip(columns[1:4], UPSCALERS.items(), strict=True):
        with column:
            ui.show_image(to_display(found[key][top : top + size, left : left + size], scale), name)
    with columns[4]:
        ui.show_image(to_display(image[top : top + size, left : left + size], scale), "original")
    st.caption(
        f"The {size}×{size} pixels of the photo (rows {top}–{top + size - 1}, columns {left}–{left + size - 1}) where "
        "the residual model gains most over bicubic, each pixel shown as a square."
    )


PHOTO_RECIPES = dict(zip(("bottleneck", "residual"), photo_upscale_recipes(), strict=True))


def photo_models() -> tuple[dict[str, Checkpoint | None], dict[str, str]]:
    """{"bottleneck": model, "residual": model} — this session's own where it trained one, else the shipped one — and
    whose each is."""
    mine = ui.session().photo_upscalers
    shipped = {"bottleneck": ui.shipped_photo_upscaler(), "residual": ui.shipped_photo_upscaler(residual=True)}
    return {key: mine.get(key) or shipped[key] for key in shipped}, {key: key in mine for key in shipped}


def keep_photo_model(outcome: JobOutcome) -> tuple[str, str]:
    key = "residual" if outcome.checkpoint.model.config.residual else "bottleneck"
    ui.session().photo_upscalers[key] = outcome.checkpoint
    return "success", f"Trained the {UPSCALERS[key]} for {outcome.epochs_done} epochs: the page now shows it."


def photo_train_panel() -> None:
    """Train either photo model again on the training photos' patches (a few minutes), in the class's job pool."""
    key = st.radio(
        "Model", list(PHOTO_RECIPES), format_func=UPSCALERS.get, key="upscale_photo_model", horizontal=True, bind=BOUND
    )
    shipped = PHOTO_RECIPES[key]
    epochs = st.slider("Epochs", 3, 40, shipped.train.epochs, key="upscale_photo_epochs", bind=BOUND)
    if st.button("Train the photo upscaler", key="upscale_photo_train"):
        shape = (PATCH, PATCH)  # the patches are cut in the worker (fit_photos_job)
        config = ModelConfig.for_data(3 * PATCH * PATCH, shape, shipped.arch, shipped.latent_dim, **shipped.model_options)
        label = f"training the {UPSCALERS[key]} on the photos, {epochs} epochs"
        args = (ALL_PHOTOS, config, replace(shipped.train, epochs=epochs))
        ui.submit(JobKind.UPSCALE, label, fit_photos_job, args, keep_photo_model)
    ui.job_panel(JobKind.UPSCALE)


def photo_page() -> None:
    """The held-out photo shrunk 2× and brought back by bicubic, the bottleneck autoencoder and the residual model:
    scores, a sentence from them, the crop where they differ most, and the whole photo in one zoom."""
    models, mine = photo_models()
    if any(m is None for m in models.values()):
        st.error("A shipped photo upscaler is missing: run `aeviz pretrain` to make both.")
        return
    found, image_scores = photo_upscales(models)
    # only the held-out photo's patches are scored, the same in both photo sets: the recolourer's set holds 12 MB of
    # training patches in the server, the upscalers' 50 MB
    data = photo_dataset(PHOTOS)
    patch_scores = {"bicubic": upscale_scores(models["bottleneck"], data)["bicubic"]}
    patch_scores |= {key: upscale_scores(model, data)["model"] for key, model in models.items()}
    config = models["residual"].config
    said = residual_sentence(image_scores, patch_scores, config.latent_dim, config.n_features)
    image = even_crop(load_photo(HELD_OUT[0]))
    crop_panel(image, found, shrink_photo(image))  # first: the figure a projector's first screen should hold
    st.info(said)
    photo_scores_table(image_scores, patch_scores)
    pictures = [to_display(found[k]) for k in UPSCALERS] + [to_display(image)]
    zoom = zoom_compare_fig(pictures, [*UPSCALERS.values(), "original"])
    zoom.update_layout(height=260)  # four wide pictures: the digits' square height left a blank band above them
    st.plotly_chart(zoom, key="upscale_photo_zoom")
    st.caption("The whole photo: drag a box on any of the four to zoom all four to that region; double-click to zoom out.")
    # the step asks whether the autoencoder beats bicubic: on the photo, the bottleneck one (the held-out photo is the
    # validation image)
    answer = upscale_answer(image_scores["bottleneck"].psnr, image_scores["bicubic"].psnr)
    ui.explain("row", psnr_latex(image, found["residual"], "residual model"), said, (), answer)
    yours = [UPSCALERS[key] for key, own in mine.items() if own]
    st.caption(
        f"Both models: {config.arch} network, {config.n_parameters:,} parameters, trained on 32×32 patches of "
        f"{len(TRAIN_PHOTOS)} photos that ship with scikit-image and scikit-learn ({', '.join(TRAIN_PHOTOS)}); "
        f"{HELD_OUT[0]} is held out. "
        + (f"Yours: the {' and the '.join(yours)}; " if yours else "Both shipped; ")
        + "scores on the photo as one image and as the mean over its 32×32 patches (each patch shrunk and enlarged "
        f"on its own). {definitions('PSNR', 'SSIM')}"
    )
    with st.expander("Train them again"):
        photo_train_panel()


def upscaling_page(source: str) -> None:
    """The chosen images' verdict over validation, then one image in every form."""
    if source == "photos":
        photo_page()
        return
    data = ui.builtin_dataset(SHIPPED[source].dataset)
    model, model_name = choose_model(source, data)
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
        f"{model_name.capitalize()}: {model.config.arch} network{' with a skip path' * model.config.residual}, "
        f"{model.config.n_parameters:,} parameters. Train your own upscaler on the Train page with *Input → target: "
        f"upscale 2×* ({data.name}); this page then shows yours."
    )


ui.sidebar()
st.title(f"Upscaling: {UPSCALE}× more pixels")
st.markdown(
    "The lecture's third application: a small image in, a larger one out. The autoencoder gets the image shrunk to "
    "half its size and enlarged again by **bicubic interpolation** — the honest baseline — and is trained to put back "
    "the detail that shrinking lost. Both are scored against the original; the box below says, from the scores, "
    "whether it beats bicubic. On the photo a second model joins: the same network with a **skip path** around its "
    "code, which adds its output to the bicubic input (it learns only the residual, as VDSR does)."
)
upscaling_page(source_form())
