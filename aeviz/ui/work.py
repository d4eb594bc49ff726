"""Heavy work in the server-wide job pool, seen from a page: submit, watch (queue position, progress, Stop), collect.

A page submits a job with a `keep` function; the job runs on a worker thread (aeviz.jobs: no Streamlit there) while a
fragment on the page polls it (every QUEUE_POLL_SECONDS while it waits, POLL_SECONDS while it runs) and draws it.
When it has finished, the fragment reruns the app; `collect_jobs` (app.py calls it before routing, so on every page)
runs `keep(result)` in the script thread, which stores the result in the session and returns what to tell the student
(level, text); the page of that kind shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from aeviz import AevizError
from aeviz.jobs import CANCELLED, DONE, QUEUED, Job, JobPool
from aeviz.ui.display import show_error
from aeviz.ui.resources import job_pool
from aeviz.ui.state import Notice, Pending, session

# How often a page polls its job. Each poll is a script run on the server and a redraw in the browser, measured in
# headless Chromium: ~0.13 s of browser CPU per poll of a queued job, ~0.22 s per redraw of a running job's live
# monitor. With 10 students polling every second and the monitor every half second, the browsers took the CPU the
# training and the other pages needed (bench/bench_classroom.py).
POLL_SECONDS = 1.0  # a running job: its progress and live monitor
QUEUE_POLL_SECONDS = 5.0  # a waiting job's place in the queue (most of a class waits)


def submit(
    kind: str,
    label: str,
    fn: Callable[..., Any],
    args: tuple,
    keep: Callable[[Any], tuple[str, str]],
    then: Callable[[Any], None] | None = None,
) -> Job | None:
    """Queue `fn(job, *args)` (a module-level function: it runs in a worker process) for this session, one job at a
    time; `then(result)` runs in the server when it succeeds, whether or not the tab is still open (e.g. to store a
    model); `keep(result)` runs on the session's next script run. Shows why when the job cannot be queued."""
    state = session()
    try:
        job = job_pool().submit(state.owner, kind, label, fn, args, then)
    except AevizError as exc:
        show_error(exc)
        return None
    state.pending = Pending(job, keep)
    return job


def pending_job() -> Job | None:
    """This session's job while it is queued or running."""
    pending = session().pending
    return pending.job if pending is not None and not pending.job.finished else None


def collect_jobs() -> None:
    """Take a finished job's result into the session (its `keep`) and leave a message for its page."""
    state = session()
    pending = state.pending
    if pending is None or not pending.job.finished:
        return
    job, state.pending = pending.job, None
    job_pool().collect(job)
    if job.state == DONE:
        try:
            state.notices.append(Notice(job.kind, *pending.keep(job.result)))
        except AevizError as exc:
            state.notices.append(Notice(job.kind, "error", str(exc)))
    elif job.state == CANCELLED:
        state.notices.append(Notice(job.kind, "info", f"Cancelled: {job.label}."))
    else:
        state.notices.append(Notice(job.kind, "error", job.error))


def queue_text(job: Job, pool: JobPool) -> str:
    running, queued = pool.counts()
    position, wait = pool.position(job), pool.estimated_start(job)
    return (
        f"Waiting in the class queue: number {position} of {queued} ({running} running, {pool.workers} at a time). "
        f"Estimated start in about {max(1, round(wait))} s. The other pages stay usable meanwhile."
    )


def job_panel(kind: str, draw: Callable[[Any], None] | None = None) -> None:
    """Where a page shows its job: the messages of finished jobs of this kind, then, while this session's job of this
    kind is queued or running, a panel that polls it (`draw(payload)` draws what a running job last handed over)."""
    state = session()
    for notice in [n for n in state.notices if n.kind == kind]:
        state.notices.remove(notice)
        if notice.level == "error":
            show_error(AevizError(notice.text))
        else:
            getattr(st, notice.level)(notice.text)
    job = pending_job()
    if job is not None and job.kind == kind:
        if job.state == QUEUED:
            _watch_queue(kind)
        else:
            _watch_run(kind, draw)


@st.fragment(run_every=QUEUE_POLL_SECONDS)
def _watch_queue(kind: str) -> None:
    job, pool = pending_job(), job_pool()
    if job is None or job.kind != kind or job.state != QUEUED:  # started or finished: the page draws it anew
        st.rerun(scope="app")
    st.info(queue_text(job, pool), icon=":material/hourglass_top:")
    if st.button("Leave the queue", key=f"cancel_{kind}"):
        pool.cancel(job)
        st.rerun(scope="app")


@st.fragment(run_every=POLL_SECONDS)
def _watch_run(kind: str, draw: Callable[[Any], None] | None) -> None:
    job, pool = pending_job(), job_pool()
    if job is None or job.kind != kind:  # finished since the last poll: the whole page takes the result
        st.rerun(scope="app")
    st.progress(job.fraction, text="stopping after this step…" if job.cancel_requested else job.text or "starting…")
    if st.button("Stop", key="stop", help="Ends the job after the current step and keeps what it finished."):
        pool.cancel(job)
    if draw is not None and job.payload is not None:
        draw(job.payload)
