"""A page's whole run reaches the browser in full even when a fragment's timer fires just as it ends.

The race (Streamlit 1.67, `AppSession.request_rerun`): a script thread that has finished its run stops taking rerun
requests before the server's event loop has sent that run's last messages. A fragment rerun handled in that window —
a follower's one-second look, a browser's `setInterval` that does not wait for the run — is refused by the stopped
runner, so the session starts a new one at once, and every message the old run had not yet sent is dropped as "from a
non-current ScriptRunner": the rest of the page, its end-of-run message. Measured with 30 followers (bench/
bench_following.py): in 3 of 9 runs one or two students got the lecture step's strip and then neither its figure nor
its question, and nothing told them. Streamlit guards the case where the fragment is gone (its own comment on
issue 9921 describes this window), not this one.

`keep_run_tails` makes such a fragment rerun wait until the stopped runner has said it shut down — its messages are
all on the event loop before that event, in order — and then go as it would have: to a new runner, to one a click
started meanwhile, or nowhere if the whole run removed that fragment. A whole-page rerun is left alone: it redraws
everything, so the old tail's loss does not matter, and it should not wait.
"""

from __future__ import annotations

import functools

RETRY_EVERY = 0.01  # s: the stopped runner's last events are already on the loop, a few passes away
GIVE_UP_AFTER = 500  # retries (~5 s): a runner that never says it shut down must not hold the fragment forever


def keep_run_tails() -> None:
    """Install the wait on Streamlit's AppSession, once per process (idempotent; cheap on every run of app.py)."""
    from streamlit.runtime.app_session import AppSession

    if not getattr(AppSession._create_scriptrunner, "waits_for_tails", False):
        AppSession._create_scriptrunner = waiting_for_tails(AppSession._create_scriptrunner)


def waiting_for_tails(create):
    """`AppSession._create_scriptrunner` (`create`), made to put off a fragment's runner while a stopped one's tail is
    still queued. It is reached with a current runner only when that runner refused the rerun: it has stopped."""
    from streamlit.runtime.app_session import AppSessionState

    @functools.wraps(create)
    def create_after_tail(session, rerun_data, tries: int = 0) -> None:
        if rerun_data.fragment_id and session._scriptrunner is not None and tries < GIVE_UP_AFTER:
            session._event_loop.call_later(RETRY_EVERY, retry, session, rerun_data, tries + 1)
            return
        create(session, rerun_data)

    def retry(session, rerun_data, tries: int) -> None:
        if session._state == AppSessionState.SHUTDOWN_REQUESTED or not session.has_fragment(rerun_data.fragment_id):
            return  # the tab closed, or the whole run that has now reached the browser removed this fragment
        runner = session._scriptrunner
        if runner is not None and runner.request_rerun(rerun_data):
            return  # a runner started meanwhile (a click's whole run) and queued the fragment after its run
        create_after_tail(session, rerun_data, tries)

    create_after_tail.waits_for_tails = True
    return create_after_tail
