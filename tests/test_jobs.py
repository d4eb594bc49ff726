"""aeviz.jobs: a bounded pool runs jobs in order, one per session, with positions, estimates, cancel and failures;
in worker processes, progress, cancel, failures and a dead worker reach the server."""

import os
import threading
import time

import pytest

from aeviz import AevizError
from aeviz.jobs import CANCELLED, DONE, FAILED, QUEUED, RUNNING, WARM_UP, Cancelled, JobPool, pool_size
from aeviz.workers import NICE


class Gate:
    """A job body that waits until the test opens its gate, and records that it ran."""

    def __init__(self, result=None):
        self.opened, self.ran, self.result = threading.Event(), threading.Event(), result

    def __call__(self, job):
        self.ran.set()
        while not self.opened.wait(0.01):
            job.check()
        return self.result


def _running(pool, job):
    for _ in range(500):
        if job.state == RUNNING:
            return True
        threading.Event().wait(0.01)
    return False


def test_jobs_run_in_order_and_no_more_than_the_workers_at_once():
    pool = JobPool(1, processes=False)
    gates = [Gate(i) for i in range(3)]
    jobs = [pool.submit(f"owner{i}", "training", f"job {i}", gate) for i, gate in enumerate(gates)]
    assert _running(pool, jobs[0])
    assert [pool.position(j) for j in jobs] == [0, 1, 2] and pool.counts() == (1, 2)
    assert not gates[1].ran.is_set()  # one worker: the second waits
    for gate, job in zip(gates, jobs, strict=True):
        gate.opened.set()
        assert pool.wait(job, timeout=10)
    assert [j.result for j in jobs] == [0, 1, 2] and all(j.state == DONE for j in jobs)
    assert jobs[0].ended <= jobs[1].started and jobs[1].ended <= jobs[2].started


def test_two_workers_run_two_jobs_at_once():
    pool = JobPool(2, processes=False)
    gates = [Gate(), Gate()]
    jobs = [pool.submit(f"owner{i}", "training", "x", gate) for i, gate in enumerate(gates)]
    assert _running(pool, jobs[0]) and _running(pool, jobs[1])
    for gate in gates:
        gate.opened.set()
    assert all(pool.wait(j, timeout=10) for j in jobs)


def test_a_session_has_one_unfinished_job_at_a_time():
    pool, gate = JobPool(1, processes=False), Gate("first")
    job = pool.submit("anna", "training", "training mnist", gate)
    with pytest.raises(AevizError, match=r"already have a job (running|queued) \(training mnist\)"):
        pool.submit("anna", "λ sweep", "the λ sweep", Gate())
    other = pool.submit("ben", "training", "his", Gate())  # another session may queue
    gate.opened.set()
    assert pool.wait(job, timeout=10)
    again = pool.submit("anna", "training", "second", lambda job: "second")  # finished: a new one is welcome
    pool.cancel(other)
    assert pool.wait(again, timeout=10) and again.result == "second"
    assert pool.job_of("anna") is again
    pool.collect(again)
    assert pool.job_of("anna") is None


def test_a_queued_job_cancelled_leaves_the_queue_and_never_runs():
    pool, first, second, third = JobPool(1, processes=False), Gate(), Gate(), Gate("third")
    running = pool.submit("a", "training", "a", first)
    assert _running(pool, running)
    waiting = pool.submit("b", "training", "b", second)
    last = pool.submit("c", "training", "c", third)
    assert pool.position(last) == 2
    pool.cancel(waiting)
    assert waiting.state == CANCELLED and pool.position(last) == 1
    first.opened.set()
    third.opened.set()
    assert pool.wait(last, timeout=10) and last.result == "third"
    assert not second.ran.is_set()


