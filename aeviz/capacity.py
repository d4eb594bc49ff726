"""Capacity: the same one-hidden-layer autoencoder with a code below, at and above the input size, trained on a small
training subset without regularisation (the complete one also without its non-linearities; then the overcomplete one
with L1 and with denoising), and two questions: does it memorise (a gap between training and validation error), and
does it copy inputs that are not like the data?

Measured on MNIST (1,000 training digits, 784-k-784, 800 steps at lr 0.001; about a minute for the six here): the
complete and overcomplete ReLU codes end with a validation error about twice their training error (+100 %, +86 %) and
yet 5× below the 16-unit code's (0.0074 against 0.0375, gap +3 %); the linear complete code has the widest gap
(+220 %) and the lowest validation error (0.0013). L1 at λ = 0.001 closes the overcomplete code's gap (+5 %) by
silencing 99 % of it, at the 16-unit code's error (0.0392); denoising at σ = 0.3 narrows it (+59 %). Letter-like
strokes come back 74 % from the linear complete code (it copies them), 27-30 % from the ReLU complete and overcomplete
codes, 43 % from the denoiser, 0 % from the 16-unit code, which draws digits; uniform noise and inverted digits come
back from none of them, nor from PCA with 424 components of the same rows (99.9 % of their variance): they lie
outside what the training rows vary in.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from aeviz.checkpoints import Checkpoint
from aeviz.configs import check_runs
from aeviz.datasets import Dataset
from aeviz.evaluation import MEMORISING_GAP, SMALL_GAP
from aeviz.fitting import fit
from aeviz.jobhandle import JobHandle
from aeviz.latent import reconstruct
from aeviz.models import Autoencoder, ModelConfig
from aeviz.training import EpochMetrics, TrainConfig

SUBSETS = (200, 1_000, 4_000)  # training rows to choose from
STEPS = 800  # optimiser steps per model, whatever the subset: 4 epochs of 4,000 rows or 100 of 1,000
LR = 1e-3
# The regularised variants of the overcomplete code, chosen by measurement on MNIST (1,000 rows): λ = 0.0001 widened the
# gap (+321 %), 0.0003 too (+140 %), 0.001 closed it (+5 %) by silencing 99 % of the units, 0.003 silenced all of them;
# denoising at σ = 0.3 narrowed the gap (+58 % against +86 %) at about the same validation error, σ = 0.5 less (+66 %).
L1, NOISE = 1e-3, 0.3
ODD_ROWS = 8  # rows per kind of odd input
SHOWN = 4  # odd inputs per kind whose outputs a report keeps, to draw
COPIES = 0.5  # a model "copies" a kind of input when it brings back at least half of its detail (see `recovered`)
COPYING = (
    f"A model *copies* an input when it brings back at least {COPIES:.0%} of its detail: 1 − its error ÷ the error of a "
    "flat picture of the input's own mean value, so 0 % is no better than a grey picture and 100 % is a perfect copy."
)
REACH_VARIANCE = 0.999  # the flat reference: PCA on the training rows with components for this share of their variance


@dataclass(frozen=True)
class Variant:
    """One model of the comparison."""

    key: str  # "under", "complete", "complete_linear", "over", "over_l1", "over_denoise"
    label: str  # for legends and sentences
    latent: int
    l1: float = 0.0
    noise: float = 0.0
    linear: bool = False  # no ReLU on the code and no sigmoid on the output: the identity map is within its reach


def variants(n_features: int) -> list[Variant]:
    """Codes below (at most 16), at and above (the next power of two) the input size, the complete one also without
    its non-linearities (the model that can copy), then the overcomplete one with an L1 penalty and as a denoiser.
    MNIST: 16, 784, 784, 1,024."""
    under, over = max(1, min(16, n_features // 4)), 2 ** math.ceil(math.log2(n_features + 1))
    return [
        Variant("under", f"undercomplete ({under})", under),
        Variant("complete", f"complete ({n_features})", n_features),
        Variant("complete_linear", f"complete, linear ({n_features})", n_features, linear=True),
        Variant("over", f"overcomplete ({over})", over),
        Variant("over_l1", f"overcomplete + L1 λ = {L1:g}", over, l1=L1),
        Variant("over_denoise", f"overcomplete, denoising σ = {NOISE:g}", over, noise=NOISE),
    ]


def subset(data: Dataset, rows: int) -> Dataset:
    """The first `rows` training rows (the split is already shuffled); validation stays whole."""
    y = None if data.y_train is None else data.y_train[:rows]
    return replace(data, name=f"{data.name}[:{rows}]", X_train=data.X_train[:rows], y_train=y)


def train_config(variant: Variant, rows: int) -> TrainConfig:
    epochs = max(5, min(1_000, round(STEPS / math.ceil(rows / TrainConfig.batch_size))))
    return TrainConfig(epochs=epochs, lr=LR, l1=variant.l1, noise_std=variant.noise)


def model_config(variant: Variant, data: Dataset) -> ModelConfig:
    """The lecture's vanilla family (one hidden layer that is the code): ReLU code and, for images, sigmoid output;
    the linear variant has neither."""
    linear = {"code_activation": "linear", "output_activation": "linear"} if variant.linear else {}
    return ModelConfig.for_data(data.n_features, data.image_shape, "vanilla", variant.latent, **linear)


def check_run(data: Dataset, rows: int) -> float:
    """The run's work (its models), or AevizError when a model is over the server's limits or the run over its
    work budget: checked before the run queues, not after its first model."""
    runs = [(model_config(v, data), rows, train_config(v, rows).epochs) for v in variants(data.n_features)]
    return check_runs(runs, f"the capacity run on {rows:,} rows")


def train_variants(data: Dataset, rows: int) -> Iterator[tuple[Variant, EpochMetrics, Checkpoint]]:
    """Train every variant on the first `rows` training rows; yields after every epoch (the last yield of a variant is
    its finished model)."""
    small = subset(data, rows)
    for variant in variants(data.n_features):
        for metrics, checkpoint in fit(small, model_config(variant, data), train_config(variant, rows), keep_views=False):
            yield variant, metrics, checkpoint


def _strokes(shape: tuple[int, int], n: int) -> np.ndarray:
    """Letter-like strokes: straight lines drawn 2 pixels wide between fixed points (A, X, Z, H, N, V, T, L shapes)."""
    h, w = shape
    letters = [
        [(0.9, 0.1, 0.1, 0.5), (0.1, 0.5, 0.9, 0.9), (0.55, 0.3, 0.55, 0.7)],  # A
        [(0.1, 0.1, 0.9, 0.9), (0.1, 0.9, 0.9, 0.1)],  # X
        [(0.1, 0.1, 0.1, 0.9), (0.1, 0.9, 0.9, 0.1), (0.9, 0.1, 0.9, 0.9)],  # Z
        [(0.1, 0.2, 0.9, 0.2), (0.1, 0.8, 0.9, 0.8), (0.5, 0.2, 0.5, 0.8)],  # H
        [(0.9, 0.2, 0.1, 0.2), (0.1, 0.2, 0.9, 0.8), (0.9, 0.8, 0.1, 0.8)],  # N
        [(0.1, 0.1, 0.9, 0.5), (0.9, 0.5, 0.1, 0.9)],  # V
        [(0.1, 0.1, 0.1, 0.9), (0.1, 0.5, 0.9, 0.5)],  # T
        [(0.1, 0.2, 0.9, 0.2), (0.9, 0.2, 0.9, 0.8)],  # L
    ]
    out = np.zeros((n, h, w), dtype=np.float32)
    for i in range(n):
        for r0, c0, r1, c1 in letters[i % len(letters)]:
            for t in np.linspace(0.0, 1.0, 4 * max(h, w)):
                r, c = round((r0 + t * (r1 - r0)) * (h - 1)), round((c0 + t * (c1 - c0)) * (w - 1))
                out[i, max(r - 1, 0) : r + 1, max(c - 1, 0) : c + 1] = 1.0
    return out.reshape(n, h * w)


def odd_inputs(data: Dataset, n: int = ODD_ROWS) -> dict[str, np.ndarray]:
    """Inputs unlike the training data, {kind: rows}. Images: uniform noise, inverted validation images, letter-like
    strokes. Tables: uniform noise in the training rows' box, and validation rows pushed 3× further from the mean."""
    rng = np.random.default_rng(0)
    X = data.X_val[:n]
    if data.is_image:
        return {
            "uniform noise": rng.uniform(0, 1, X.shape).astype(np.float32),
            "inverted images": (1.0 - X).astype(np.float32),
            "letter-like strokes": _strokes(data.image_shape, n),
        }
    low, high = data.X_train.min(axis=0), data.X_train.max(axis=0)
    return {
        "uniform noise": rng.uniform(low, high, X.shape).astype(np.float32),
        "rows 3× further out": (3.0 * X).astype(np.float32),
    }


