"""Latent walk: move through the code with sliders and watch the decoder draw; the decoded grid; interpolation.

Every widget is bound to the URL under a stable name (walk_row, walk_browser, grid_x, interp_a…), so a link opens the
same walk; the starting row resets by itself when a model with fewer rows makes it out of range.
"""

from dataclasses import dataclass

import streamlit as st

from aeviz import ui
from aeviz.datasets import Dataset
from aeviz.handout import png_figure
from aeviz.latent import decode, interpolate, latent_grid, nearest_index
from aeviz.lecture import walk_latex, walk_sentence
from aeviz.montages import display_scale, montage
from aeviz.plots import points_3d_fig

MAX_SLIDERS = 16
TABLE_POINTS = 1_500  # training rows drawn behind decoded points of tabular data (a swiss roll)
BOUND = "query-params"


@dataclass(frozen=True)
class WalkSettings:
    row: int  # the validation row the walk starts from
    dims: list[int]  # the code dimensions with a slider
    in_browser: bool  # decode in the browser (images only), else server sliders


@dataclass(frozen=True)
class GridSettings:
    dims: tuple[int, int]  # (horizontal, vertical) code dimensions
    steps: int


@dataclass(frozen=True)
class InterpolationSettings:
    start: int  # validation rows at the two ends
    end: int
    steps: int


class Outputs:
    """Draws decoded rows: a montage for images, points in the data's own 3-D units for tables."""

    def __init__(self, data: Dataset, large: bool = False):
        self.data = data
        self.scale = display_scale(data.image_shape) if data.is_image else 1
        # the walked image: for the back row of a projector (the presenter view), twice as tall
        self.walk_scale = display_scale(data.image_shape, target=280) if data.is_image and large else self.scale
        # the training rows behind every 3-D plot, converted once per page run
        self.original = None if data.is_image else data.scaler.inverse_transform(data.X_train[:TABLE_POINTS])

    def show(self, outputs, caption: str, columns: int | None = None, scale: int | None = None, pad=4) -> None:
        """`outputs` (n, n_features) under `caption`; images in `columns` columns, `scale` times enlarged."""
        data = self.data
        if data.is_image:
            image = montage(outputs, data.image_shape, columns or len(outputs), scale or self.scale, pad=pad)
            ui.show_image(image, caption)
        else:
            fig = points_3d_fig(
                self.original, data.y_train[:TABLE_POINTS], data.scaler.inverse_transform(outputs), title=caption
            )
            st.plotly_chart(fig, key=f"points_{caption}")


def walk_form(model: ui.ActiveModel, data: Dataset) -> WalkSettings:
    """The row to start from (by default the point clicked on the Latent space page for this model), the dimensions
    with a slider, and where to decode."""
    n_rows = len(ui.view_rows(data))
    picked = ui.session().picked
    start = picked.row if picked is not None and picked.model_key == model.key and picked.row < n_rows else 0
    row = st.number_input("Start from validation sample", 0, n_rows - 1, start, key="walk_row", bind=BOUND)
    if start and row == start:
        st.caption(f"Starting at the point you clicked on the Latent space page (sample {start}).")
    latent = model.checkpoint.config.latent_dim
    dims = list(range(latent))
    if latent > MAX_SLIDERS:
        dims = st.multiselect(
            f"Dimensions with a slider (up to {MAX_SLIDERS})",
            dims,
            dims[:MAX_SLIDERS],
            max_selections=MAX_SLIDERS,
            key="walk_dims",
            bind=BOUND,
        )
    in_browser = data.is_image and st.toggle(
        "Decode in the browser",
        value=True,
        key="walk_browser",
        bind=BOUND,
        help="The decoder runs in your browser, so dragging redraws at screen rate. Off: every step asks the server.",
    )
    return WalkSettings(int(row), list(dims), bool(in_browser))


@st.fragment
def server_walk(model: ui.ActiveModel, data: Dataset, row: int, dims: list[int], out: Outputs) -> None:
    """One server slider per dimension; only this block reruns when one moves."""
    code = ui.codes(model, data)[row].copy()
    bounds = ui.ranges(model, data)
    sliders = st.columns(min(4, max(1, len(dims))))
    for i, d in enumerate(dims):
        low, high = (float(v) for v in bounds[d])
        value = min(max(float(code[d]), low), high)
        code[d] = sliders[i % len(sliders)].slider(
            f"z{d}", low, high, value, step=(high - low) / 100, key=f"walk_z{d}", format="%.2f", bind=BOUND
        )
    nearest = nearest_index(ui.codes(model, data, "train"), code)
    left, right = st.columns(2)
    with left:
        out.show(decode(model.checkpoint.model, code), "decoded g(h)", scale=out.walk_scale)
    with right:
        out.show(data.X_train[nearest : nearest + 1], f"nearest training sample ({nearest})")