def test_the_teacher_sees_every_job_in_order_and_a_cancel_says_who():
    """jobs(): the running job, then the queued ones in queue order; a cancel by the teacher is marked on the job (its
    owner's page says so), one by the owner is not, and a finished job keeps no mark."""
    pool = JobPool(1, processes=False)
    gates = [Gate(i) for i in range(3)]
    jobs = [pool.submit(f"owner{i}", "training", f"job {i}", gate) for i, gate in enumerate(gates)]
    assert _running(pool, jobs[0])
    assert pool.jobs() == jobs
    pool.cancel(jobs[2], by="the teacher")
    pool.cancel(jobs[1])
    assert pool.jobs() == [jobs[0]] and jobs[2].state == jobs[1].state == CANCELLED
    assert (jobs[2].cancelled_by, jobs[1].cancelled_by) == ("the teacher", "")
    gates[0].opened.set()
    assert pool.wait(jobs[0], timeout=10)
    pool.cancel(jobs[0], by="the teacher")  # too late: it is done, and nobody stopped it
    assert jobs[0].cancelled_by == "" and pool.jobs() == []


def test_a_running_job_cancelled_stops_at_its_next_check_and_may_keep_what_it_has():
    pool = JobPool(1, processes=False)
    plain = pool.submit("a", "training", "a", Gate())
    assert _running(pool, plain)
    pool.cancel(plain)
    assert pool.wait(plain, timeout=10) and plain.state == CANCELLED

    def keeps_partial(job):
        done = 0
        try:
            while True:
                job.report(0.5, f"step {done}")
                done += 1
                threading.Event().wait(0.01)
        except Cancelled:
            return f"kept {done} steps"

    keeper = pool.submit("b", "training", "b", keeps_partial)
    assert _running(pool, keeper)
    threading.Event().wait(0.05)
    pool.cancel(keeper)
    assert pool.wait(keeper, timeout=10)
    assert keeper.state == DONE and keeper.result.startswith("kept ")


def test_a_failing_job_reports_its_message_and_the_worker_goes_on():
    pool = JobPool(1, processes=False)

    def refuses(job):
        raise AevizError("the file has no numbers")

    def crashes(job):
        raise ZeroDivisionError

    told, broken = pool.submit("a", "training", "a", refuses), pool.submit("b", "training", "b", crashes)
    fine = pool.submit("c", "training", "c", lambda job: 42)
    assert pool.wait(fine, timeout=10) and fine.result == 42
    assert (told.state, told.error) == (FAILED, "the file has no numbers")
    assert broken.state == FAILED and "ZeroDivisionError" in broken.error


def test_the_estimated_start_adds_the_running_jobs_remainder_and_the_typical_jobs_ahead():
    """One worker: a running job half done after 10 s has 10 s left; two jobs of a kind that took 4 s each ahead."""
    now, gates = [0.0], [Gate() for _ in range(3)]
    learned = JobPool(1, processes=False, clock=lambda: now[0])
    for _ in range(2):  # two finished trainings of 4 s each teach the pool how long a training takes
        done = learned.submit("t", "training", "t", lambda job: now.__setitem__(0, now[0] + 4.0))
        assert learned.wait(done, timeout=10)
    running = learned.submit("r", "training", "r", gates.pop())
    assert _running(learned, running)
    now[0] += 10.0
    running.fraction = 0.5
    queued = [learned.submit(o, "training", o, gates.pop()) for o in ("q1", "q2")]
    assert queued[0].state == QUEUED
    assert learned.estimated_start(queued[0]) == pytest.approx(10.0)
    assert learned.estimated_start(queued[1]) == pytest.approx(14.0)
    assert learned.estimated_start(running) == 0.0
    for job in (*queued, running):
        learned.cancel(job)


@pytest.mark.parametrize(("env", "cores", "size"), [("", 2, 1), ("", 8, 7), ("", 1, 1), ("3", 2, 3)])
def test_pool_size_leaves_a_core_for_the_pages_unless_configured(monkeypatch, env, cores, size):
    monkeypatch.setenv("AEVIZ_POOL_SIZE", env)
    assert pool_size(cores) == size


@pytest.mark.parametrize("env", ["0", "two", "-1"])
def test_a_bad_pool_size_is_a_message(monkeypatch, env):
    monkeypatch.setenv("AEVIZ_POOL_SIZE", env)
    with pytest.raises(AevizError, match="AEVIZ_POOL_SIZE"):
        pool_size(2)


