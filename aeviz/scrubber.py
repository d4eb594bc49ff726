"""The epoch scrubber: one Plotly figure that replays how the code formed, epoch by epoch.

Training keeps a float16 2-D view of the shown validation rows after every epoch (`aeviz.training.fit`); this figure
puts them in Plotly animation frames beside the loss curves, with a marker on the curves at the frame's epoch. Plotly's
own slider and Play button run in the browser: scrubbing costs the server nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aeviz.escaping import plotly_text
from aeviz.plots import CLASS_COLORS, COLOR, MARGIN, log_ticks, loss_log_scale

MAX_FRAMES = 60  # epochs shown at most (evenly spaced, the first and last always): 60 x 1,000 points is ~1 MB


def frame_epochs(n_epochs: int, most: int = MAX_FRAMES) -> list[int]:
    """The epoch indices (0-based) that get a frame: all of them, or `most` evenly spaced ones with both ends."""
    if n_epochs <= most:
        return list(range(n_epochs))
    return sorted({int(round(i)) for i in np.linspace(0, n_epochs - 1, most)})


def point_colors(labels: np.ndarray | None, label_kind: str) -> dict:
    """Marker colours for one trace: a colour per class, a colour scale for a continuous label, or one colour."""
    if labels is None or label_kind == "none":
        return {"color": COLOR["points"]}
    if label_kind == "class":
        return {"color": [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in labels]}
    return {"color": np.asarray(labels, dtype=np.float32), "colorscale": "Viridis"}


def _limits(views: Sequence[np.ndarray]) -> list[list[float]]:
    """Fixed axis ranges that hold every frame's points (5 % margin), so the picture does not jump while it plays."""
    stacked = np.concatenate([np.asarray(v, dtype=np.float32) for v in views])
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    pad = 0.05 * np.maximum(high - low, 1e-6)
    return [[float(low[i] - pad[i]), float(high[i] + pad[i])] for i in range(2)]


def _marker(history: Sequence[dict], index: int) -> go.Scatter:
    row = history[index]
    return go.Scatter(
        x=[row["epoch"], row["epoch"]],
        y=[row["train_loss"], row["val_loss"]],
        mode="markers",
        marker={"size": 11, "color": [COLOR["training"], COLOR["validation"]], "line": {"width": 1, "color": "white"}},
        name="this epoch",
        hoverinfo="skip",
    )


def _marker_position(history: Sequence[dict], index: int) -> go.Scatter:
    row = history[index]
    return go.Scatter(x=[row["epoch"], row["epoch"]], y=[row["train_loss"], row["val_loss"]])


def _positions(view: np.ndarray) -> go.Scatter:
    view = np.asarray(view, dtype=np.float32)
    return go.Scatter(x=view[:, 0], y=view[:, 1])


def _scatter(view: np.ndarray, colors: dict, hover: list[str] | None) -> go.Scatter:
    view = np.asarray(view, dtype=np.float32)
    return go.Scatter(
        x=view[:, 0], y=view[:, 1], mode="markers", marker={"size": 4, **colors}, text=hover, hoverinfo="text",
        name="validation rows", showlegend=False,
    )  # fmt: skip


def scrubber_fig(
    views: Sequence[np.ndarray],
    history: Sequence[dict],
    labels: np.ndarray | None = None,
    label_kind: str = "none",
    class_names: Sequence[str] = (),
    axis_titles: tuple[str, str] = ("z₀", "z₁"),
) -> go.Figure:
    """The latent space at each kept epoch (frames), next to the loss curves with the frame's epoch marked.

    views[i] is the (n_rows, 2) view after epoch i + 1 and history[i] its losses; the figure opens on the last epoch.
    """
    if not views or len(views) != len(history):
        raise ValueError("one view per epoch of the history is needed")
    kept = frame_epochs(len(views))
    colors = point_colors(labels, label_kind)
    hover = None
    if labels is not None and label_kind == "class":
        hover = [plotly_text(class_names[int(c)] if int(c) < len(class_names) else str(c)) for c in labels]
    epochs = [row["epoch"] for row in history]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.1)
    fig.add_trace(_scatter(views[kept[-1]], colors, hover), row=1, col=1)
    fig.add_trace(go.Scatter(x=epochs, y=[r["train_loss"] for r in history], name="training loss",
                             line={"color": COLOR["training"]}), row=1, col=2)  # fmt: skip
    fig.add_trace(go.Scatter(x=epochs, y=[r["val_loss"] for r in history], name="validation loss",
                             line={"color": COLOR["validation"], "dash": "dash"}), row=1, col=2)  # fmt: skip
    fig.add_trace(_marker(history, kept[-1]), row=1, col=2)
    if labels is not None and label_kind == "class":  # the points are one trace (light frames): a key of its own
        for c in sorted({int(c) for c in labels}):
            name = plotly_text(class_names[c] if c < len(class_names) else str(c))
            key = go.Scatter(x=[None], y=[None], mode="markers", name=name, legend="legend2",
                             marker={"size": 8, "color": CLASS_COLORS[c % len(CLASS_COLORS)]})  # fmt: skip
            fig.add_trace(key, row=1, col=1)
    names = [str(history[i]["epoch"]) for i in kept]
    # a frame carries only what changes (the points' positions, the marker): Plotly keeps the rest of each trace, and
    # validating 1,000 colours and labels again per frame took 3.5 s for 60 frames
    fig.frames = [
        go.Frame(data=[_positions(views[i]), _marker_position(history, i)], traces=[0, 3], name=name)
        for i, name in zip(kept, names, strict=True)
    ]
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    playing = {"frame": {"duration": 150, "redraw": False}, "transition": {"duration": 0}, "fromcurrent": False}
    x_range, y_range = _limits([views[i] for i in kept])
    fig.update_layout(
        height=500,
        margin={**MARGIN, "t": 60, "b": 120},
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.14},
        legend2={"orientation": "h", "x": 0.0, "y": 1.14},  # the digits' key, above the scatter
        updatemenus=[{
            "type": "buttons", "direction": "left", "x": 0.0, "y": -0.2, "xanchor": "left", "yanchor": "top",
            "showactive": False,
            "buttons": [
                {"label": "▶ Play", "method": "animate", "args": [None, playing]},
                {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
            ],
        }],
        sliders=[{
            "active": len(kept) - 1, "x": 0.16, "y": -0.16, "yanchor": "top", "len": 0.84, "pad": {"t": 10},
            "currentvalue": {"prefix": "epoch "},
            "steps": [{"label": n, "method": "animate", "args": [[n], still]} for n in names],
        }],
    )  # fmt: skip
    fig.update_xaxes(title_text=axis_titles[0], range=x_range, row=1, col=1)
    fig.update_yaxes(title_text=axis_titles[1], range=y_range, row=1, col=1)
    fig.update_xaxes(title_text="epoch", row=1, col=2)
    if loss_log_scale(history):
        losses = [v for h in history for v in (h["train_loss"], h["val_loss"])]
        fig.update_yaxes(title_text="loss (log scale)", row=1, col=2, **log_ticks(losses))
    else:
        fig.update_yaxes(title_text="loss", type="linear", row=1, col=2)
    return fig
