"""The class gallery: a student shares the model trained in their session, the class sees its card and opens it,
the teacher removes it; names are shown literally; the gallery is bounded and forgets models the store let go."""

import pytest

from aeviz.livestore import new_key
from aeviz.room import Card
from aeviz.ui.gallery import open_url
from aeviz.ui.room import TEACHER_PARAM, class_room
from aeviz.ui.state import live_store
from tests.app.helpers import new_session, open_page, run_job

HOSTILE = "<b>Ada</b> [me](http://evil.example)"  # within the 40 characters of a display name


@pytest.fixture(autouse=True)
def room():
    class_room.clear()
    yield class_room()
    class_room.clear()


def trained(owner: str, monkeypatch):
    """A session of the browser with owner key `owner` that trained a digits model for one epoch."""
    import aeviz.ui.state

    monkeypatch.setattr(aeviz.ui.state, "returning_owner", lambda: owner)
    at = open_page(new_session(), "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    return run_job(at, "train")


def share(at, name: str):
    at.text_input(key="share_name").input(name)
    next(b for b in at.button if b.label == "Share").click().run()
    assert not at.exception
    return at


def test_an_empty_gallery_says_how_to_fill_it(room):
    at = open_page(new_session(), "views/gallery.py")
    assert at.info[0].value == "No model is shared yet." and "Share with the class" in at.markdown[0].value


def test_a_shared_model_is_a_card_for_the_class_and_the_teacher_removes_it(room, monkeypatch):
    ada = share(trained("a" * 32, monkeypatch), HOSTILE)
    assert "Shared: the class sees it" in ada.success[-1].value
    (card,) = room.snapshot().gallery
    own = ada.session_state["aeviz"].live_name.removeprefix("live:")
    assert card.name == HOSTILE and card.key != own and live_store().holds(card.key)  # a copy, not her own key
    assert (card.dataset, card.code) == ("digits", 2) and 0 < card.val_mse < 1 and 0 <= card.knn <= 1

    monkeypatch.setattr("aeviz.ui.state.returning_owner", lambda: "b" * 32)
    ben = open_page(new_session(), "views/gallery.py")
    text = " ".join(m.value for m in ben.markdown)
    assert "<b>" not in text and "](http" not in text and "Ada" in text  # shown literally, never as HTML or a link
    assert [b.proto.url for b in ben.get("link_button")] == [open_url(card)]
    assert not any(b.key.startswith(("gallery_remove_", "gallery_project_")) for b in ben.button)
    assert room.picture(card.key).startswith(b"\x89PNG")  # her code's thumbnail, on her card
    assert [i.proto.imgs[0].caption for i in ben.get("image")] == ["its code"]

    teacher = open_page(new_session({TEACHER_PARAM: room.token}), "views/gallery.py")
    assert any("AEVIZ_GALLERY_DIR=folder" in c.value for c in teacher.caption)  # how to keep it
    teacher.button(key=f"gallery_project_{card.key}").click().run()  # on the projector, in the teacher's own tab
    assert teacher.session_state["aeviz"].active_name == "live:" + card.key and not teacher.exception
    teacher.switch_page("views/gallery.py").run()
    teacher.button(key=f"gallery_remove_{card.key}").click().run()
    assert room.snapshot().gallery == ()


def test_sharing_again_replaces_the_students_card(room, monkeypatch):
    ada = share(trained("a" * 32, monkeypatch), "Ada")
    first = room.snapshot().gallery[0].key
    share(ada, "Ada, second try")
    (card,) = room.snapshot().gallery
    assert card.name == "Ada, second try" and card.key != first


def test_a_full_gallery_and_an_empty_name_are_said_and_nothing_is_stored(room, monkeypatch):
    monkeypatch.setenv("AEVIZ_GALLERY_MAX", "1")
    ada = trained("a" * 32, monkeypatch)
    share(ada, "   ")
    assert "give a display name" in ada.error[-1].value and room.snapshot().gallery == ()
    room.share(Card(new_key(), "c" * 32, "Cy", "digits", "mlp", 2, 0.0, 0.05, 0.5))
    share(ada, "Ada")
    assert "the class gallery is full (1 models)" in ada.error[-1].value
    assert [c.name for c in room.snapshot().gallery] == ["Cy"]


def test_a_card_whose_model_the_store_let_go_leaves_the_gallery(room):
    room.share(Card(new_key(), "c" * 32, "Cy", "digits", "mlp", 2, 0.0, 0.05, 0.5))  # never stored: as if expired
    at = open_page(new_session(), "views/gallery.py")
    assert at.info[0].value == "No model is shared yet." and room.snapshot().gallery == ()


def test_the_teacher_keeps_the_gallery_as_checkpoints_with_their_cards(room, monkeypatch, tmp_path):
    import json

    from aeviz.checkpoints import load_checkpoint

    share(trained("a" * 32, monkeypatch), HOSTILE)
    monkeypatch.setenv("AEVIZ_GALLERY_DIR", str(tmp_path))
    teacher = open_page(new_session({TEACHER_PARAM: room.token}), "views/gallery.py")
    teacher.button(key="gallery_keep").click().run()
    assert "Kept 1 models" in teacher.success[-1].value
    (folder,) = tmp_path.iterdir()
    (kept,) = json.loads((folder / "gallery.json").read_text())
    assert kept["name"] == HOSTILE and "owner" not in kept and "key" not in kept  # no owner key leaves the room
    model = load_checkpoint(kept["checkpoint"], folder)
    assert model.config.latent_dim == kept["code"] == 2 and model.dataset == "digits"
