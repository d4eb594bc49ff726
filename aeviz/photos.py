"""Colour photographs for recolouring: photos that ship inside scikit-image and scikit-learn (nothing downloads), cut
into RGB patches; the grayscale input; the baseline anyone understands (the average colour of each brightness level in
the training photos); and a whole photo recoloured by a patch model.

A patch is a row of 3 × PATCH × PATCH values in [0, 1], channel first (all red, then all green, then all blue), so it
goes through the one `Autoencoder` interface (a conv model with `channels=3`).
"""

from __future__ import annotations

import functools

import numpy as np
from skimage import color, data
from skimage.transform import resize

from aeviz.errors import AevizError
from aeviz.latent import restore
from aeviz.models import Autoencoder
from aeviz.tasks import UPSCALE, bicubic, downscale, gray_rows

# every colour photograph scikit-image and scikit-learn ship without a download (the stereo pair's left view: its right
# one is nearly the same picture); colorwheel and logo are drawings, not photos
TRAIN_PHOTOS = (
    "astronaut", "chelsea", "coffee", "rocket", "china", "hubble_deep_field", "immunohistochemistry", "retina",
    "motorcycle",
)  # fmt: skip
HELD_OUT = ("flower",)  # never seen in training: where the page shows what was learnt
# the recolourer's training photos: with the other four as well (the retina, the Hubble field and the stained tissue
# bring colours the flower has none of) its PSNR on the flower fell below the grayscale photo's (18.1 against 18.3 dB)
RECOLOUR_PHOTOS = TRAIN_PHOTOS[:5]
PATCH = 32  # side of a training patch, in pixels
STRIDE = 16  # training patches overlap by half
SCALE = 0.5  # photos are shrunk to half their size first: faster, and a patch holds more of the scene
BRIGHTNESS_LEVELS = 32  # bins of the colour-by-brightness baseline


@functools.cache
def load_photo(name: str) -> np.ndarray:
    """A packaged colour photo, (height, width, 3) float32 in [0, 1], shrunk by SCALE (read-only)."""
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        image = load_sample_image(f"{name}.jpg")
    elif name == "motorcycle":
        image = data.stereo_motorcycle()[0]
    elif name in TRAIN_PHOTOS:
        image = getattr(data, name)()
    else:
        raise AevizError(f"unknown photo {name!r}: choose one of {', '.join((*TRAIN_PHOTOS, *HELD_OUT))}")
    image = np.asarray(image)[..., :3].astype(np.float32) / 255.0
    height, width = round(image.shape[0] * SCALE), round(image.shape[1] * SCALE)
    small = resize(image, (height, width), anti_aliasing=True).astype(np.float32)
    small.setflags(write=False)
    return small


def to_rows(patches: np.ndarray) -> np.ndarray:
    """(n, height, width, 3) images as rows, channel first."""
    return np.ascontiguousarray(patches.transpose(0, 3, 1, 2).reshape(len(patches), -1))


