"""The class gallery: a student shares the model trained in their session under a display name; everyone sees the
class's models side by side and opens one in a new tab; the teacher removes one.

A shared model is a copy in the live store under its own key, held as the sharing student's gallery share (owner
"gallery-OWNER"), so the student's next trainings do not push it out of their own share; the live store's idle time
and class-wide bound still apply, and a card whose model the store let go leaves the gallery. One card per student:
sharing again replaces it. The owner key is never drawn; the display name is escaped wherever it is.
"""

from __future__ import annotations

import math
import urllib.parse

import streamlit as st

from aeviz import AevizError
from aeviz.checkpoints import Checkpoint
from aeviz.livestore import new_key
from aeviz.room import MAX_NAME, Card, display_name, gallery_limit
from aeviz.ui.records import LIVE_PREFIX
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


def share(checkpoint: Checkpoint, name: str, owner: str) -> Card:
    """Copy `owner`'s model into the live store as their gallery share and put its card in the gallery (replacing
    their earlier card). AevizError with a message for a bad name or a full gallery."""
    card = card_of(checkpoint, new_key(), owner, name)  # the name is checked before anything is stored
    room, limit = class_room(), gallery_limit()
    cards = room.snapshot().gallery
    if len(cards) >= limit and not any(c.owner == owner for c in cards):  # said before a copy is stored
        raise AevizError(f"the class gallery is full ({limit} models): ask the teacher to remove one")
    live_store().put(card.key, checkpoint, owner=GALLERY_OWNER + owner)
    room.share(card, limit)
    return card


def share_panel(checkpoint: Checkpoint) -> None:
    """Under the Train page's model: share it with the class under a display name."""
    with st.expander("Share with the class", icon=":material/groups:"):
        with st.form("share_form", border=False, enter_to_submit=True):
            name = st.text_input("Your name in the class gallery", max_chars=MAX_NAME, key="share_name",
                                 placeholder="e.g. Ada, or a team name")  # fmt: skip
            shared = st.form_submit_button("Share", icon=":material/share:")
        if shared:
            try:
                share(checkpoint, name, session().owner)
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


def open_url(card: Card) -> str:
    """A link that opens the card's model on the Latent space page, relative to the page the gallery is on."""
    return "latent_space?" + urllib.parse.urlencode({MODEL_PARAM: LIVE_PREFIX + card.key})
