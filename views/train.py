"""Train: choose data, family and hyper-parameters, then watch the losses and the latent space learn epoch by epoch.

A form returns the settings, an action trains with them, panels draw what they are given (the hello-app pattern).
"""

from dataclasses import dataclass

import streamlit as st

from aeviz import AevizError, ui
from aeviz.checkpoints import Checkpoint
from aeviz.configs import DEFAULT_DATASET, check_work, model_from_form
from aeviz.datasets import Dataset, list_datasets
from aeviz.evaluation import describe_gap
from aeviz.fitting import JobOutcome, LiveFrame, fit_job
from aeviz.glossary import TERMS
from aeviz.handout import plotly_figure
from aeviz.jobhandle import JobKind
from aeviz.lecture import losses_latex
from aeviz.livestore import new_key
from aeviz.models import ModelConfig
from aeviz.plots import code_axis_titles, latent_scatter_fig, loss_curves_fig
from aeviz.projection import live_view
from aeviz.scrubber import scrubber_fig
from aeviz.tasks import TASK_LABELS, check_data
from aeviz.training import TrainConfig, default_loss
from aeviz.ui.gallery import share_panel

UPLOAD = "upload a file…"
# The lecture's four families, then the one beyond it. "regularised" is the vanilla model trained with an L1 penalty on
# its code or as a denoiser: a family of the lecture, a training choice here (arch "vanilla" with λ or σ).
FAMILIES = {
    "vanilla": "vanilla (one hidden layer)",
    "mlp": "multilayer",
    "conv": "convolutional",
    "regularised": "regularised (L1 or denoising)",
    "vae": "variational (beyond the lecture)",
}
REGULARISED_L1 = 3e-4  # what choosing "regularised" sets λ to when neither λ nor σ is set (the Sparsity page's twin)
# The lecture's sizes for each family (the "Lecture's sizes" button): 784-64-784, 784-128-64-128-784, the conv code of
# the lecture's Keras example (the last 8-channel feature map), the vanilla model again for the regularised one.
LECTURE_SIZES = {
    "vanilla": {"train_latent": 64},
    "mlp": {"train_latent": 64, "train_hidden": "128"},
    "conv": {"train_conv_code": "spatial"},
    "regularised": {"train_latent": 64},
}
MODEL, TRAIN = ModelConfig(), TrainConfig()  # the defaults, shared with `aeviz train` (aeviz/configs.py)
TASKS_OFFERED = ("reconstruct", "upscale")  # recolouring trains on its own page (photos); denoise = reconstruct with σ
CONV_CODES = {"dense": "dense bottleneck (latent size)", "spatial": "spatial: the last feature map"}
BOUND = "query-params"  # these widgets live in the URL under their keys (train_*); a bad value falls back to the default


@dataclass(frozen=True)
class TrainSettings:
    """What the form asks for; the hidden widths stay text until `configs` parses them (a typo is a message)."""

    dataset: str  # a built-in name, or UPLOAD
    upload: object | None  # Streamlit's UploadedFile when dataset is UPLOAD
    arch: str
    latent: int
    hidden_text: str
    conv_code: str  # conv only: "dense" (a code of `latent` units) or "spatial" (the last feature map)
    train: TrainConfig


FAMILY_NOTES = {
    "vanilla": "One hidden layer that is the code: 784-64-784 in the lecture, ReLU code, sigmoid output.",
    "mlp": "784-128-64-128-784 in the lecture (the button). The default, 256,128 then a 2-D code, beats PCA on the "
    "first click; 128,64 barely does.",
    "conv": "Conv2D 16-8-8, 3×3, 2×2 max-pooling, mirrored with upsampling; the code is dense or the last feature map.",
    "regularised": "The vanilla model with an L1 penalty λ on its code (sparse) or noise σ on its input (denoising).",
    "vae": "Not in the lecture: its loss also pulls every code towards a standard normal distribution (a KL term).",
}


def fill_regularisation() -> None:
    """Choosing the regularised family with neither λ nor σ set sets λ, so the first click trains what it says."""
    state = st.session_state
    if state.get("train_arch") == "regularised" and not state.get("train_l1") and not state.get("train_noise"):
        state["train_l1"] = REGULARISED_L1


# Built-in datasets too small for the default batch: faces' 160 rows made 2 steps an epoch, and 15 epochs ended worse
# than PCA (val MSE 0.0247 against 0.0175; batch 32: 0.0162).
SMALL_DATASETS = {"faces": 32}