def to_images(rows: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Rows, channel first, back to (n, height, width, 3) images."""
    return rows.reshape(len(rows), 3, *shape).transpose(0, 2, 3, 1)


def cut_patches(image: np.ndarray, size: int = PATCH, stride: int = STRIDE) -> np.ndarray:
    """All size × size patches of a (height, width, 3) image at `stride`, as (n, size, size, 3)."""
    height, width = image.shape[:2]
    tops, lefts = range(0, height - size + 1, stride), range(0, width - size + 1, stride)
    return np.stack([image[t : t + size, l : l + size] for t in tops for l in lefts])


@functools.cache
def colour_table(levels: int = BRIGHTNESS_LEVELS) -> np.ndarray:
    """The baseline's lookup: the mean colour (levels, 3) of the recolourer's training photos' pixels at each
    brightness level."""
    pixels = np.concatenate([load_photo(n).reshape(-1, 3) for n in RECOLOUR_PHOTOS])
    bins = np.minimum((color.rgb2gray(pixels[None])[0] * levels).astype(int), levels - 1)
    table = np.stack(
        [pixels[bins == i].mean(axis=0) if np.any(bins == i) else np.full(3, i / levels) for i in range(levels)]
    )
    return table.astype(np.float32)


def colour_by_brightness(image: np.ndarray) -> np.ndarray:
    """The baseline: each pixel of a (height, width, 3) photo coloured by the average colour of its brightness (the
    page shows it with the photo's own brightness kept, as the model's colours are: `keep_brightness`)."""
    table = colour_table()
    levels = len(table)
    bins = np.minimum((color.rgb2gray(image) * levels).astype(int), levels - 1)
    return table[bins]


def brightness_rows(rows: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The baseline on RGB rows of (height, width) patches, as rows (with the input's brightness kept, as the model's)."""
    images = to_images(rows, shape)
    return to_rows(np.stack([keep_brightness(grayscale(image), colour_by_brightness(image)) for image in images]))


def recolour_rows(model: Autoencoder, rows: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The model's colours for the gray versions of RGB rows, on the input's brightness (`keep_brightness`), as rows."""
    gray = gray_rows(rows)
    return to_rows(keep_brightness(to_images(gray, shape), to_images(restore(model, gray), shape)))


def keep_brightness(gray: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """A colourised (…, height, width, 3) image with the brightness it was given: the colour's chroma (a*, b* in
    CIELAB) on the input's lightness L*, as colourisation methods combine them. Returns RGB in [0, 1]."""
    lab = color.rgb2lab(np.clip(colour, 0, 1))
    lab[..., 0] = color.rgb2lab(np.clip(gray, 0, 1))[..., 0]
    return np.clip(color.lab2rgb(lab), 0, 1).astype(np.float32)


def grayscale(image: np.ndarray) -> np.ndarray:
    """A (height, width, 3) photo's lightness in all three channels (`aeviz.tasks.gray_rows`): what the model and the
    viewer get."""
    return to_images(gray_rows(to_rows(np.asarray(image)[None])), image.shape[:2])[0]


def patchwise(model: Autoencoder, image: np.ndarray, size: int = PATCH) -> np.ndarray:
    """A patch model's output over a whole (height, width, 3) input image: cut into size × size patches overlapping by
    half (the image padded by reflection to fit), each through the model (`restore`), the overlaps averaged. Returns
    (height, width, 3) in [0, 1]."""
    height, width = image.shape[:2]
    step = size // 2
    pad_h, pad_w = (
        (-(height - size) % step) if height > size else size - height,
        ((-(width - size) % step) if width > size else size - width),
    )
    padded = np.pad(image, ((0, pad_h), (0, pad_w), (0, 0)), mode="reflect")
    out = to_images(restore(model, to_rows(cut_patches(padded, size, step))), (size, size))
    total, count = np.zeros_like(padded), np.zeros(padded.shape[:2] + (1,), np.float32)
    tops, lefts = range(0, padded.shape[0] - size + 1, step), range(0, padded.shape[1] - size + 1, step)
    for k, (t, l) in enumerate((t, l) for t in tops for l in lefts):
        total[t : t + size, l : l + size] += out[k]
        count[t : t + size, l : l + size] += 1
    return (total / count)[:height, :width]


def recolour_photo(model: Autoencoder, image: np.ndarray, size: int = PATCH) -> np.ndarray:
    """A whole photo recoloured by a patch model from its gray version (`patchwise`), on the photo's own brightness
    (`keep_brightness`). Returns (height, width, 3) in [0, 1]."""
    gray = grayscale(image)
    return keep_brightness(gray, patchwise(model, gray, size))


def even_crop(image: np.ndarray, factor: int = UPSCALE) -> np.ndarray:
    """The photo cut to sides divisible by `factor`, so that shrinking and enlarging again gives its own size."""
    return image[: image.shape[0] // factor * factor, : image.shape[1] // factor * factor]


def shrink_photo(image: np.ndarray) -> np.ndarray:
    """A (height, width, 3) photo with even sides shrunk UPSCALE× (anti-aliased): the upscalers' input."""
    shape = image.shape[:2]
    small = (shape[0] // UPSCALE, shape[1] // UPSCALE)
    return np.clip(to_images(downscale(to_rows(image[None]), shape), small)[0], 0, 1)


def bicubic_photo(image: np.ndarray) -> np.ndarray:
    """The upscaling baseline on a whole (height, width, 3) photo with even sides: shrunk (`shrink_photo`) and
    enlarged again by bicubic interpolation, as the patch models are fed (`aeviz.tasks.upscale_input`)."""
    shape = image.shape[:2]
    rows = bicubic(to_rows(shrink_photo(image)[None]), (shape[0] // UPSCALE, shape[1] // UPSCALE), shape)
    return np.clip(to_images(rows, shape)[0], 0, 1)


def to_display(image: np.ndarray, scale: int = 1) -> np.ndarray:
    """A (height, width, 3) image in [0, 1] as uint8 for st.image, each pixel repeated `scale` times each way."""
    pixels = (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else pixels


def colour_errors(image: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per pixel, the lecture's score: the mean absolute difference over the three channels, (height, width)."""
    return np.abs(np.clip(other, 0, 1) - image).mean(axis=2)
