"""The scores the pages use, each defined once with what it is, which way is better and a baseline to read it by.

A page that shows a score shows its definition too (`definitions`, or a metric's help); tests/app checks every page.
"""

from __future__ import annotations

import re

TERMS = {
    "PSNR": (
        "PSNR (peak signal-to-noise ratio, in dB) is 10·log₁₀(1 / mean squared error) for pixels in [0, 1]: higher is "
        "better, and every +10 dB is ten times less squared error (+3 dB about half). Identical images score ∞; read a "
        "restoration against the corrupted input's own PSNR, the baseline it must beat."
    ),
    "SSIM": (
        "SSIM (structural similarity) compares the local brightness, contrast and structure of two images: 1 is "
        "identical, 0 is no structural likeness; higher is better. It can disagree with PSNR: a blurred image can gain "
        "PSNR and lose SSIM."
    ),
    "trustworthiness": (
        "Trustworthiness (0 to 1, scikit-learn's, 5 neighbours) asks whether each point's nearest neighbours in the 2-D "
        "view were near it in the inputs too: higher is better, 1 means the view invents no neighbours, and a random 2-D "
        "view of 1,000 MNIST digits scores 0.51."
    ),
    "5-NN accuracy": (
        "5-NN accuracy is the share of points whose label is the most common label among their 5 nearest neighbours "
        "(fitted on other points): chance is one over the number of classes, 10 % for ten digits."
    ),
}
# How a term is found in a page's text ("5-NN" also in "5-NN accuracy on codes").
_PATTERNS = {
    "PSNR": r"\bPSNR\b",
    "SSIM": r"\bSSIM\b",
    "trustworthiness": r"(?i)\btrustworthiness\b",
    "5-NN accuracy": r"\b5-NN\b",
}


def terms_in(text: str) -> list[str]:
    """The defined terms that `text` uses, in TERMS order."""
    return [term for term, pattern in _PATTERNS.items() if re.search(pattern, text)]


def definitions(*terms: str) -> str:
    """The definitions of `terms`, one paragraph of Markdown: each term in bold at the start of its sentence."""
    return " ".join(TERMS[term] for term in terms)
