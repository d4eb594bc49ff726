"""Denoising: a corrupted digit in, the clean digit out — the denoiser next to PCA at its code size and to the same
network trained on clean digits, scored with PSNR and SSIM; a grid of training against test noise; how far noise moves
the codes."""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.applications import (
    arrow_view,
    arrows_sentence,
    disagreement_sentence,
    grid_sentence,
    image_scores,
    layer_widths,
)
from aeviz.checkpoints import Checkpoint
from aeviz.datasets import Dataset
from aeviz.evaluation import RESTORATION, Score, leaders, score_values, verdict
from aeviz.glossary import definitions
from aeviz.handout import png_figure
from aeviz.lecture import psnr_latex
from aeviz.montages import display_scale, montage
from aeviz.pretrain import recipe
from aeviz.restoration_plots import code_arrows_fig, noise_grid_fig
from aeviz.tasks import CORRUPTION_NAMES, CORRUPTIONS, LEVEL_STEP, corrupt_images, snap_level
from aeviz.ui.application_caches import GRID_TEST_LEVELS, code_moves, denoise_grid, restorations, scores

SHIPPED = recipe("mnist-denoise")
TRAIN_SIGMA = SHIPPED.train.noise_std
COLUMNS = {  # name in the restorations: heading
    "clean": "clean",
    "corrupted": "corrupted input",
    "pca": f"PCA, {SHIPPED.latent_dim} components",
    "twin": "same network, trained clean",
    "denoiser": f"denoiser (trained at σ = {TRAIN_SIGMA:g})",
}
SHORT = {
    "pca": "PCA",
    "twin": "clean-trained twin",
    "model": "denoiser",
    "denoiser": "denoiser",
    "corrupted": "corrupted input",
}
VERBS = ("restores best on the validation split", "is not the best here")  # what the verdict says it does
ARROWS = 40  # digits drawn as arrows
BOUND = "query-params"


@dataclass(frozen=True)
class Corruption:
    kind: str  # one of CORRUPTIONS
    level: float  # σ for Gaussian noise, the share of pixels otherwise
    index: int  # the validation digit shown


def corruption_form(n_val: int) -> Corruption:
    left, middle, right = st.columns([2, 2, 3])
    kind = left.radio(
        "Corruption at test time",
        CORRUPTIONS,
        format_func=lambda k: CORRUPTION_NAMES[k].rsplit(" ", 1)[0].capitalize(),
        key="denoise_kind",
        bind=BOUND,
    )
    if kind == "gaussian":
        level = middle.slider("Noise σ", 0.0, 1.0, TRAIN_SIGMA, LEVEL_STEP, key="denoise_sigma", bind=BOUND)
    else:
        level = middle.slider("Share of pixels p", 0.0, 0.8, 0.3, LEVEL_STEP, key=f"denoise_{kind}", bind=BOUND)
    index = right.slider("Validation digit", 0, n_val - 1, 0, key="denoise_index", bind=BOUND)
    return Corruption(kind, snap_level(level), int(index))


def side_by_side_panel(found: dict, averages: dict[str, Score], data: Dataset, index: int):
    """The five images of one digit, each with its own PSNR/SSIM and the validation split's mean under it; returns
    the five in one row (the handout's picture)."""
    shape = tuple(data.image_shape)
    mine = image_scores(data.X_val, found, index, shape)
    shown = {"clean": data.X_val, **found}
    size = 240 if ui.presenting() else 150  # the back row of a projector needs larger digits
    for column, name in zip(st.columns(len(COLUMNS)), COLUMNS, strict=True):
        with column:
            picture = montage(shown[name][index : index + 1], shape, 1, display_scale(shape, size), pad=0)
            ui.show_image(picture, COLUMNS[name])
            if name == "clean":
                st.caption("the target")
            else:
                st.markdown(f"**{mine[name].text}**  \nvalidation mean: {averages[name].text}")
    return montage([shown[name][index] for name in COLUMNS], shape, len(COLUMNS), display_scale(shape, 150), pad=4)


