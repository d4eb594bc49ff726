"""One server-wide bounded pool for heavy work (trainings, UMAP, t-SNE), so a class queues instead of stalling.

A page submits a job (a module-level function called as `fn(job, *args)`) and returns at once; the job runs in one of
a few worker processes and reports its progress (`job.report`), which reaches the `Job` object in the server; the
page's script (or a fragment) reads it on its next run. Nothing here imports Streamlit. A job calls `job.check()` (or
`job.report`) often; after `cancel()` that raises `Cancelled` inside the job, which may keep what it has (a training
keeps its finished epochs) or let it propagate.

Why processes (aeviz.workers), not threads: a training holds Python's GIL for most of each step, so with trainings on
threads of the server every page of the class waited for the GIL (measured with 3 students training and one stepping a
server-side slider: steps went from ~0.17 s to 0.4-1.3 s; with 10 students one step took over 2 minutes). A worker
process has its own GIL, runs at a lower CPU priority (nice) than the pages, and is restarted if it dies (e.g. out of
memory). Results come back pickled from our own child process, never from a user's file.

Jobs start in submission order; one student (an `owner`: a browser, all its tabs) has at most one unfinished job. A
queued job knows its position and an estimated start, from the work of the jobs ahead at their kinds' recent pace.
"""

from __future__ import annotations

import heapq
import logging
import os
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aeviz.errors import AevizError
from aeviz.jobhandle import Cancelled, JobKind
from aeviz.workers import ChildJob, Worker

__all__ = ["CANCELLED", "DONE", "FAILED", "QUEUED", "RUNNING", "Cancelled", "ChildJob", "Job", "JobKind", "JobPool"]

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FIRST_GUESS = 10.0  # seconds a job of a kind never run before is assumed to take
RECENT = 10  # durations remembered per kind
GRACE = float(os.environ.get("AEVIZ_SESSION_GRACE", "60"))  # seconds a closed tab's session may come back (a reload)
MAX_QUEUED = int(os.environ.get("AEVIZ_MAX_QUEUED", "60"))  # jobs waiting at once: two per student of a class of 30
FORGET_AFTER = 3600.0  # finished jobs nobody collected (a closed tab) are dropped after this many seconds


@dataclass(eq=False)
class Job:
    """One piece of heavy work: written by the pool (from its worker's messages), read by the page that submitted it."""

    owner: str  # the session that submitted it
    kind: JobKind  # estimates are per kind
    label: str  # what the page says it is, e.g. "training mnist, mlp, 2-D code"
    fn: Callable[..., Any] = field(repr=False)  # called as fn(job, *args) in a worker: a module-level function
    args: tuple = field(default=(), repr=False)
    then: Callable[[Any], None] | None = field(default=None, repr=False)  # run in the server on the result (no st.*)
    keep: Callable[[Any], Any] | None = field(default=None, repr=False)  # what a page of its owner does with the result
    sessions: set[str] = field(default_factory=set, repr=False)  # the browser sessions showing it (opaque ids)
    orphaned: bool = False  # every session that showed it has ended: its result is let go as soon as it is done
    share: str = ""  # work whose result is everyone's (e.g. a Capacity run of some data): at most one at a time
    work: float = 0.0  # its size (epochs × rows × parameters, configs.check_work), when known: estimates scale by it
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: str = QUEUED
    submitted: float = 0.0  # the pool's clock
    started: float | None = None
    ended: float | None = None
    fraction: float = 0.0  # share of the work done, 0–1, as the job last reported it
    text: str = ""  # the job's last progress message
    payload: Any = None  # what the job last handed the page to draw (e.g. loss history and the latest view)
    # (time, fraction) of its first progress report and of its latest: the pace between them, not since the start,
    # says how long the rest takes (the time before the first report holds the worker's start-up and the data loading)
    first_report: tuple[float, float] | None = None
    last_report: tuple[float, float] | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)  # the pool's
    result: Any = None
    error: str = ""
    cancelled_by: str = ""  # "" or who else cancelled it ("the teacher"): the owner's page says so
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED, CANCELLED)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise `Cancelled` if the job was cancelled: call it often from inside the job."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, fraction: float, text: str = "", payload: Any = None) -> None:
        """Progress for the page (each call also checks for cancellation). A payload replaces the previous one; hand
        over copies or objects the job no longer changes."""
        self.check()
        self.progressed(fraction, text, payload)

    def progressed(self, fraction: float, text: str, payload: Any) -> None:
        """Note a progress report (from the job itself, or relayed from its worker process)."""
        self.fraction, self.text = min(max(fraction, 0.0), 1.0), text
        if payload is not None:
            self.payload = payload
        self.last_report = (self.clock(), self.fraction)
        if self.first_report is None:
            self.first_report = self.last_report


