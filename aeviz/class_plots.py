"""The room's figures: the votes on a question, live on the teacher's projector (Plotly), and the class link as a QR code.

Pure functions, like aeviz/plots.py.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import plotly.graph_objects as go

from aeviz.plots import MARGIN, PALETTE

ANSWER_COLOR, OTHER_COLOR, OPEN_COLOR = PALETTE[2], "#BBBBBB", PALETTE[0]
LABELLED = 12  # up to this many models, the gallery chart writes each name beside its point


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


def gallery_fig(names: Sequence[str], families: Sequence[str], codes: Sequence[int], errors: Sequence[float]) -> go.Figure:
    """The class's shared models on one chart: validation error against code size, one colour per family; the
    display names (escaped by the caller) beside the points while there are few, on hover always."""
    fig = go.Figure()
    for i, family in enumerate(dict.fromkeys(families)):
        rows = [j for j, f in enumerate(families) if f == family]
        fig.add_trace(
            go.Scatter(
                x=[codes[j] for j in rows],
                y=[errors[j] for j in rows],
                mode="markers+text" if len(names) <= LABELLED else "markers",
                textposition="top center",
                name=family,
                marker={"size": 13, "color": PALETTE[i % len(PALETTE)], "line": {"width": 1, "color": "white"}},
                text=[names[j] for j in rows],
                hovertemplate="%{text}<br>code %{x} units<br>validation MSE %{y:.4f}<extra>%{fullData.name}</extra>",
            )
        )
    wide = max(codes, default=1) / max(1, min(codes, default=1)) > 8  # 2 to 64 units: a log axis
    fig.update_layout(
        xaxis={"title": "code units", "type": "log" if wide else "linear"},
        yaxis={"title": "validation MSE", "rangemode": "tozero"},
        legend={"title": "family", "orientation": "h", "y": 1.12},
        showlegend=True,
        height=320,
        margin={**MARGIN, "t": 50},
    )
    return fig
