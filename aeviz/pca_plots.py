"""Plotly figures of the PCA pages: the five steps (spread, covariance, scree) and PCA against autoencoders across k.

Pure functions, arrays in, `plotly.graph_objects.Figure` out, like aeviz/plots.py (whose margins they share).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from aeviz.escaping import plotly_text
from aeviz.plots import COLOR, MARGIN, log_ticks


def feature_spread_fig(mean: np.ndarray, std: np.ndarray, title: str, names: Sequence[str] = ()) -> go.Figure:
    """Mean and standard deviation of each feature (tabular data), as bars with error whiskers."""
    x = [plotly_text(n) for n in names] if len(names) == len(mean) else np.arange(1, len(mean) + 1)
    fig = go.Figure(go.Bar(x=x, y=mean, error_y={"type": "data", "array": std}, marker_color=COLOR["pca"]))
    fig.update_layout(title=title, xaxis_title="feature", yaxis_title="mean ± std", margin=MARGIN, height=300)
    return fig


def covariance_fig(matrix: np.ndarray, kept: np.ndarray, title: str) -> go.Figure:
    """A covariance matrix as a heatmap (red positive, blue negative, white 0); `kept` are the features' numbers."""
    limit = float(np.abs(matrix).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(z=matrix, x=kept, y=kept, colorscale="RdBu", reversescale=True, zmin=-limit, zmax=limit, zmid=0)
    )
    fig.update_layout(
        title=title,
        margin=MARGIN,
        height=440,
        xaxis_title="feature",
        yaxis={"title": "feature", "autorange": "reversed", "scaleanchor": "x"},
    )
    return fig


def scree_fig(ratios: np.ndarray, cumulative: np.ndarray, k: int, shown: int = 50) -> go.Figure:
    """Explained-variance ratio of each of the first `shown` components (bars) and their running sum (line); the
    chosen k is marked."""
    n = min(shown, len(ratios))
    x = np.arange(1, n + 1)
    fig = go.Figure(
        [
            go.Bar(x=x, y=ratios[:n], name="this component", marker_color=COLOR["pca"]),
            go.Scatter(x=x, y=cumulative[:n], name="first k together", mode="lines+markers", marker_color=COLOR["quantity"]),
        ]
    )
    fig.add_vline(x=k, line_dash="dash", line_color=COLOR["muted"])
    fig.update_layout(
        title="Eigenvalues: share of the variance",
        xaxis_title="component",
        yaxis={"title": "share of the variance", "range": [0, 1.02], "tickformat": ".0%"},
        margin=MARGIN,
        height=320,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


SWEEP_STYLE = {  # family: (name in the legend, marker)
    "mlp": ("multilayer autoencoder", {"size": 12, "color": COLOR["autoencoder"], "symbol": "circle"}),
    "linear": ("linear autoencoder", {"size": 11, "color": COLOR["linear"], "symbol": "diamond-open", "line": {"width": 2}}),
}


def sweep_fig(
    pca: np.ndarray, points: Mapping[str, tuple[Sequence[int], Sequence[float]]], title: str, note: str = ""
) -> go.Figure:
    """Validation error against code size k: PCA's curve for every k (pca[k - 1]) and each family's trained models as
    points; both axes logarithmic, so k = 1 … 64 and errors a factor of ten apart stay readable. `note` is written
    under the title (e.g. where the linear autoencoder lands on PCA's curve)."""
    ks = np.arange(1, len(pca) + 1)
    traces = [go.Scatter(x=ks, y=pca, mode="lines", name="PCA (every k)", line={"color": COLOR["pca"], "width": 3})]
    for family, (k_values, errors) in points.items():
        name, marker = SWEEP_STYLE[family]
        traces.append(go.Scatter(x=list(k_values), y=list(errors), mode="markers", name=name, marker=marker))
    values = [e for _, errors in points.values() for e in errors]
    fig = go.Figure(traces)
    fig.update_layout(
        title={"text": plotly_text(title), "subtitle": {"text": plotly_text(note)}},
        xaxis={"title": "code size k", "type": "log", "tickvals": [1, 2, 4, 8, 16, 32, 64]},
        yaxis={"title": "validation MSE per feature (log scale)", **log_ticks([*pca, *values])},
        margin=MARGIN,
        height=420,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def angles_fig(angles: np.ndarray, k: int) -> go.Figure:
    """The k principal angles (degrees, smallest first) between a decoder's span and PCA's first k components."""
    top = float(np.max(angles)) if len(angles) else 0.0
    fig = go.Figure(
        go.Bar(
            x=np.arange(1, len(angles) + 1),
            y=angles,
            marker_color=COLOR["quantity"],
            text=[f"{a:.1f}°" for a in angles],  # a bar of a fraction of a degree is a line: its value says it
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        title=f"Principal angles to PCA's {k}-dimensional subspace",
        xaxis={"title": "angle number (smallest first)", "dtick": 1},
        # From 0 to at least 10°: a 1° angle still looks small beside the axis, and is seen (a 0-90° axis drew the
        # typical 0.4-3° as an empty chart); never past 90°, where the directions are at right angles.
        yaxis={"title": "degrees (90° = at right angles)", "range": [0, min(90.0, max(10.0, 1.3 * top))]},
        margin=MARGIN,
        height=300,
    )
    return fig
