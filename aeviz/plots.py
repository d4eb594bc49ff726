"""Plotly figures: pure functions, arrays in, `plotly.graph_objects.Figure` out.

Scatter plots carry each point's row index in `customdata`, because a Streamlit selection counts points within one trace
and a coloured scatter has one trace per class; `selected_row` turns a selection back into a row index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from aeviz.configs import ModelConfig
from aeviz.escaping import plotly_text

CLASS_COLORS = qualitative.D3
# The house palette for series that are not classes (training/validation, error/share): Okabe and Ito's eight colours,
# told apart by colour-blind eyes and on a washed-out projector.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# What each colour means, the same on every page and in the browser components (ui.display hands them to the scripts):
# training is blue and validation orange wherever a loss is drawn; PCA is blue and an autoencoder vermillion wherever the
# two are compared; the encoder, the code and the decoder keep their colours from the Home page's drawing on.
COLOR = {
    "training": PALETTE[0],
    "validation": PALETTE[1],
    "pca": PALETTE[0],
    "autoencoder": PALETTE[3],
    "linear": PALETTE[2],
    "encoder": PALETTE[0],
    "code": PALETTE[3],
    "decoder": PALETTE[2],
    "points": PALETTE[0],  # points without a class
    "marked": PALETTE[3],  # the point or copy the page is about
    "quantity": PALETTE[4],  # a single measured series (unit means, angles)
    "muted": "#888888",  # guides and text beside a figure
}
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def _scatter_traces(coords: np.ndarray, labels, label_kind: str, class_names: Sequence[str], label_name: str, size):
    """Traces of a latent scatter. Class names and the label's name come from the user's file: they reach Plotly's
    HTML only through `plotly_text`, and the hover label takes them as data, never inside its template."""
    three_d = coords.shape[1] == 3
    Trace = go.Scatter3d if three_d else go.Scatter  # SVG: at most ~1,000 points are shown, and clicks pick reliably
    rows = np.arange(len(coords))
    label_name = plotly_text(label_name)
    names = [plotly_text(name) for name in class_names]

    def shown(value) -> str:
        if label_kind == "class" and int(value) < len(names):
            return names[int(value)]
        return f"{value:.3g}" if isinstance(value, float | np.floating) else str(value)

    def trace(mask, **kw):
        xyz = {"x": coords[mask, 0], "y": coords[mask, 1]}
        if three_d:
            xyz["z"] = coords[mask, 2]
        text = [f"{label_name} {shown(v)}" for v in labels[mask]] if labels is not None else None
        hover = "row %{customdata}<br>%{text}<extra></extra>" if text else "row %{customdata}<extra></extra>"
        return Trace(**xyz, mode="markers", customdata=rows[mask], text=text, hovertemplate=hover, **kw)

    if label_kind == "class" and labels is not None:
        traces = []
        for k in np.unique(labels):
            name = names[k] if k < len(names) else str(k)
            color = CLASS_COLORS[int(k) % len(CLASS_COLORS)]
            traces.append(trace(labels == k, name=name, marker={"size": size, "color": color, "opacity": 0.8}))
        return traces
    marker = {"size": size, "opacity": 0.85}
    if labels is not None:
        marker |= {"color": labels, "colorscale": "Viridis", "colorbar": {"title": {"text": label_name}, "thickness": 12}}
    return [trace(np.ones(len(coords), bool), name="points", marker=marker, showlegend=False)]


def latent_scatter_fig(
    coords: np.ndarray,
    labels: np.ndarray | None = None,
    *,
    label_kind: str = "none",
    class_names: Sequence[str] = (),
    label_name: str = "label",
    title: str = "",
    axis_titles: tuple[str, ...] = ("z₀", "z₁", "z₂"),
    highlight: int | None = None,
    meta: str | None = None,
) -> go.Figure:
    """Scatter of coords (n_samples, 2 or 3), coloured by class or by a continuous value, row index in customdata.

    `meta` goes to layout.meta, where the browser's hover-image component finds the charts it should follow.
    """
    size = 6 if coords.shape[1] == 2 else 3
    axis_titles = tuple(plotly_text(t) for t in axis_titles)  # a 1-D code is drawn against the label's name
    fig = go.Figure(_scatter_traces(coords, labels, label_kind, class_names, label_name, size))
    if highlight is not None and coords.shape[1] == 2:
        x, y = coords[highlight]
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers",
                name="selected",
                hoverinfo="skip",
                showlegend=False,
                marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "black"}},
            )
        )
    fig.update_layout(
        title=title,
        margin=MARGIN,
        height=460,
        legend={"itemsizing": "constant", "title": plotly_text(label_name)},
        meta=meta,
    )
    if coords.shape[1] == 3:
        fig.update_layout(
            scene={"xaxis_title": axis_titles[0], "yaxis_title": axis_titles[1], "zaxis_title": axis_titles[2]}
        )
    else:
        fig.update_layout(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1])
    return fig


def code_axis_titles(latent_dim: int, label_kind: str = "none", label_name: str = "") -> tuple[str, str]:
    """Axis titles of the 2-D view of a code (`projection.live_view`): a 1-D code against its label, a 2-D code as it
    is, a wider one by its first two principal components."""
    if latent_dim == 1:
        return ("z₀", label_name if label_kind != "none" else "")
    return ("z₀", "z₁") if latent_dim == 2 else ("PC 1 of the code", "PC 2 of the code")


def selected_row(event) -> int | None:
    """The row index of the first selected point of a Streamlit plotly selection event, or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata")
        if isinstance(data, dict):  # Streamlit 1.67 sends {'0': 1993}
            data = next(iter(data.values()), None)
        elif isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            return int(data)
    return None


