"""Class gallery: the models the class shared, on one chart and as cards; open one in a new tab; the teacher removes
one."""

import streamlit as st

from aeviz import AevizError, ui
from aeviz.class_plots import LABEL_CHARS, THUMBNAIL, gallery_fig
from aeviz.escaping import markdown_text, plotly_text
from aeviz.room import Card, gallery_limit
from aeviz.ui.gallery import KEEP_ENV, alive_cards, keep, keep_folder, open_url
from aeviz.ui.room import class_room

ORDERS = {
    "lowest validation error": lambda c: c.val_mse,
    "best 5-NN accuracy": lambda c: -(c.knn if c.knn is not None else -1.0),
    "smallest code": lambda c: c.code,
    "newest": lambda c: -c.shared_at,
}
PER_ROW = 2


def project(card: Card) -> None:
    """The teacher's: the card's model becomes the active one of this tab (the projector), on the Latent space page."""
    ui.set_session_model(key=card.key)
    st.switch_page("views/latent_space.py")


def card_box(card: Card, mine: bool, teacher: bool) -> None:
    with st.container(border=True, key=f"gallery_card_{card.key}"):
        st.markdown(f"**{markdown_text(card.name)}**" + (" · yours" if mine else ""))
        picture = class_room().picture(card.key)
        if picture:
            caption = "its code" + (" (PCA of it)" if card.code > 2 else "")
            st.image(picture, width=THUMBNAIL, output_format="PNG", caption=caption)
        lam = f" · λ {card.lam:g}" if card.lam else ""
        st.caption(f"{markdown_text(card.dataset)} · {card.family} · {card.code}-D code{lam}")
        knn = f" · 5-NN {card.knn:.0%}" if card.knn is not None else ""
        st.markdown(f"validation MSE **{card.val_mse:.4f}**{knn}")
        with st.container(horizontal=True):
            st.link_button("Open", open_url(card), icon=":material/open_in_new:",
                           help="This model on the Latent space page, in a new tab: your own stays here.")  # fmt: skip
            if teacher:
                if st.button("Project", key=f"gallery_project_{card.key}", icon=":material/cast:",
                             help="Make it your model, here, on the Latent space page (and every page after)."):  # fmt: skip
                    project(card)
                st.button("Remove", key=f"gallery_remove_{card.key}", icon=":material/delete:",
                          on_click=class_room().remove, args=(card.key,))  # fmt: skip


def keep_panel(cards: tuple[Card, ...]) -> None:
    """The teacher's: write the gallery's models to the folder named at the server's start, so they outlive the class."""
    folder = keep_folder()
    if folder is None:
        st.caption("The gallery lasts as long as the live models (two idle hours: `AEVIZ_LIVE_IDLE_MINUTES`). To keep "
                   f"it, start the server with `{KEEP_ENV}=folder`: a Keep button appears here.")  # fmt: skip
        return
    if st.button("Keep this gallery", icon=":material/save:", key="gallery_keep", disabled=not cards,
                 help=f"Writes each model as a checkpoint, with the cards, into a new folder under {folder}."):  # fmt: skip
        try:
            target, n = keep(cards, folder)
        except (AevizError, OSError) as exc:
            st.error(f"could not keep the gallery: {exc}")
        else:
            st.success(f"Kept {n} models in {target}.")


ui.sidebar()
st.title("Class gallery")
state = ui.session()
cards = alive_cards()
st.markdown(
    f"The models the class shared ({len(cards)} of at most {gallery_limit()}): train one on the Train page, then "
    "**Share with the class** under it. Errors compare fairly only on the same data."
)
if not cards:
    st.info("No model is shared yet.", icon=":material/groups:")
else:
    chart, deck = st.columns([2, 3], gap="medium")  # side by side: the chart and the first cards in one screen
    with chart:
        order = st.selectbox("Sort the cards by", list(ORDERS), key="gallery_order")
        figure = gallery_fig([plotly_text(c.name) for c in cards], [plotly_text(c.dataset) for c in cards],
                             [c.family for c in cards], [c.code for c in cards], [c.val_mse for c in cards],
                             [plotly_text(c.name, LABEL_CHARS) for c in cards])  # fmt: skip
        st.plotly_chart(figure, key="gallery_chart", config={"displaylogo": False})
    shown = sorted(cards, key=ORDERS[order])
    with deck:
        for start in range(0, len(shown), PER_ROW):
            for column, card in zip(st.columns(PER_ROW), shown[start : start + PER_ROW], strict=False):
                with column:
                    card_box(card, card.owner == state.owner, state.teacher)
if state.teacher:
    keep_panel(cards)
