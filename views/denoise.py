"""Denoising: a corrupted digit in, the clean digit out — the denoiser next to PCA at its code size and to the same
network trained on clean digits, scored with PSNR and SSIM; a grid of training against test noise; how far noise moves
the codes."""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.checkpoints import Checkpoint
from aeviz.data import Dataset
from aeviz.denoising import arrow_view
from aeviz.evaluation import Score, psnr, ssim
from aeviz.montages import display_scale, montage
from aeviz.pretrain import recipe
from aeviz.restoration_plots import code_arrows_fig, noise_grid_fig
from aeviz.tasks import CORRUPTION_NAMES, CORRUPTIONS, corrupt_images
from aeviz.ui.restoring import GRID_TEST_LEVELS, code_moves, denoise_grid, restorations, scores

SHIPPED = recipe("mnist-denoise")
TRAIN_SIGMA = SHIPPED.train.noise_std
COLUMNS = {  # name in the restorations: heading
    "clean": "clean",
    "corrupted": "corrupted input",
    "pca": f"PCA, {SHIPPED.latent_dim} components",
    "twin": "same network, trained clean",
    "denoiser": f"denoiser (trained at σ = {TRAIN_SIGMA:g})",
}
SHORT = {"pca": "PCA", "twin": "clean-trained twin", "denoiser": "denoiser"}
ARROWS = 40  # digits drawn as arrows


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
        bind="query-params",
    )
    if kind == "gaussian":
        level = middle.slider("Noise σ", 0.0, 1.0, TRAIN_SIGMA, 0.05, key="denoise_sigma", bind="query-params")
    else:
        level = middle.slider("Share of pixels p", 0.0, 0.8, 0.3, 0.05, key=f"denoise_{kind}", bind="query-params")
    index = right.slider("Validation digit", 0, n_val - 1, 0, key="denoise_index", bind="query-params")
    return Corruption(kind, float(level), int(index))


def side_by_side(found: dict, averages: dict[str, Score], data: Dataset, index: int) -> None:
    """The five images of one digit, each with its own PSNR/SSIM and the validation split's mean under it."""
    shape = tuple(data.image_shape)
    clean = data.X_val[index : index + 1]
    scale = display_scale(shape, 150)
    for column, name in zip(st.columns(len(COLUMNS)), COLUMNS, strict=True):
        rows = clean if name == "clean" else found[name][index : index + 1]
        with column:
            ui.show_image(montage(rows, shape, 1, scale, pad=0), COLUMNS[name])
            if name == "clean":
                st.caption("the target")
                continue
            mean = averages[name]
            st.markdown(
                f"**{psnr(clean, rows)[0]:.1f} dB** · SSIM **{ssim(clean, rows, shape)[0]:.2f}**  \n"
                f"validation mean: {mean.psnr:.1f} dB · {mean.ssim:.2f}"
            )


def verdict(averages: dict[str, Score], corruption: Corruption) -> str:
    """What the numbers say at this corruption, measured: which restoration wins, by how much over each baseline."""
    ranked = sorted(("pca", "twin", "denoiser"), key=lambda n: -averages[n].psnr)
    best, d = ranked[0], averages["denoiser"].psnr
    what = f"{CORRUPTION_NAMES[corruption.kind]} = {corruption.level:g}"
    twin, pca = d - averages["twin"].psnr, d - averages["pca"].psnr
    gains = f"{twin:+.1f} dB against its clean-trained twin, {pca:+.1f} dB against PCA"
    if best == "denoiser":
        return f"At {what} the denoiser restores best on the validation split: {gains}."
    return f"At {what} the denoiser is not the best here (the {SHORT[best]} is): {gains}."


def shape_text(checkpoint: Checkpoint) -> str:
    config = checkpoint.config
    return "-".join(str(w) for w in (config.n_features, *config.hidden, config.latent_dim))


def grid_panel(models: dict[float, Checkpoint], data: Dataset) -> None:
    st.subheader("Train noise × test noise")
    grid = denoise_grid(models, data)
    levels = sorted(models)
    st.plotly_chart(noise_grid_fig(grid, levels, GRID_TEST_LEVELS), key="denoise_grid")
    best = [levels[i] for i in grid.argmax(axis=0)]
    pairs = ", ".join(f"σ = {t:g} → trained at {b:g}" for t, b in zip(GRID_TEST_LEVELS, best, strict=True))
    st.caption(
        f"The same {shape_text(models[levels[0]])} network trained at {len(levels)} noise levels, each tested at "
        f"{len(GRID_TEST_LEVELS)}. "
        f"Best per test level: {pairs}."
    )


def arrows_panel(twin: Checkpoint, denoiser: Checkpoint, data: Dataset, sigma: float) -> None:
    st.subheader("What noise does to the code")
    X = data.X_val[:ARROWS]
    X_noisy = corrupt_images(X, "gaussian", sigma, seed=1)
    moves = {}
    for column, (name, checkpoint) in zip(st.columns(2), (("twin", twin), ("denoiser", denoiser)), strict=True):
        clean, noisy = arrow_view(checkpoint.model, data.X_val, X, X_noisy)
        moves[name] = code_moves(checkpoint, data, sigma)
        column.markdown(f"**{COLUMNS[name].capitalize()}**: noisy codes move {moves[name]:.0%} of the codes' spread")
        labels = None if data.y_val is None else data.y_val[:ARROWS]
        column.plotly_chart(code_arrows_fig(clean, noisy, labels, ""), key=f"arrows_{name}")
    shorter = "denoiser" if moves["denoiser"] < moves["twin"] else "twin"
    st.caption(
        f"Each arrow goes from a digit's code to the code of its copy with noise σ = {sigma:g} (first two principal "
        f"components of each model's codes). Over the validation split the noisy code lies {moves['denoiser']:.0%} of "
        f"the codes' spread away for the denoiser and {moves['twin']:.0%} for the twin: the {SHORT[shorter]}'s "
        "code is the one that moves less."
    )


ui.sidebar()
st.title("Denoising: give it noise, get the digit back")
st.markdown(
    "The lecture: *the autoencoder reconstructs its input; it may lose some information — good, if what it loses is "
    "the noise.* A denoising autoencoder is trained on corrupted inputs with the clean image as the target. Below, "
    "one validation digit and the mean over all validation digits, against two honest baselines: PCA with as many "
    "components as the code, and the very same network trained on clean digits."
)
mnist = ui.builtin_dataset(SHIPPED.dataset)
denoisers = ui.shipped_denoisers()
if 0.0 not in denoisers or TRAIN_SIGMA not in denoisers:
    st.error("The shipped denoisers are missing: run `aeviz pretrain` to make them.")
    st.stop()
twin_model, denoiser_model = denoisers[0.0], denoisers[TRAIN_SIGMA]
chosen = corruption_form(len(mnist.X_val))
restored = restorations(twin_model, denoiser_model, mnist, chosen.kind, chosen.level)
mean_scores = scores(twin_model, denoiser_model, mnist, chosen.kind, chosen.level)
side_by_side(restored, mean_scores, mnist, chosen.index)
st.info(verdict(mean_scores, chosen))
st.divider()
grid_panel(denoisers, mnist)
st.divider()
arrows_panel(twin_model, denoiser_model, mnist, chosen.level if chosen.kind == "gaussian" else TRAIN_SIGMA)
