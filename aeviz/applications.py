"""The lecture's applications in detail, for their pages: how far noise moves a model's codes, every denoiser at every
noise level and the codes of clean and noisy digits in one view (denoising); one image in every form with its own
scores (denoising, upscaling); two recolourings measured, and where one fails. Sentences come from the numbers, as
`evaluation.verdict`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA

from aeviz.colours import colourfulness
from aeviz.configs import ModelConfig
from aeviz.evaluation import Score, psnr, score
from aeviz.latent import encode_dataset, restore
from aeviz.models import Autoencoder
from aeviz.montages import row_image
from aeviz.photos import colour_errors
from aeviz.tasks import UPSCALE, corrupt_images, downscale


def code_shift(model: Autoencoder, X: np.ndarray, X_in: np.ndarray) -> float:
    """How far corruption moves the codes: mean ‖f(x̃) − f(x)‖ over the rows, divided by the codes' spread (mean
    ‖f(x) − mean f(x)‖), so models with codes of different scales compare. 0: the code ignores the corruption."""
    Z, Z_in = encode_dataset(model, X), encode_dataset(model, X_in)
    spread = float(np.linalg.norm(Z - Z.mean(axis=0), axis=1).mean())
    return float(np.linalg.norm(Z_in - Z, axis=1).mean()) / spread if spread > 0 else 0.0


def noise_grid(models: list[Autoencoder], X: np.ndarray, levels: list[float], seed: int = 0) -> np.ndarray:
    """Mean PSNR (dB) of each model (rows) on the rows X with Gaussian noise at each level (columns)."""
    grid = np.zeros((len(models), len(levels)))
    for j, level in enumerate(levels):
        X_in = corrupt_images(X, "gaussian", level, seed)
        for i, model in enumerate(models):
            grid[i, j] = float(np.mean(psnr(X, restore(model, X_in))))
    return grid


def arrow_view(model: Autoencoder, X_all: np.ndarray, X: np.ndarray, X_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the clean rows X and of their corrupted copies X_in in one 2-D view: the first two principal
    components of the model's codes of X_all. Returns two (n, 2) arrays."""
    view = PCA(2, random_state=0).fit(encode_dataset(model, X_all))
    return view.transform(encode_dataset(model, X)), view.transform(encode_dataset(model, X_in))


def image_scores(X: np.ndarray, found: Mapping[str, np.ndarray], index: int, shape: tuple[int, int]) -> dict[str, Score]:
    """PSNR and SSIM of row `index` of each restoration in `found` ({name: rows}) against the clean row X[index]."""
    clean = X[index : index + 1]
    return {name: score(clean, rows[index : index + 1], shape) for name, rows in found.items()}


def layer_widths(config: ModelConfig) -> str:
    """A multilayer model's widths from the input to the code, e.g. "784-256-128-32"."""
    return "-".join(str(w) for w in (config.n_features, *config.hidden, config.latent_dim))


def grid_sentence(grid: np.ndarray, train_levels: Sequence[float], test_levels: Sequence[float], widths: str) -> str:
    """What the train-noise × test-noise grid of mean PSNRs (`noise_grid`, rows by training σ) shows: which model is
    best at each test level."""
    best = [train_levels[i] for i in np.argmax(grid, axis=0)]
    pairs = ", ".join(f"σ = {t:g} → trained at {b:g}" for t, b in zip(test_levels, best, strict=True))
    return (
        f"The same {widths} network trained at {len(train_levels)} noise levels, each tested at {len(test_levels)}. "
        f"Best per test level: {pairs}."
    )


def arrows_sentence(moves: Mapping[str, float], names: Mapping[str, str], sigma: float) -> str:
    """What the arrows show, from `code_shift` of the twin and the denoiser: which model's code moves less."""
    shorter = min(moves, key=moves.get)
    return (
        f"Each arrow goes from a digit's code to the code of its copy with noise σ = {sigma:g} (first two principal "
        f"components of each model's codes). Over the validation split the noisy code lies {moves['denoiser']:.0%} of "
        f"the codes' spread away for the denoiser and {moves['twin']:.0%} for the twin: the {names[shorter]}'s "
        "code is the one that moves less."
    )


