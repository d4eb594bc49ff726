"""Lecture mode (aeviz.lecture's steps on their pages): a strip with "step n of N", Previous / Next / Reset that also
answer the keyboard and a presentation clicker, and a stage right under it that holds the step's key figure beside the
lecture's formula, the same formula with the page's numbers and a "look for" sentence. The presenter view (?present=1)
hides the sidebar and the header and enlarges the text, so the stage fills the first screen of a projector.

app.py opens the stage before the page runs (`lecture_stage`); a page draws its key figure inside `key_figure(name)`
and hands its numbers to `explain(name, ...)`: both draw on the stage only when the current step is about that figure,
and in the page's own place otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from aeviz.handout import Entry, Figure, png_bytes
from aeviz.lecture import PRESENT_PARAM, STEP_PARAM, STEPS, Step, step, step_number
from aeviz.questions import Answer
from aeviz.sitemap import PAGES
from aeviz.ui.room import teacher_is_on, teacher_moves
from aeviz.ui.state import session

GOTO_PARAM = "goto"  # on the Lecture page: open this step at once (how a step on the same page is reached)
KEPT_PARAMS = ("model",)  # what a step change carries along: the active model stays the active model
FIGURE_KEY = "lecture_figure"  # the stage's figure column: `.st-key-lecture_figure` in the page (the browser tests)


@dataclass
class Stage:
    """The current step's place on the page, for this script run."""

    number: int
    step: Step
    figure: DeltaGenerator  # the key figure goes here
    numbers: DeltaGenerator  # the formula with the page's numbers
    look_for: DeltaGenerator  # the sentence computed from them
    extra: DeltaGenerator  # what the page puts beside the figure (`beside`), last
    question: DeltaGenerator  # the step's question to the class (aeviz.ui.classroom): under what to look for
    downloads: int = 0  # PNG buttons drawn in this run (their keys)
    answer: Answer | None = None  # the step's question's answer, computed by the page from its numbers


_run = threading.local()  # the stage of the script run on this thread (each session runs its script on its own thread)


def current_stage() -> Stage | None:
    """The step on this page in this script run, if any."""
    return getattr(_run, "stage", None)


def presenting() -> bool:
    """Whether this session is in the presenter view (?present=1 or the Lecture page's switch)."""
    state = session()
    if st.query_params.get(PRESENT_PARAM) == "1":
        state.presenting = True
    return state.presenting


def set_presenting(on: bool) -> None:
    session().presenting = on
    if on:
        st.query_params[PRESENT_PARAM] = "1"
    else:
        st.query_params.pop(PRESENT_PARAM, None)


def page_file(url_path: str) -> str:
    return next(p.file for p in PAGES if p.url_path == url_path)


def go_to(number: int, here: str = "") -> None:
    """Open step `number` with its settings, from the page at URL path `here`.

    A page's widgets take their values from the URL only when the page is entered: on the same page, the values the
    class moved would stay and Streamlit refuses to set a widget's URL parameter. So a step on the page we are on
    (Reset, or the next PCA step) is reached through the Lecture page, which passes it on before drawing anything:
    the step's page is entered afresh, every widget at the step's setting or its default."""
    target = step(number)
    teacher_moves(number)  # the class follows the teacher's moves
    kept = {k: st.query_params[k] for k in KEPT_PARAMS if k in st.query_params}
    if target.page == here:
        via = {GOTO_PARAM: str(number), **({PRESENT_PARAM: "1"} if presenting() else {}), **kept}
        st.switch_page(page_file("lecture"), query_params=via)
    st.switch_page(page_file(target.page), query_params={**target.query(number, presenting()), **kept})


@functools.cache
def _presenter_css() -> str:
    return importlib.resources.files("aeviz").joinpath("static", "present.css").read_text()