def fit_batch_to_dataset() -> None:
    """Choosing a dataset sets the batch size its size needs (a callback: it runs before the widgets are drawn)."""
    state = st.session_state
    state["train_batch"] = SMALL_DATASETS.get(state.get("train_dataset"), TRAIN.batch_size)


def lecture_sizes(family: str) -> None:
    """Set the form to the lecture's sizes for `family` (a button's callback: it runs before the widgets are drawn)."""
    for key, value in LECTURE_SIZES[family].items():
        st.session_state[key] = value


def settings_form() -> TrainSettings:
    datasets = [*list_datasets(), UPLOAD]
    left, middle, right = st.columns(3)
    dataset = left.selectbox(
        "Dataset",
        datasets,
        datasets.index(DEFAULT_DATASET),
        key="train_dataset",
        bind=BOUND,
        on_change=fit_batch_to_dataset,
    )
    upload = None
    if dataset == UPLOAD:
        upload = left.file_uploader(
            "CSV, .npy/.npz, a .zip of PNG/JPEG images, or an MNIST IDX file",
            key="train_upload",
            help="Numeric CSV with an optional 'label' column; images are read as grayscale and resized to 28×28.",
        )
    family = left.selectbox(
        "Family",
        list(FAMILIES),
        list(FAMILIES).index(MODEL.arch),
        format_func=FAMILIES.get,
        key="train_arch",
        bind=BOUND,
        on_change=fill_regularisation,
    )
    arch = "vanilla" if family == "regularised" else family
    left.caption(FAMILY_NOTES[family])
    if family in LECTURE_SIZES:
        left.button("Lecture's sizes", key="train_lecture_sizes", on_click=lecture_sizes, args=(family,))
    seed = left.number_input("Seed", 0, 2**31 - 1, TRAIN.seed, key="train_seed", bind=BOUND)
    latent = middle.number_input("Latent size", 1, 4096, MODEL.latent_dim, key="train_latent", bind=BOUND)
    hidden_text = middle.text_input(
        "Hidden widths",
        ",".join(map(str, MODEL.hidden)),
        key="train_hidden",
        bind=BOUND,
        disabled=arch in ("vanilla", "conv"),
        help="Encoder layers before the code, e.g. 128 for the lecture's 784-128-64-128-784 with a 64-unit code; the "
        "decoder mirrors them.",
    )
    l1 = middle.number_input(
        "λ — L1 penalty on the code",
        0.0,
        1.0,
        TRAIN.l1,
        step=1e-4,
        format="%.4f",
        key="train_l1",
        bind=BOUND,
        help="loss = MSE per feature + λ · Σᵢ|aᵢ| (sum over code units, mean over the batch). Try 0.0003 with a "
        "64-unit vanilla code.",
    )
    noise = middle.slider("Denoising: input noise σ", 0.0, 1.0, TRAIN.noise_std, 0.05, key="train_noise", bind=BOUND)
    epochs = right.slider("Epochs", 1, 100, TRAIN.epochs, key="train_epochs", bind=BOUND)
    batch = SMALL_DATASETS.get(dataset, TRAIN.batch_size)  # also for a link that names the dataset alone
    batch_size = right.select_slider("Batch size", [32, 64, 128, 256, 512], batch, key="train_batch", bind=BOUND)
    lr = right.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], TRAIN.lr, key="train_lr", bind=BOUND)
    task = right.selectbox(
        "Input → target",
        TASKS_OFFERED,
        format_func=TASK_LABELS.get,
        key="train_task",
        bind=BOUND,
        help="Upscaling: the model sees the image shrunk 2× and enlarged by bicubic interpolation (the Upscaling page "
        "compares it with bicubic).",
    )
    conv_code = left.selectbox(
        "Conv code",
        list(CONV_CODES),
        format_func=CONV_CODES.get,
        key="train_conv_code",
        bind=BOUND,
        disabled=arch != "conv",
    )
    train = TrainConfig(
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        l1=l1,
        noise_std=noise,
        loss=default_loss(arch),
        seed=int(seed),
        task=task,
    )
    if family == "regularised" and not (l1 or noise):
        st.warning("The regularised family needs λ > 0 (sparse) or σ > 0 (denoising): with neither it is the vanilla one.")
    return TrainSettings(dataset, upload, arch, int(latent), hidden_text, conv_code, train)


def load_data(settings: TrainSettings) -> Dataset:
    if settings.dataset != UPLOAD:
        return ui.builtin_dataset(settings.dataset, settings.train.seed)
    if settings.upload is None:
        raise AevizError("choose a file to upload first")
    return ui.uploaded_dataset(settings.upload)


