"""What pages draw through aeviz: the in-browser latent decoder, the live training monitor, crisp montages, errors."""

from __future__ import annotations

import base64
import hashlib
import importlib.resources
import json
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from aeviz.checkpoints import Checkpoint

if TYPE_CHECKING:
    from aeviz.datasets import Dataset
    from aeviz.ui.records import ActiveModel

# --- the browser components -------------------------------------------------------------------------------------------


@st.cache_resource
def _component(name: str, script: str):
    """Register a component once per server from aeviz/static: common.js, then `script`.js, with `script`.css."""
    from aeviz.plots import CLASS_COLORS, COLOR

    static = importlib.resources.files("aeviz") / "static"
    colors = f"aeviz.CLASS_COLORS = {json.dumps(list(CLASS_COLORS))};\naeviz.COLOR = {json.dumps(COLOR)};\n"
    js = (static / "common.js").read_text() + "\n" + colors + (static / f"{script}.js").read_text()
    return st.components.v2.component(f"aeviz.{name}", js=js, css=(static / f"{script}.css").read_text())


# --- the in-browser decoder ------------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def exported_decoder(model_key: str, _checkpoint: Checkpoint) -> dict:
    """The active model's decoder as plain data for the browser, built once per model."""
    from aeviz.decoder_export import export_decoder

    return export_decoder(_checkpoint.model)


def browser_decoder(
    model: ActiveModel,
    code: np.ndarray,
    dims: list[int],
    ranges: np.ndarray,
    pad: tuple[int, int] | None,
    Z: np.ndarray,
    labels: np.ndarray | None,
    scale: int,
    key: str,
) -> np.ndarray:
    """Sliders for `dims` and a latent pad over `pad` (two dimensions, drawn over the codes Z) that decode in the browser.

    Returns the code the user last released (the starting `code` until then), shape (latent_dim,).
    """
    data = {
        "model_key": model.key,
        "decoder": exported_decoder(model.key, model.checkpoint),
        "code": [float(v) for v in code],
        "dims": [int(d) for d in dims],
        "ranges": ranges.tolist(),
        "scale": int(scale),
        "pad": None,
    }
    if pad is not None:
        data["pad"] = {
            "dims": list(pad),
            "points": np.round(Z[:, list(pad)], 4).tolist(),
            "labels": labels.astype(int).tolist() if labels is not None and labels.dtype.kind in "iu" else None,
        }
    decoder = _component("latent_decoder", "decoder")
    result = decoder(data=data, key=key, default={"code": data["code"]}, on_code_change=lambda: None)
    final = result.get("code") if isinstance(result, dict) else getattr(result, "code", None)
    return np.asarray(final if final is not None else code, dtype=np.float32)


# --- the live training monitor ---------------------------------------------------------------------------------------


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None  # JSON has no NaN; a diverged epoch is drawn as a gap


def training_monitor(
    history: Sequence[dict],
    total_epochs: int,
    coords: np.ndarray,
    labels: np.ndarray | None,
    *,
    label_kind: str,
    class_names: Sequence[str],
    title: str,
    axis_titles: tuple[str, str] = ("z₀", "z₁"),
) -> None:
    """Loss curves and the latent scatter `coords` (n_samples, 2), drawn on canvases: cheap enough to redraw every epoch.

    Plotly rebuilds a chart on each update (~0.2 s of browser CPU apiece, taken from the training on a small server);
    the finished model gets the interactive Plotly figures.
    """
    from aeviz.plots import loss_log_scale  # plotly is imported only where a page draws figures

    data = {
        "history": [[h["epoch"], _finite(h["train_loss"]), _finite(h["val_loss"])] for h in history],
        "total": int(total_epochs),
        "log_losses": loss_log_scale(history),  # the same axis the finished model's Plotly figure will have
        "scatter": {
            "title": title,
            "points": np.round(np.nan_to_num(coords[:, :2]), 4).tolist(),
            "labels": labels.tolist() if labels is not None else None,
            "label_kind": label_kind if labels is not None else "none",
            "class_names": [str(name) for name in class_names],
            "axis_titles": list(axis_titles),
        },
    }
    _component("training_monitor", "monitor")(data=data)


# --- the queue clock -------------------------------------------------------------------------------------------------


NARROW = 1_000  # px: below this the sidebar (300 px) folds away once, so a 800 px window keeps 800 px for figures


