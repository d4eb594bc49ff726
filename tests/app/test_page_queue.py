"""The job pool seen from a page: a queued training's position and Leave, the running panel's polls, one job per session."""

import json
import types

import pytest

from tests.app.helpers import (
    component,
    free,
    new_session,
    occupy_the_pool,
    open_page,
    shown,
    wait_until_cancelled,
)


@pytest.fixture
def queued(app):
    """A session whose digits training waits in the queue, every worker busy with another session's job."""
    pool, others = occupy_the_pool()
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.button(key="train").click().run()
    yield at
    pending = at.session_state["aeviz"].pending
    if pending is not None:
        pool.cancel(pending.job)
    free(pool, others)


def test_a_training_waits_in_the_queue_with_its_position_and_can_leave_it(queued):
    """With every worker busy, Train queues: the page and the sidebar say the position; Leave the queue cancels."""
    from aeviz.ui.job_panel import queue_poll_seconds
    from aeviz.ui.resources import job_pool

    at = queued
    assert "Waiting in the class queue: number 1 of 1" in at.info[0].value
    assert "number 1 in the class queue" in at.sidebar.caption[-1].value
    job = at.session_state["aeviz"].pending.job
    clock = json.loads(component(at, "aeviz.queue_clock").json)  # counts down in the browser, polls when it says
    assert clock["start_in"] == pytest.approx(job_pool().estimated_start(job), abs=1.0)
    assert clock["poll_in"] == pytest.approx(queue_poll_seconds(clock["start_in"]))
    at.button(key="cancel_training").click().run()
    assert job.state == "cancelled" and at.session_state["aeviz"].pending is None
    assert "Cancelled: training digits" in at.info[0].value
    assert at.session_state["aeviz"].live_name == ""


def test_a_running_training_polls_every_second_and_less_often_while_others_wait(app):
    """The running job's panel reruns when its clock in the browser says: every second while nobody waits, less often
    once classmates queue behind it (chosen on each run, not fixed when the panel was first drawn)."""
    from aeviz.ui.job_panel import POLL_SECONDS, POLL_SECONDS_BUSY
    from aeviz.ui.resources import job_pool

    at = open_page(app, "views/train.py")
    at.slider(key="train_epochs").set_value(100)
    at.button(key="train").click().run()
    pool, job = job_pool(), at.session_state["aeviz"].pending.job
    classmates = []
    try:
        while job.state == "queued":
            pool.wait(job, timeout=0.05)
        at.run()
        remaining = pool.remaining(job)  # no pace yet, or far from its end: the regular polls
        assert remaining is None or remaining > POLL_SECONDS_BUSY
        assert json.loads(component(at, "aeviz.queue_clock").json)["poll_in"] == POLL_SECONDS
        classmates = [
            pool.submit(f"{i:032x}", "training", "a classmate's training", wait_until_cancelled)
            for i in range(pool.workers)  # every other worker busy, and one job waiting
        ]
        at.run()
        assert job.state == "running" and pool.counts()[1] >= 1
        remaining = pool.remaining(job)
        assert remaining is None or remaining > POLL_SECONDS_BUSY
        assert json.loads(component(at, "aeviz.queue_clock").json)["poll_in"] == POLL_SECONDS_BUSY
    finally:
        free(pool, [*classmates, job])


def test_one_session_runs_one_job_at_a_time(queued):
    """A second heavy job while the first one waits is refused with a message (the Sparsity page's pair here)."""
    at = open_page(queued, "views/sparsity.py")
    at.radio(key="sparsity_source").set_value("train").run()
    at.button(key="sparsity_train").click().run()
    assert "you already have a job queued (training digits" in shown(at.error[0])


def test_a_reload_finds_its_waiting_job_and_a_closed_tabs_job_leaves_the_queue(monkeypatch):
    """The same browser (one owner, as its cookie makes it) opens the Train page again while its training waits: the
    new page shows the queue and can leave it. Once neither page is connected any more (their tabs closed), the
    server's reaper cancels the job; while one is, the job stays."""
    import aeviz.ui.state

    monkeypatch.setattr(aeviz.ui.state, "returning_owner", lambda: "a" * 32)
    tab_ids = iter(["tab-1", "tab-2"])  # Streamlit's ids of the two sessions (AppTest gives every session one id)
    monkeypatch.setattr(aeviz.ui.state, "get_script_run_ctx", lambda: types.SimpleNamespace(session_id=next(tab_ids)))
    pool, others = occupy_the_pool()
    try:
        first = open_page(new_session(), "views/train.py")
        first.selectbox(key="train_dataset").set_value("digits")
        first.button(key="train").click().run()
        job = first.session_state["aeviz"].pending.job
        reloaded = open_page(new_session(), "views/train.py")
        assert "Waiting in the class queue: number 1 of 1" in reloaded.info[0].value
        tabs = [at.session_state["aeviz"].session_id for at in (first, reloaded)]
        assert job.sessions == set(tabs) == {"tab-1", "tab-2"}
        assert pool.reap(lambda session: True) == []  # both connected
        gone = pool.reap(lambda session: session == tabs[1], grace=0)  # the first tab closed
        assert tabs[0] in gone and tabs[1] not in gone and job.state == "queued"
        assert tabs[1] in pool.reap(lambda session: False, grace=0)  # and the reloaded one
        assert job.state == "cancelled" and pool.job_of("a" * 32) is None
    finally:
        free(pool, others)
