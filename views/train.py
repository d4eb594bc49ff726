"""Train: choose data, family and hyper-parameters, then watch the losses and the latent space learn epoch by epoch."""

import time

import streamlit as st

from aeviz import AevizError, ui
from aeviz.checkpoints import SHIPPED_DIR, from_zip, list_checkpoints, save_checkpoint, to_zip
from aeviz.configs import parse_widths
from aeviz.data import list_datasets
from aeviz.evaluation import describe_gap
from aeviz.latent import encode_dataset
from aeviz.models import ARCHS, ModelConfig
from aeviz.plots import latent_scatter_fig, loss_curves_fig
from aeviz.pretrain import fit
from aeviz.projection import live_view
from aeviz.training import TrainConfig, default_loss

UPLOAD = "upload a file…"
REDRAW_SECONDS = 0.2  # redraw the live monitor at most this often: tiny datasets train many epochs a second
FAMILIES = {"vanilla": "vanilla (one hidden layer)", "mlp": "multilayer", "conv": "convolutional", "vae": "variational"}

st.title("Train an autoencoder")
st.markdown(
    "The lecture's loop: the encoder maps **x** to a code **h**, the decoder rebuilds **r ≈ x**, and Adam lowers "
    "L(x, r) + λ Σᵢ|aᵢ|. Watch both losses: a gap between training and validation loss is the model memorising."
)

query = st.query_params
datasets = [*list_datasets(), UPLOAD]
left, middle, right = st.columns(3)
dataset_name = left.selectbox(
    "Dataset",
    datasets,
    index=datasets.index(query.get("dataset", "mnist")) if query.get("dataset") in datasets else 0,
    key="train_dataset",
)
upload = None
if dataset_name == UPLOAD:
    upload = left.file_uploader(
        "CSV, .npy/.npz, a .zip of PNG/JPEG images, or an MNIST IDX file",
        key="train_upload",
        help="Numeric CSV with an optional 'label' column; images are read as grayscale and resized to 28×28.",
    )
arch = left.selectbox(
    "Family",
    ARCHS,
    index=ARCHS.index(query.get("arch", "mlp")) if query.get("arch") in ARCHS else 1,
    format_func=FAMILIES.get,
    key="train_arch",
)
seed = left.number_input("Seed", 0, 2**31 - 1, 0, key="train_seed")
latent = middle.number_input("Latent size", 1, 4096, int(query.get("latent", 2)), key="train_latent")
hidden_text = middle.text_input(
    "Hidden widths",
    "256,128",
    key="train_hidden",
    disabled=arch in ("vanilla", "conv"),
    help="Encoder layers before the code, e.g. 128,64; the decoder mirrors them.",
)
l1 = middle.number_input(
    "λ — L1 penalty on the code",
    0.0,
    1.0,
    float(query.get("l1", 0.0)),
    step=1e-4,
    format="%.4f",
    key="train_l1",
    help="loss = MSE per feature + λ · Σᵢ|aᵢ| (sum over code units, mean over the batch). Try 0.0003 with a "
    "64-unit vanilla code.",
)
noise = middle.slider("Denoising: input noise σ", 0.0, 1.0, 0.0, 0.05, key="train_noise")
epochs = right.slider("Epochs", 1, 100, 15, key="train_epochs")
batch_size = right.select_slider("Batch size", [32, 64, 128, 256, 512], 128, key="train_batch")
lr = right.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], 3e-3, key="train_lr")
if dataset_name != UPLOAD:
    query.update(dataset=dataset_name, arch=arch, latent=str(latent), l1=f"{l1:g}")


def view_axes(latent_dim: int, data) -> tuple[str, str]:
    """Axis titles of the 2-D view of a code (projection.live_view): a 1-D code against its label, a 2-D code as it is,
    a wider one by its first two principal components."""
    if latent_dim == 1:
        return ("z₀", data.label_name if data.label_kind != "none" else "")
    return ("z₀", "z₁") if latent_dim == 2 else ("PC 1 of the code", "PC 2 of the code")


def load_data():
    if dataset_name != UPLOAD:
        return ui.builtin_dataset(dataset_name, int(seed))
    if upload is None:
        raise AevizError("choose a file to upload first")
    return ui.uploaded_dataset(upload)[1]


def configs(data):
    hidden = parse_widths(hidden_text) if arch in ("mlp", "vae") else ()
    model_config = ModelConfig.for_data(data.n_features, data.image_shape, arch, int(latent), hidden=hidden or (128,))
    train_config = TrainConfig(
        epochs=epochs, batch_size=batch_size, lr=lr, l1=l1, noise_std=noise, loss=default_loss(arch), seed=int(seed)
    )
    return model_config, train_config


