"""The room under AppTest: who is the teacher, students following the teacher's step, questions asked, voted on and
revealed. Sessions of one AppTest process share the server's room, as a class's browsers do."""

import json
import threading
import time

import pytest

from aeviz.lecture import STEPS, step
from aeviz.sitemap import PAGES
from aeviz.ui.lecture import page_file
from aeviz.ui.resources import public_id
from aeviz.ui.room import TEACHER_PARAM, WRONG_TOKEN, class_room
from tests.app.helpers import free, new_session, occupy_the_pool, open_page, shown

SWEEP_STEP = next(i for i, s in enumerate(STEPS, 1) if s.figure == "lambda_sweep")  # asks: λ up, error up or down?


@pytest.fixture(autouse=True)
def room():
    class_room.clear()
    yield class_room()
    class_room.clear()


def open_step(number: int, query: dict | None = None):
    shown = step(number)
    at = new_session({**shown.query(number, False), **(query or {})})
    return open_page(at, page_file(shown.page))


def everything(node) -> str:
    """Every element's proto on the page, as text (links, captions, markdown, widget labels and values)."""
    parts = [str(getattr(node, "proto", ""))]
    for child in getattr(node, "children", {}).values():
        parts.append(everything(child))
    return "\n".join(parts)


def test_without_the_token_a_session_has_no_teacher_buttons(room):
    at = open_step(SWEEP_STEP)
    assert not at.session_state["aeviz"].teacher
    assert "**Predict, then see:**" in everything(at._tree)
    keys = {b.key for b in at.button}
    assert not keys & {"room_ask", "room_reveal", "room_ask_again"}


def test_a_wrong_token_is_a_student_told_so_and_the_value_leaves_the_url(room):
    at = new_session({TEACHER_PARAM: room.token[:-1] + ("x" if room.token[-1] != "x" else "y")})
    assert not at.session_state["aeviz"].teacher
    assert [w.value for w in at.warning] == [WRONG_TOKEN]
    assert TEACHER_PARAM not in at.query_params


def test_the_token_makes_the_teacher_and_leaves_the_url(room):
    at = open_step(SWEEP_STEP, {TEACHER_PARAM: room.token})
    assert at.session_state["aeviz"].teacher
    assert TEACHER_PARAM not in at.query_params
    assert room.token not in everything(at._tree)
    assert at.button(key="room_ask") is not None
    assert room.published().step == SWEEP_STEP  # opening a step by its link leads the class there


def test_a_reload_of_the_teachers_browser_stays_the_teachers(room, monkeypatch):
    """The token leaves the URL, so a reload cannot give it again: the browser's owner key (its cookie) does."""
    import aeviz.ui.state

    monkeypatch.setattr(aeviz.ui.state, "returning_owner", lambda: "7" * 32)
    open_step(SWEEP_STEP, {TEACHER_PARAM: room.token})
    assert open_step(SWEEP_STEP).session_state["aeviz"].teacher  # the same browser, reloaded
    monkeypatch.setattr(aeviz.ui.state, "returning_owner", lambda: "5" * 32)
    assert not open_step(SWEEP_STEP).session_state["aeviz"].teacher  # another browser


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path or "home")
def test_no_student_page_shows_the_token(room, page):
    """Not in a link, a caption or a widget: the teacher presenting on step 3 changes nothing of that."""
    room.publish(3)
    at = open_page(new_session(), page.file)
    assert not at.exception
    assert room.token not in everything(at._tree)


def test_the_answer_revealed_is_the_one_the_numbers_give(room):
    """On the λ step, Reveal publishes the direction the shipped sweep's errors take, with those errors."""
    from aeviz.ui.resources import shipped_lambda_sweep

    results, _ = shipped_lambda_sweep()
    first, last = results[0][2], results[-1][2]
    teacher = open_step(SWEEP_STEP, {TEACHER_PARAM: room.token})
    teacher.button(key="room_ask").click().run()
    teacher.button(key="room_reveal").click().run()
    poll = room.snapshot().polls[SWEEP_STEP]
    expected = "Up" if last > first * 1.01 else "Down" if last < first * 0.99 else "About the same"
    assert poll.choices[poll.answer] == expected
    assert f"{first:.4f}" in poll.why and f"{last:.4f}" in poll.why


def test_a_students_vote_counts_once_and_closes_at_the_reveal(room):
    question = step(SWEEP_STEP)
    room.ask(SWEEP_STEP, "Q", ("Up", "Down", "About the same"))
    anna, ben = open_step(SWEEP_STEP), open_step(SWEEP_STEP)
    radio = f"room_vote_{SWEEP_STEP}"
    anna.radio(key=radio).set_value("Down").run()
    anna.radio(key=radio).set_value("Up").run()  # changed her mind
    ben.radio(key=radio).set_value("Up").run()
    assert room.snapshot().polls[SWEEP_STEP].counts == (2, 0, 0)
    assert "lecture_figure { filter: blur" in everything(anna._tree)  # no peeking at the figure while voting
    room.reveal(SWEEP_STEP, 0, "because")
    anna.run()
    assert radio not in {r.key for r in anna.radio}
    assert "**Answer: Up.** because" in everything(anna._tree)
    assert "blur" not in everything(anna._tree) and "lecture_look_for { display: none" in everything(anna._tree)
    assert question.figure == "lambda_sweep"