def fold_sidebar_when_narrow(below: int = NARROW) -> None:
    """Have the browser fold the sidebar away once on a screen narrower than `below` (aeviz/static/narrow.js)."""
    _component("narrow", "narrow")(data={"below": below}, key="aeviz_narrow")


def keep_address(path: str, pages: list[str], seq: int) -> None:
    """Have the browser show this page's own path `path` in the address bar, keeping the query (aeviz/static/address.js):
    after a move made by the server, a reload must open the page the student sees."""
    _component("address", "address")(data={"path": path, "pages": pages, "seq": seq}, key="aeviz_address")


def keep_identity(name: str, owner: str, max_age: int) -> None:
    """Have the browser keep the owner key in the cookie `name` for `max_age` seconds (aeviz/static/identity.js)."""
    _component("identity", "identity")(data={"name": name, "owner": owner, "max_age": max_age}, key="aeviz_identity")


def queue_clock(start_in: float | None, poll_in: float, key: str) -> None:
    """A timer in the browser that reruns the fragment around it after `poll_in` seconds; with `start_in` (a waiting
    job's estimated start, in seconds) also a line counting down to it (aeviz/static/queue.js)."""
    data = {
        "start_in": None if start_in is None else float(start_in),
        "poll_in": float(poll_in),
        "poll": time.time(),  # new data: a fresh timer
    }
    _component("queue_clock", "queue")(data=data, key=key, on_poll_change=lambda: None)


# --- images beside hovered points ------------------------------------------------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def _sprite(data_key: str, _X: np.ndarray, shape: tuple[int, int]) -> str:
    from aeviz.montages import sprite_png

    return base64.b64encode(sprite_png(_X, shape)).decode("ascii")


def hover_images(meta: str, data: Dataset, scale: int) -> None:
    """Hovered points show their image beside the cursor, in this page's Plotly charts whose layout.meta is `meta`.

    A point whose customdata is i shows row i of the shown validation rows as an image, `scale` times enlarged.
    Plotly's own hover labels hold text only.
    """
    from aeviz.montages import SPRITE_COLUMNS
    from aeviz.ui.model_caches import view_rows

    X = view_rows(data)
    payload = {
        "meta": meta,
        "sprite": _sprite(data.fingerprint, X, tuple(data.image_shape)),
        "cols": SPRITE_COLUMNS,
        "cell": list(data.image_shape),
        "n": len(X),
        "scale": int(scale),
    }
    _component("hover_images", "hover")(data=payload, key=f"hover:{meta}")


@st.cache_resource(max_entries=96, show_spinner=False)  # a lecture's figures and pictures, a few variants each
def _built(kind: str, key: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def shared_figure(kind: str, key: tuple, build: Callable[[], Any]) -> Any:
    """The figure `build()` makes, made once per server for `kind` and `key` (everything it depends on, e.g. the
    model's and the data's content keys) and handed to every session: thirty students following the teacher to a
    step draw the same figure, and building a large Plotly figure costs more than sending it. Callers must not
    change the figure they get."""
    return _built(kind, key, build)


@st.cache_resource(max_entries=256, show_spinner=False)
def _png(content: str, _image: np.ndarray) -> bytes:
    from aeviz.handout import png_bytes as encode

    return encode(_image)


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 image (H×W gray or H×W×3) as PNG, encoded once per server for each content: every follower of a step
    shows the same montages, and encoding them was a tenth of the server's time with 30 followers (py-spy). Keyed by
    a digest of every byte (Streamlit's own hash samples arrays of 500,000 values or more)."""
    digest = hashlib.blake2b(image.tobytes(), digest_size=16)
    digest.update(f"{image.shape}{image.dtype}".encode())
    return _png(digest.hexdigest(), image)


def show_image(image: np.ndarray, caption: str) -> None:
    """A uint8 montage at its own pixel size (a long caption must not stretch it), as PNG so pixels stay crisp."""
    st.image(png_bytes(image), caption=caption, width=int(image.shape[1]), output_format="PNG")


def show_error(exc: Exception) -> None:
    """A message for the student. It often quotes what they gave (a file's name, a cell's value): shown as text."""
    from aeviz.escaping import markdown_text

    st.error(markdown_text(exc, limit=1_000), icon=":material/error:")