# --- worker processes: module-level job functions, as the server's pages submit them ---------------------------------


def count_to(job, n, step_seconds):
    for i in range(1, n + 1):
        time.sleep(step_seconds)
        job.report(i / n, f"step {i}", payload={"step": i})
    return f"counted to {n} in process {os.getpid()} at nice {os.nice(0)}"


def count_until_cancelled(job):
    done = 0
    try:
        while True:
            time.sleep(0.01)
            done += 1
            job.report(0.5, f"step {done}")
    except Cancelled:
        return f"kept {done} steps"


def refuse(job, message):
    raise AevizError(message)


def die(job):
    os._exit(3)  # what the out-of-memory killer does to a worker


@pytest.fixture(scope="module")
def processes():
    return JobPool(1)


def test_a_job_runs_in_a_worker_process_at_lower_priority_and_its_progress_reaches_the_server(processes):
    seen = []
    job = processes.submit("a", "training", "count", count_to, (5, 0.05), then=seen.append)
    assert processes.wait(job, timeout=120) and job.state == DONE
    assert job.result.startswith("counted to 5 in process ") and not job.result.endswith(f"process {os.getpid()}")
    assert job.result.endswith(f"at nice {os.nice(0) + NICE}") or job.result.endswith("at nice 19")
    assert (job.fraction, job.text, job.payload) == (1.0, "step 5", {"step": 5}) and seen == [job.result]


def test_a_running_worker_job_is_stopped_by_cancel_and_keeps_what_it_did(processes):
    job = processes.submit("b", "training", "count", count_until_cancelled)
    for _ in range(2000):
        if job.text.startswith("step "):
            break
        time.sleep(0.01)
    processes.cancel(job)
    assert processes.wait(job, timeout=60) and job.state == DONE and job.result.startswith("kept ")


def test_a_worker_job_that_refuses_or_dies_fails_with_a_message_and_the_next_job_runs(processes):
    told = processes.submit("c", "training", "refuse", refuse, ("the file has no numbers",))
    assert processes.wait(told, timeout=60) and (told.state, told.error) == (FAILED, "the file has no numbers")
    dead = processes.submit("d", "training", "die", die)
    assert processes.wait(dead, timeout=60) and dead.state == FAILED and "stopped unexpectedly" in dead.error
    after = processes.submit("e", "training", "count", count_to, (1, 0.0))
    assert processes.wait(after, timeout=120) and after.state == DONE


def test_a_running_jobs_remainder_comes_from_its_pace_since_its_first_report_not_since_it_started():
    """A fresh worker spends 8 s starting up before the first report (10%); a second report 1 s later (20%) says the
    rest takes 8 s. Since the start (9 s for 20%) it would seem 36 s: a waiting student was told "2 min 30 s" for a
    31 s wait on a fresh server."""
    now, reported, gate = [0.0], threading.Event(), Gate()
    pool = JobPool(1, processes=False, clock=lambda: now[0])

    def starts_slowly(job):
        for fraction in (0.1, 0.2):
            now[0] += 8.0 if fraction == 0.1 else 1.0
            job.report(fraction)
        reported.set()
        return gate(job)

    running = pool.submit("r", "training", "r", starts_slowly)
    assert reported.wait(10)
    waiting = pool.submit("w", "training", "w", Gate())
    assert pool.estimated_start(waiting) == pytest.approx(8.0)
    assert pool.remaining(running) == pytest.approx(8.0) and pool.remaining(waiting) is None
    now[0] += 3.0  # three more seconds without a report
    assert pool.estimated_start(waiting) == pytest.approx(5.0)
    now[0] += 6.0  # overdue: it should have ended a second ago
    assert pool.remaining(running) == 0.0
    for job in (waiting, running):
        pool.cancel(job)


