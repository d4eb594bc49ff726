"""Train: choose data, family and hyper-parameters, then watch the losses and the latent space learn epoch by epoch."""

import time

import streamlit as st

from aeviz import AevizError, ui
from aeviz.checkpoints import SHIPPED_DIR, from_zip, list_checkpoints, save_checkpoint, to_zip
from aeviz.configs import parse_widths
from aeviz.data import list_datasets
from aeviz.latent import encode_dataset
from aeviz.models import ARCHS, ModelConfig
from aeviz.plots import latent_scatter_fig, loss_curves_fig
from aeviz.pretrain import fit
from aeviz.projection import live_view
from aeviz.training import TrainConfig, default_loss

UPLOAD = "upload a file…"
REDRAW_SECONDS = 0.5  # redraw the live plots at most this often: drawing every fast epoch would slow training down
FAMILIES = {"vanilla": "vanilla (one hidden layer)", "mlp": "multilayer", "conv": "convolutional", "vae": "variational"}

ui.sidebar()
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


buttons = st.columns([1, 1, 6])
start = buttons[0].button("Train", type="primary", key="train")
buttons[1].button("Stop", key="stop", help="Ends training after the current epoch and keeps the model trained so far.")
run = st.session_state.get("train_run")
if not start and run and run["done"] < run["total"] and not run.get("failed"):
    st.info(f"Training stopped after epoch {run['done']} of {run['total']}; the model trained so far is kept.")

if start:
    try:
        data = load_data()
        model_config, train_config = configs(data)
    except AevizError as exc:
        ui.show_error(exc)
        st.stop()
    st.session_state["train_run"] = run = {"done": 0, "total": epochs}
    progress = st.progress(0.0, text="starting…")
    plots = st.columns(2)
    loss_slot, scatter_slot = plots[0].empty(), plots[1].empty()
    X_view, y_view = ui.view_rows(data), ui.view_labels(data)
    coords, last_draw = None, 0.0
    try:
        for metrics, checkpoint in fit(data, model_config, train_config, data_seed=int(seed)):
            ui.set_session_model(checkpoint)
            run["done"] = metrics.epoch
            progress.progress(
                metrics.epoch / epochs,
                text=f"epoch {metrics.epoch}/{epochs} — training loss {metrics.train_loss:.4f}, "
                f"validation loss {metrics.val_loss:.4f}, active units {metrics.active_fraction:.0%}",
            )
            if time.monotonic() - last_draw < REDRAW_SECONDS and metrics.epoch < epochs:
                continue
            last_draw = time.monotonic()
            loss_slot.plotly_chart(loss_curves_fig(checkpoint.history, epochs), config={"displaylogo": False})
            coords = live_view(encode_dataset(checkpoint.model, X_view), coords)
            title = f"Latent space after epoch {metrics.epoch}" + (" (PCA of the code)" if latent > 2 else "")
            scatter_slot.plotly_chart(
                latent_scatter_fig(
                    coords,
                    y_view,
                    label_kind=data.label_kind,
                    class_names=data.class_names,
                    label_name=data.label_name,
                    title=title,
                ),
                config={"displaylogo": False},
            )
        ui.set_session_model(checkpoint)
        st.session_state["train_flash"] = f"Trained {epochs} epochs. Explore it on the Latent space and Latent walk pages."
        st.rerun()  # redraw the sidebar and the summary below with the finished model
    except AevizError as exc:
        run["failed"] = True
        ui.show_error(exc)

flash = st.session_state.pop("train_flash", None)
if flash:
    st.success(flash)

session_model, session_key = ui.session_model()
if session_model is not None:
    st.divider()
    st.subheader("Your model")
    st.caption(ui.describe(session_model) + f" — {len(session_model.history)} epochs")
    if not start:
        data = ui.dataset_for(session_model)
        plots = st.columns(2)
        plots[0].plotly_chart(loss_curves_fig(session_model.history), key="final_losses", config={"displaylogo": False})
        if data is not None:
            X_view = ui.view_rows(data)
            coords = live_view(ui.codes(session_key, "shown", session_model, X_view))
            plots[1].plotly_chart(
                latent_scatter_fig(
                    coords,
                    ui.view_labels(data),
                    label_kind=data.label_kind,
                    class_names=data.class_names,
                    label_name=data.label_name,
                    title="Latent space of your model",
                ),
                key="final_scatter",
                config={"displaylogo": False},
            )
    metrics = session_model.metrics
    if "pca_val_mse" in metrics:
        cols = st.columns(4)
        cols[0].metric("validation MSE", f"{metrics['val_mse']:.4f}")
        cols[1].metric("PCA, same size", f"{metrics['pca_val_mse']:.4f}")
        if "knn_accuracy" in metrics:
            cols[2].metric("5-NN accuracy on codes", f"{metrics['knn_accuracy']:.1%}")
            cols[3].metric("… on PCA", f"{metrics['pca_knn_accuracy']:.1%}")
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

with st.expander("Load a checkpoint (.zip downloaded from aeviz)"):
    archive = st.file_uploader("Checkpoint zip", type=["zip"], key="load_zip")
    if archive is not None and st.button("Load", key="load"):
        try:
            ui.set_session_model(from_zip(archive.getvalue(), archive.name))
            st.success("Loaded; it is now the active model.")
        except AevizError as exc:
            ui.show_error(exc)