TRAINING, VALIDATION = "training rows", "validation rows"  # the two clean inputs of `errors`


def errors(model: Autoencoder, data: Dataset, rows: int, inputs: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Mean squared error per feature on the clean training subset, the validation split and each kind of odd input.

    The training error is measured here on clean rows: a denoiser's training loss in its history is on noisy inputs,
    so it cannot be set against the validation error.
    """
    found = {}
    for kind, X in {TRAINING: data.X_train[:rows], VALIDATION: data.X_val, **inputs}.items():
        found[kind] = float(np.mean((reconstruct(model, X) - X) ** 2))
    return found


def gap_sentence(label: str, found: Mapping[str, float], active: float) -> str:
    """One variant's gap between clean training and validation error, named with the Train page's thresholds, and the
    share of its code units that are active (an L1 penalty silences them)."""
    train, val = found[TRAINING], found[VALIDATION]
    gap = (val - train) / train if train > 0 else 0.0
    verdict = "memorising" if gap > MEMORISING_GAP else "a small gap" if gap > SMALL_GAP else "no sign of memorising"
    return (
        f"{label}: training error {train:.4f}, validation error {val:.4f} ({gap:+.0%}: {verdict}); "
        f"{active:.0%} of code activations non-zero."
    )


def recovered(error: float, X: np.ndarray) -> float:
    """The share of an input's detail a model brings back: 1 - error / the error of the best flat output (each row's
    own mean value), clipped at 0. 1 is a perfect copy; 0 is no better than a grey (or blank) picture. A plain MSE
    would rank a model that returns grey for noise above one that returns black, though neither copies anything."""
    flat = float(np.mean((X - X.mean(axis=1, keepdims=True)) ** 2))
    return max(0.0, 1.0 - error / flat) if flat > 0 else 0.0


def shares(found: Mapping[str, float], data: Dataset, rows: int, inputs: Mapping[str, np.ndarray]) -> dict[str, float]:
    """`recovered` for every input of `errors`."""
    X = {TRAINING: data.X_train[:rows], VALIDATION: data.X_val, **inputs}
    return {kind: recovered(error, X[kind]) for kind, error in found.items()}


def copy_sentence(label: str, share: Mapping[str, float]) -> str:
    """How much of each input a model brings back, and whether that is copying (at least COPIES), from the numbers."""
    odd = {k: v for k, v in share.items() if k not in (TRAINING, VALIDATION)}
    copied = [k for k, v in odd.items() if v >= COPIES]
    listed = ", ".join(f"{v:.0%} of {k}" for k, v in odd.items())
    verdict = f"it copies {', '.join(copied)}" if copied else "it copies none of them"
    return f"{label} brings back {share[VALIDATION]:.0%} of the validation rows' detail and {listed}: {verdict}."


def row_shares(outputs: np.ndarray, X: np.ndarray) -> list[float]:
    """`recovered` for each row on its own: outputs and X of shape (n_rows, n_features). A model that brings back
    30 % of the strokes on average may draw one letter nearly whole and miss another: the pictures show rows."""
    return [recovered(float(np.mean((o - x) ** 2)), x[None]) for o, x in zip(outputs, X, strict=True)]


def pca_reach(data: Dataset, rows: int, inputs: Mapping[str, np.ndarray]) -> tuple[int, dict[str, float]]:
    """PCA fitted to the same training rows, with components for REACH_VARIANCE of their variance: its number of
    components and the share of each input of `errors` it brings back. A flat copier of every direction the training
    rows vary in: what it does not bring back lies outside them."""
    from sklearn.decomposition import PCA

    X_train = data.X_train[:rows]
    pca = PCA(REACH_VARIANCE, svd_solver="full").fit(X_train)
    found = {}
    for kind, X in {TRAINING: X_train, VALIDATION: data.X_val, **inputs}.items():
        error = float(np.mean((pca.inverse_transform(pca.transform(X)) - X) ** 2))
        found[kind] = recovered(error, X)
    return int(pca.n_components_), found


def linear_sentence(labels: Mapping[str, str], shares: Mapping[str, Mapping[str, float]], steps: int) -> str:
    """The complete code with and without its non-linearities on the odd input the linear one brings back most."""
    relu, linear = shares["complete"], shares["complete_linear"]
    kind = max((k for k in linear if k not in (TRAINING, VALIDATION)), key=linear.get)
    verdict = (
        "only the linear one copies it"
        if linear[kind] >= COPIES > relu[kind]
        else ("both copy it" if relu[kind] >= COPIES else "neither copies it")
    )
    return (
        f"Same code size, same {steps:,} optimiser steps: {labels['complete_linear']} brings back {linear[kind]:.0%} "
        f"of the {kind}, {labels['complete']} (ReLU code, sigmoid output) {relu[kind]:.0%}. Both could represent a "
        f"copy; trained on digits for {steps:,} steps, {verdict}."
    )


def reach_sentence(components: int, reach: Mapping[str, float], shares: Mapping[str, Mapping[str, float]], rows: int) -> str:
    """What PCA with nearly all of the training rows' directions brings back, and which inputs lie outside them."""
    odd = [k for k in reach if k not in (TRAINING, VALIDATION)]
    listed = ", ".join(f"{reach[k]:.0%} of {k}" for k in odd)
    outside = [k for k in odd if reach[k] < 0.05 and max(s[k] for s in shares.values()) < 0.05]
    sentence = (
        f"For reference, PCA fitted to the same {rows:,} training rows with {components} components "
        f"({REACH_VARIANCE:.1%} of their variance) brings back {listed}."
    )
    if outside:
        sentence += (
            f" What no model here brings back ({', '.join(outside)}) lies outside the directions the training rows "
            "vary in: no model trained on them has seen it."
        )
    return sentence


