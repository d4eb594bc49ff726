"""Plotly figures of the application pages: the train-noise × test-noise grid, codes moved by noise, and images side by
side with one shared zoom.

Pure functions, arrays in, `plotly.graph_objects.Figure` out, like aeviz/plots.py (whose margins they share).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aeviz.plots import COLOR, MARGIN


def noise_grid_fig(psnr: np.ndarray, train_levels: Sequence[float], test_levels: Sequence[float]) -> go.Figure:
    """Mean PSNR (dB) of denoisers (rows: the σ each was trained at) on inputs corrupted at each test σ (columns); the
    best model of each column is outlined."""
    rows = [f"trained at σ = {s:g}" for s in train_levels]
    cols = [f"{s:g}" for s in test_levels]
    fig = go.Figure(
        go.Heatmap(
            z=psnr,
            x=cols,
            y=rows,
            colorscale="Viridis",
            text=np.vectorize(lambda v: f"{v:.1f}")(psnr),
            texttemplate="%{text}",
            colorbar={"title": "PSNR dB"},
            hovertemplate="%{y}, tested at σ = %{x}: %{z:.2f} dB<extra></extra>",
        )
    )
    for j, i in enumerate(np.argmax(psnr, axis=0)):
        fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5, line={"color": "white", "width": 3})
    fig.update_layout(
        title="PSNR on validation digits: each column's best denoiser is outlined",
        xaxis={"title": "noise σ at test time", "type": "category"},  # "0.25" is a label, not a number on a line
        yaxis={"type": "category"},
        margin=MARGIN,
        height=320,
    )
    return fig


def code_arrows_fig(clean: np.ndarray, noisy: np.ndarray, labels: np.ndarray | None, title: str) -> go.Figure:
    """Arrows from each digit's clean code to the code of its noisy copy, in a 2-D view (n, 2) of the code space."""
    xs, ys = [], []
    for (x0, y0), (x1, y1) in zip(clean, noisy, strict=True):
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    hover = None if labels is None else [f"digit {label}" for label in labels]
    fig = go.Figure(
        [
            go.Scatter(x=xs, y=ys, mode="lines", line={"color": COLOR["muted"], "width": 1}, hoverinfo="skip", name="moved"),
            go.Scatter(
                x=clean[:, 0],
                y=clean[:, 1],
                mode="markers",
                name="clean digit",
                text=hover,
                marker={"size": 7, "color": COLOR["points"]},
            ),
            go.Scatter(
                x=noisy[:, 0],
                y=noisy[:, 1],
                mode="markers",
                name="its noisy copy",
                text=hover,
                marker={"size": 7, "color": COLOR["marked"], "symbol": "x"},
            ),
        ]
    )
    fig.update_layout(
        title=title,
        margin=MARGIN,
        height=380,
        xaxis_title="code PC 1",
        yaxis={"title": "code PC 2", "scaleanchor": "x"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def zoom_compare_fig(images: Sequence[np.ndarray], titles: Sequence[str]) -> go.Figure:
    """Images of one size side by side — grayscale (height, width) in [0, 1] or colour uint8 (height, width, 3) —;
    zooming or panning one zooms all (drag a box to look closer, double-click to reset)."""
    fig = make_subplots(1, len(images), subplot_titles=list(titles), horizontal_spacing=0.02)
    for i, image in enumerate(images, start=1):
        if image.ndim == 3:
            trace = go.Image(z=image, hovertemplate="row %{y}, column %{x}<extra></extra>")
        else:
            trace = go.Heatmap(
                z=np.clip(image, 0, 1),
                colorscale="gray",
                zmin=0,
                zmax=1,
                showscale=False,
                hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>",
            )
        fig.add_trace(trace, 1, i)
        fig.update_xaxes(matches="x", showticklabels=False, row=1, col=i)
        fig.update_yaxes(
            matches="y", autorange="reversed", scaleanchor=f"x{'' if i == 1 else i}", showticklabels=False, row=1, col=i
        )
    fig.update_layout(margin=MARGIN, height=340, dragmode="zoom")
    return fig


def error_map_fig(errors: np.ndarray, title: str) -> go.Figure:
    """A (height, width) map of per-pixel errors in [0, 1], brighter where the error is larger."""
    fig = go.Figure(
        go.Heatmap(
            z=errors,
            colorscale="Inferno",
            zmin=0,
            zmax=max(float(errors.max()), 1e-6),
            colorbar={"title": "difference"},
            hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(title=title, margin=MARGIN, height=380, yaxis={"autorange": "reversed", "scaleanchor": "x"})
    return fig
