"""The room on every page: students follow the teacher's step, and a step's question is asked, voted on and revealed.

app.py calls `follow_teacher` before the page (a student's bar "Following the teacher", and a fragment that looks at
the teacher's step every second and moves there) and `question_panel` after it (the page has computed the answer by
then: `ui.explain(..., answer=…)`). The teacher asks and reveals; students vote; nobody but the teacher's session
gets the teacher's buttons, and the room refuses votes after the reveal whoever sends them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from aeviz import AevizError
from aeviz.class_plots import votes_fig
from aeviz.lecture import STEP_PARAM, STEPS, step, step_number
from aeviz.questions import Answer, Question, question_for
from aeviz.room import Poll
from aeviz.sitemap import PAGES
from aeviz.ui.display import keep_address
from aeviz.ui.lecture import current_stage, go_to
from aeviz.ui.room import class_room
from aeviz.ui.state import session

FOLLOW_EVERY = 1.0  # seconds between a follower's looks at the teacher's step (the lag is about half of it)
WAIT_EVERY = 5.0  # seconds between looks while the teacher is not presenting
POLL_EVERY = 1.0  # seconds between redraws of an open question (the teacher's live chart, a student's reveal)
IN_TURN_WAIT = 5.0  # seconds a moved follower's page waits for its turn at most (then it runs anyway)
_in_turn = threading.Lock()  # one moved follower's page at a time: see `in_turn`


def _look(here: str, here_step: int | None) -> None:
    """Move to the teacher's step when the teacher has moved since this session last did."""
    state = session()
    published = class_room().published()
    if published is None or not state.following or published.seq == state.followed_seq:
        return
    first, state.followed_seq = state.followed_seq == 0, published.seq
    if first and here_step == published.step:  # arrived by the step's link already
        return
    state.moved_to = step(published.step).page
    go_to(published.step, here)


def _moved() -> None:
    """In a fragment: when the teacher has moved, run the whole page again, whose `follow_teacher` goes there.

    A move made by the server (not by the student's click) now and then leaves the old page's path in the address bar
    (measured in Chromium, Streamlit 1.67: more often when the switch came from the fragment itself), so a reload would
    open the wrong page: the page moved to draws `keep_address`, which puts its own path back."""
    published = class_room().published()
    if published is not None and published.seq != session().followed_seq:
        st.rerun()


@st.fragment(run_every=FOLLOW_EVERY)
def _follow_closely() -> None:
    _moved()


@st.fragment(run_every=WAIT_EVERY)
def _wait_for_the_teacher() -> None:
    _moved()


def follow_teacher(title: str) -> bool:
    """A student's bar while the teacher presents ("Following the teacher" / "Explore on my own"), and the look at
    the teacher's step: every second while following, every few seconds while the teacher has not begun. True when
    this run is the arrival at the step the teacher moved to (its page then runs `in_turn`)."""
    state = session()
    if state.teacher:
        return False
    here = next(p.url_path for p in PAGES if p.title == title)
    number = step_number(st.query_params.get(STEP_PARAM))
    here_step = number if number is not None and step(number).page == here else None
    published = class_room().published()
    if published is not None:
        with st.container(horizontal=True, vertical_alignment="center", key="follow_bar"):
            if state.following:
                st.markdown(f":material/school: **Following the teacher** · step {published.step} of {len(STEPS)}",
                            width="stretch")  # fmt: skip
                if st.button("Explore on my own", key="follow_off", icon=":material/explore:"):
                    state.following = False
                    st.rerun()
            else:
                st.markdown(":material/explore: **Exploring on your own**", width="stretch")
                if st.button("Follow the teacher", key="follow_on", icon=":material/school:", type="primary"):
                    state.following, state.followed_seq = True, 0
                    go_to(published.step, here)
    if not state.following:
        return False
    _look(here, here_step)
    arrived = state.moved_to == here
    if arrived:  # arrived by the teacher's move: the address bar must say so too
        keep_address(here, [p.url_path for p in PAGES], state.followed_seq)
        state.moved_to = ""
    if published is None:
        _wait_for_the_teacher()
    else:
        _follow_closely()
    return arrived


@contextmanager
def in_turn(moved: bool) -> Iterator[None]:
    """Around a page's body: the followers the teacher just moved draw their pages one at a time.

    A move sends the whole class to a page at once. Thirty page runs side by side share the server's one interpreter
    lock with the thread that talks to the browsers, so every student got the step's strip (drawn before the body)
    late and every figure at the very end; in turn, every strip goes out at once and the figures follow one by one,
    the first student's at once. No follower waits longer than IN_TURN_WAIT for its turn (a slow page cannot hold the
    room). Sessions not moved by the teacher (the teacher's own, a student exploring) never wait."""
    if not moved:
        yield
        return
    turn = _in_turn.acquire(timeout=IN_TURN_WAIT)
    try:
        yield
    finally:
        if turn:
            _in_turn.release()