def validation_sentence(labels: Mapping[str, str], found: Mapping[str, Mapping[str, float]]) -> str:
    """A gap is not a worse model: the largest gap's validation error against the smallest gap's, and the lowest
    validation error of all."""

    def gap(key: str) -> float:
        train, val = found[key][TRAINING], found[key][VALIDATION]
        return (val - train) / train if train > 0 else 0.0

    wide, narrow = max(found, key=gap), min(found, key=gap)
    best = min(found, key=lambda k: found[k][VALIDATION])
    v_wide, v_narrow = found[wide][VALIDATION], found[narrow][VALIDATION]
    ratio = v_narrow / v_wide if v_wide <= v_narrow else v_wide / v_narrow
    compared, but = ("lower", "Yet") if v_wide <= v_narrow else ("higher", "And")
    return (
        f"Widest gap: {labels[wide]} ({gap(wide):+.0%}); narrowest: {labels[narrow]} ({gap(narrow):+.0%}). {but} the "
        f"first's validation error ({v_wide:.4f}) is {ratio:.1f}× {compared} than the second's ({v_narrow:.4f}). A gap "
        "shows a model fitting its training rows better than new ones; the validation error shows which reconstructs "
        f"new rows best: here {labels[best]} ({found[best][VALIDATION]:.4f})."
    )