def test_a_student_moves_to_the_step_the_teacher_opens(room):
    student = new_session()
    open_step(5, {TEACHER_PARAM: room.token})
    assert room.published().step == 5
    student.run()
    assert student.query_params.get("step") == "5", dict(student.query_params)


def test_a_student_exploring_on_their_own_stays(room):
    room.publish(3)
    student = open_step(3)
    student.button(key="follow_off").click().run()
    room.publish(5)
    student.run()
    assert student.query_params.get("step") == "3"
    assert "Exploring on your own" in everything(student._tree)
    json.dumps(room.snapshot().polls)  # the room's state stays plain data


def test_the_teacher_s_lecture_page_gives_the_class_link_and_ends_the_lecture(room, monkeypatch):
    monkeypatch.setenv("AEVIZ_CLASS_URL", "http://class.example:8501/")
    teacher = open_page(new_session({TEACHER_PARAM: room.token}), page_file("lecture"))
    assert [c.value for c in teacher.code] == ["http://class.example:8501/"]
    assert len(teacher.image) == 1  # the QR code
    assert teacher.button(key="lecture_start") is not None and not any(b.key == "lecture_end" for b in teacher.button)
    teacher.button(key="lecture_start").click().run()
    assert room.published().step == 1
    teacher = open_page(teacher, page_file("lecture"))
    teacher.button(key="lecture_end").click().run()
    assert room.published() is None  # the followers stay where they are


def test_a_student_s_lecture_page_has_no_class_link_or_end(room):
    room.publish(2)
    student = open_page(new_session(), page_file("lecture"))
    assert not student.code and not any(b.key == "lecture_end" for b in student.button)


def test_the_teacher_sees_the_class_s_jobs_cancels_one_and_its_student_is_told(room):
    """The teacher's Lecture page lists the queue with whose each job is (never the owner key) and cancels a student's
    waiting training; the student's page says the teacher did; no student's Lecture page offers a cancel."""
    pool, others = occupy_the_pool()
    try:
        student = open_page(new_session({"train_dataset": "digits", "train_epochs": "1"}), "views/train.py")
        student.button(key="train").click().run()
        job = student.session_state["aeviz"].pending.job
        assert job.state == "queued"
        teacher = open_page(new_session({TEACHER_PARAM: room.token}), page_file("lecture"))
        rows = [shown(m) for m in teacher.markdown if " · student " in m.value]
        assert rows[1] == f"**{job.label}** · student {public_id(job.owner)[:6]} · waiting, number 1"
        assert rows[0].endswith("running, 0%") and len(rows) == 1 + len(others)
        assert student.session_state["aeviz"].owner not in everything(teacher._tree)
        teacher.button(key=f"lecture_cancel_{job.id}").click().run()
        assert job.state == "cancelled" and pool.jobs() == others
        student.run()
        assert [w.value for w in student.warning] == [f"The teacher cancelled it: {job.label}."]
        classmate = open_page(new_session(), page_file("lecture"))
        assert not any(b.key.startswith("lecture_cancel_") for b in classmate.button)
    finally:
        free(pool, others)


def test_the_class_link_names_the_machine_not_localhost(room, monkeypatch):
    """A student's laptop cannot reach the teacher's "localhost": the link gives the server's network address."""
    import aeviz.ui.room

    monkeypatch.delenv("AEVIZ_CLASS_URL", raising=False)
    monkeypatch.setattr(aeviz.ui.room.net_util, "get_internal_ip", lambda: "192.0.2.9")
    teacher = open_page(new_session({TEACHER_PARAM: room.token}), page_file("lecture"))
    assert [c.value for c in teacher.code] == ["http://192.0.2.9:8501/"]


def _pages_at_once(moved: bool, n: int = 4) -> int:
    """How many of n page bodies ran at the same time, each entered through `in_turn(moved)` in its own thread."""
    from aeviz.ui.classroom import in_turn

    inside, most, guard = [0], [0], threading.Lock()

    def body():
        with in_turn(moved):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.1)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=body) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return most[0]


def test_followers_moved_by_the_teacher_draw_their_pages_one_at_a_time_and_nobody_else_waits():
    assert _pages_at_once(moved=True) == 1
    assert _pages_at_once(moved=False) > 1


def test_a_follower_waits_for_its_turn_at_most_a_bound(monkeypatch):
    from aeviz.ui import classroom

    monkeypatch.setattr(classroom, "IN_TURN_WAIT", 0.1)
    assert classroom._in_turn.acquire(timeout=1)  # a slow page holds the turn
    try:
        start = time.monotonic()
        with classroom.in_turn(True):
            waited = time.monotonic() - start
        assert 0.05 < waited < 1.0
        assert classroom._in_turn.locked()  # the slow page's turn was not released by the one that gave up waiting
    finally:
        classroom._in_turn.release()
