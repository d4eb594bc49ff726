"""The lecture as data: its steps in the lecture's order, each a page with settings, the sentence it demonstrates, the
formula, and which of the page's figures is the key one. Reviewed like code: a step is one entry here.

A step's settings are the URL parameters its page already binds (widget keys), so a step is also a link:
`/sparsity?step=13&sparsity_source=shipped`. The page draws the step's formula with its own numbers and a "look for"
sentence computed from what it shows (aeviz.ui.lecture puts them beside the key figure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from aeviz.configs import ModelConfig
from aeviz.sitemap import HOME

STEP_PARAM = "step"  # the URL parameter of the lecture step: 1 … len(STEPS)
PRESENT_PARAM = "present"  # ?present=1: the presenter view


@dataclass(frozen=True)
class Step:
    """One step of the lecture."""

    title: str  # in the strip and the outline
    page: str  # the page's URL path (aeviz.sitemap.PageSpec.url_path)
    figure: str  # the key figure: the name the page gives it (ui.key_figure)
    claim: str  # the lecture's sentence the step demonstrates
    formula: str  # the lecture's formula (LaTeX), drawn above the same formula with the page's numbers
    # (widget key, URL value): the settings this step changes from the page's defaults. A step opens its page afresh
    # (every other widget at its default), so a setting equal to the default is left out.
    settings: tuple[tuple[str, str], ...] = ()
    wide: bool = False  # a row of images: the figure takes the stage's whole width, the notes go under it

    def query(self, number: int, present: bool) -> dict[str, str]:
        """The URL parameters that open this step (number is its 1-based place in STEPS)."""
        params = {STEP_PARAM: str(number), **dict(self.settings)}
        if present:
            params[PRESENT_PARAM] = "1"
        return params

    def url(self, number: int, present: bool = False) -> str:
        """The relative link to this step: page path and query (Home, the default page, is served at /)."""
        path = "" if self.page == HOME.url_path else self.page
        return f"/{path}?{urlencode(self.query(number, present))}"


STEPS = (
    Step(
        "Encoder, code, decoder", "home", "architecture",
        "An autoencoder squeezes x through a narrow latent layer and rebuilds it: r ≈ x.",
        r"h = f(x),\qquad r = g(h) \approx x",
    ),
    Step(
        "Training: the training and validation loss", "train", "history",
        "Training lowers the reconstruction error; a gap between training and validation loss shows memorising.",
        r"\mathrm{MSE} = \tfrac{1}{n\,d} \sum_{i=1}^{n} \lVert x_i - g(f(x_i)) \rVert^2",
    ),
    Step(
        "The code next to PCA", "latent_space", "scatters",
        "The code h = f(x) is a map of the data; PCA projects the same rows onto a plane.",
        r"h = f(x)\quad\text{against}\quad y = V_2^\top (x - \mu)",
    ),
    Step(
        "Walking the decoder", "latent_walk", "walk",
        "Every point of the code space decodes to an image: the decoder g is a generator.",
        r"r = g(h),\qquad h \in \mathbb{R}^{m}",
    ),
    Step(
        "Under-, complete, overcomplete: copying?", "capacity", "copy",
        "A complete or overcomplete code without regularisation can just copy the data.",
        r"\begin{gathered} \dim h < d:\ \text{undercomplete} \\ \dim h = d:\ \text{complete} \\ "
        r"\dim h > d:\ \text{overcomplete} \end{gathered}",
    ),
    Step(
        "Sensitive, not memorising: the gap", "capacity", "gaps",
        "The ideal autoencoder reconstructs well and does not memorise: compare training and validation error.",
        r"\text{gap} = \frac{\mathrm{MSE}_{\text{val}} - \mathrm{MSE}_{\text{train}}}{\mathrm{MSE}_{\text{train}}}",
    ),
    Step(
        "PCA step 1: standardise", "pca_steps", "pca_1",
        "Centre each feature (and divide by its spread when the features have different units).",
        r"z_{ij} = \frac{x_{ij} - \mu_j}{\sigma_j}",
    ),
    Step(
        "PCA steps 2 and 3: covariance, eigenvectors", "pca_steps", "pca_2_3",
        "The covariance matrix says which features vary together; its eigenvectors are the principal directions.",
        r"C = \tfrac{1}{n-1} Z^\top Z,\qquad C\,v_i = \lambda_i\,v_i",
    ),
    Step(
        "PCA step 4: choose k components", "pca_steps", "pca_4",
        "Keep the k directions with the largest eigenvalues: the share of variance they explain.",
        r"\frac{\sum_{i \le k} \lambda_i}{\sum_i \lambda_i}",
        (("pca_k", "8"),),
    ),
    Step(
        "PCA step 5: recast the data", "pca_steps", "pca_5",
        "Project the data onto the k directions and rebuild it from them.",
        r"Y = Z V_k,\qquad \hat x = \mu + V_k^\top y",
        (("pca_k", "8"),),
    ),
    Step(
        "PCA against autoencoders at every k", "pca_vs_ae", "sweep",
        "PCA finds the best hyperplane; a non-linear autoencoder can do better at the same code size.",
        r"\begin{gathered} \text{PCA: } \min_{V_k} \lVert X - X V_k V_k^\top \rVert^2 \\ "
        r"\text{autoencoder: } \min_{f,g} \lVert X - g(f(X)) \rVert^2 \end{gathered}",
    ),
    Step(
        "The swiss roll: a plane against a sheet", "pca_vs_ae", "manifold",
        "PCA finds a hyperplane; an autoencoder can learn the curved manifold (the swiss roll).",
        r"x = (t \cos t,\; y,\; t \sin t)",
    ),
    Step(
        "Sparse autoencoders: the L1 penalty λ", "sparsity", "lambda_sweep",
        "The penalty λ Σ|a_i| pushes code units to zero: fewer active units, less memorising.",
        r"\mathcal{L} = L(x, \hat x) + \lambda \sum_i |a_i^{(h)}|",
    ),
    Step(
        "Denoising", "denoise", "row",
        "Trained on noisy inputs against clean targets, the model learns to remove the noise.",
        r"\tilde x = x + \sigma\,\varepsilon,\qquad \mathcal{L} = \lVert x - g(f(\tilde x)) \rVert^2",
        wide=True,
    ),
    Step(
        "Recolouring", "recolour", "row",
        "Gray in, colour out: the colours from the lightness, as one average or as a distribution over colours.",
        r"\begin{gathered} L^* \mapsto (a^*, b^*) \\ \text{regression: } \lVert (a^*, b^*) - g(f(L^*)) \rVert^2"
        r"\\ \text{distribution: } -\textstyle\sum_q w_q\, z_q \log \hat z_q \end{gathered}",
        wide=True,
    ),
    Step(
        "Upscaling", "upscale", "row",
        "A small image in, more pixels out: against bicubic interpolation.",
        r"\mathrm{PSNR} = 10 \log_{10} \frac{1}{\mathrm{MSE}}",
        wide=True,
    ),
    Step(
        "Four families side by side", "families", "families",
        "Vanilla, multilayer, convolutional, regularised: the same digits through each, against PCA.",
        r"\mathrm{MSE} = \tfrac{1}{n\,d} \sum_{i} \lVert x_i - g(f(x_i)) \rVert^2",
    ),
)  # fmt: skip


def step_number(value: str | None) -> int | None:
    """The step a URL value names (1 … len(STEPS)), or None for a missing or bad value."""
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= len(STEPS) else None


def step(number: int) -> Step:
    """The step at 1-based `number`."""
    return STEPS[number - 1]


# --- the lecture's formulas with a model's numbers (each page hands its own to the stage) ---------------------------


def shapes_latex(config: ModelConfig) -> str:
    """h = f(x), r = g(h) with this model's sizes: x ∈ ℝ^d → the encoder's widths → h ∈ ℝ^m → r ∈ ℝ^d (LaTeX)."""
    d, m = config.n_features, config.latent_dim
    if config.arch == "conv":
        path = r"\text{conv } " + r"\cdot".join(str(c) for c in config.conv_channels)
    else:
        path = r" \to ".join(str(w) for w in (d, *(() if config.arch == "vanilla" else config.hidden), m))
    return (
        rf"\begin{{gathered}} f:\ {path} \\ x \in \mathbb{{R}}^{{{d}}},\ h \in \mathbb{{R}}^{{{m}}},\ "
        rf"r \in \mathbb{{R}}^{{{d}}} \end{{gathered}}"
    )


def code_sentence(config: ModelConfig) -> str:
    """What to look for in the diagram: the code's size against the input's, and what that forces."""
    d, m = config.n_features, config.latent_dim
    forced = {
        "undercomplete": "it must compress, keeping what matters most for rebuilding x",
        "complete": "it could copy x unit for unit, unless training or a penalty stops it",
        "overcomplete": "it has room to copy x, unless training or a penalty stops it",
    }[config.completeness]
    return f"The code has {m} unit{'s' if m != 1 else ''} for {d} inputs — {config.completeness}: {forced}."


def losses_latex(history: Sequence[dict], loss: str = "mse") -> str:
    """The last epoch's training and validation reconstruction error and their gap (LaTeX); the reconstruction parts
    when the history has them (a penalty is not an error)."""
    last = history[-1]
    train, val = last.get("recon_loss", last["train_loss"]), last.get("val_recon", last["val_loss"])
    from aeviz.evaluation import generalisation_gap  # torch and scikit-learn: not for the entry file's import

    name = r"\mathrm{BCE}" if loss == "bce" else r"\mathrm{MSE}"
    gap = 100 * generalisation_gap(history)
    return (
        rf"\begin{{gathered}} {name}_{{\text{{train}}}} = {train:.4f},\quad {name}_{{\text{{val}}}} = {val:.4f} \\ "
        rf"\text{{gap}} = {gap:+.0f}\% \end{{gathered}}"
    )


def views_latex(code: tuple[float, float | None], pca: tuple[float, float | None]) -> str:
    """The two views' scores, (trustworthiness, 5-NN accuracy or None) for the code and for PCA (LaTeX)."""
    rows = [rf"\text{{trustworthiness}}:\ {code[0]:.3f}\ \text{{code}},\ {pca[0]:.3f}\ \text{{PCA}}"]
    if code[1] is not None and pca[1] is not None:
        rows.append(rf"\text{{5-NN}}:\ {100 * code[1]:.0f}\%\ \text{{code}},\ {100 * pca[1]:.0f}\%\ \text{{PCA}}")
    return r"\begin{gathered}" + r" \\ ".join(rows) + r"\end{gathered}"


