"""The lecture's handout: one self-contained HTML file with each step's title, the lecture's sentence and formula, the
formula with the numbers that were on screen, the key figure and what to look for. It opens offline: images are
embedded PNGs, charts are Plotly with its script inlined once, formulas are MathML (which browsers draw natively)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Figure:
    """One picture of a step, kept as drawn and encoded only when a handout is made (a page builds one on every run
    of a lecture step: that must cost nothing)."""

    kind: str  # "png" | "plotly" | "svg"
    content: Any  # a uint8 image array, a plotly Figure, or SVG text
    caption: str = ""


@dataclass(frozen=True)
class Entry:
    """One step as it was shown."""

    number: int
    title: str
    claim: str
    formula: str  # LaTeX
    numbers: str = ""  # LaTeX
    look_for: str = ""
    figures: tuple[Figure, ...] = ()

    def merged(self, other: Entry) -> Entry:
        """This entry with what `other` (a later report of the same step) adds: its non-empty fields win."""
        return replace(
            self,
            numbers=other.numbers or self.numbers,
            look_for=other.look_for or self.look_for,
            figures=other.figures or self.figures,
        )


MAX_SIDE = 400  # pixels: what a session keeps of a picture for its handout (a photo drawn twice its size is 3 MB)


def png_figure(image: np.ndarray, caption: str = "", max_side: int = MAX_SIDE) -> Figure:
    """A uint8 image, (height, width) or (height, width, 3), to embed as a PNG; a larger one is kept at every n-th
    pixel so that no side exceeds `max_side` (a session keeps up to 17 steps' pictures)."""
    stride = -(-max(image.shape[:2]) // max_side)
    return Figure("png", image[::stride, ::stride].copy(), caption)


def plotly_figure(figure, caption: str = "") -> Figure:
    """A plotly.graph_objects.Figure."""
    return Figure("plotly", figure, caption)


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 image as a PNG file's bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG")
    return buffer.getvalue()


def _png(image: np.ndarray) -> str:
    return base64.b64encode(png_bytes(image)).decode("ascii")


def svg_figure(svg: str, caption: str = "") -> Figure:
    return Figure("svg", svg, caption)


GATHERED = (r"\begin{gathered}", r"\end{gathered}")


def _math(latex: str) -> str:
    """LaTeX as MathML; the lines of a `gathered` block one under another (the converter runs them together)."""
    from latex2mathml.converter import convert

    text = latex.strip()
    if text.startswith(GATHERED[0]) and text.endswith(GATHERED[1]):
        lines = text[len(GATHERED[0]) : -len(GATHERED[1])].split(r"\\")
        return "".join(_math(line) for line in lines if line.strip())
    try:
        return convert(text, display="block")
    except Exception:  # a construct the converter does not know: the source, readable, rather than nothing
        return f"<pre>{html.escape(text)}</pre>"


def _figure_html(figure: Figure, key: str) -> str:
    caption = f"<figcaption>{html.escape(figure.caption)}</figcaption>" if figure.caption else ""
    if figure.kind == "png":
        body = f'<img alt="{html.escape(figure.caption)}" src="data:image/png;base64,{_png(figure.content)}">'
    elif figure.kind == "svg":
        body = f'<img alt="{html.escape(figure.caption)}" src="data:image/svg+xml;base64,'
        body += base64.b64encode(figure.content.encode()).decode("ascii") + '">'
    else:
        spec = figure.content.to_json().replace("</", "<\\/")  # no "</script>" inside the script
        body = (
            f'<div class="chart" id="{key}"></div><script>(function(){{var f={spec};'
            f'Plotly.newPlot("{key}",f.data,f.layout,{{displaylogo:false}});}})();</script>'
        )
    return f"<figure>{body}{caption}</figure>"


STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ccc;padding:1rem 0;page-break-inside:avoid}h2{margin:.2rem 0}.claim{color:#555}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}img{max-width:100%;image-rendering:pixelated}
.chart{width:min(900px,92vw);height:420px}math{font-size:1.15em}.look{background:#f4f6f0;padding:.5rem .8rem}"""


def handout_html(entries: Sequence[Entry], total: int) -> str:
    """The handout of `entries` (in step order) out of `total` steps, as one HTML file; Plotly's script (3.5 MB) is
    inlined once when a step has a chart."""
    from plotly.offline import get_plotlyjs

    charts = any(f.kind == "plotly" for e in entries for f in e.figures)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>aeviz — the lecture on autoencoders</title>",
        f"<style>{STYLE}</style>",
        f"<script>{get_plotlyjs()}</script>" if charts else "",
        "</head><body><h1>Autoencoders: the lecture, step by step</h1>",
        f"<p>{len(entries)} of {total} steps, with the numbers that were on screen.</p>",
    ]
    for entry in sorted(entries, key=lambda e: e.number):
        figures = "".join(_figure_html(f, f"chart-{entry.number}-{i}") for i, f in enumerate(entry.figures))
        parts += [
            f"<section><h2>{entry.number}. {html.escape(entry.title)}</h2>",
            f"<p class='claim'>{html.escape(entry.claim)}</p>",
            _math(entry.formula),
            _math(entry.numbers) if entry.numbers else "",
            figures,
            f"<p class='look'><b>Look for:</b> {html.escape(entry.look_for)}</p>" if entry.look_for else "",
            "</section>",
        ]
    parts.append("</body></html>")
    return "".join(parts)