def verdict_panel(averages: dict[str, Score], corruption: Corruption) -> str:
    """Which restoration wins at this corruption on the validation split, from the numbers."""
    setting = f"At {CORRUPTION_NAMES[corruption.kind]} = {corruption.level:g}"
    # The corrupted input competes too: a "restoration" that scores below the input it was given restores nothing
    # (at level 0 the input is the clean digit itself, which nothing can beat).
    keys = ("denoiser", "twin", "pca", "corrupted") if corruption.level > 0 else ("denoiser", "twin", "pca")
    contest = {key: averages[key] for key in keys}
    values = score_values({"model" if key == "denoiser" else key: found for key, found in contest.items()})
    said = verdict(setting, "the denoiser", values, SHORT, RESTORATION, *VERBS)
    st.info(said)
    st.caption(
        " ".join(filter(None, [disagreement_sentence(leaders(values, RESTORATION), SHORT), definitions("PSNR", "SSIM")]))
    )
    return said


def grid_panel(models: dict[float, Checkpoint], data: Dataset) -> None:
    st.subheader("Train noise × test noise")
    grid = denoise_grid(models, data)
    levels = sorted(models)
    st.plotly_chart(noise_grid_fig(grid, levels, GRID_TEST_LEVELS), key="denoise_grid")
    st.caption(grid_sentence(grid, levels, GRID_TEST_LEVELS, layer_widths(models[levels[0]].config)))


def arrows_panel(twin: Checkpoint, denoiser: Checkpoint, data: Dataset, sigma: float) -> None:
    st.subheader("What noise does to the code")
    X = data.X_val[:ARROWS]
    X_noisy = corrupt_images(X, "gaussian", sigma, seed=1)
    labels = None if data.y_val is None else data.y_val[:ARROWS]
    moves = {}
    for column, (name, checkpoint) in zip(st.columns(2), (("twin", twin), ("denoiser", denoiser)), strict=True):
        clean, noisy = arrow_view(checkpoint.model, data.X_val, X, X_noisy)
        moves[name] = code_moves(checkpoint, data, sigma)
        column.markdown(f"**{COLUMNS[name].capitalize()}**: noisy codes move {moves[name]:.0%} of the codes' spread")
        column.plotly_chart(code_arrows_fig(clean, noisy, labels, ""), key=f"arrows_{name}")
    st.caption(arrows_sentence(moves, SHORT, sigma))


def denoising_page(data: Dataset, denoisers: dict[float, Checkpoint]) -> None:
    """One digit five ways with the verdict over validation, the grid, the arrows."""
    twin, denoiser = denoisers[0.0], denoisers[TRAIN_SIGMA]
    chosen = corruption_form(len(data.X_val))
    restored = restorations(twin, denoiser, data, chosen.kind, chosen.level)
    mean_scores = scores(twin, denoiser, data, chosen.kind, chosen.level)
    with ui.key_figure("row"):
        row = side_by_side_panel(restored, mean_scores, data, chosen.index)
    said = verdict_panel(mean_scores, chosen)
    numbers = psnr_latex(data.X_val[chosen.index], restored["denoiser"][chosen.index], "denoiser")
    ui.explain("row", numbers, said, [png_figure(row, " | ".join(COLUMNS.values()))])
    st.divider()
    grid_panel(denoisers, data)
    st.divider()
    arrows_panel(twin, denoiser, data, chosen.level if chosen.kind == "gaussian" else TRAIN_SIGMA)


ui.sidebar()
st.title("Denoising: give it noise, get the digit back")
st.markdown(
    "The lecture: *the autoencoder reconstructs its input; it may lose some information — good, if what it loses is "
    "the noise.* A denoising autoencoder is trained on corrupted inputs with the clean image as the target. Below, "
    "one validation digit and the mean over all validation digits, against two honest baselines: PCA with as many "
    "components as the code, and the very same network trained on clean digits."
)
shipped = ui.shipped_denoisers()
if 0.0 not in shipped or TRAIN_SIGMA not in shipped:
    st.error("The shipped denoisers are missing: run `aeviz pretrain` to make them.")
else:
    denoising_page(ui.builtin_dataset(SHIPPED.dataset), shipped)
