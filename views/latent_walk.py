"""Latent walk: move through the code with sliders and watch the decoder draw; the decoded grid; interpolation."""

import streamlit as st

from aeviz import ui
from aeviz.images import display_scale, montage
from aeviz.latent import decode, interpolate, latent_grid, nearest_index
from aeviz.plots import points_3d_fig

MAX_SLIDERS = 16

ui.sidebar()
checkpoint, model_key = ui.active_checkpoint()
data = ui.check_dataset(checkpoint)
model, latent = checkpoint.model, checkpoint.config.latent_dim

st.title("Walk the latent space")
st.markdown(
    "The decoder **g** turns any code **h** into an output. Move a slider and **g(h)** is drawn at once: this is how "
    "the lecture's *latent space → decoder* half works on its own. A VAE's regularised code makes the walk smoother."
)

X, y = ui.view_rows(data), ui.view_labels(data)
Z = ui.codes(model_key, "shown", checkpoint, X)
Z_train = ui.codes(model_key, "train", checkpoint, data.X_train)
bounds = ui.ranges(model_key, Z)
start = st.session_state.get("walk_start")
start_row = start["row"] if start and start["model"] == model_key and start["row"] < len(X) else 0
row = st.number_input("Start from validation sample", 0, len(X) - 1, start_row, key=f"walk_row_{model_key}")
if start_row and row == start_row:
    st.caption(f"Starting at the point you clicked on the Latent space page (sample {start_row}).")

dims = list(range(latent))
if latent > MAX_SLIDERS:
    dims = st.multiselect(
        f"Dimensions with a slider (up to {MAX_SLIDERS})",
        list(range(latent)),
        list(range(MAX_SLIDERS)),
        max_selections=MAX_SLIDERS,
        key=f"walk_dims_{model_key}",
    )
scale = display_scale(data.image_shape) if data.is_image else 1
in_browser = data.is_image and st.toggle(
    "Decode in the browser",
    value=True,
    key="walk_browser",
    help="The decoder runs in your browser, so dragging redraws at screen rate. Off: every step asks the server.",
)


# tabular data (a swiss roll) is shown as points in its original units, the training rows once for every plot below
original = None if data.is_image else data.scaler.inverse_transform(data.X_train[:1500])


def show_output(outputs, caption, columns=None):
    if data.is_image:
        ui.show_image(montage(outputs, data.image_shape, columns or len(outputs), scale, pad=4), caption)
    else:
        st.plotly_chart(
            points_3d_fig(original, data.y_train[:1500], data.scaler.inverse_transform(outputs), title=caption),
            key=f"points_{caption}",
        )


@st.fragment
def walk():
    code = Z[row].copy()
    sliders = st.columns(min(4, max(1, len(dims))))
    for i, d in enumerate(dims):
        low, high = (float(v) for v in bounds[d])
        value = min(max(float(code[d]), low), high)
        code[d] = sliders[i % len(sliders)].slider(
            f"z{d}", low, high, value, step=(high - low) / 100, key=f"z{d}_{model_key}_{row}", format="%.2f"
        )
    decoded = decode(model, code)
    nearest = nearest_index(Z_train, code)
    left, right = st.columns(2)
    with left:
        show_output(decoded, "decoded g(h)")
    with right:
        show_output(data.X_train[nearest : nearest + 1], f"nearest training sample ({nearest})")


def browser_walk():
    pad = (dims[0], dims[1]) if len(dims) >= 2 else None
    code = ui.browser_decoder(
        checkpoint, model_key, Z[row], dims, bounds, pad, Z, y, scale, key=f"decoder_{model_key}_{row}"
    )
    nearest = nearest_index(Z_train, code)
    st.caption("Drag the cross-hair or a slider: the digit is decoded in your browser as you move. On release:")
    show_output(data.X_train[nearest : nearest + 1], f"nearest training sample ({nearest}) to the code you released")


if in_browser:
    browser_walk()
else:
    walk()

st.divider()
st.subheader("The decoded grid (the latent 'manifold')")
if latent < 2:
    st.caption("A 1-D code has no grid; the walk above covers it.")
else:
    grid_cols = st.columns(3)
    dim_x = grid_cols[0].selectbox("Horizontal dimension", range(latent), 0, key="grid_x")
    dim_y = grid_cols[1].selectbox("Vertical dimension", range(latent), 1, key="grid_y")
    steps = grid_cols[2].slider("Steps", 5, 25, 15, key="grid_steps")
    if dim_x == dim_y:
        st.warning("Choose two different dimensions.")
    else:
        grid = latent_grid(model, Z[row], (dim_x, dim_y), bounds, steps)
        if data.is_image:
            ui.show_image(
                montage(grid.reshape(steps * steps, -1), data.image_shape, steps, max(1, scale // 3), pad=1),
                f"z{dim_x} grows to the right, z{dim_y} grows upward; other dimensions as at sample {row}",
            )
        else:
            show_output(grid.reshape(steps * steps, -1), "decoded grid")

st.divider()
st.subheader("Interpolation between two samples")
cols = st.columns(3)
a = cols[0].number_input("From sample", 0, len(X) - 1, row, key="interp_a")
b = cols[1].number_input("To sample", 0, len(X) - 1, min(len(X) - 1, row + 1), key="interp_b")
n_steps = cols[2].slider("Steps", 3, 15, 9, key="interp_steps")
through_code = decode(model, interpolate(Z[a], Z[b], n_steps))
show_output(through_code, "decoded along the straight line between the two codes")
if data.is_image:
    show_output(interpolate(X[a], X[b], n_steps), "for contrast: the pixels blended directly (a cross-fade, not a morph)")