def kind_sentence(kind: str, by_label: Mapping[str, float]) -> str:
    """Which model brings one kind of odd input back most and which least (shares from `recovered`)."""
    best, worst = max(by_label, key=by_label.get), min(by_label, key=by_label.get)
    if by_label[best] < 0.005:
        return f"{kind.capitalize()}: no model brings back any of it (no output is better than a flat picture)."
    return (
        f"{kind.capitalize()}: the {best} model brings back the most ({by_label[best]:.0%} of the detail), the "
        f"{worst} model the least ({by_label[worst]:.0%})."
    )


@dataclass(frozen=True)
class Report:
    """What the Capacity page shows of one run, computed from its five models once (`make_report`), kept for the
    class, and shipped for MNIST (`report_to_json`): the models themselves (12 MB at float16) are not needed to draw it.
    """

    data_key: str  # Dataset.fingerprint of the data it was made on
    rows: int  # training rows used
    histories: dict[str, list[dict]]  # variant key -> the losses of every epoch
    errors: dict[str, dict[str, float]]  # variant key -> {training rows, validation rows, each odd kind: MSE}
    shares: dict[str, dict[str, float]]  # variant key -> the same inputs' share brought back (`recovered`)
    active: dict[str, float]  # variant key -> share of non-zero code activations on validation rows
    outputs: dict[str, dict[str, np.ndarray]]  # images only: odd kind -> variant key -> (SHOWN, n_features) outputs
    reach_components: int = 0  # PCA's components in `pca_reach`
    reach: dict[str, float] = field(default_factory=dict)  # each input's share PCA brings back (`pca_reach`)


