"""The room in the browser, on its own server (a teacher presenting would move every other test's sessions): the
teacher's link, students following the teacher's step, one exploring on their own, a question voted on and revealed.
Timings are printed, never asserted (bench/ measures them)."""

import time

import pytest

from tests.e2e.conftest import start_app, stop_app
from tests.e2e.helpers import FIRST_RUN_DONE, NOT_RUNNING, goto

TOKEN = "a-teacher-token-for-the-browser-tests"
PROJECTOR = {"width": 1280, "height": 720}
LAPTOP = {"width": 1366, "height": 768}
SPARSITY_STEP = 13  # the λ sweep: "does the reconstruction error go up or down?"


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    url, process = start_app(tmp_path_factory.mktemp("room"), AEVIZ_TEACHER_TOKEN=TOKEN)
    yield url
    stop_app(process)


def open_browser(browser, viewport):
    from tests.e2e.helpers import COUNT_RUNS

    context = browser.new_context(viewport=viewport)
    context.add_init_script(COUNT_RUNS)
    return context, context.new_page()


def wait_for_step(page, path: str, number: int, timeout=30_000) -> float:
    """Wait until `page` shows step `number` on `path` (its address and its strip); the seconds it took."""
    start = time.monotonic()
    page.wait_for_function(
        """([path, number]) => location.pathname.endsWith('/' + path) && location.search.includes('step=' + number)
            && document.body.innerText.includes('Step ' + number + ' of')""",
        arg=[path, number],
        timeout=timeout,
    )
    return time.monotonic() - start


def test_students_follow_the_teacher_vote_and_see_the_reveal(browser, room_server, shot):
    teacher_context, teacher = open_browser(browser, PROJECTOR)
    students = [open_browser(browser, LAPTOP) for _ in range(3)]
    try:
        goto(teacher, f"{room_server}/sparsity?step={SPARSITY_STEP}&present=1&teacher={TOKEN}")
        assert TOKEN not in teacher.url  # the token leaves the address bar at once
        for _, student in students:  # they open the class link: the server's root, Home
            student.goto(room_server)
            print("followed in", round(wait_for_step(student, "sparsity", SPARSITY_STEP), 2), "s")
            student.wait_for_function(FIRST_RUN_DONE, timeout=60_000)
        explorer = students[2][1]
        explorer.get_by_role("button", name="Explore on my own").click()
        explorer.get_by_text("Exploring on your own").wait_for(timeout=30_000)

        teacher.get_by_role("button", name="Ask the room").click()
        for (_, student), choice in zip(students[:2], ["Up", "Down"], strict=True):
            radio = student.locator('[data-testid="stRadio"] label').filter(has_text=choice)
            radio.wait_for(timeout=30_000)  # the vote opens on the students' screens within a second or two
            radio.click()
        teacher.get_by_text("2 votes").wait_for(timeout=30_000)
        assert "blur" in teacher.locator(".st-key-lecture_figure").evaluate("e => getComputedStyle(e).filter")
        teacher.screenshot(path=str(shot(teacher, "room_teacher_votes")))  # for README: the first screen, as projected
        students[0][1].screenshot(path=str(shot(students[0][1], "room_student_votes")))

        teacher.get_by_role("button", name="Reveal").click()
        students[0][1].get_by_text("Answer:").wait_for(timeout=30_000)
        assert teacher.locator(".st-key-lecture_figure").evaluate("e => getComputedStyle(e).filter") == "none"

        teacher.keyboard.press("ArrowRight")
        for _, student in students[:2]:
            print("next step reached in", round(wait_for_step(student, "denoise", SPARSITY_STEP + 1), 2), "s")
        explorer.wait_for_function(NOT_RUNNING)
        assert f"step={SPARSITY_STEP}" in explorer.url and "/sparsity" in explorer.url  # stayed where they were
        students[0][1].reload()  # the address names the page the student was moved to: a reload keeps it
        wait_for_step(students[0][1], "denoise", SPARSITY_STEP + 1, timeout=60_000)
    finally:
        for context, _ in [*students, (teacher_context, teacher)]:
            context.close()