def start_training(settings: TrainSettings) -> None:
    """Queue a training with the settings in the server's job pool; the worker puts the model in the live store."""
    try:
        data = load_data(settings)
        check_data(settings.train.task, data.image_shape, data.n_features)
        config = model_from_form(
            settings.arch, settings.latent, settings.hidden_text, settings.conv_code, data.n_features, data.image_shape
        )
        work = check_work(config, len(data.X_train), settings.train.epochs)
    except AevizError as exc:
        ui.show_error(exc)
        return
    store, key, train = ui.live_store(), new_key(), settings.train  # looked up here: the pool calls no st.*
    owner = ui.session().owner

    def then(outcome: JobOutcome) -> None:  # in the server as soon as it ends: a closed tab loses nothing
        store.put(key, outcome.checkpoint, owner)

    def keep(outcome: JobOutcome) -> tuple[str, str]:  # in whichever session of the student collects it (a reload)
        state = ui.session()
        if state.train_run is None:
            state.train_run = ui.TrainRun(total=outcome.epochs_asked, latent=config.latent_dim)
        run = state.train_run
        run.done, run.failed = outcome.epochs_done, bool(outcome.error)
        run.view = outcome.checkpoint.epoch_views[-1].astype("float32")
        ui.set_session_model(key=key)
        if outcome.error:
            return "error", f"{outcome.error} The model keeps its first {outcome.epochs_done} epoch(s)."
        if run.stopped_early:
            return "info", f"Training stopped after epoch {run.done} of {run.total}; the model trained so far is kept."
        done = f"Trained {run.done} epoch{'s' * (run.done != 1)}."
        return "success", f"{done} Explore it on the Latent space and Latent walk pages."

    label = f"training {data.name}, {FAMILIES[config.arch]}, {config.latent_dim}-D code"
    if ui.submit(JobKind.TRAINING, label, fit_job, (data, config, train, train.seed), keep, then, work=work) is not None:
        ui.session().train_run = ui.TrainRun(total=train.epochs, data=data, latent=config.latent_dim)


def draw_frame(frame: LiveFrame) -> None:
    """The live monitor after an epoch: loss curves and the code of the shown rows, turned like the epoch before."""
    run = ui.session().train_run
    if run is None or run.data is None:
        return
    data, latent = run.data, run.latent
    ui.training_monitor(
        frame.history,
        run.total,
        frame.view.astype("float32"),
        ui.view_labels(data),
        label_kind=data.label_kind,
        class_names=data.class_names,
        title=f"Latent space after epoch {frame.epoch}" + (" (PCA of the code)" if latent > 2 else ""),
        axis_titles=code_axis_titles(latent, data.label_kind, data.label_name),
    )


def scrubber_panel(checkpoint: Checkpoint, data: Dataset | None, key: str) -> None:
    """Replay the latent space epoch by epoch from the views kept while training (a slider and Play, in the browser)."""
    if not checkpoint.epoch_views or data is None or len(checkpoint.epoch_views[0]) != len(ui.view_rows(data)):
        return
    if not ui.on_stage("history"):  # on a lecture step's stage the strip and the notes say what this is
        st.subheader("Watch the code form")
        st.caption(
            "The same validation rows after every epoch (each turned to match the epoch before); the marker on the "
            "loss curves follows the slider. Drag the slider or press Play."
        )
    latent = checkpoint.config.latent_dim
    figure = ui.shared_figure(  # 60 epochs of 1,000 points: built once, not once per student who opens the step
        "scrubber",
        (checkpoint.fingerprint(), data.fingerprint),
        lambda: scrubber_fig(
            checkpoint.epoch_views,
            checkpoint.history,
            ui.view_labels(data),
            label_kind=data.label_kind,
            class_names=data.class_names,
            axis_titles=code_axis_titles(latent, data.label_kind, data.label_name),
        ),
    )
    st.plotly_chart(figure, key=key, config={"displaylogo": False})


def metrics_panel(metrics: dict) -> None:
    """The evaluation figures a finished model carries: its reconstruction and 5-NN accuracy next to PCA's."""
    if "pca_val_mse" not in metrics:
        return
    cols = st.columns(4)
    cols[0].metric("validation MSE", f"{metrics['val_mse']:.4f}")
    cols[1].metric("PCA, same size", f"{metrics['pca_val_mse']:.4f}")
    if "knn_accuracy" in metrics:
        cols[2].metric("5-NN accuracy on codes", f"{metrics['knn_accuracy']:.1%}", help=TERMS["5-NN accuracy"])
        cols[3].metric("… on PCA", f"{metrics['pca_knn_accuracy']:.1%}")


