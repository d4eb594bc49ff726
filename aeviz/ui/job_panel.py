"""Heavy work in the server-wide job pool, seen from a page: submit, watch (queue position, progress, Stop), collect.

A page submits a job with a `keep` function; the job runs on a worker thread (aeviz.jobs: no Streamlit there) while a
fragment on the page polls it and draws it, when a clock in the browser asks: while it runs, every 1-2 s
(`run_poll_seconds`: less often while others wait, and just after its expected end); while it waits, rarely far back
in the queue and every few seconds near its front (`queue_poll_seconds`).
When it has finished, the fragment reruns the app; `collect_jobs` (app.py calls it before routing, so on every page)
runs `keep(result)` in the script thread, which stores the result in the session and returns what to tell the student
(level, text); the page of that kind shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from aeviz import AevizError
from aeviz.escaping import markdown_text
from aeviz.jobs import CANCELLED, DONE, QUEUED, Job, JobPool
from aeviz.ui.display import queue_clock, show_error
from aeviz.ui.records import Notice, Pending
from aeviz.ui.replicas import BEAT_EVERY, lost_job, mark, start_heartbeat, unmark
from aeviz.ui.resources import job_pool
from aeviz.ui.state import session

# How often a page polls its job. Each poll is a script run on the server and a redraw of the page in the browser,
# measured in headless Chromium on the Train page: 0.1-0.3 s of browser CPU per poll of a queued job, ~0.22 s per redraw
# of a running job's live monitor. With 29 students waiting and each polling every 5 s, their browsers took most of
# the 2 cores the training and the other pages needed (bench/bench_classroom.py). Most of a class waits, so a waiting
# page polls when its place could have changed: after half its estimated wait, within these bounds.
POLL_SECONDS = 1.0  # a running job: its progress and live monitor, while nobody waits
POLL_SECONDS_BUSY = 2.0  # … while others wait: at 1 s polls a live monitor kept 0.13 cores of browser busy here
# … but a job due to end sooner is looked at just after its expected end, so that its result does not wait for the next
# regular poll (with 2 s polls the first result of a class's 30 clicks reached its page 1.6-2 s after its job ended)
END_MARGIN = 0.25  # seconds after the expected end
OVERDUE_POLL = 0.5  # past its expected end (its pace slowed): this often until it ends
FINISH_WAIT = 0.5  # s: a running job expected to end within this is waited for in the panel's run (its result is
# drawn as it comes, not up to a poll later: a Train click 1.43× → 1.21× pure training); it holds only its own thread
QUEUE_POLL_MIN = 2.0  # the next in line
QUEUE_POLL_MAX = 30.0  # far back in the queue: its place and estimate are redrawn at least this often


def submit(
    kind: str,
    label: str,
    fn: Callable[..., Any],
    args: tuple,
    keep: Callable[[Any], tuple[str, str]],
    then: Callable[[Any], None] | None = None,
    check: Callable[[], object] | None = None,
    share: str = "",
    work: float = 0.0,
) -> Job | None:
    """Queue `fn(job, *args)` (a module-level function: it runs in a worker process) for this session, one job at a
    time; `then(result)` runs in the server when it succeeds, whether or not the tab is still open (e.g. to store a
    model); `keep(result)` runs on the session's next script run. `check()` runs first and may refuse the job (e.g.
    over the work budget) — the work it returns, if a number, sizes the job's estimate, as `work` does; `share` names
    work whose result is everyone's, so that it is not queued twice. Shows why when the job cannot be queued."""
    state = session()
    try:
        checked = check() if check is not None else None
        work = float(checked) if isinstance(checked, (int, float)) and not work else work
        job = job_pool().submit(state.owner, kind, label, fn, args, then, keep, state.session_id, share, work)
    except AevizError as exc:
        show_error(exc)
        return None
    state.pending = Pending(job, keep)
    mark(state.owner, kind, label)
    return job


def pending_job() -> Job | None:
    """This session's job while it is queued or running."""
    pending = session().pending
    return pending.job if pending is not None and not pending.job.finished else None


def collect_jobs() -> None:
    """Take a finished job's result into the session (its `keep`) and leave a message for its page; with replicas, say
    so when the student's job was in a copy of the server that has stopped (`aeviz.ui.replicas`)."""
    state = session()
    start_heartbeat()
    pending = state.pending
    if pending is None:
        elsewhere = lost_job(state.owner)
        if elsewhere is not None and elsewhere[2]:
            _say_lost(*elsewhere[:2])
        elif elsewhere is not None:
            _watch_elsewhere()
        return
    if not pending.job.finished:
        return
    job, state.pending = pending.job, None
    unmark(state.owner)
    job_pool().collect(job)
    if job.cancelled_by:
        what = "stopped" if job.state == DONE else "cancelled"
        state.notices.append(Notice(job.kind, "warning", f"{job.cancelled_by.capitalize()} {what} it: {job.label}."))
    if job.state == DONE:
        try:
            state.notices.append(Notice(job.kind, *pending.keep(job.result)))
        except AevizError as exc:
            state.notices.append(Notice(job.kind, "error", str(exc)))
    elif job.state == CANCELLED and not job.cancelled_by:
        state.notices.append(Notice(job.kind, "info", f"Cancelled: {job.label}."))
    elif job.state != CANCELLED:
        state.notices.append(Notice(job.kind, "error", job.error))