def views_sentence(code: tuple[float, float | None], pca: tuple[float, float | None]) -> str:
    """Which view keeps neighbours and separates labels better, from the same scores."""
    better = lambda a, b: "the code" if a > b else "PCA" if b > a else "neither"  # noqa: E731
    first = better(code[0], pca[0])
    sentence = f"{first[0].upper() + first[1:]} keeps the inputs' neighbours better (trustworthiness)"
    if code[1] is not None and pca[1] is not None:
        sentence += f"; {better(code[1], pca[1])} separates the labels better (5-NN {code[1]:.0%} against {pca[1]:.0%})"
    return sentence + "."


def walk_latex(code: Sequence[float], shown: int = 4) -> str:
    """r = g(h) at the walk's starting code: its first `shown` values (LaTeX)."""
    values = ",\\ ".join(f"{v:.2f}" for v in code[:shown]) + (r",\ \ldots" if len(code) > shown else "")
    return rf"h = ({values}) \in \mathbb{{R}}^{{{len(code)}}} \;\mapsto\; r = g(h)"


def walk_sentence(row: int, ranges: Sequence[Sequence[float]], dims: Sequence[int]) -> str:
    """What the pad covers: the ranges of the walked dimensions, each decoded by g."""
    spans = ", ".join(f"z{d} from {ranges[d][0]:.1f} to {ranges[d][1]:.1f}" for d in dims[:2])
    return f"From sample {row}'s code, every point of {spans} decodes to an image: move and watch g(h) change."