def log_ticks(values: Sequence[float]) -> dict:
    """A log axis's ticks at 1, 2 and 5 of every decade the positive `values` span, labelled as plain numbers
    (0.05, 0.002): Plotly's own log ticks label 0.05 as "5" beside a small exponent a projector loses."""
    positive = [v for v in values if v > 0 and np.isfinite(v)]
    if not positive:
        return {"type": "log"}
    low, high = min(positive), max(positive)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    ticks = [m * 10.0**e for e in range(first, last + 1) for m in (1, 2, 5)]
    ticks = [float(f"{t:.3g}") for t in ticks if low / 2.5 <= t <= high * 2.5]
    return {"type": "log", "tickvals": ticks, "ticktext": [f"{t:,g}" for t in ticks]}


LOG_SCALE_SPAN = 10  # losses spanning more than this factor get a log axis, or the later epochs would lie flat on 0


def loss_log_scale(history: Sequence[dict]) -> bool:
    """Whether the losses are best read on a log axis: all positive and spanning more than LOG_SCALE_SPAN."""
    values = [v for h in history for v in (h["train_loss"], h["val_loss"]) if np.isfinite(v)]
    return bool(values) and min(values) > 0 and max(values) / min(values) > LOG_SCALE_SPAN


def loss_curves_fig(history: Sequence[dict], total_epochs: int | None = None) -> go.Figure:
    """Training and validation loss per epoch; a gap between them is overfitting."""
    epochs = [h["epoch"] for h in history]
    fig = go.Figure(
        [
            go.Scatter(
                x=epochs,
                y=[h["train_loss"] for h in history],
                name="training",
                mode="lines+markers",
                line={"color": COLOR["training"]},
            ),
            go.Scatter(
                x=epochs,
                y=[h["val_loss"] for h in history],
                name="validation",
                mode="lines+markers",
                line={"color": COLOR["validation"], "dash": "dash"},
            ),
        ]
    )
    fig.update_layout(
        title="Loss per epoch",
        xaxis_title="epoch",
        yaxis_title="loss per feature",
        margin=MARGIN,
        height=320,
        legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
    )
    if total_epochs:
        fig.update_xaxes(range=[0.5, total_epochs + 0.5])
    if loss_log_scale(history):
        values = [v for h in history for v in (h["train_loss"], h["val_loss"])]
        fig.update_yaxes(title="loss per feature (log scale)", **log_ticks(values))
    return fig


