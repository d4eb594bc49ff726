"""What every page test shares: a new session of the app (optionally opened from a URL), switching pages, pressing a
button that queues a job and waiting for it, and reading what a student reads."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def new_session(query: dict[str, str] | None = None) -> AppTest:
    """A fresh browser session that opened the app with `query` in its URL (e.g. {"model": "digits-2d"})."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def shown(element) -> str:
    """An alert's text as the student reads it (user-controlled parts are backslash-escaped Markdown)."""
    return element.value.replace("\\", "")


def run_job(at, button):
    """Press a button that queues a job in the server's pool, wait for the job, then run as the page's poll would."""
    from aeviz.jobhandle import JobKind
    from aeviz.ui.resources import job_pool

    at.button(key=button).click().run()
    assert not at.exception, at.exception
    pending = at.session_state["aeviz"].pending
    assert pending is not None, [e.value for e in at.error]
    assert pending.job.kind in set(JobKind)
    assert job_pool().wait(pending.job, timeout=600)
    at.run()
    assert not at.exception, at.exception
    return at


def component(at, name):
    """The proto of the one aeviz browser component `name` on the page (AppTest shows it as an unknown element)."""
    (found,) = [e.proto for e in at.get("bidi_component") if e.proto.component_name == name]
    return found


def open_page(at, page):
    """Switch the session to the page file `page` (views/…)."""
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def wait_until_cancelled(job):
    """A classmate's job that holds a worker until it is cancelled (module-level: it could run in a worker process)."""
    import time

    while True:
        job.check()
        time.sleep(0.01)


def occupy_the_pool():
    """Fill every worker of the server's pool with another session's job; cancel them to free the pool."""
    from aeviz.ui.resources import job_pool

    pool = job_pool()
    jobs = [
        pool.submit(f"{i:032x}", "training", "a classmate's training", wait_until_cancelled) for i in range(pool.workers)
    ]
    for job in jobs:
        while job.state == "queued":
            pool.wait(job, timeout=0.05)
    return pool, jobs


def free(pool, jobs):
    for job in jobs:
        pool.cancel(job)
        assert pool.wait(job, timeout=30)


TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "latex", "success", "info", "warning", "error")


def page_text(at) -> tuple[str, str]:
    """(what the page shows, what its help tooltips say): the text of its text elements, metric labels and charts'
    specs (titles, axes), and separately the help of its metrics and widgets."""
    shown_text = [e.value for kind in TEXT_KINDS for e in at.get(kind)]
    shown_text += [m.label for m in at.metric] + [c.proto.spec for c in at.get("plotly_chart")]
    shown_text += [e.proto.label for e in at.get("expander")]
    helps = [m.proto.help for m in at.metric] + [
        w.proto.help for w in at.main if hasattr(w, "proto") and hasattr(w.proto, "help")
    ]
    return "\n".join(map(str, shown_text)), "\n".join(map(str, helps))
