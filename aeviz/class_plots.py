"""The room's figures: the votes on a question, live on the teacher's projector (Plotly), and the class link as a QR code.

Pure functions, like aeviz/plots.py.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from aeviz.plots import CLASS_COLORS, COLOR, MARGIN, PALETTE

ANSWER_COLOR, OTHER_COLOR, OPEN_COLOR = PALETTE[2], COLOR["muted"], PALETTE[0]
LABELLED = 12  # up to this many models, the gallery chart writes each name beside its point
LABEL_CHARS = 14  # characters of a name beside its point (longer ones ran past the chart's edges); hover shows it all
THUMBNAIL = 160  # px a side of a gallery card's picture of its code


def _rgb(color: str) -> tuple[int, int, int]:
    if color.startswith("#"):
        return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    return tuple(int(float(v)) for v in color[color.index("(") + 1 : -1].split(",")[:3])  # type: ignore[return-value]


def code_thumbnail(coords: np.ndarray, labels: np.ndarray | None, label_kind: str = "class", size: int = THUMBNAIL) -> bytes:
    """A small PNG of a model's code: the 2-D view's points (3 px squares on white), coloured as the latent scatter
    colours them (a class per colour, or a continuous label on Viridis), the view's 1st–99th percentiles filling the
    square. Drawn with numpy, not Plotly: a gallery of 40 cards is 40 small pictures, not 40 charts."""
    from PIL import Image

    xy = np.asarray(coords, dtype=np.float64)[:, :2]
    low, high = np.percentile(xy, 1, axis=0), np.percentile(xy, 99, axis=0)
    pad = 6
    dot = 3  # px a side: visible on a projector
    cells = np.clip((xy - low) / np.where(high > low, high - low, 1.0), 0, 1) * (size - 2 * pad - dot) + pad
    cols, rows = cells[:, 0].astype(int), (size - dot - cells[:, 1]).astype(int)  # y up, as on a chart
    if labels is None:
        colors = np.tile(_rgb(PALETTE[0]), (len(xy), 1))
    elif label_kind == "class":
        table = np.array([_rgb(c) for c in CLASS_COLORS])
        colors = table[np.asarray(labels).astype(int) % len(table)]
    else:
        values = np.asarray(labels, dtype=np.float64)
        span = float(np.ptp(values)) or 1.0
        colors = np.array([_rgb(c) for c in sample_colorscale("Viridis", list((values - values.min()) / span))])
    canvas = np.full((size, size, 3), 255, dtype=np.uint8)
    for dy in range(dot):
        for dx in range(dot):
            canvas[rows + dy, cols + dx] = colors
    buffer = io.BytesIO()
    Image.fromarray(canvas).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def votes_fig(choices: Sequence[str], counts: Sequence[int], answer: int | None = None) -> go.Figure:
    """One horizontal bar per choice, its count of votes at its end; once revealed, the right choice in green and
    the others grey."""
    if answer is None:
        colors = [OPEN_COLOR] * len(choices)
    else:
        colors = [ANSWER_COLOR if i == answer else OTHER_COLOR for i in range(len(choices))]
    total = sum(counts)
    labels = [f"{n} ({n / total:.0%})" if total else "0" for n in counts]
    fig = go.Figure(
        go.Bar(
            x=list(counts),
            y=list(choices),
            orientation="h",
            marker_color=colors,
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )  # fmt: skip
    )
    fig.update_layout(  # compact: under a step's formula on a 720 px projector
        xaxis={"visible": False, "range": [0, max(1, *counts) * 1.3]},
        yaxis={"autorange": "reversed", "tickfont": {"size": 15}},
        bargap=0.25,
        height=16 + 34 * len(choices),
        margin={**MARGIN, "t": 8, "b": 8},
        showlegend=False,
    )
    return fig


def qr_png(url: str, scale: int = 8) -> bytes:
    """The class link as a QR code (PNG, black on white, a quiet zone of 4 modules) for the projector."""
    import segno  # only the Lecture page of a teacher draws one

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")


def gallery_fig(
    names: Sequence[str],
    datasets: Sequence[str],
    families: Sequence[str],
    codes: Sequence[int],
    errors: Sequence[float],
    labels: Sequence[str] | None = None,
) -> go.Figure:
    """The class's shared models on one chart: validation error against code size, a colour per dataset (errors compare
    only on the same data) and a symbol per family; the display names (escaped by the caller) on hover, and beside the
    points while there are few as `labels` (the names cut to LABEL_CHARS by the caller before escaping; default: the
    names)."""
    labels = names if labels is None else labels
    fig = go.Figure()
    colour = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(dict.fromkeys(datasets))}
    symbol = {f: SYMBOLS[i % len(SYMBOLS)] for i, f in enumerate(dict.fromkeys(families))}
    for dataset, family in dict.fromkeys(zip(datasets, families, strict=True)):
        rows = [j for j in range(len(names)) if (datasets[j], families[j]) == (dataset, family)]
        fig.add_trace(
            go.Scatter(
                x=[codes[j] for j in rows],
                y=[errors[j] for j in rows],
                mode="markers+text" if len(names) <= LABELLED else "markers",
                textposition="top center",
                cliponaxis=False,
                name=f"{dataset} · {family}",
                marker={
                    "size": 13,
                    "color": colour[dataset],
                    "symbol": symbol[family],
                    "line": {"width": 1, "color": "white"},
                },  # fmt: skip
                text=[labels[j] for j in rows],
                customdata=[names[j] for j in rows],
                hovertemplate="%{customdata}<br>code %{x} units<br>validation MSE %{y:.4f}<extra>%{fullData.name}</extra>",
            )
        )
    wide = max(codes, default=1) / max(1, min(codes, default=1)) > 8  # 2 to 64 units: a log axis
    # labelled at the class's own code sizes (powers of 2 when there are many): Plotly's log labels ("2 3 4 … 9 10 2
    # 3") do not read on a projector
    sizes = sorted(set(codes))
    if len(sizes) > 8:
        sizes = [2**k for k in range(max(0, min(sizes).bit_length() - 1), (max(sizes) - 1).bit_length() + 1)]
    ticks = {"tickvals": sizes, "ticktext": [str(c) for c in sizes]}  # also linear: no "1.5 code units" for one size
    fig.update_layout(
        xaxis={"title": "code units", "type": "log" if wide else "linear", **ticks},
        yaxis={"title": "validation MSE", "range": [0, max(errors, default=1.0) * 1.25]},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        showlegend=True,
        height=340,
        margin={**MARGIN, "t": 60, "r": 40},
    )
    return fig
