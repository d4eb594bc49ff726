"""Predict, then reveal: the questions the teacher asks the room on some lecture steps.

Each question has two to four fixed choices; which one is right is never written here. The page on screen computes it
from the numbers it draws (the functions below, each given those numbers) and hands it to the stage with the numbers
that decide it, so the revealed answer is always the model's, not the author's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SAME = 0.01  # relative: two scores closer than 1 % are "about the same"


@dataclass(frozen=True)
class Question:
    text: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    index: int  # the right choice
    why: str  # the numbers that decide it, in a sentence


# The questions, by the (page, key figure) of the step that asks them (aeviz.lecture.STEPS).
QUESTIONS = {
    ("latent_space", "scatters"): Question(
        "Two dimensions each: which view keeps the ten digits apart better (5-NN accuracy)?",
        ("PCA's plane", "The autoencoder's code", "About the same"),
    ),
    ("capacity", "copy"): Question(
        "Both complete codes have as many units as inputs. Which brings back inputs unlike the training data?",
        ("The ReLU code", "The linear code", "Neither (under half of their detail)"),
    ),
    ("pca_vs_ae", "sweep"): Question(
        "With a code of 2 numbers, which rebuilds the validation digits with the lower error?",
        ("PCA", "The autoencoder", "About the same"),
    ),
    ("pca_vs_ae", "manifold"): Question(
        "The swiss roll, squeezed to 2 numbers: which fits it better, PCA's plane or the autoencoder's sheet?",
        ("PCA's plane", "The autoencoder's sheet", "About the same"),
    ),
    ("sparsity", "lambda_sweep"): Question(
        "Turn the penalty λ up from 0: does the reconstruction error go up or down?",
        ("Up", "Down", "About the same"),
    ),
    ("upscale", "row"): Question(
        "Does the autoencoder beat bicubic interpolation (PSNR over the validation images)?",
        ("Yes", "No"),
    ),
}


def question_for(page: str, figure: str) -> Question | None:
    return QUESTIONS.get((page, figure))


def _compare(first: float, second: float, higher_is_better: bool) -> int:
    """0 when `first` wins, 1 when `second` does, 2 when they are within SAME of each other."""
    if abs(first - second) <= SAME * max(abs(first), abs(second), 1e-12):
        return 2
    return 0 if (first > second) == higher_is_better else 1


def views_answer(code_knn: float, pca_knn: float) -> Answer:
    """Which 2-D view separates the labels better: 0 PCA, 1 the code, 2 the same."""
    index = _compare(pca_knn, code_knn, higher_is_better=True)
    return Answer(index, f"5-NN accuracy: the code {code_knn:.0%}, PCA {pca_knn:.0%} (chance: 10 %).")


def copy_answer(relu: float, linear: float, kind: str, copies: float) -> Answer:
    """Which complete code brings back an unseen kind of input (shares of its detail), against the copying bar."""
    why = f"Share of the {kind} brought back: ReLU {relu:.0%}, linear {linear:.0%}; copying means at least {copies:.0%}."
    if max(relu, linear) < copies:
        return Answer(2, why)
    return Answer(0 if relu >= linear else 1, why)


def versus_answer(pca_error: float, ae_error: float, where: str) -> Answer:
    """Lower error wins: 0 PCA, 1 the autoencoder, 2 the same."""
    index = _compare(pca_error, ae_error, higher_is_better=False)
    return Answer(index, f"Validation MSE {where}: PCA {pca_error:.4f}, autoencoder {ae_error:.4f}.")


def penalty_answer(errors: Mapping[float, float]) -> Answer:
    """How the error moves from λ = 0 to the largest λ: 0 up, 1 down, 2 the same ({λ: validation error})."""
    low, high = min(errors), max(errors)
    first, last = errors[low], errors[high]
    why = f"Reconstruction error at λ = {low:g}: {first:.4f}; at λ = {high:g}: {last:.4f}."
    return Answer(_compare(last, first, higher_is_better=True), why)


def upscale_answer(model_psnr: float, bicubic_psnr: float) -> Answer:
    index = 0 if model_psnr > bicubic_psnr else 1
    return Answer(index, f"PSNR over the validation images: autoencoder {model_psnr:.1f} dB, bicubic {bicubic_psnr:.1f} dB.")