def _strip(number: int, current: Step) -> None:
    """Previous, where we are, Reset, Next; the buttons answer ←/→, PageUp/PageDown (a clicker) and Home."""
    last = len(STEPS)
    with st.container(horizontal=True, vertical_alignment="center", key="lecture_strip"):
        if st.button("Previous", icon=":material/arrow_back:", key="lecture_prev", disabled=number == 1,
                     shortcut="Left", help="Previous step (← or PageUp)"):  # fmt: skip
            go_to(number - 1, current.page)
        st.markdown(f"**Step {number} of {last}** · {current.title}", width="stretch")
        if st.button("Reset", icon=":material/restart_alt:", key="lecture_reset", shortcut="Home",
                     help="Back to this step's settings (Home)"):  # fmt: skip
            go_to(number, current.page)
        if st.button("Next", icon=":material/arrow_forward:", key="lecture_next", disabled=number == last,
                     shortcut="Right", type="primary", help="Next step (→ or PageDown)"):  # fmt: skip
            go_to(number + 1, current.page)
        st.page_link(page_file("lecture"), label="Outline", icon=":material/list:")
    # A clicker sends PageDown / PageUp; a button takes one shortcut, so these two hidden twins take the other keys.
    with st.container(key="lecture_clicker"):
        if st.button("next", key="lecture_next_clicker", shortcut="PageDown", disabled=number == last):
            go_to(number + 1, current.page)
        if st.button("previous", key="lecture_prev_clicker", shortcut="PageUp", disabled=number == 1):
            go_to(number - 1, current.page)


def lecture_stage(title: str) -> None:
    """In lecture mode (?step=N of a step on the page titled `title`): the strip and the stage, at the top of the page.
    Called by app.py after the navigation and before the page runs; outside lecture mode it only clears the last run's
    stage. (By title: the default page's URL path is empty.)"""
    _run.stage = None
    page = next(p.url_path for p in PAGES if p.title == title)
    if page == "lecture" and (hop := step_number(st.query_params.get(GOTO_PARAM))) is not None:
        go_to(hop)
    if presenting():
        st.html(f"<style>{_presenter_css()}</style>")
    number = step_number(st.query_params.get(STEP_PARAM))
    if number is None or step(number).page != page:
        if presenting() and page != "lecture":  # no sidebar in the presenter view: the way back to the outline
            st.page_link(page_file("lecture"), label="Lecture outline", icon=":material/list:")
        return
    current = step(number)
    teacher_is_on(number)
    _strip(number, current)
    st.caption(current.claim)
    if current.wide:  # a row of images needs the width; the formula, numbers and sentence follow in a row below
        figure = st.container(key=FIGURE_KEY)
        formula, numbers, right = st.columns([1, 1, 1.3], gap="medium")
        look_for, question = right.container(key="lecture_look_for"), right.container()
        extra = right
    else:
        left, right = st.columns([2, 1], gap="medium")
        figure, notes = left.container(key=FIGURE_KEY), right.container(key="lecture_notes")
        formula, numbers = notes.container(), notes.container()
        look_for, question, extra = notes.container(key="lecture_look_for"), notes.container(), notes.container()
    formula.latex(current.formula)
    _run.stage = Stage(number, current, figure, numbers, look_for, extra, question)


def _on_stage(name: str) -> Stage | None:
    stage = current_stage()
    return stage if stage is not None and stage.step.figure == name else None


def on_stage(name: str) -> bool:
    """Whether figure `name` is drawn on the stage in this run: a panel then leaves out what the stage says."""
    return _on_stage(name) is not None


@contextlib.contextmanager
def key_figure(name: str) -> Iterator[None]:
    """Draw a page's figure `name`: on the stage when the current step is about it, in place otherwise."""
    stage = _on_stage(name)
    with stage.figure if stage is not None else contextlib.nullcontext():
        yield


@contextlib.contextmanager
def beside(name: str) -> Iterator[None]:
    """Draw what goes with figure `name` but would push it past the first screen: under the notes beside it when a
    lecture step shows the figure, in place otherwise."""
    stage = _on_stage(name)
    with stage.extra if stage is not None else contextlib.nullcontext():
        yield