def gap_latex(train: float, val: float) -> str:
    """The gap formula with one model's clean training and validation error (LaTeX)."""
    gap = (val - train) / train if train > 0 else 0.0
    return rf"\frac{{{val:.4f} - {train:.4f}}}{{{train:.4f}}} = {100 * gap:+.0f}\%"


TERMS_PER_ROW = 3  # three models a row fit the projector's notes column at 1280×720 (389 px; not a laptop's 257)


def copy_latex(latents: Mapping[str, int], shares: Mapping[str, float], n_features: int, kind: str) -> str:
    """Each model's code size against the input size d, with the share of an unseen kind of input it brings back
    ({variant key: share}, in the report's order) (LaTeX)."""
    terms = [rf"{latents[k]}\!:\ {100 * share:.0f}\%" for k, share in shares.items()]
    rows = [r",\ ".join(terms[i : i + TERMS_PER_ROW]) for i in range(0, len(terms), TERMS_PER_ROW)]
    return (
        rf"\begin{{gathered}} d = {n_features},\quad \dim h\!:\ \text{{share of {kind} back}} \\ "
        + r",\\ ".join(rows)
        + r"\end{gathered}"
    )


def versus_latex(k: int, pca_error: float, ae_error: float, ae_name: str = "AE") -> str:
    """PCA's and an autoencoder's validation error at code size k (LaTeX)."""
    return (
        rf"\begin{{gathered}} k = {k}:\quad \mathrm{{MSE}}_{{\text{{PCA}}}} = {pca_error:.4f} \\ "
        rf"\mathrm{{MSE}}_{{\text{{{ae_name}}}}} = {ae_error:.4f} \end{{gathered}}"
    )