def make_report(models: Mapping[str, Checkpoint], data: Dataset, rows: int) -> Report:
    """Measure the five trained models (in variant order) on `data`."""
    inputs = odd_inputs(data)
    found = {key: errors(m.model, data, rows, inputs) for key, m in models.items()}
    outputs = {}
    if data.is_image:
        outputs = {kind: {k: reconstruct(m.model, X[:SHOWN]) for k, m in models.items()} for kind, X in inputs.items()}
    components, reach = pca_reach(data, rows, inputs)
    return Report(
        data.fingerprint,
        rows,
        {key: list(m.history) for key, m in models.items()},
        found,
        {key: shares(e, data, rows, inputs) for key, e in found.items()},
        {key: float(m.metrics["active_fraction"]) for key, m in models.items()},
        outputs,
        components,
        reach,
    )


def report_steps(report: Report) -> int:
    """The optimiser steps each model of the report took (its epochs × batches per epoch)."""
    epochs = len(next(iter(report.histories.values())))
    return epochs * math.ceil(report.rows / TrainConfig.batch_size)


def report_to_json(report: Report) -> str:
    """The report as JSON; output images as base64 bytes, 0-255 (they are sigmoid outputs in [0, 1])."""
    content = asdict(report)
    content["outputs"] = {
        kind: {
            k: base64.b64encode(np.round(np.clip(v, 0, 1) * 255).astype(np.uint8).tobytes()).decode() for k, v in d.items()
        }
        for kind, d in report.outputs.items()
    }
    return json.dumps(content)


def report_from_json(text: str, n_features: int) -> Report:
    """A report written by `report_to_json` (a shipped file, read as plain data)."""
    content = json.loads(text)
    content["outputs"] = {
        kind: {
            k: np.frombuffer(base64.b64decode(v), dtype=np.uint8).reshape(-1, n_features).astype(np.float32) / 255
            for k, v in d.items()
        }
        for kind, d in content["outputs"].items()
    }
    return Report(**content)


def report_job(job: JobHandle, data: Dataset, rows: int) -> Report:
    """Train every variant and measure them, as a job of the class's pool (aeviz.jobs): progress after every epoch."""
    check_run(data, rows)
    total = sum(train_config(v, rows).epochs for v in variants(data.n_features))
    models = {}
    for done, (variant, metrics, checkpoint) in enumerate(train_variants(data, rows), start=1):
        job.report(done / total, f"{variant.label}: epoch {metrics.epoch}")
        models[variant.key] = checkpoint
    return make_report(models, data, rows)
