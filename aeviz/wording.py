"""How the pages word things, in one place: a family's name, "a" or "an", and a vector of numbers as a reader reads it."""

from __future__ import annotations

from collections.abc import Sequence

FAMILY_NAMES = {"vanilla": "vanilla", "mlp": "multilayer", "conv": "convolutional", "vae": "variational"}


def article(word: str) -> str:
    """ "a" or "an" before `word` as it is spoken: an autoencoder, an 8-dimensional, an 11-unit, a multilayer."""
    head = word.strip().lower()
    if head[:1].isdigit():
        digits = head.split("-")[0].split(" ")[0].replace(",", "")
        spoken_vowel = (
            digits.startswith("8") or digits in ("11", "18") or (len(digits) in (5, 6) and digits[:2] in ("11", "18"))
        )
        return "an" if spoken_vowel else "a"
    return "an" if head[:1] in set("aeio") else "a"


def family_name(arch: str) -> str:
    """A model family as the lecture names it ("mlp" is "multilayer")."""
    return FAMILY_NAMES.get(arch, arch)


def vector_text(values: Sequence[float], digits: int = 2, limit: int = 8) -> str:
    """A short vector as text: (−1.79, 0.42, …) with a true minus sign, at most `limit` entries then an ellipsis."""
    shown = [f"{float(v):.{digits}f}".replace("-", "−") for v in list(values)[:limit]]
    more = ", …" if len(values) > limit else ""
    return f"({', '.join(shown)}{more})"
