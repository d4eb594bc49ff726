"""The one list of pages: the navigation (app.py), Home's links and the tests all read it, so a page is added once.

Pages are listed in the lecture's order, grouped by section. A page's URL path is its file's name (`/latent_walk`),
which is how Streamlit names it and how shared links and the browser tests reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard."""

    title: str  # in the sidebar and the browser tab
    file: str  # the page file, relative to the project root (views/…)
    icon: str  # a Material icon, bundled with Streamlit (nothing is fetched)
    section: str  # the sidebar group
    purpose: str  # one line on what a student does or sees there: Home's link text

    @property
    def url_path(self) -> str:
        return PurePosixPath(self.file).stem


PAGES = (
    PageSpec(
        "Lecture", "views/lecture.py", ":material/school:", "Start",
        "The lecture step by step: a path through the pages, for a projector",
    ),
    PageSpec("Home", "views/home.py", ":material/home:", "Start", "The encoder, the code and the decoder, to scale"),
    PageSpec(
        "Class gallery", "views/gallery.py", ":material/groups:", "Start",
        "The models the class shared, side by side",
    ),
    PageSpec(
        "Train", "views/train.py", ":material/model_training:", "Autoencoders",
        "Train an autoencoder live and watch its losses",
    ),
    PageSpec(
        "Latent space", "views/latent_space.py", ":material/scatter_plot:", "Autoencoders", "Latent space next to PCA"
    ),
    PageSpec(
        "Latent walk", "views/latent_walk.py", ":material/tune:", "Autoencoders",
        "Walk the latent space through the decoder",
    ),
    PageSpec(
        "Capacity", "views/capacity.py", ":material/memory:", "Autoencoders",
        "Under-, complete, overcomplete: memorising, copying",
    ),
    PageSpec("PCA step by step", "views/pca_steps.py", ":material/stacked_line_chart:", "PCA", "PCA in five steps"),
    PageSpec(
        "PCA vs autoencoders", "views/pca_vs_ae.py", ":material/compare_arrows:", "PCA",
        "PCA against autoencoders at every code size",
    ),
    PageSpec("Sparsity", "views/sparsity.py", ":material/filter_alt:", "Regularisation", "How λ silences code units"),
    PageSpec(
        "Denoising", "views/denoise.py", ":material/blur_off:", "Applications",
        "Denoising: noise in, the digit back, against PCA and a clean-trained twin",
    ),
    PageSpec(
        "Recolouring", "views/recolour.py", ":material/palette:", "Applications",
        "Recolouring: a gray photo in, colour out",
    ),
    PageSpec(
        "Upscaling", "views/upscale.py", ":material/zoom_in:", "Applications",
        "Upscaling: a small image in, against bicubic interpolation",
    ),
    PageSpec(
        "Four families", "views/families.py", ":material/view_module:", "Families",
        "The four families side by side: vanilla, multilayer, convolutional, regularised",
    ),
)  # fmt: skip
HOME = PAGES[1]  # the default page (/); the Lecture comes first in the navigation


def sections() -> dict[str, list[PageSpec]]:
    """The pages by section, both in the lecture's order."""
    found: dict[str, list[PageSpec]] = {}
    for page in PAGES:
        found.setdefault(page.section, []).append(page)
    return found
