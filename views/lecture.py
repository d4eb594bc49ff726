"""Lecture: the lecture's steps in its order, each opening its page at the step's settings, and the presenter view."""

import streamlit as st

from aeviz import AevizError, ui
from aeviz.class_plots import qr_png
from aeviz.escaping import markdown_text
from aeviz.handout import handout_html
from aeviz.jobs import RUNNING
from aeviz.lecture import STEPS
from aeviz.sitemap import PAGES
from aeviz.ui.lecture import go_to, page_file, presenting, set_presenting, warm_lecture
from aeviz.ui.resources import job_pool, public_id
from aeviz.ui.room import class_room, class_url

TITLES = {p.url_path: p.title for p in PAGES}


def presenter_form() -> bool:
    on = st.toggle(
        "Presenter view",
        value=presenting(),
        key="lecture_present",
        help="For a projector: no sidebar, larger text, each step's key figure in the first screen. Also ?present=1.",
    )
    set_presenting(on)
    return on


def outline(present: bool) -> None:
    """Every step, numbered, as a link to its page with the step's settings."""
    page = None
    for number, step in enumerate(STEPS, start=1):
        if step.page != page:
            page = step.page
            st.markdown(f"**{TITLES[page]}**")
        st.page_link(page_file(step.page), label=f"{number}. {step.title}", query_params=step.query(number, present))


def class_panel(teacher: bool) -> None:
    """The teacher's: the address (and QR code) the students join at, where the class is, and the end of the lecture.
    A student's: what following means."""
    st.subheader("The class")
    if not teacher:
        st.caption(
            "When the teacher presents from the teacher's link (printed in the terminal that started the server), "
            "this browser follows the teacher's step; the bar at the top says so and lets you explore on your own."
        )
        return
    url = class_url()
    st.markdown("Students join at (type it, or scan the code):")
    st.code(url, language=None)  # as text, with a copy button
    st.image(qr_png(url), width=180, output_format="PNG")
    published = class_room().published()
    if published is None:
        st.caption("Start the lecture (or open any step): the students who follow come along.")
        return
    st.markdown(f"The class follows you: **step {published.step} of {len(STEPS)}**, {STEPS[published.step - 1].title}.")
    st.button("End the lecture", icon=":material/stop_circle:", key="lecture_end", on_click=class_room().end,
              help="The students stay where they are and explore on their own until you open a step again.")  # fmt: skip


def student_tag(owner: str) -> str:
    """A student as the teacher's queue names them: the start of the public id their save links carry, never the
    owner key (which would make whoever reads it that student)."""
    try:
        return f"student {public_id(owner)[:6]}"
    except AevizError:
        return "a student"


@st.fragment(run_every=5)
def queue_panel() -> None:
    """The teacher's: every job of the class, running and waiting, with whose it is and a Cancel (a running training
    stops after its current step and keeps what it finished, as its owner's Stop does). Redrawn every 5 s."""
    pool = job_pool()
    jobs = pool.jobs()
    st.subheader("The class's jobs")
    if not jobs:
        st.caption("No training or run is queued or running.")
        return
    running, queued = pool.counts()
    st.caption(f"{running} running, {queued} waiting, {pool.workers} at a time. The student's page says you cancelled.")
    for job in jobs:
        where = f"running, {job.fraction:.0%}" if job.state == RUNNING else f"waiting, number {pool.position(job)}"
        text, button = st.columns([3, 2], vertical_alignment="center")  # the button keeps its word at 1280 px
        text.markdown(f"**{markdown_text(job.label)}** · {student_tag(job.owner)} · {where}")
        stopping = job.cancel_requested
        button.button("Stopping" if stopping else "Cancel", key=f"lecture_cancel_{job.id}", disabled=stopping,
                      on_click=pool.cancel, args=(job,), kwargs={"by": "the teacher"})  # fmt: skip


def handout_panel(shown: dict) -> None:
    """The steps this session has shown, with their numbers and key figures, as one HTML file that opens offline."""
    st.subheader("Handout")
    st.caption(
        f"{len(shown)} of {len(STEPS)} steps collected: a step goes into the handout, with the numbers and key figure "
        "on screen, each time it is shown in this browser session. Give the lecture (or click through it) first."
    )
    if shown:
        st.download_button(
            "Download the handout (HTML)",
            lambda: handout_html(list(shown.values()), len(STEPS)),  # built on click
            file_name="aeviz-lecture-handout.html",
            mime="text/html",
            icon=":material/download:",
            key="lecture_handout",
        )


ui.sidebar()
warm_lecture()  # the slow steps' first computations, in the background, before the class gets there
st.title("The lecture, step by step")
st.markdown(
    f"{len(STEPS)} steps through the lecture on autoencoders, each on the page that shows it, with the page set up for "
    "the step. A step puts its key figure at the top, beside the lecture's formula and the same formula with the "
    "numbers on screen. **→** or **PageDown** (a presentation clicker) goes on, **←** or **PageUp** goes back, "
    "**Home** resets the step after the class moved a slider. Each step is a link: share it, reload it."
)
left, right = st.columns([3, 2])
with right:
    present = presenter_form()
    if st.button("Start the lecture", icon=":material/play_arrow:", type="primary", key="lecture_start"):
        go_to(1)
with left:
    outline(present)
with right:
    class_panel(ui.session().teacher)
    if ui.session().teacher:
        queue_panel()
    handout_panel(ui.session().handout)