def browser_walk(model: ui.ActiveModel, data: Dataset, row: int, dims: list[int], out: Outputs) -> None:
    """The decoder runs in the browser; the code comes back to the server on release, for the nearest sample."""
    Z = ui.codes(model, data)
    pad = (dims[0], dims[1]) if len(dims) >= 2 else None
    code = ui.browser_decoder(
        model,
        Z[row],
        dims,
        ui.ranges(model, data),
        pad,
        Z,
        ui.view_labels(data),
        out.walk_scale,
        key=f"decoder_{model.key}_{row}",
    )
    nearest = nearest_index(ui.codes(model, data, "train"), code)
    with ui.beside("walk"):  # in the lecture, beside the pad: under it, the pad would leave the first screen
        st.caption("Drag the cross-hair or a slider: g(h) is decoded in your browser as you move. On release:")
        out.show(data.X_train[nearest : nearest + 1], f"nearest training sample ({nearest}) to the code you released")


def grid_form(latent: int) -> GridSettings:
    grid_cols = st.columns(3)
    dim_x = grid_cols[0].selectbox("Horizontal dimension", range(latent), 0, key="grid_x", bind=BOUND)
    dim_y = grid_cols[1].selectbox("Vertical dimension", range(latent), 1, key="grid_y", bind=BOUND)
    steps = grid_cols[2].slider("Steps", 5, 25, 15, key="grid_steps", bind=BOUND)
    return GridSettings((int(dim_x), int(dim_y)), int(steps))


def grid_panel(model: ui.ActiveModel, data: Dataset, row: int, out: Outputs) -> None:
    st.subheader("The decoded grid (the latent 'manifold')")
    latent = model.checkpoint.config.latent_dim
    if latent < 2:
        st.caption("A 1-D code has no grid; the walk above covers it.")
        return
    settings = grid_form(latent)
    (dim_x, dim_y), steps = settings.dims, settings.steps
    if dim_x == dim_y:
        st.warning("Choose two different dimensions.")
        return
    grid = latent_grid(model.checkpoint.model, ui.codes(model, data)[row], settings.dims, ui.ranges(model, data), steps)
    caption = f"z{dim_x} grows to the right, z{dim_y} grows upward; other dimensions as at sample {row}"
    out.show(
        grid.reshape(steps * steps, -1), caption if data.is_image else "decoded grid", steps, max(1, out.scale // 3), pad=1
    )


def interpolation_form(n_rows: int, row: int) -> InterpolationSettings:
    cols = st.columns(3)
    a = cols[0].number_input("From sample", 0, n_rows - 1, row, key="interp_a", bind=BOUND)
    b = cols[1].number_input("To sample", 0, n_rows - 1, min(n_rows - 1, row + 1), key="interp_b", bind=BOUND)
    steps = cols[2].slider("Steps", 3, 15, 9, key="interp_steps", bind=BOUND)
    return InterpolationSettings(int(a), int(b), int(steps))


def interpolation_panel(model: ui.ActiveModel, data: Dataset, row: int, out: Outputs) -> None:
    st.subheader("Interpolation between two samples")
    X, Z = ui.view_rows(data), ui.codes(model, data)
    ends = interpolation_form(len(X), row)
    a, b = ends.start, ends.end
    out.show(
        decode(model.checkpoint.model, interpolate(Z[a], Z[b], ends.steps)),
        "decoded along the straight line between the two codes",
    )
    if data.is_image:
        out.show(
            interpolate(X[a], X[b], ends.steps), "for contrast: the pixels blended directly (a cross-fade, not a morph)"
        )


ui.sidebar()
active = ui.active_model()
dataset = ui.require_dataset(active.checkpoint)
st.title("Walk the latent space")
st.markdown(
    "The decoder **g** turns any code **h** into an output. Move a slider and **g(h)** is drawn at once: this is how "
    "the lecture's *latent space → decoder* half works on its own. (The shipped variational model, mnist-vae-2d, goes "
    "beyond the lecture: its loss also pulls the codes towards a standard normal distribution.)"
)
outputs = Outputs(dataset, large=ui.presenting())
walk = walk_form(active, dataset)
with ui.key_figure("walk"):
    (browser_walk if walk.in_browser else server_walk)(active, dataset, walk.row, walk.dims, outputs)
start = ui.codes(active, dataset)[walk.row]
pictures = []
if dataset.is_image and ui.on_stage("walk"):  # the handout keeps g(h) at the starting code
    decoded = montage(decode(active.checkpoint.model, start), dataset.image_shape, 1, outputs.walk_scale)
    pictures.append(png_figure(decoded, f"g(h) at sample {walk.row}'s code"))
ui.explain("walk", walk_latex(start), walk_sentence(walk.row, ui.ranges(active, dataset), walk.dims), pictures)
st.divider()
grid_panel(active, dataset, walk.row, outputs)
st.divider()
interpolation_panel(active, dataset, walk.row, outputs)