def explain(
    name: str,
    numbers: str | None = None,
    look_for: str | None = None,
    figures: Sequence[Figure] | Callable[[], Sequence[Figure]] = (),
    answer: Answer | None = None,
) -> None:
    """Beside figure `name` on the stage: the step's formula with this page's numbers (LaTeX) and what to look for
    (a sentence computed from them); with `figures` (the key figure as the handout keeps it, or a function that makes
    it: called only on a step), the step as shown goes into this session's handout; `answer`, the step's question's
    answer from the same numbers (aeviz.questions), is what the teacher's Reveal shows. Nothing outside lecture mode:
    the page says these in its own words."""
    stage = _on_stage(name)
    if stage is None:
        return
    if answer is not None:
        stage.answer = answer
    figures = figures() if callable(figures) else figures
    shown = stage.step
    entry = Entry(stage.number, shown.title, shown.claim, shown.formula, numbers or "", look_for or "", tuple(figures))
    handout = session().handout
    handout[stage.number] = handout[stage.number].merged(entry) if stage.number in handout else entry
    for figure in (f for f in figures if f.kind == "png"):  # for slides; Plotly charts have PNG in their toolbar
        stage.downloads += 1
        stage.extra.download_button(
            f"PNG: {figure.caption or 'the figure'}",
            functools.partial(png_bytes, figure.content),  # encoded on click
            file_name=f"aeviz-step-{stage.number}-{stage.downloads}.png",
            mime="image/png",
            icon=":material/download:",
            key=f"lecture_png_{stage.downloads}",
        )
    if numbers:
        stage.numbers.latex(numbers)
    if look_for:
        stage.look_for.markdown(f"**Look for:** {look_for}")


# --- warming the lecture's slow steps -----------------------------------------------------------------------------


def _warm_steps() -> None:
    """Compute, into the server's caches, what the steps that measured slowest on their first visit compute first:
    the k-sweep's errors (PCA against autoencoders, the swiss roll), the denoisers' scores, the upscaler's."""
    from aeviz.pretrain import recipe
    from aeviz.sweep import sweep_ks
    from aeviz.ui.application_caches import scores, upscale_scores
    from aeviz.ui.model_caches import model_error, pca_errors
    from aeviz.ui.resources import builtin_dataset, shipped_denoisers, shipped_sweep, stored_checkpoint

    mnist, roll = builtin_dataset("mnist"), builtin_dataset("swiss_roll")
    pca_errors(mnist, max(sweep_ks(mnist.n_features)))  # as the PCA-vs-autoencoders page asks: the same cache keys
    for checkpoint in shipped_sweep(mnist).values():
        model_error(checkpoint, mnist)
    pca_errors(roll, 2)  # the swiss roll's plane and sheet (its manifold panel)
    if ("mlp", 2) in (sheet := shipped_sweep(roll)):
        model_error(sheet["mlp", 2], roll)
    denoisers = shipped_denoisers()
    sigma = recipe("mnist-denoise").train.noise_std
    if 0.0 in denoisers and sigma in denoisers:
        scores(denoisers[0.0], denoisers[sigma], mnist, "gaussian", sigma)
    upscaler = stored_checkpoint(recipe("mnist-upscale").name)
    upscale_scores(upscaler, mnist)


@functools.cache
def warm_lecture() -> threading.Thread | None:
    """Once per server, when the Lecture page is first opened (a lecture is coming): warm the slow steps in a
    background thread. AEVIZ_LECTURE_WARMUP=0 turns it off (the tests keep their CPU to themselves)."""
    if os.environ.get("AEVIZ_LECTURE_WARMUP", "1") == "0":
        return None
    thread = threading.Thread(target=_warm_steps, name="lecture-warm-up", daemon=True)
    thread.start()
    return thread
