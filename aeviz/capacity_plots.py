"""Plotly figures of the Capacity page: training against validation error per variant, and the copying test's errors.

Pure functions, like aeviz/plots.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from aeviz.plots import COLOR, MARGIN, PALETTE, log_ticks

COLORS = PALETTE  # one per model variant
TRAINING_COLOR, VALIDATION_COLOR = COLOR["training"], COLOR["validation"]


def train_val_fig(histories: Mapping[str, Sequence[dict]]) -> go.Figure:
    """Each variant's reconstruction error per epoch: training solid, validation dashed, in the variant's colour; a
    log axis, so a gap between two small errors is as visible as between two large ones."""
    traces, values = [], []
    for i, (label, history) in enumerate(histories.items()):
        epochs = [row["epoch"] for row in history]
        color = COLORS[i % len(COLORS)]
        train = [row.get("recon_loss", row["train_loss"]) for row in history]
        val = [row.get("val_recon", row["val_loss"]) for row in history]
        values += train + val
        traces.append(go.Scatter(x=epochs, y=train, name=f"{label}: training", line={"color": color}))
        traces.append(go.Scatter(x=epochs, y=val, name=f"{label}: validation", line={"color": color, "dash": "dash"}))
    fig = _on_a_log_mse_axis(go.Figure(traces), values, legend={"font": {"size": 11}}, height=420)
    fig.update_layout(title="Reconstruction error: training (solid) and validation (dashed)", xaxis_title="epoch")
    return fig


def _on_a_log_mse_axis(fig: go.Figure, values: Sequence[float], **layout) -> go.Figure:
    """The Capacity page's error charts share a log MSE axis with readable ticks and the house margins."""
    fig.update_layout(yaxis={"title": "MSE per feature (log scale)", **log_ticks(values)}, margin=MARGIN, **layout)
    return fig


def errors_fig(errors: Mapping[str, Mapping[str, float]], training: str, validation: str) -> go.Figure:
    """Each finished model's error on its clean training rows and on the validation rows, side by side: the gap and
    the absolute error in one picture (a wide gap can sit on a low validation error). `errors[label][kind]`."""
    labels = list(errors)
    traces = [
        go.Bar(
            x=labels,
            y=[errors[label][kind] for label in labels],
            name=kind,
            marker_color=color,
            text=[f"{errors[label][kind]:.4f}" for label in labels],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}<br>" + kind + ": MSE %{y:.4f}<extra></extra>",
        )
        for kind, color in ((training, TRAINING_COLOR), (validation, VALIDATION_COLOR))
    ]
    values = [errors[label][kind] for label in labels for kind in (training, validation)]
    legend = {"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"}
    fig = _on_a_log_mse_axis(go.Figure(traces), values, legend=legend, height=400, barmode="group")
    fig.update_layout(title="Finished models: error on the training rows and on new (validation) rows")
    return fig


def copy_shares_fig(shares: Mapping[str, Mapping[str, float]], errors: Mapping[str, Mapping[str, float]]) -> go.Figure:
    """The copying test: for each kind of input (training and validation rows first), the share of its detail each
    variant brings back (aeviz.capacity.recovered), as grouped bars from 0 to 100 %; the hover shows the error."""
    traces = []
    for i, (label, found) in enumerate(shares.items()):
        kinds = list(found)
        traces.append(
            go.Bar(
                x=kinds,
                y=[found[k] for k in kinds],
                customdata=[errors[label][k] for k in kinds],
                hovertemplate="%{x}: %{y:.0%} brought back, MSE %{customdata:.4f}",
                name=label,
                marker_color=COLORS[i % len(COLORS)],
            )
        )
    fig = go.Figure(traces)
    fig.update_layout(
        title="How much of each input comes back (1 − error / error of a flat picture)",
        barmode="group",
        yaxis={"title": "detail brought back", "range": [0, 1], "tickformat": ".0%"},
        margin=MARGIN,
        height=380,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