def figures_panel(model: ui.ActiveModel, data: Dataset | None, run: ui.TrainRun | None) -> None:
    """Loss curves and, when its data is loaded, the latent scatter of the session's model (turned as the live view)."""
    checkpoint = model.checkpoint
    plots = st.columns(2)
    plots[0].plotly_chart(loss_curves_fig(checkpoint.history), key="final_losses", config={"displaylogo": False})
    if data is None:
        return
    Z = ui.codes(model, data)
    reference = run.view if run is not None and run.view is not None and len(run.view) == len(Z) else None
    labels = ui.view_labels(data)
    figure = latent_scatter_fig(
        live_view(Z, reference, labels),
        labels,
        label_kind=data.label_kind,
        class_names=data.class_names,
        label_name=data.label_name,
        title="Latent space of your model",
        axis_titles=code_axis_titles(checkpoint.config.latent_dim, data.label_kind, data.label_name),
    )
    plots[1].plotly_chart(figure, key="final_scatter", config={"displaylogo": False})


def your_model_panel(model: ui.ActiveModel, run: ui.TrainRun | None) -> None:
    """The model trained (or loaded) in this session: its losses, latent space and figures; save or download it."""
    checkpoint = model.checkpoint
    st.divider()
    st.subheader("Your model")
    st.caption(f"{ui.describe(checkpoint)} — {len(checkpoint.history)} epochs. {describe_gap(checkpoint.history)}")
    data = ui.dataset_for(checkpoint)
    with ui.key_figure("history"):
        figures_panel(model, data, run)
    if checkpoint.history:
        history = checkpoint.history
        curves = [plotly_figure(loss_curves_fig(history))] if ui.on_stage("history") else []
        ui.explain("history", losses_latex(history, loss_of(checkpoint)), describe_gap(history), curves)
    metrics_panel(checkpoint.metrics)
    ui.save_panel(checkpoint)
    share_panel(model)
    scrubber_panel(checkpoint, data, "your_scrubber")


def loss_of(checkpoint: Checkpoint) -> str:
    """The loss a checkpoint was trained with ("mse" when it does not say)."""
    return (checkpoint.train_config or TRAIN).loss


def history_panel(model: ui.ActiveModel) -> None:
    """Before anything is trained here: how the active (shipped or saved) model learned, from its stored history and,
    when it kept them, its per-epoch views."""
    checkpoint = model.checkpoint
    if not checkpoint.history:
        return
    st.divider()
    st.subheader("How the active model learned")
    history = checkpoint.history
    st.caption(f"{ui.describe(checkpoint)} — {len(history)} epochs. {describe_gap(history)} Train your own above.")
    metrics_panel(checkpoint.metrics)
    with ui.key_figure("history"):
        if checkpoint.epoch_views:
            scrubber_panel(checkpoint, ui.dataset_for(checkpoint), "active_scrubber")
        else:
            st.plotly_chart(loss_curves_fig(history), key="active_losses", config={"displaylogo": False})
    curves = [plotly_figure(loss_curves_fig(history))] if ui.on_stage("history") else []  # for the handout
    ui.explain("history", losses_latex(history, loss_of(checkpoint)), describe_gap(history), curves)


@st.fragment
def training_controls(settings: TrainSettings) -> None:
    """Train queues the training in the class's job pool; while it waits or runs, a panel polls it (queue position,
    progress, the live monitor, Stop: the model trained so far is kept). A fragment: a click redraws this block, not
    the whole page (measured: with 10 students clicking at once, the full-page reruns took the CPU the first training
    needed); the finished job reruns the page."""
    if st.button("Train", type="primary", key="train"):
        start_training(settings)
    ui.job_panel(JobKind.TRAINING, draw_frame)


st.title("Train an autoencoder")
st.markdown(
    "The lecture's loop: the encoder maps **x** to a code **h**, the decoder rebuilds **r ≈ x**, and Adam lowers "
    "L(x, r) + λ Σᵢ|aᵢ|. Watch both losses: a gap between training and validation loss is the model memorising."
)
settings = settings_form()
with ui.key_figure("history"):  # in the lecture, Train and the live monitor sit above the curves
    training_controls(settings)
mine = ui.session_model()
if mine is not None:
    your_model_panel(mine, ui.session().train_run)
else:
    history_panel(ui.active_model())
ui.load_panel()
# Drawn last, so that after training it already shows the new model: no second run of the page (and no second drawing
# of its figures) is needed. Where a function is called does not move the sidebar.
ui.sidebar()
