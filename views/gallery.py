"""Class gallery: the models the class shared, on one chart and as cards; open one in a new tab; the teacher removes
one."""

import streamlit as st

from aeviz import ui
from aeviz.class_plots import gallery_fig
from aeviz.escaping import markdown_text, plotly_text
from aeviz.room import Card, gallery_limit
from aeviz.ui.gallery import alive_cards, open_url
from aeviz.ui.room import class_room

ORDERS = {
    "lowest validation error": lambda c: c.val_mse,
    "best 5-NN accuracy": lambda c: -(c.knn if c.knn is not None else -1.0),
    "smallest code": lambda c: c.code,
    "newest": lambda c: -c.shared_at,
}
PER_ROW = 3


def card_box(card: Card, mine: bool, teacher: bool) -> None:
    with st.container(border=True):
        st.markdown(f"**{markdown_text(card.name)}**" + (" · yours" if mine else ""))
        lam = f" · λ {card.lam:g}" if card.lam else ""
        st.caption(f"{markdown_text(card.dataset)} · {card.family} · {card.code}-D code{lam}")
        knn = f" · 5-NN {card.knn:.0%}" if card.knn is not None else ""
        st.markdown(f"validation MSE **{card.val_mse:.4f}**{knn}")
        with st.container(horizontal=True):
            st.link_button("Open", open_url(card), icon=":material/open_in_new:",
                           help="This model on the Latent space page, in a new tab: your own stays here.")  # fmt: skip
            if teacher:
                st.button("Remove", key=f"gallery_remove_{card.key}", icon=":material/delete:",
                          on_click=class_room().remove, args=(card.key,))  # fmt: skip


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
    order = st.selectbox("Sort the cards by", list(ORDERS), key="gallery_order", width=320)
    shown = sorted(cards, key=ORDERS[order])
    names = [plotly_text(c.name) for c in cards]
    st.plotly_chart(gallery_fig(names, [c.family for c in cards], [c.code for c in cards], [c.val_mse for c in cards]),
                    key="gallery_chart", config={"displaylogo": False})  # fmt: skip
    for start in range(0, len(shown), PER_ROW):
        for column, card in zip(st.columns(PER_ROW), shown[start : start + PER_ROW], strict=False):
            with column:
                card_box(card, card.owner == state.owner, state.teacher)