def test_a_running_job_that_has_not_reported_its_pace_has_no_expected_end():
    """Without a pace (no report, or one report of a sliver) the page polls at its regular pace, not at a guessed end
    (a first UMAP would otherwise look 'overdue' after the 10 s first guess and be redrawn twice a second)."""
    pool, gate, reported = JobPool(1, processes=False), Gate(), threading.Event()

    def reports_a_sliver(job):
        reported.wait(10)
        job.report(0.01)
        return gate(job)

    job = pool.submit("s", "projection", "s", reports_a_sliver)
    assert _running(pool, job) and pool.remaining(job) is None
    reported.set()
    assert gate.ran.wait(10) and job.fraction == 0.01 and pool.remaining(job) is None
    gate.opened.set()
    assert pool.wait(job, timeout=10)


def test_the_queue_has_a_cap_for_the_class():
    """Forty students, a queue of at most three: the fourth waiting job is refused with a message (nothing capped
    the queue: 40 sessions queued 39 jobs); once one leaves, the next student may queue again."""
    pool, gate = JobPool(1, processes=False, max_queued=3), Gate()
    running = pool.submit("first", "training", "x", gate)
    assert _running(pool, running)
    waiting = [pool.submit(f"s{i}", "training", "x", Gate()) for i in range(3)]
    with pytest.raises(AevizError, match=r"the class queue is full \(3 jobs waiting for 1 worker"):
        pool.submit("late", "training", "x", Gate())
    pool.cancel(waiting[0])
    late = pool.submit("late", "training", "x", Gate())
    for job in [*waiting[1:], late]:
        pool.cancel(job)
    gate.opened.set()
    assert pool.wait(running, timeout=10)


def test_a_job_only_an_ended_session_showed_is_cancelled_and_let_go():
    """Anna's tab closes while her job waits: it leaves the queue (a closed tab's jobs used to run for nobody). Ben's
    job, shown by his reloaded tab as well, survives his first tab's end; once his last tab is gone and the job has
    run, nothing keeps its result."""
    pool, gate = JobPool(1, processes=False), Gate()
    blocker = pool.submit("c", "training", "x", gate, session="tab-c")
    assert _running(pool, blocker)
    annas = pool.submit("a", "training", "x", Gate(), session="tab-a1")
    bens = pool.submit("b", "training", "x", lambda job: "his result", session="tab-b1")
    pool.adopt(bens, "tab-b2")  # a reload of Ben's page
    pool.session_ended("tab-a1")
    pool.session_ended("tab-b1")
    assert annas.state == CANCELLED and bens.state == QUEUED
    pool.session_ended("tab-b2")  # his last tab
    assert bens.state == CANCELLED
    gate.opened.set()
    assert pool.wait(blocker, timeout=10) and pool.job_of("c") is blocker  # shown by a live tab: kept for it
    pool.session_ended("tab-c")
    assert pool.job_of("c") is None and pool.job_of("a") is None  # finished and orphaned: released


def test_the_reaper_ends_a_session_only_after_its_grace():
    """A tab disconnected for less than the grace (a reload, a flaky network) keeps its job; past it, the job goes."""
    now = [0.0]
    pool = JobPool(1, processes=False, clock=lambda: now[0])
    gate = Gate()
    running = pool.submit("c", "training", "x", gate, session="busy")
    assert _running(pool, running)
    waiting = pool.submit("a", "training", "x", Gate(), session="anna")
    assert pool.reap(lambda s: True, grace=60) == []
    now[0] = 50.0
    assert pool.reap(lambda s: s == "busy", grace=60) == [] and waiting.state == QUEUED  # 50 s away: within grace
    now[0] = 100.0
    assert pool.reap(lambda s: s == "busy", grace=60) == ["anna"] and waiting.state == CANCELLED
    gate.opened.set()
    assert pool.wait(running, timeout=10)


def test_a_worker_killed_while_idle_is_replaced_before_the_next_job(processes):
    """The out-of-memory killer took the idle worker: the next job runs in a new one (it failed with "stopped
    unexpectedly (out of memory?)", though it had done nothing)."""
    import signal

    first = processes.submit("f", "training", "count", count_to, (1, 0.0))
    assert processes.wait(first, timeout=120) and first.state == DONE
    pid = int(first.result.split(" in process ")[1].split()[0])
    os.kill(pid, signal.SIGKILL)
    for _ in range(500):  # until the process is gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    after = processes.submit("g", "training", "count", count_to, (1, 0.0))
    assert processes.wait(after, timeout=120) and after.state == DONE, after.error
    assert f"in process {pid} " not in after.result


