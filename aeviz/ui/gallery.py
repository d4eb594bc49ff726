"""The class gallery: a student shares the model trained in their session under a display name; everyone sees the
class's models side by side and opens one in a new tab; the teacher removes one.

A shared model is a copy in the live store under its own key, held as the sharing student's gallery share (owner
"gallery-OWNER"), so the student's next trainings do not push it out of their own share; the live store's idle time
and class-wide bound still apply, and a card whose model the store let go leaves the gallery. One card per student:
sharing again replaces it. The owner key is never drawn; the display name is escaped wherever it is.
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint, save_checkpoint
from aeviz.class_plots import code_thumbnail
from aeviz.livestore import new_key
from aeviz.projection import live_view
from aeviz.room import MAX_NAME, Card, display_name, gallery_limit
from aeviz.ui.datasets import dataset_for
from aeviz.ui.model_caches import codes, view_labels
from aeviz.ui.records import LIVE_PREFIX, ActiveModel
from aeviz.ui.room import class_room
from aeviz.ui.state import MODEL_PARAM, live_store, session

GALLERY_OWNER = "gallery-"  # + the student's owner key: the copies' own share of the live store


def card_of(checkpoint: Checkpoint, key: str, owner: str, name: str) -> Card:
    """What the gallery shows of `checkpoint`: its data, family, code size, λ, validation error and 5-NN accuracy."""
    metrics, history = checkpoint.metrics, checkpoint.history
    val = metrics.get("val_mse", history[-1]["val_loss"] if history else math.nan)
    knn = metrics.get("knn_accuracy")
    return Card(
        key=key,
        owner=owner,
        name=display_name(name),
        dataset=str(checkpoint.dataset),
        family=checkpoint.config.arch,
        code=int(checkpoint.config.latent_dim),
        lam=float(checkpoint.train_config.l1) if checkpoint.train_config else 0.0,
        val_mse=float(val),
        knn=None if knn is None else float(knn),
    )


def thumbnail(model: ActiveModel) -> bytes:
    """A card's picture: the model's code on its validation rows (the code itself when 2-D, else its PCA, as the Train
    page draws it while training); empty when the data is not at hand (another session's upload)."""
    data = dataset_for(model.checkpoint)
    if data is None:
        return b""
    labels = view_labels(data)
    return code_thumbnail(live_view(codes(model, data), None, labels), labels, data.label_kind)


def share(checkpoint: Checkpoint, name: str, owner: str, picture: bytes = b"") -> Card:
    """Copy `owner`'s model into the live store as their gallery share and put its card (with its thumbnail
    `picture`) in the gallery, replacing their earlier card. AevizError with a message for a bad name or a full
    gallery."""
    card = card_of(checkpoint, new_key(), owner, name)  # the name is checked before anything is stored
    room, limit = class_room(), gallery_limit()
    cards = room.snapshot().gallery
    if len(cards) >= limit and not any(c.owner == owner for c in cards):  # said before a copy is stored
        raise AevizError(f"the class gallery is full ({limit} models): ask the teacher to remove one")
    live_store().put(card.key, checkpoint, owner=GALLERY_OWNER + owner)
    room.share(card, limit, picture)
    return card


def share_panel(model: ActiveModel) -> None:
    """Under the Train page's model: share it with the class under a display name."""
    with st.expander("Share with the class", icon=":material/groups:"):
        with st.form("share_form", border=False, enter_to_submit=True):
            name = st.text_input("Your name in the class gallery", max_chars=MAX_NAME, key="share_name",
                                 placeholder="e.g. Ada, or a team name")  # fmt: skip
            shared = st.form_submit_button("Share", icon=":material/share:")
        if shared:
            try:
                share(model.checkpoint, name, session().owner, thumbnail(model))
            except AevizError as exc:
                st.error(str(exc))
            else:
                st.success("Shared: the class sees it in the gallery (sharing again replaces it).")
                st.page_link("views/gallery.py", label="Open the class gallery", icon=":material/groups:")


def alive_cards() -> tuple[Card, ...]:
    """The gallery's cards whose model the live store still keeps (the others are dropped from the room)."""
    room, store = class_room(), live_store()
    room.keep_only(store.holds)
    return room.snapshot().gallery


KEEP_ENV = "AEVIZ_GALLERY_DIR"  # the folder the teacher names to keep a class's gallery past the live store's idle time


def keep_folder() -> Path | None:
    text = os.environ.get(KEEP_ENV, "").strip()
    return Path(text) if text else None


def keep(cards: tuple[Card, ...], folder: Path) -> tuple[Path, int]:
    """Write the gallery's models into a new folder under `folder` (one checkpoint each, named by position: a student's
    display name never becomes a path) with `gallery.json`, what the cards showed (no owner keys). Returns the folder
    and how many models were written (a card whose model the store let go meanwhile is skipped)."""
    target = folder / time.strftime("gallery-%Y%m%d-%H%M%S")
    store, kept = live_store(), []
    for card in cards:
        checkpoint = store.get(card.key)
        if checkpoint is None:
            continue
        name = f"model-{len(kept) + 1:02d}"
        save_checkpoint(copy.copy(checkpoint), name, target)
        kept.append({"checkpoint": name} | {k: v for k, v in asdict(card).items() if k not in ("owner", "key")})
    target.mkdir(parents=True, exist_ok=True)
    (target / "gallery.json").write_text(json.dumps(kept, indent=1, ensure_ascii=False))
    return target, len(kept)


def open_url(card: Card) -> str:
    """A link that opens the card's model on the Latent space page, relative to the page the gallery is on."""
    return "latent_space?" + urllib.parse.urlencode({MODEL_PARAM: LIVE_PREFIX + card.key})