def _say_lost(kind: str, label: str) -> None:
    text = f"Your job ({label}) was on a copy of the server that stopped, and is lost: start it again."
    session().notices.append(Notice(kind, "error", text))


@st.fragment(run_every=BEAT_EVERY)
def _watch_elsewhere() -> None:
    """This student's job is in another copy of the server, which still beats: the browser reached this copy, so that
    one has probably just died. Look again every beat until its heart stops (the job is lost) or its marker goes."""
    elsewhere = lost_job(session().owner)
    if elsewhere is None:
        return
    kind, label, lost = elsewhere
    if lost:
        _say_lost(kind, label)
        st.rerun(scope="app")
    st.caption(f"Your job ({markdown_text(label)}) is on another copy of the server; looking whether it still runs…")


def queue_text(job: Job, pool: JobPool) -> str:
    running, queued = pool.counts()
    return (
        f"Waiting in the class queue: number {pool.position(job)} of {queued} ({running} running, {pool.workers} at a "
        "time). The other pages stay usable meanwhile."
    )


def queue_poll_seconds(wait: float) -> float:
    """When a waiting page should look again, given its estimated wait in seconds: after half of it, so that an
    estimate that was too long is corrected early, and within [QUEUE_POLL_MIN, QUEUE_POLL_MAX]."""
    return min(QUEUE_POLL_MAX, max(QUEUE_POLL_MIN, wait / 2))


def run_poll_seconds(waiting: int, remaining: float | None) -> float:
    """When a running job's page next redraws its progress and live monitor, given how many jobs wait and the seconds
    the job should still take (`JobPool.remaining`, None if unknown): every second while the server is free for it,
    less often while the others' wait depends on the CPU it takes, and just after its expected end when that comes
    first."""
    every = POLL_SECONDS if waiting == 0 else POLL_SECONDS_BUSY
    if remaining is None:
        return every
    if remaining <= 0:
        return min(every, OVERDUE_POLL)
    return min(every, remaining + END_MARGIN)


def unless_ending(pool, job):
    """`job`, or None once it has ended: a job expected to end within FINISH_WAIT is waited for here (bounded), so that
    its result is drawn in this run rather than at a poll the browser sends later."""
    left = pool.remaining(job)
    if left is not None and left <= FINISH_WAIT:
        pool.wait(job, timeout=left + END_MARGIN)
    return None if job.finished else job


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


@st.fragment
def _watch_queue(kind: str) -> None:
    """The queue panel; the queue clock under it counts down in the browser and reruns this fragment when it polls."""
    job, pool = pending_job(), job_pool()
    if job is None or job.kind != kind or job.state != QUEUED:  # started or finished: the page draws it anew
        st.rerun(scope="app")
    st.info(queue_text(job, pool), icon=":material/hourglass_top:")
    wait = pool.estimated_start(job)
    queue_clock(wait, queue_poll_seconds(wait), key=f"queue_clock_{kind}")
    if st.button("Leave the queue", key=f"cancel_{kind}"):
        pool.cancel(job)
        st.rerun(scope="app")


@st.fragment
def _watch_run(kind: str, draw: Callable[[Any], None] | None) -> None:
    """The running job's progress, Stop and live monitor; a clock in the browser reruns this fragment after
    `run_poll_seconds`, chosen on each run so that it follows the queue (a fixed `run_every` would be set when the
    panel is first drawn: for the first of a class's clicks, when nobody waits yet)."""
    job, pool = pending_job(), job_pool()
    if job is not None and job.kind == kind:
        job = unless_ending(pool, job)
    if job is None or job.kind != kind:  # finished since the last poll: the whole page takes the result
        st.rerun(scope="app")
    st.progress(job.fraction, text="stopping after this step…" if job.cancel_requested else job.text or "starting…")
    if st.button("Stop", key="stop", help="Ends the job after the current step and keeps what it finished."):
        pool.cancel(job)
    if draw is not None and job.payload is not None:
        draw(job.payload)
    queue_clock(None, run_poll_seconds(pool.counts()[1], pool.remaining(job)), key=f"run_clock_{kind}")