def manifold_sentence(pca_error: float, ae_error: float) -> str:
    """The plane against the sheet on the roll, from their validation errors."""
    if ae_error < pca_error:
        return (
            f"The plane (PCA, k = 2) misses the roll with MSE {pca_error:.3f}; the autoencoder's curved sheet "
            f"with {ae_error:.3f}, {pca_error / ae_error:.1f}× lower: the colours stay in order along the sheet."
        )
    return f"Here the autoencoder's sheet ({ae_error:.3f}) does not beat the plane ({pca_error:.3f})."


def psnr_latex(clean: np.ndarray, restored: np.ndarray, name: str = "model") -> str:
    """PSNR's definition with one image's MSE against its clean original (values in [0, 1]) (LaTeX)."""
    mse = float(np.mean((np.asarray(restored, dtype=np.float64) - np.asarray(clean, dtype=np.float64)) ** 2))
    value = r"\infty" if mse == 0 else f"{10 * np.log10(1 / mse):.1f}"
    return (
        rf"\begin{{gathered}} \text{{{name}: }} \mathrm{{MSE}} = {mse:.4f} \\ "
        rf"\mathrm{{PSNR}} = 10 \log_{{10}} \frac{{1}}{{{mse:.4f}}} = {value}\ \mathrm{{dB}} \end{{gathered}}"
    )


def differences_latex(errors: Mapping[str, float], names: Mapping[str, str]) -> str:
    """Each picture's mean colour difference to the true colours, {key: value} named by `names` (LaTeX)."""
    terms = [rf"\text{{{names[k]}}}:\ {v:.3f}" for k, v in errors.items()]
    return r"\begin{gathered}\text{difference to the true colours} \\ " + r" \\ ".join(terms) + r"\end{gathered}"
