"""CIELAB colour for the recolourers: a photo's lightness L* apart from its colour (a*, b*), as colourisation methods
work. The two colour heads of `aeviz.models.Autoencoder` (ModelConfig.head) predict a pixel's a*, b* from its
brightness:

- "ab": the two numbers themselves, with a squared-error loss — where a gray could be several colours, the colour that
  minimises the squared error is their average, a muted one;
- "ab-bins": a score for each of the AB_BIN_COUNT bins of AB_GRID × AB_GRID that sRGB colours fall in, trained with a
  cross-entropy in which each bin weighs by how rare it was in the training photos (`rare_colour_weights`), and shown
  as the distribution's annealed mean (`TEMPERATURE`) — Zhang, Isola and Efros, Colorful Image Colorization (2016), at
  the scale of a few photos.

Also Hasler and Süsstrunk's colourfulness (2003), the measure the Recolouring page compares. Rows are RGB, channel first
(aeviz.photos). A low module: numpy here, scikit-image inside the functions that convert.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

HEADS = ("image", "ab", "ab-bins")  # what a model's decoder gives back (ModelConfig.head)
AB_GRID = 10  # side of an (a*, b*) bin, as Zhang et al.'s
AB_LIMIT = 110  # a*, b* of sRGB colours lie within ±110: bins are centred on multiples of AB_GRID in that range
AB_BIN_COUNT = 261  # bins that some sRGB colour falls in (`ab_bins`; a test keeps the two equal)
REBALANCE = 0.5  # λ: the weights mix the training colours' distribution with a uniform one, as Zhang et al.'s
TEMPERATURE = 0.38  # the annealed mean's T, Zhang et al.'s: between the distribution's mean (1) and its mode (→ 0)
_SIDE = 2 * AB_LIMIT // AB_GRID + 1  # grid cells along a* and along b*


def head_channels(head: str, channels: int) -> int:
    """Values per pixel a decoder with this head gives back: its input's channels, 2 (a*, b*) or one per bin."""
    return {"image": channels, "ab": 2, "ab-bins": AB_BIN_COUNT}[head]


def _cells(ab: np.ndarray) -> np.ndarray:
    """The grid cell (a*, b* rounded to AB_GRID) of each (…, 2) colour, as one index per colour."""
    cell = np.clip(np.round((np.asarray(ab) + AB_LIMIT) / AB_GRID), 0, _SIDE - 1).astype(np.int64)
    return cell[..., 0] * _SIDE + cell[..., 1]


@functools.cache
def _gamut() -> tuple[np.ndarray, np.ndarray]:
    """(the cells sRGB colours fall in, sorted; each cell's nearest such cell's rank): from 65³ colours of the cube."""
    from skimage import color

    steps = np.linspace(0.0, 1.0, 65)
    cube = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(1, -1, 3)
    cells = np.unique(_cells(color.rgb2lab(cube)[0, :, 1:]))
    grid = np.stack(np.divmod(np.arange(_SIDE * _SIDE), _SIDE), axis=1)
    kept = grid[cells]
    nearest = np.argmin(((grid[:, None, :] - kept[None, :, :]) ** 2).sum(axis=2), axis=1)
    return cells, nearest


def ab_bins() -> np.ndarray:
    """(AB_BIN_COUNT, 2) float32: the centre (a*, b*) of each bin that some sRGB colour falls in."""
    cells = _gamut()[0]
    centres = np.stack(np.divmod(cells, _SIDE), axis=1) * AB_GRID - AB_LIMIT
    return centres.astype(np.float32)


def bin_of(ab: np.ndarray) -> np.ndarray:
    """The bin (0 … AB_BIN_COUNT − 1) of each (…, 2) colour: its own cell's, or the nearest kept cell's."""
    return _gamut()[1][_cells(ab)]


def lab_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB rows (n, 3 × pixels) in [0, 1], channel first, as (L* (n, pixels) in [0, 100], a*b* (n, pixels, 2))."""
    from skimage import color

    rgb = np.asarray(rows, dtype=np.float32).reshape(len(rows), 3, -1).transpose(0, 2, 1)
    lab = color.rgb2lab(np.clip(rgb, 0.0, 1.0)).astype(np.float32)
    return lab[..., 0], lab[..., 1:]


def colour_targets(rows: np.ndarray, head: str) -> np.ndarray:
    """What a colour head learns for the RGB rows: "ab" a*, b* / AB_LIMIT channel first (n, 2 × pixels) float32;
    "ab-bins" each pixel's bin (n, pixels) int64."""
    ab = lab_rows(rows)[1]
    if head == "ab":
        return np.ascontiguousarray((ab / AB_LIMIT).transpose(0, 2, 1).reshape(len(rows), -1), dtype=np.float32)
    return np.ascontiguousarray(bin_of(ab))


def rare_colour_weights(bins: np.ndarray, rebalance: float = REBALANCE) -> np.ndarray:
    """(AB_BIN_COUNT,) float32: each bin's weight in the loss, w ∝ 1 / ((1 − λ) p + λ / Q), with p the share of the
    training pixels in the bin (`bins`, any shape) and Q the number of bins, scaled so that the mean weight of a
    training pixel is 1. A rare colour weighs up to Q / λ times a uniform share's inverse: a pixel of a rare colour
    counts for more than one of the browns and grays most pixels are."""
    shares = np.bincount(np.asarray(bins).ravel(), minlength=AB_BIN_COUNT) / np.asarray(bins).size
    weights = 1.0 / ((1.0 - rebalance) * shares + rebalance / AB_BIN_COUNT)
    return (weights / (shares * weights).sum()).astype(np.float32)


def rgb_rows(lightness: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """RGB rows (n, 3 × pixels) in [0, 1], channel first, from L* (n, pixels) and a*b* (n, pixels, 2)."""
    from skimage import color

    lab = np.concatenate([np.asarray(lightness)[..., None], np.asarray(ab)], axis=2).astype(np.float64)
    with warnings.catch_warnings():  # a predicted colour outside sRGB is clipped into it, as said: not news
        warnings.simplefilter("ignore", UserWarning)
        rgb = np.clip(color.lab2rgb(lab), 0.0, 1.0)
    return np.ascontiguousarray(rgb.transpose(0, 2, 1).reshape(len(rgb), -1), dtype=np.float32)


def recoloured_rows(gray: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """RGB rows from a colour head's prediction: gray input rows (brightness in each of 3 channels, `aeviz.tasks.
    gray_rows`) give L*, the head's a*, b* / AB_LIMIT (n, 2 × pixels, channel first) the colour."""
    lightness = lab_rows(gray)[0]
    ab = np.asarray(predicted, dtype=np.float32).reshape(len(predicted), 2, -1).transpose(0, 2, 1) * AB_LIMIT
    return rgb_rows(lightness, ab)


def colourfulness(image: np.ndarray) -> float:
    """Hasler and Süsstrunk's colourfulness of an (…, 3) RGB image in [0, 1], on their 0–255 scale: the spread of the
    opponent channels rg = R − G and yb = (R + G) / 2 − B plus 0.3 × their mean's size (0 for a gray image; about 33
    reads "moderately", 59 "highly colourful" in their study)."""
    rgb = np.asarray(image, dtype=np.float64).reshape(-1, 3) * 255.0
    rg = rgb[:, 0] - rgb[:, 1]
    yb = 0.5 * (rgb[:, 0] + rgb[:, 1]) - rgb[:, 2]
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