def use_processes() -> bool:
    """Worker processes unless $AEVIZ_POOL_PROCESSES is 0 (threads: the AppTests, which patch module constants that a
    worker process would not see; the browser tests and the server use processes)."""
    return os.environ.get("AEVIZ_POOL_PROCESSES", "1").strip() != "0"


# What a worker does while it has no job yet, in this order: the one-off costs of the first UMAP and t-SNE (nothing else
# keeps a class waiting as long for a first answer), then of the first training. Named, not imported: the server
# imports neither before its first page, and the worker imports them itself.
WARM_UP = ("aeviz.projection:warm_up_projections", "aeviz.training:warm_up_training")


def warm_up_wanted() -> bool:
    """$AEVIZ_WARM_UP=0 turns the workers' warm-up off (the AppTests do, to keep their CPU to themselves)."""
    return os.environ.get("AEVIZ_WARM_UP", "1").strip() != "0"


def pool_size(cores: int | None = None) -> int:
    """Workers: $AEVIZ_POOL_SIZE, else one core fewer than the machine has (the other serves the pages), at least 1."""
    configured = os.environ.get("AEVIZ_POOL_SIZE", "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise AevizError(f"AEVIZ_POOL_SIZE must be a whole number ≥ 1, not {configured!r}")
        return int(configured)
    return max(1, (cores or os.cpu_count() or 1) - 1)


class JobPool:
    """A bounded pool running `Job`s in order; safe to call from every session's script thread.

    Each of `workers` dispatcher threads hands one job at a time to its own worker process (`processes=True`, the
    server) or runs it itself (`processes=False`: the queue's logic in tests, with jobs that are closures). Each worker
    process runs the `warm` steps while it has no job (`aeviz.workers.warm_up`); `start` starts the workers before the
    first job is submitted."""

    def __init__(
        self,
        workers: int,
        processes: bool = True,
        clock: Callable[[], float] = time.monotonic,
        max_queued: int = MAX_QUEUED,
        warm: tuple[str, ...] = (),
    ) -> None:
        self.workers, self.processes, self._clock, self.max_queued = workers, processes, clock, max_queued
        self.warm = warm
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # a worker waits on it for the queue to fill
        self._threads: list[threading.Thread] = []
        self._queue: list[Job] = []  # waiting, in submission order
        self._running: list[Job] = []
        self._latest: dict[str, Job] = {}  # each owner's most recent job until collected
        self._durations: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=RECENT))
        self._rates: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=RECENT))  # seconds per unit of work
        self._seen: dict[str, float] = {}  # session id: when it was last seen connected (`reap`)

    # --- what pages call ------------------------------------------------------------------------------------------

    def submit(
        self,
        owner: str,
        kind: JobKind,
        label: str,
        fn: Callable[..., Any],
        args: tuple = (),
        then: Callable[[Any], None] | None = None,
        keep: Callable[[Any], Any] | None = None,
        session: str = "",
        share: str = "",
        work: float = 0.0,
    ) -> Job:
        """Queue `fn(job, *args)`; `then(result)` runs in the server once it has succeeded (e.g. to store the model).
        Refuses while the owner has an unfinished job (one at a time per student, all tabs of a browser being one),
        and while `max_queued` jobs wait; an unknown kind is a ValueError."""
        with self._lock:
            self._forget_old()
            current = self._latest.get(owner)
            if current is not None and not current.finished:
                raise AevizError(f"you already have a job {current.state} ({current.label}): wait for it or cancel it")
            if share and self._shared(share) is not None:
                raise AevizError("a classmate's identical run is already on its way; its result will appear for everyone")
            if len(self._queue) >= self.max_queued:
                raise AevizError(
                    f"the class queue is full ({len(self._queue)} jobs waiting for {self.workers} worker(s)): "
                    "try again in a few minutes"
                )
            job = Job(owner, JobKind(kind), label, fn, args, then, keep, submitted=self._clock(), clock=self._clock)
            job.sessions = {session} if session else set()
            job.share, job.work = share, float(work)
            self._queue.append(job)
            self._latest[owner] = job
            self._start_workers()
            self._wake.notify()
        return job

    def shared_job(self, share: str) -> Job | None:
        """The queued or running job doing the shared work `share`, if any (a page offers to wait for it instead)."""
        with self._lock:
            return self._shared(share)

    def _shared(self, share: str) -> Job | None:  # under the lock
        return next((job for job in [*self._running, *self._queue] if job.share == share), None)

    def job_of(self, owner: str) -> Job | None:
        """The owner's latest job (running, queued, or finished and not yet collected)."""
        with self._lock:
            return self._latest.get(owner)

    def adopt(self, job: Job, session: str) -> None:
        """Another browser session of the job's owner shows it too (a reload, a second tab)."""
        with self._lock:
            job.sessions.add(session)

    def session_ended(self, session: str) -> None:
        """A browser session is gone (its tab closed, and Streamlit let the session go): a job no other session shows
        is cancelled if it has not finished (a queued one leaves the queue, a running one stops at its next check),
        and a finished one nobody collected is forgotten, so that its result is released."""
        with self._lock:
            jobs = [*self._queue, *self._running, *self._latest.values()]
        for job in {id(j): j for j in jobs}.values():
            with self._lock:
                if session not in job.sessions:
                    continue
                job.sessions.discard(session)
                orphaned = job.orphaned = not job.sessions
            if orphaned and not job.finished:
                self.cancel(job)
            if orphaned:
                with self._lock:
                    self._let_go(job)

    def reap(self, connected: Callable[[str], bool], grace: float = GRACE) -> list[str]:
        """End the sessions of the pool's jobs that have not been connected for `grace` seconds (their tab closed; a
        reload within the grace reconnects or adopts the job), with `session_ended`; returns the ended ids. The
        server calls it every few seconds with Streamlit's own idea of which sessions are connected."""
        now = self._clock()
        with self._lock:
            jobs = [*self._queue, *self._running, *self._latest.values()]
            shown = {session for job in jobs for session in job.sessions}
            for session in shown:
                if connected(session) or session not in self._seen:
                    self._seen[session] = now
            self._seen = {s: t for s, t in self._seen.items() if s in shown}
            gone = [s for s, t in self._seen.items() if now - t > grace]
        for session in gone:
            self.session_ended(session)
        return gone

    def collect(self, job: Job) -> None:
        """The page has shown a finished job's outcome: forget it (and let its result go)."""
        with self._lock:
            if self._latest.get(job.owner) is job and job.finished:
                del self._latest[job.owner]

    def cancel(self, job: Job, by: str = "") -> None:
        """A queued job leaves the queue at once; a running one stops at its next `check`. `by` names someone other
        than its owner who cancelled it (the teacher), for the owner's page."""
        if by and not job.finished:
            job.cancelled_by = by
        job._cancel.set()
        with self._lock:
            if job.state == QUEUED:
                self._queue.remove(job)
                job.state, job.ended = CANCELLED, self._clock()

    def position(self, job: Job) -> int:
        """1 for the next job to start, 2 for the one after…; 0 once it runs or finished."""
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def jobs(self) -> list[Job]:
        """The running jobs, then the queued ones in their order (a copy of the lists: the teacher's view of the
        class's work)."""
        with self._lock:
            return [*self._running, *self._queue]

    def counts(self) -> tuple[int, int]:
        """(running, queued) jobs right now."""
        with self._lock:
            return len(self._running), len(self._queue)

    def estimated_start(self, job: Job) -> float:
        """Seconds until a queued job should start: the workers finish the running jobs (each by its own progress) and
        then the jobs ahead of it (each as long as recent jobs of its kind took); 0 for a job that is not queued."""
        now = self._clock()
        with self._lock:
            if job not in self._queue:
                return 0.0
            free = [self._remaining(j, now) for j in self._running] + [0.0] * (self.workers - len(self._running))
            heapq.heapify(free)
            for ahead in self._queue[: self._queue.index(job)]:
                heapq.heappush(free, heapq.heappop(free) + self._expected(ahead))
            return free[0]

    def remaining(self, job: Job) -> float | None:
        """Seconds until a running job should end, from its own progress reports (0 once overdue); None while they say
        too little (a guess from other jobs would say nothing about this one) or when it is not running."""
        now = self._clock()
        with self._lock:
            return self._own_remaining(job, now) if job in self._running else None

    def wait(self, job: Job, timeout: float | None = None) -> bool:
        """Block until the job finished (tests and scripts; pages poll instead); False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        while not job.finished:
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    # --- the worker side ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers now, not with the first job (the server does at its first page: they warm up meanwhile)."""
        with self._lock:
            self._start_workers()

    def _start_workers(self) -> None:  # under the lock; workers start with `start` or the first job, not at import
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, name=f"aeviz-job-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        worker = Worker(self.warm) if self.processes else None
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                job = self._queue.pop(0)
                self._running.append(job)
                job.state, job.started = RUNNING, self._clock()
            self._run(job, worker)

    def _run(self, job: Job, worker: Worker | None) -> None:
        state = DONE
        try:
            job.result = worker.run(job) if worker is not None else job.fn(job, *job.args)
            if job.then is not None:
                job.then(job.result)
        except Cancelled:
            state = CANCELLED
        except AevizError as exc:
            state, job.error = FAILED, str(exc)
        except Exception as exc:  # a bug must not take the worker (and every later job) with it
            log.exception("job %s (%s) failed", job.id, job.label)
            state, job.error = FAILED, f"the job failed unexpectedly ({type(exc).__name__}); the server log has details"
        with self._lock:
            self._running.remove(job)
            job.ended = self._clock()
            if state == DONE:
                self._durations[job.kind].append(job.ended - job.started)
                if job.work > 0:
                    self._rates[job.kind].append((job.ended - job.started) / job.work)
            job.state = state
            self._let_go(job)

    def _let_go(self, job: Job) -> None:  # under the lock
        """Forget a finished job no session shows any more: nobody will collect it, so its result goes now."""
        if job.orphaned and job.finished and self._latest.get(job.owner) is job:
            del self._latest[job.owner]

    def _expected(self, job: Job) -> float:
        """How long `job` should take: its work at the pace recent jobs of its kind went (a 100-epoch training ahead
        counts for more than a 1-epoch one), else as long as recent jobs of its kind took."""
        rates = self._rates.get(job.kind)
        if job.work > 0 and rates:
            return job.work * sum(rates) / len(rates)
        return self._typical(job.kind)

    def _typical(self, kind: str) -> float:
        recent = self._durations.get(kind)
        return sum(recent) / len(recent) if recent else FIRST_GUESS

    def _remaining(self, job: Job, now: float) -> float:
        own = self._own_remaining(job, now)
        return own if own is not None else max(self._expected(job) - (now - (job.started or now)), 0.0)

    def _own_remaining(self, job: Job, now: float) -> float | None:
        """The rest of a running job from its own progress reports; None while they say too little."""
        if job.first_report and job.last_report and job.last_report[1] > job.first_report[1]:
            (t0, f0), (t1, f1) = job.first_report, job.last_report  # its pace since it first reported
            if t1 > t0:
                return max((1.0 - f1) * (t1 - t0) / (f1 - f0) - (now - t1), 0.0)
        if job.fraction > 0.05:  # one report: its pace since the start
            elapsed = now - (job.started or now)
            return max(elapsed / job.fraction - elapsed, 0.0)
        return None

    def _forget_old(self) -> None:
        now = self._clock()
        for owner, job in list(self._latest.items()):
            if job.finished and now - (job.ended or now) > FORGET_AFTER:
                del self._latest[owner]


_server: dict[str, JobPool] = {}
_server_lock = threading.Lock()


def server_pool() -> JobPool:
    """The server's one pool for heavy work, shared by every session (`aeviz.ui.resources.job_pool`): `pool_size()`
    workers, processes unless $AEVIZ_POOL_PROCESSES is 0, warm unless $AEVIZ_WARM_UP is 0. Made on the first call."""
    with _server_lock:
        if "pool" not in _server:
            _server["pool"] = JobPool(pool_size(), processes=use_processes(), warm=WARM_UP if warm_up_wanted() else ())
        return _server["pool"]


def start_server_pool() -> None:
    """At the top of the server's first page, before it imports torch: start the worker processes, which warm up on
    the other cores while that page imports and draws (`WARM_UP`), so the class's first UMAP, t-SNE
    and training do not wait for it. Every later call is a look under a lock. Off with AEVIZ_WARM_UP=0."""
    if warm_up_wanted():
        pool = server_pool()
        if pool.processes:
            pool.start()