def _layers(config: ModelConfig) -> list[tuple[str, int]]:
    """(name, width) of each layer from input to output; conv stages count their activations."""
    if config.arch == "conv":
        h, w = config.image_shape
        encoder = [("input x", config.n_features)]
        encoder += [
            (f"conv {c}", c * -(-h // 2 ** (i + 1)) * -(-w // 2 ** (i + 1))) for i, c in enumerate(config.conv_channels)
        ]
    else:
        widths = [] if config.arch == "vanilla" else list(config.hidden)
        encoder = [("input x", config.n_features)] + [("hidden", w) for w in widths]
    decoder = [("output r" if name == "input x" else name, width) for name, width in encoder[::-1]]
    return [*encoder, ("code h", config.latent_dim), *decoder]


_TEXT = 'font-size="14" text-anchor="middle"'


def architecture_svg(config: ModelConfig) -> str:
    """The encoder → code → decoder shape as an SVG drawing: one bar per layer, its height in proportion to its width
    (at least a few pixels, so a 2-unit code stays visible): a log scale made 784, 256 and 128 look alike and hid the
    bottleneck. SVG rather than Plotly so that the home page needs no chart library in the browser (0.7 s at start-up)."""
    layers = _layers(config)
    n_encoder = (len(layers) - 1) // 2
    step, bar, top, tall = 90, 44, 40, 170
    widest = max(x for _, x in layers)
    heights = [max(6.0, tall * w / widest) for _, w in layers]
    width = step * len(layers) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + tall + 70}" font-family="sans-serif">']
    for i, ((name, units), height) in enumerate(zip(layers, heights, strict=True)):
        x = 10 + i * step + (step - bar) / 2
        y = top + (tall - height) / 2
        color = COLOR["code"] if i == n_encoder else (COLOR["encoder"] if i < n_encoder else COLOR["decoder"])
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{bar}" height="{height:.0f}" rx="6" fill="{color}"/>')
        centre = x + bar / 2
        parts.append(f'<text x="{centre:.0f}" y="{top + tall + 22}" {_TEXT}>{name}</text>')
        parts.append(f'<text x="{centre:.0f}" y="{top + tall + 40}" {_TEXT} fill="#555">{units}</text>')
        if i:
            arrow_x, arrow_y = x - (step - bar) / 2, top + tall / 2 + 5
            parts.append(f'<text x="{arrow_x:.0f}" y="{arrow_y:.0f}" {_TEXT} fill="#888">→</text>')
    for label, centre, color in (
        ("encoder  h = f(x)", 10 + step * n_encoder / 2, COLOR["encoder"]),
        ("latent space", 10 + step * (n_encoder + 0.5), COLOR["code"]),
        ("decoder  r = g(h)", 10 + step * (n_encoder + 1 + n_encoder / 2), COLOR["decoder"]),
    ):
        parts.append(f'<text x="{centre:.0f}" y="22" {_TEXT} font-weight="bold" fill="{color}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_fig(values: np.ndarray, title: str, x_title: str = "activation") -> go.Figure:
    """Histogram of values, e.g. every code activation of the validation set."""
    fig = go.Figure(go.Histogram(x=np.asarray(values).ravel(), nbinsx=50, marker_color=COLOR["points"]))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title="count", yaxis_type="log", margin=MARGIN, height=280)
    return fig


def unit_means_fig(means: np.ndarray, title: str) -> go.Figure:
    """Mean activation of each code unit, sorted from the busiest to the quietest."""
    ordered = np.sort(np.asarray(means))[::-1]
    fig = go.Figure(go.Bar(x=np.arange(len(ordered)), y=ordered, marker_color=COLOR["quantity"]))
    fig.update_layout(title=title, xaxis_title="unit (sorted)", yaxis_title="mean activation", margin=MARGIN, height=280)
    return fig


def lambda_sweep_fig(lambdas: Sequence[float], active: Sequence[float], errors: Sequence[float]) -> go.Figure:
    """Active fraction and reconstruction error against λ, on two y-axes."""
    labels = [f"{v:g}" for v in lambdas]
    fig = go.Figure(
        [
            go.Scatter(x=labels, y=active, name="active fraction", mode="lines+markers", line={"color": PALETTE[0]}),
            go.Scatter(
                x=labels,
                y=errors,
                name="validation MSE",
                mode="lines+markers",
                yaxis="y2",
                line={"color": PALETTE[1], "dash": "dash"},
            ),
        ]
    )
    fig.update_layout(
        title="λ sweep",
        xaxis={"title": "λ", "type": "category"},  # evenly spaced: the values grow about 3× per step
        yaxis={"title": "active fraction", "rangemode": "tozero", "tickformat": ".0%", "color": PALETTE[0]},
        yaxis2={
            "title": "validation MSE",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "color": PALETTE[1],
            "tickformat": ".3f",
        },
        margin=MARGIN,
        height=340,
        legend={"orientation": "h", "y": 1.15},
    )
    return fig


ROLL_CAMERA = {"eye": {"x": 0.4, "y": 2.0, "z": 0.5}, "up": {"x": 0, "y": 0, "z": 1}}


def points_3d_fig(
    X: np.ndarray, colors: np.ndarray | None, marked: np.ndarray | None = None, title: str = "", joined: bool = True
) -> go.Figure:
    """Tabular 3-D data (a swiss roll) with decoded points marked in red."""
    fig = go.Figure(
        go.Scatter3d(
            x=X[:, 0],
            y=X[:, 1],
            z=X[:, 2],
            mode="markers",
            name="data",
            hoverinfo="skip",
            marker={"size": 2, "color": colors, "colorscale": "Viridis", "opacity": 0.5},
        )
    )
    if marked is not None:
        marked = np.atleast_2d(marked)
        fig.add_trace(
            go.Scatter3d(
                x=marked[:, 0],
                y=marked[:, 1],
                z=marked[:, 2],
                mode="markers+lines" if joined else "markers",  # joined: a path through the code (a walk)
                name="decoded",
                marker={"size": 6, "color": "red"},
                line={"color": "red"},
            )
        )
    # Looking along the roll's axis (y in scikit-learn's swiss roll and S-curve): the spiral shows at once; Plotly's
    # default corner view put the turns behind each other.
    fig.update_layout(title=title, margin=MARGIN, height=420, showlegend=False, scene_camera=ROLL_CAMERA)
    return fig
