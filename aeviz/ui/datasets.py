"""The active model's data for the pages: a built-in dataset, or this session's upload of that name."""

from __future__ import annotations

import hashlib

import streamlit as st

from aeviz.checkpoints import Checkpoint
from aeviz.datasets import BUILTIN_DATASETS, Dataset, load_upload
from aeviz.escaping import markdown_text
from aeviz.runtime import set_torch_threads
from aeviz.ui.records import Upload
from aeviz.ui.resources import builtin_dataset
from aeviz.ui.state import active_model, session


def dataset_for(checkpoint: Checkpoint) -> Dataset | None:
    """The dataset the model was trained on: a built-in one, or this session's upload of that name with as many
    features as the model has inputs (a different file of the same name is not it)."""
    if checkpoint.dataset in BUILTIN_DATASETS:
        return builtin_dataset(checkpoint.dataset, checkpoint.data_seed)
    upload = session().upload
    if upload is not None and upload.dataset.name == checkpoint.dataset:
        return upload.dataset if upload.dataset.n_features == checkpoint.config.n_features else None
    return None


def require_dataset(checkpoint: Checkpoint) -> Dataset:
    """The active model's dataset, or stop the page with a message when it is not available in this session."""
    data = dataset_for(checkpoint)
    if data is None:
        st.warning(
            f"This model was trained on the uploaded file {markdown_text(checkpoint.dataset)} "
            f"({checkpoint.config.n_features} features), which is not loaded in this session. "
            "Upload it again on the Train page, or pick another model in the sidebar."
        )
        st.stop()
    return data


def active_dataset() -> Dataset:
    """The active model's dataset (the lecture pages show it), or stop the page with `require_dataset`'s message."""
    return require_dataset(active_model().checkpoint)


def uploaded_dataset(file) -> Dataset:
    """Read a Streamlit UploadedFile once per content; raises AevizError with a readable message."""
    payload = file.getvalue()
    digest = hashlib.sha1(payload).hexdigest()
    state = session()
    if state.upload is None or state.upload.digest != digest:
        state.upload = Upload(digest, load_upload(file.name, payload))  # not frozen: it goes when the session does
        set_torch_threads()  # training on an upload may be the first heavy work of the server
    return state.upload.dataset