# --- predict, then reveal ---------------------------------------------------------------------------------------------


def question_panel() -> None:
    """Under the current step's notes: its question, with the teacher's Ask / Reveal and the live votes, or a
    student's choices and, after the reveal, the answer with the numbers that decide it."""
    stage = current_stage()
    if stage is None or question_for(stage.step.page, stage.step.figure) is None:
        return
    with stage.question:
        _question(stage.number, stage.answer)


@st.fragment(run_every=POLL_EVERY)
def _question(number: int, answer: Answer | None) -> None:
    question = question_for(step(number).page, step(number).figure)
    room, state = class_room(), session()
    poll = room.snapshot().polls.get(number)
    if poll is not None:  # the question takes the place of what to look for, which would give the answer away
        st.html(f"<style>{_HIDE_THE_ANSWER if not poll.revealed else _HIDE_LOOK_FOR}</style>")
    with st.container(border=True, key="room_question"):
        if poll is None or not poll.revealed:  # once revealed, the answer says it (room on a 720 px projector)
            st.markdown(f"**Predict, then see:** {question.text}")
        if state.teacher:
            _teacher_side(number, question, poll, answer)
        else:
            _student_side(number, poll, state.owner)


# While the class votes, on every screen (the projector too): the key figure is blurred and the sentence of what to
# look for is away; after the reveal the figure is back, and the answer stands where the sentence was.
_HIDE_LOOK_FOR = ".st-key-lecture_look_for { display: none; }"
_HIDE_THE_ANSWER = _HIDE_LOOK_FOR + " .st-key-lecture_figure { filter: blur(14px); pointer-events: none; }"


def _teacher_side(number: int, question: Question, poll: Poll | None, answer: Answer | None) -> None:
    """Ask, the live votes, Reveal (with the answer this page computed), Ask again. Callbacks act before the redraw."""
    room = class_room()
    ask = {"on_click": room.ask, "args": (number, question.text, question.choices)}
    if poll is None:
        st.button("Ask the room", key="room_ask", icon=":material/how_to_vote:", type="primary", **ask)
        return
    st.plotly_chart(votes_fig(poll.choices, poll.counts, poll.answer), key="room_votes", config={"displayModeBar": False})
    if poll.revealed:
        _answer(poll)
    with st.container(horizontal=True, vertical_alignment="center"):
        if poll.revealed:
            st.button("Ask again", key="room_ask_again", icon=":material/replay:", **ask)
        elif answer is not None:
            st.button("Reveal", key="room_reveal", icon=":material/visibility:", type="primary", on_click=room.reveal,
                      args=(number, answer.index, answer.why))  # fmt: skip
        st.markdown(f"**{poll.votes}** vote{'s' if poll.votes != 1 else ''}", width="content")
    if answer is None and not poll.revealed:
        st.caption("This page has not computed the answer yet (it needs its numbers on screen).")


def _student_side(number: int, poll: Poll | None, voter: str) -> None:
    if poll is None:
        st.caption("Think about it: the teacher will open the vote.")
        return
    if not poll.revealed:
        st.caption("The figure clears when the teacher reveals the answer.")
    mine = class_room().my_vote(number, voter)
    if poll.revealed:
        _answer(poll)
        if mine is not None:
            st.markdown("You chose it: right." if mine == poll.answer else f"You chose “{poll.choices[mine]}”.")
        return
    st.radio("Your answer", poll.choices, index=mine, key=f"room_vote_{number}", on_change=_vote,
             args=(number, voter), horizontal=False)  # fmt: skip
    st.caption(f"{poll.votes} vote{'s' if poll.votes != 1 else ''} so far; you can change yours until the reveal.")


def _vote(number: int, voter: str) -> None:
    poll = class_room().snapshot().polls.get(number)
    chosen = st.session_state.get(f"room_vote_{number}")
    if poll is None or chosen not in poll.choices:
        return
    try:
        class_room().vote(number, voter, poll.choices.index(chosen))
    except AevizError as exc:  # revealed meanwhile
        st.toast(str(exc))


def _answer(poll: Poll) -> None:
    st.success(f"**Answer: {poll.choices[poll.answer]}.** {poll.why}", icon=":material/check_circle:")