def train_live(status, live) -> None:
    """Train with the chosen settings: progress in `status`, the live monitor in `live`; the result becomes active."""
    try:
        data = load_data()
        model_config, train_config = configs(data)
    except AevizError as exc:
        with status:
            ui.show_error(exc)
        return
    st.session_state["train_run"] = run = {"done": 0, "total": epochs}
    st.session_state["train_view"] = None
    status.progress(0.0, text="starting…")
    X_view, y_view = ui.view_rows(data), ui.view_labels(data)
    coords, last_draw = None, 0.0
    try:
        for metrics, checkpoint in fit(data, model_config, train_config, data_seed=int(seed)):
            ui.set_session_model(checkpoint)
            run["done"] = metrics.epoch
            status.progress(
                metrics.epoch / epochs,
                text=f"epoch {metrics.epoch}/{epochs} — training loss {metrics.train_loss:.3g}, "
                f"validation loss {metrics.val_loss:.3g}, active units {metrics.active_fraction:.0%}",
            )
            if time.monotonic() - last_draw < REDRAW_SECONDS and metrics.epoch < epochs:
                continue
            last_draw = time.monotonic()
            coords = live_view(encode_dataset(checkpoint.model, X_view), coords, y_view)
            with live:
                ui.training_monitor(
                    checkpoint.history,
                    epochs,
                    coords,
                    y_view,
                    label_kind=data.label_kind,
                    class_names=data.class_names,
                    title=f"Latent space after epoch {metrics.epoch}" + (" (PCA of the code)" if latent > 2 else ""),
                    axis_titles=view_axes(latent, data),
                )
    except AevizError as exc:
        run["failed"] = True
        with status:
            ui.show_error(exc)
        return
    st.session_state["train_view"] = coords  # the finished figure keeps the live view's orientation
    live.empty()  # the finished model's interactive figures follow under "Your model", in this same run
    status.success(f"Trained {epochs} epoch{'s' * (epochs != 1)}. Explore it on the Latent space and Latent walk pages.")


buttons = st.columns([1, 1, 6])
start = buttons[0].button("Train", type="primary", key="train")
buttons[1].button("Stop", key="stop", help="Ends training after the current epoch and keeps the model trained so far.")
run = st.session_state.get("train_run")
if not start and run and run["done"] < run["total"] and not run.get("failed"):
    st.info(f"Training stopped after epoch {run['done']} of {run['total']}; the model trained so far is kept.")
status, live = st.empty(), st.empty()
if start:
    train_live(status, live)


def show_metrics(metrics: dict) -> None:
    """The evaluation figures a finished model carries: its reconstruction and 5-NN accuracy next to PCA's."""
    if "pca_val_mse" not in metrics:
        return
    cols = st.columns(4)
    cols[0].metric("validation MSE", f"{metrics['val_mse']:.4f}")
    cols[1].metric("PCA, same size", f"{metrics['pca_val_mse']:.4f}")
    if "knn_accuracy" in metrics:
        cols[2].metric("5-NN accuracy on codes", f"{metrics['knn_accuracy']:.1%}")
        cols[3].metric("… on PCA", f"{metrics['pca_knn_accuracy']:.1%}")


def your_model(session_model, session_key: str) -> None:
    """The model trained (or loaded) in this session: its losses, latent space and figures; save or download it."""
    st.divider()
    st.subheader("Your model")
    st.caption(f"{ui.describe(session_model)} — {len(session_model.history)} epochs. {describe_gap(session_model.history)}")
    data = ui.dataset_for(session_model)
    plots = st.columns(2)
    plots[0].plotly_chart(loss_curves_fig(session_model.history), key="final_losses", config={"displaylogo": False})
    if data is not None:
        X_view = ui.view_rows(data)
        Z = ui.codes(session_key, "shown", session_model, X_view)
        reference = st.session_state.get("train_view")
        reference = reference if reference is not None and len(reference) == len(Z) else None
        coords = live_view(Z, reference, ui.view_labels(data))
        plots[1].plotly_chart(
            latent_scatter_fig(
                coords,
                ui.view_labels(data),
                label_kind=data.label_kind,
                class_names=data.class_names,
                label_name=data.label_name,
                title="Latent space of your model",
                axis_titles=view_axes(session_model.config.latent_dim, data),
            ),
            key="final_scatter",
            config={"displaylogo": False},
        )
    show_metrics(session_model.metrics)
    save_cols = st.columns([3, 1, 1])
    name = save_cols[0].text_input("Save as", placeholder="e.g. anna-mnist-2d", key="save_name")
    if save_cols[1].button("Save checkpoint", key="save"):
        try:
            if name in list_checkpoints(SHIPPED_DIR):
                raise AevizError(f"{name!r} is the name of a shipped model; choose another name")
            save_checkpoint(session_model, name, ui.user_dir())
            st.success(f"Saved as {name}; it is now in the model list of the sidebar.")
        except AevizError as exc:
            ui.show_error(exc)
    save_cols[2].download_button(
        "Download .zip",
        lambda: to_zip(session_model),  # serialised only when clicked, not on every rerun
        file_name=f"{name or 'aeviz-model'}.zip",
        mime="application/zip",
        key="download",
    )


def active_model_history() -> None:
    """Before anything is trained here: how the active (shipped or saved) model learned, from its stored history."""
    info = ui.active_info()
    if not info.history:
        return
    st.divider()
    st.subheader("How the active model learned")
    st.caption(f"{ui.describe(info)} — {len(info.history)} epochs. {describe_gap(info.history)} Train your own above.")
    cols = st.columns(2)
    cols[0].plotly_chart(loss_curves_fig(info.history), key="active_losses", config={"displaylogo": False})
    with cols[1]:
        show_metrics(info.metrics)


session_model, session_key = ui.session_model()
if session_model is not None:
    your_model(session_model, session_key)
else:
    active_model_history()

with st.expander("Load a checkpoint (.zip downloaded from aeviz)"):
    archive = st.file_uploader("Checkpoint zip", type=["zip"], key="load_zip")
    if archive is not None and st.button("Load", key="load"):
        try:
            ui.set_session_model(from_zip(archive.getvalue(), archive.name))
            st.success("Loaded; it is now the active model.")
        except AevizError as exc:
            ui.show_error(exc)

# Drawn last, so that after training it already shows the new model: no second run of the page (and no second drawing
# of its figures) is needed. Where a function is called does not move the sidebar.
ui.sidebar()