def test_identical_shared_work_is_queued_once():
    """Three students press Train on the same Capacity run: one job, not three identical two-minute runs."""
    pool, gate = JobPool(1, processes=False), Gate()
    first = pool.submit("a", "capacity", "x", gate, share="capacity:digits:1000")
    assert pool.shared_job("capacity:digits:1000") is first
    with pytest.raises(AevizError, match="identical run is already on its way"):
        pool.submit("b", "capacity", "x", Gate(), share="capacity:digits:1000")
    other = pool.submit("b", "capacity", "x", lambda job: 1, share="capacity:digits:200")  # other work: welcome
    gate.opened.set()
    assert pool.wait(first, timeout=10) and pool.wait(other, timeout=10)
    assert pool.shared_job("capacity:digits:1000") is None


def test_the_estimate_counts_the_work_of_each_job_ahead():
    """A finished training of 100 units took 4 s: a 1,000-unit training ahead counts 40 s, a 10-unit one 0.4 s (each
    counted as a typical 4 s before, whatever its size); a job of unknown size still counts as typical."""
    now, gates = [0.0], [Gate() for _ in range(5)]
    pool = JobPool(1, processes=False, clock=lambda: now[0])
    done = pool.submit("t", "training", "t", lambda job: now.__setitem__(0, now[0] + 4.0), work=100)
    assert pool.wait(done, timeout=10)
    running = pool.submit("r", "training", "r", gates.pop(), work=100)
    assert _running(pool, running)
    big, small, unknown, last = (
        pool.submit(o, "training", o, gates.pop(), work=w) for o, w in (("b", 1_000), ("s", 10), ("u", 0), ("l", 5))
    )
    assert pool.estimated_start(big) == pytest.approx(4.0)  # the running one's 100 units
    assert pool.estimated_start(small) == pytest.approx(44.0)
    assert pool.estimated_start(unknown) == pytest.approx(44.4)
    assert pool.estimated_start(last) == pytest.approx(48.4)
    for job in (big, small, unknown, last, running):
        pool.cancel(job)


def what_is_loaded(job):
    import sys

    return os.getpid(), "umap" in sys.modules and "sklearn.manifold" in sys.modules, "aeviz.training" in sys.modules


def loaded_when_idle(pool, owner):
    """Ask the worker what it has loaded every half second until both warm-up steps are done (or 5 minutes)."""
    for _ in range(600):
        job = pool.submit(owner, "training", "loaded", what_is_loaded)
        assert pool.wait(job, timeout=300), job.error
        if all(job.result[1:]):
            break
        time.sleep(0.5)
    return job.result


def test_a_warm_pool_starts_its_worker_at_once_and_it_warms_up_between_jobs_and_after_a_replacement():
    """`start` spawns the worker before any job (the server does at its first page); while no job waits it loads UMAP
    and t-SNE, then training's first calls; a job sent meanwhile does not wait for all of it. A worker killed and
    replaced warms up too. A cold pool's worker loads none of it for jobs that do not need it."""
    import multiprocessing
    import signal

    before = set(multiprocessing.active_children())
    warm = JobPool(1, warm=WARM_UP)
    warm.start()
    for _ in range(3000):  # the worker process exists before any job was submitted
        if set(multiprocessing.active_children()) - before:
            break
        time.sleep(0.01)
    assert set(multiprocessing.active_children()) - before
    pid, projections, training = loaded_when_idle(warm, "w")
    assert projections and training
    os.kill(pid, signal.SIGKILL)
    for _ in range(500):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    again = loaded_when_idle(warm, "w")
    assert again[0] != pid and again[1:] == (True, True)

    cold = JobPool(1)
    for _ in range(3):
        job = cold.submit("c", "training", "loaded", what_is_loaded)
        assert cold.wait(job, timeout=120) and job.result[1:] == (False, False)
        time.sleep(0.5)