@dataclass(frozen=True)
class UpscaleExample:
    """One image of the Upscaling page in every form: the small input and the three full-size pictures."""

    small: np.ndarray  # the input, a uint8 picture of the small image
    small_shape: tuple[int, int]
    pictures: dict[str, np.ndarray]  # "bicubic", "autoencoder", "original": uint8 pictures at full size
    scores: dict[str, Score]  # "bicubic", "autoencoder" against the original
    zoom: list[np.ndarray]  # the three at full size for the shared-zoom figure (gray: floats, colour: uint8)


def upscale_example(
    X: np.ndarray, bicubic: np.ndarray, model: np.ndarray, index: int, shape: tuple[int, int], scale: int
) -> UpscaleExample:
    """Row `index` of the clean rows X, shrunk (the input), bicubic and the model's output (rows of the whole split),
    as pictures enlarged `scale` times, with their scores against the original."""
    small_shape = (shape[0] // UPSCALE, shape[1] // UPSCALE)
    clean = X[index : index + 1]
    small = downscale(clean, shape)[0]
    rows = {"bicubic": bicubic[index], "autoencoder": model[index], "original": X[index]}
    gray = X.shape[1] == shape[0] * shape[1]
    return UpscaleExample(
        row_image(small, small_shape, scale * UPSCALE),
        small_shape,
        {name: row_image(row, shape, scale) for name, row in rows.items()},
        image_scores(X, {"bicubic": bicubic, "autoencoder": model}, index, shape),
        [row.reshape(shape) if gray else row_image(row, shape) for row in rows.values()],
    )


@dataclass(frozen=True)
class ColourFailure:
    """Where a recolouring misses, against the colour-by-brightness baseline."""

    errors: np.ndarray  # (height, width): the model's mean absolute difference to the true colours per pixel
    closer: float  # share of pixels where the model is closer to the truth than the baseline


def colour_failure(image: np.ndarray, model: np.ndarray, baseline: np.ndarray) -> ColourFailure:
    """How a (height, width, 3) recolouring `model` of `image` fails, next to the `baseline` recolouring."""
    mine = colour_errors(image, model)
    return ColourFailure(mine, float((mine < colour_errors(image, baseline)).mean()))


# --- recolouring: the regression model and the colour distribution side by side --------------------------------------

RECOLOURINGS = {"gray": "grayscale photo", "ab": "regression model", "ab-bins": "re-weighted distribution model"}
COLOURFUL_GOAL = 0.6  # share of the photo's colourfulness the re-weighted model should reach on the held-out photo


@dataclass(frozen=True)
class Colouring:
    """One recolouring of a photo, measured: its mean absolute difference to the true colours (per channel, in [0, 1])
    and its colourfulness (Hasler and Süsstrunk's)."""

    difference: float
    colourfulness: float


def colouring(image: np.ndarray, other: np.ndarray) -> Colouring:
    """A (height, width, 3) recolouring of `image`, measured (`Colouring`)."""
    return Colouring(float(colour_errors(image, other).mean()), colourfulness(other))


def recolour_sentence(found: Mapping[str, Colouring], photo: float, held_out: bool) -> str:
    """What the two recolourings of a photo show (`RECOLOURINGS` keys; `photo` is the photo's own colourfulness):
    each model's difference to the true colours and share of the photo's colourfulness, which model wins on which
    measure, why, and — on the held-out photo — the goal, met or missed by how much."""
    gray, ab, bins = found["gray"], found["ab"], found["ab-bins"]
    share = lambda c: c.colourfulness / photo if photo > 0 else 0.0  # noqa: E731
    tied = f"{ab.difference:.3f}" == f"{bins.difference:.3f}"  # equal as printed: print them closer
    digits = 4 if tied else 3
    said = (
        f"The regression model's colours are {ab.difference:.{digits}f} from the true ones on average, with "
        f"{share(ab):.0%} of the photo's colourfulness ({ab.colourfulness:.1f} against {photo:.1f}); the re-weighted "
        f"distribution model's {bins.difference:.{digits}f}, with {share(bins):.0%}; the grayscale photo is "
        f"{gray.difference:.{digits}f} from them. "
    )
    closer = "re-weighted model" if bins.difference < ab.difference else "regression model"
    richer = "re-weighted model" if bins.colourfulness > ab.colourfulness else "regression model"
    if tied:
        said += f"The two are about as close to the true colours; the {richer} is more colourful. "
    elif closer == richer:
        said += f"The {closer} is closer to the true colours and more colourful. "
    else:
        said += f"The {closer} is closer to the true colours, the {richer} more colourful. "
    if bins.colourfulness > ab.colourfulness:
        said += (
            "A squared error is smallest at the average of the colours a gray could be, and an average of several "
            "colours is a duller one; a distribution over colour bins keeps the choices apart, and weighing rare "
            "colours more keeps the model from choosing the browns and grays most pixels are."
        )
    else:
        said += "Here the distribution and its re-weighting do not buy colour: the regression model is the livelier."
    if held_out:
        misses = []
        if share(bins) < COLOURFUL_GOAL:
            misses.append(f"its colourfulness is {share(bins):.0%} of the photo's, {COLOURFUL_GOAL - share(bins):.0%} short")
        if bins.difference >= gray.difference:
            misses.append(f"its colours are {bins.difference - gray.difference:.3f} further off than the gray photo's")
        goal = (
            f"the re-weighted model at {COLOURFUL_GOAL:.0%} or more of the photo's colourfulness, closer to the true "
            "colours than the grayscale photo"
        )
        said += f" The goal on the held-out photo ({goal}) is " + (f"missed: {'; '.join(misses)}." if misses else "met.")
    return said


def failure_sentence(found: ColourFailure, model_name: str) -> str:
    """What the error map says, with why a recolourer guesses wrong."""
    return (
        f"{model_name.capitalize()} is closer than the brightness baseline on {found.closer:.0%} of the pixels. Where a "
        "grayscale value could be many colours (a red flower and green leaves can be equally bright) it guesses the "
        "colours its training photos mostly had at that brightness and texture, and misses whatever is rare in them."
    )


def most_detailed(X: np.ndarray) -> int:
    """The row of X (n_images, n_features) with the most detail: the largest spread of its values."""
    return int(np.argmax(np.asarray(X).std(axis=1)))


def input_sentence(model_psnr: float, bicubic_psnr: float, model_name: str) -> str:
    """The upscaler's input is the bicubic image: whether it gives back something better or worse than what it was
    given, in dB and as a factor of squared error (10^(dB/10))."""
    diff = model_psnr - bicubic_psnr
    factor = 10 ** (abs(diff) / 10)
    if diff < 0:
        return (
            f"{model_name.capitalize()} is given the bicubic image as its input and gives back one {-diff:.1f} dB worse "
            f"({factor:,.0f}× its squared error): rather than adding the missing detail, it loses some of what bicubic "
            "interpolation already had."
        )
    return (
        f"{model_name.capitalize()} is given the bicubic image as its input and gives back one {diff:.1f} dB better "
        f"({factor:,.1f}× less squared error): the detail it adds is real."
    )


def disagreement_sentence(leaders: Mapping[str, str], names: Mapping[str, str]) -> str:
    """When PSNR and SSIM pick different winners among restorations ({"PSNR": key, "SSIM": key}), say so and why
    they can: empty when they agree."""
    if leaders["PSNR"] == leaders["SSIM"]:
        return ""
    return (
        f"PSNR and SSIM disagree here: PSNR ranks the {names[leaders['PSNR']]} first, SSIM the "
        f"{names[leaders['SSIM']]}. PSNR counts every pixel's error; SSIM compares local brightness, contrast and "
        "structure, so it can prefer an image that keeps the edges over one that gets more pixels nearly right."
    )


# --- upscaling a whole photo: the bottleneck autoencoder and the same network with a skip path ----------------------

UPSCALERS = {"bicubic": "bicubic", "bottleneck": "bottleneck autoencoder", "residual": "residual model"}
RESIDUAL_GOAL = 0.5  # dB over bicubic on the held-out photo: what a skip path should win at this scale
CROP = 48  # side of the crop where the difference shows, in pixels of the photo


def image_score(image: np.ndarray, other: np.ndarray) -> Score:
    """PSNR and SSIM of a whole (height, width, 3) picture against `image` (scikit-image's, data range 1)."""
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    other = np.clip(other, 0.0, 1.0)
    return Score(
        float(peak_signal_noise_ratio(image, other, data_range=1.0)),
        float(structural_similarity(image, other, data_range=1.0, channel_axis=2)),
    )


def photo_upscales(image: np.ndarray, models: Mapping[str, Autoencoder]) -> dict[str, np.ndarray]:
    """A whole (height, width, 3) photo with even sides, shrunk 2× and brought back: {"bicubic": …, and each of
    `models` run patch by patch on the bicubic photo (`aeviz.photos.patchwise`)}, each (height, width, 3) in [0, 1]."""
    from aeviz.photos import bicubic_photo, patchwise

    bicubic = bicubic_photo(image)
    return {"bicubic": bicubic, **{name: np.clip(patchwise(model, bicubic), 0, 1) for name, model in models.items()}}


def best_crop(image: np.ndarray, worse: np.ndarray, better: np.ndarray, size: int = CROP) -> tuple[int, int]:
    """(top, left) of the size × size window where `better` gains most over `worse` in squared error against `image`:
    where the difference between two upscalings is there to be seen."""
    from scipy.ndimage import uniform_filter

    gain = ((worse - image) ** 2 - (better - image) ** 2).sum(axis=2)
    size = min(size, *gain.shape)
    mean = uniform_filter(gain, size=size, mode="constant")
    half = size // 2
    valid = mean[half : gain.shape[0] - size + half + 1, half : gain.shape[1] - size + half + 1]
    top, left = np.unravel_index(int(np.argmax(valid)), valid.shape)
    return int(top), int(left)


def residual_sentence(image: Mapping[str, Score], patches: Mapping[str, Score], code: int, n_features: int) -> str:
    """What the three upscalings of the held-out photo show (`UPSCALERS` keys, scores on the whole photo and mean
    over its patches): by how much each model is ahead of bicubic or behind it, why the bottleneck loses, and the goal
    when it is missed."""
    gain = image["residual"].psnr - image["bicubic"].psnr
    lost = image["bicubic"].psnr - image["bottleneck"].psnr
    ahead = lambda d: f"{abs(d):.2f} dB {'ahead of' if d >= 0 else 'behind'} bicubic"  # noqa: E731
    size = "fewer" if code < n_features else "more"
    said = (
        f"On the whole held-out photo the residual model is {ahead(gain)} (SSIM "
        f"{image['residual'].ssim:.3f} against {image['bicubic'].ssim:.3f}); the bottleneck autoencoder is "
        f"{ahead(-lost)} (SSIM {image['bottleneck'].ssim:.3f}). The two are the same network with a "
        f"code of {code:,} values for a patch's {n_features:,} ({size}). The bottleneck model has to push the whole "
        "patch through its code and gives back a blurred copy of what bicubic already had; the residual model's skip "
        "path carries bicubic's picture around the code, so the code only has to hold the detail bicubic misses."
    )
    patch_gain = patches["residual"].psnr - patches["bicubic"].psnr
    said += f" Over the photo's patches (mean PSNR per patch) it is {ahead(patch_gain)}" + (
        "." if patch_gain >= 0 else ": plain patches, where bicubic is nearly exact, weigh as much as detailed ones."
    )
    if gain < RESIDUAL_GOAL:
        said += f" The goal of {RESIDUAL_GOAL} dB over bicubic is missed by {RESIDUAL_GOAL - gain:.2f} dB."
    return said
