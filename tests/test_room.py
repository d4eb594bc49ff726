"""The room's shared state: the token, the published step, votes, reveals and the gallery, in memory and in a folder
that two replicas share."""

import pytest

from aeviz import AevizError
from aeviz.room import MAX_PICTURE, Card, FolderRoom, MemoryRoom, display_name


def card(owner: str, key: str = "a" * 32, name: str = "Ada") -> Card:
    return Card(key=key, owner=owner, name=name, dataset="mnist", family="mlp", code=2, lam=0.0, val_mse=0.04, knn=0.6)


@pytest.fixture(params=["memory", "folder"])
def room(request, tmp_path):
    return MemoryRoom() if request.param == "memory" else FolderRoom(tmp_path / "room")


def test_only_the_token_itself_makes_a_teacher(room):
    """The token is long and random; near misses, empty values and non-strings are not it."""
    token = room.token
    assert len(token) >= 16 and room.is_teacher(token)
    for wrong in ("", token[:-1], token + "x", token.upper() if token != token.upper() else token.lower(), None, 7):
        assert not room.is_teacher(wrong)


def test_a_chosen_token_too_short_to_be_safe_is_refused(monkeypatch):
    monkeypatch.setenv("AEVIZ_TEACHER_TOKEN", "short")
    with pytest.raises(AevizError, match="at least 16"):
        MemoryRoom()
    monkeypatch.setenv("AEVIZ_TEACHER_TOKEN", "a-teacher-token-of-the-class")
    assert MemoryRoom().is_teacher("a-teacher-token-of-the-class")


def test_a_teachers_browser_is_remembered_and_only_the_last_few(room):
    """A reload of the teacher's browser (its owner key from its cookie) is the teacher's; others are not."""
    from aeviz.room import MAX_TEACHERS

    assert not room.knows_teacher("laptop") and not room.knows_teacher("")
    room.admit_teacher("laptop")
    assert room.knows_teacher("laptop") and not room.knows_teacher("student")
    for i in range(MAX_TEACHERS):
        room.admit_teacher(f"tablet-{i}")
    assert not room.knows_teacher("laptop") and room.knows_teacher(f"tablet-{MAX_TEACHERS - 1}")


def test_every_move_is_a_new_publication_even_to_the_same_step(room):
    """A follower moves when the sequence number changes: a Reset of step 5 must reach it too."""
    first, again = room.publish(5), room.publish(5)
    assert (first.step, again.step) == (5, 5) and again.seq > first.seq
    assert room.published() == again
    room.end()
    assert room.published() is None


def test_one_vote_per_voter_changeable_until_the_reveal(room):
    room.ask(3, "Which keeps digits apart?", ("PCA", "the autoencoder"))
    room.vote(3, "anna", 0)
    room.vote(3, "anna", 1)  # changed her mind: still one vote
    room.vote(3, "ben", 1)
    assert room.snapshot().polls[3].counts == (0, 2)
    room.reveal(3, 1, "5-NN 0.63 against 0.41")
    poll = room.snapshot().polls[3]
    assert poll.revealed and poll.answer == 1 and "0.63" in poll.why
    with pytest.raises(AevizError, match="revealed"):
        room.vote(3, "cleo", 0)
    with pytest.raises(AevizError, match="choices"):
        room.ask(4, "?", ("only one",))


def test_asking_again_clears_the_votes_and_the_answer(room):
    room.ask(3, "Q", ("a", "b"))
    room.vote(3, "anna", 1)
    room.reveal(3, 0, "why")
    room.ask(3, "Q", ("a", "b"))
    poll = room.snapshot().polls[3]
    assert poll.counts == (0, 0) and not poll.revealed and room.my_vote(3, "anna") is None


def test_a_vote_out_of_range_is_refused(room):
    room.ask(2, "Q", ("a", "b"))
    for bad in (-1, 2, "1", 1.0):
        with pytest.raises(AevizError):
            room.vote(2, "anna", bad)


def test_sharing_again_replaces_the_students_card_and_the_gallery_is_bounded(room):
    assert room.share(card("anna", "a" * 32), limit=2) is None
    replaced = room.share(card("anna", "b" * 32), limit=2)
    assert replaced is not None and replaced.key == "a" * 32
    room.share(card("ben", "c" * 32), limit=2)
    with pytest.raises(AevizError, match="full"):
        room.share(card("cleo", "d" * 32), limit=2)
    assert [c.key for c in room.snapshot().gallery] == ["b" * 32, "c" * 32]
    assert room.remove("b" * 32) and not room.remove("b" * 32)
    room.keep_only(lambda key: key != "c" * 32)
    assert room.snapshot().gallery == ()


def test_a_cards_thumbnail_lives_as_long_as_its_card(room):
    """Stored beside the document, dropped when the card is replaced, removed or let go; too big is refused."""
    room.share(card("anna", "a" * 32), picture=b"png-a")
    assert room.picture("a" * 32) == b"png-a"
    room.share(card("anna", "b" * 32), picture=b"png-b")  # sharing again
    assert room.picture("a" * 32) is None and room.picture("b" * 32) == b"png-b"
    room.share(card("ben", "c" * 32), picture=b"png-c")
    room.remove("b" * 32)
    room.keep_only(lambda key: False)
    assert room.picture("b" * 32) is None and room.picture("c" * 32) is None
    with pytest.raises(AevizError, match="thumbnail"):
        room.share(card("cleo", "d" * 32), picture=b"x" * (MAX_PICTURE + 1))
    assert room.snapshot().gallery == () and room.picture("d" * 32) is None


def test_a_folder_room_never_makes_a_path_of_a_key_that_is_not_one(tmp_path):
    room = FolderRoom(tmp_path / "room")
    assert room.picture("../../etc/passwd") is None
    with pytest.raises(AevizError, match="invalid"):
        room.share(card("anna", "../" + "a" * 29), picture=b"png")
    assert not (tmp_path / "room" / "pictures").exists() or not any((tmp_path / "room" / "pictures").iterdir())


def test_two_replicas_on_one_folder_share_the_token_and_the_state(tmp_path):
    one, two = FolderRoom(tmp_path / "room"), FolderRoom(tmp_path / "room")
    assert one.token == two.token and two.is_teacher(one.token)
    one.publish(7)
    one.share(card("anna"), picture=b"png")
    assert two.picture("a" * 32) == b"png"
    one.ask(7, "Q", ("a", "b", "c"))
    two.vote(7, "anna", 2)
    assert two.published().step == 7 and one.snapshot().polls[7].counts == (0, 0, 1)
    assert (tmp_path / "room" / "token").stat().st_mode & 0o077 == 0  # the server's user only


def test_a_display_name_is_one_short_line():
    assert display_name("  Ada\n  <b>Lovelace</b>  ") == "Ada <b>Lovelace</b>"  # escaped where drawn, not here
    assert len(display_name("x" * 10_000)) == 40
    with pytest.raises(AevizError):
        display_name(" \n ")
