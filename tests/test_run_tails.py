"""aeviz.ui.run_tails: a fragment rerun that reaches a session whose whole run has stopped but whose last messages are
still on their way waits for them, so the browser gets the whole page and its end; a whole-page rerun does not wait.

The last test starts a real Streamlit server on a small app whose runner events reach the event loop half a second
late (the race's window, made wide), and sends a fragment's rerun inside that window, as a follower's timer does."""

import asyncio
import concurrent.futures
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from types import SimpleNamespace

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSessionState

from aeviz.ui.run_tails import GIVE_UP_AFTER, waiting_for_tails


class Loop:
    def __init__(self):
        self.later = []

    def call_later(self, delay, callback, *args):
        self.later.append((callback, args))

    def run_next(self):
        callback, args = self.later.pop(0)
        callback(*args)


class Runner:
    def __init__(self, takes: bool):
        self.takes, self.asked = takes, []

    def request_rerun(self, rerun_data):
        self.asked.append(rerun_data)
        return self.takes


def session(runner, fragments=("frag",)):
    return SimpleNamespace(
        _scriptrunner=runner,
        _event_loop=Loop(),
        _state=AppSessionState.APP_IS_RUNNING,
        has_fragment=lambda fragment_id: fragment_id in fragments,
    )


def creator():
    made = []
    return made, waiting_for_tails(lambda s, data: made.append(data))


def test_a_fragment_rerun_waits_for_the_stopped_runner_to_shut_down_then_starts_its_own():
    made, create = creator()
    s, data = session(Runner(takes=False)), SimpleNamespace(fragment_id="frag")
    create(s, data)
    assert made == [] and len(s._event_loop.later) == 1  # the stopped runner's tail still goes first
    s._event_loop.run_next()
    assert made == [] and len(s._event_loop.later) == 1  # still not shut down: ask again later
    s._scriptrunner = None  # its SHUTDOWN event has been handled, after every message of its run
    s._event_loop.run_next()
    assert made == [data] and s._event_loop.later == []


def test_a_whole_page_rerun_starts_at_once():
    made, create = creator()
    s, data = session(Runner(takes=False)), SimpleNamespace(fragment_id=None)
    create(s, data)
    assert made == [data] and s._event_loop.later == []


def test_a_waiting_fragment_goes_to_a_runner_started_meanwhile_or_is_dropped_when_gone():
    made, create = creator()
    s, data = session(Runner(takes=False)), SimpleNamespace(fragment_id="frag")
    create(s, data)
    s._scriptrunner = newer = Runner(takes=True)  # a click's whole run began meanwhile
    s._event_loop.run_next()
    assert newer.asked == [data] and made == []

    s = session(Runner(takes=False), fragments=())  # the whole run removed the fragment
    create(s, data)
    s._event_loop.run_next()
    assert made == [] and s._event_loop.later == []


def test_a_runner_that_never_shuts_down_does_not_hold_the_fragment_forever():
    made, create = creator()
    s, data = session(Runner(takes=False)), SimpleNamespace(fragment_id="frag")
    create(s, data)
    for _ in range(GIVE_UP_AFTER):
        s._event_loop.run_next()
    assert made == [data] and s._event_loop.later == []


APP = """
import collections, os
import streamlit as st
from streamlit.runtime.app_session import AppSession

if os.environ.get("KEEP_TAILS") == "1":
    from aeviz.ui.run_tails import keep_run_tails
    keep_run_tails()

if not hasattr(AppSession, "late_events"):  # every runner event reaches the event loop 0.5 s late, in order
    AppSession.late_events = True
    pending = collections.deque()

    def late(self, callback):
        loop = self._event_loop
        def arrive():
            pending.append((loop.time() + 0.5, callback))
            loop.call_later(0.5, deliver)
        def deliver():
            while pending and pending[0][0] <= loop.time():
                pending.popleft()[1]()
        loop.call_soon_threadsafe(arrive)

    AppSession._call_soon_on_event_loop = late

st.write("the page's first line")
@st.fragment(run_every=600)
def look():
    st.write("the follower's look")
look()
st.write("the page's last line")
"""


async def _whole_run_then_a_look(url: str) -> list[str]:
    """Open the page; when it is drawn, rerun it whole and send the fragment's rerun 0.2 s later (the run has stopped,
    its messages are still 0.3 s away); what arrives in the next 3 s."""
    from websockets.asyncio.client import connect

    def rerun(fragment: str = "") -> bytes:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if fragment:
            msg.rerun_script.fragment_id, msg.rerun_script.is_auto_rerun = fragment, True
        return msg.SerializeToString()

    async def until(ws, seconds: float, finished: bool = False) -> list[str]:
        got, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), end - time.monotonic()))
            except TimeoutError:
                break
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "markdown":
                got.append(msg.delta.new_element.markdown.body)
            elif kind == "auto_rerun":
                got.append("timer " + msg.auto_rerun.fragment_id)
            elif kind == "script_finished":
                got.append("end")
                if finished:
                    break
        return got

    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
        await ws.send(rerun())
        first = await until(ws, 30, finished=True)
        fragment = next(line.split()[1] for line in first if line.startswith("timer "))
        await ws.send(rerun())
        await asyncio.sleep(0.2)
        await ws.send(rerun(fragment))
        return [line for line in await until(ws, 3) if not line.startswith("timer ")]


def _serve(app, folder, keep_tails: bool) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.headless", "true"]
    log = open(folder / f"streamlit-{keep_tails}.log", "w")  # noqa: SIM115 - the server writes to it until stopped
    env = {**os.environ, "KEEP_TAILS": "1" if keep_tails else "0"}
    process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return url, process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("streamlit did not start")


@pytest.mark.slow
def test_a_look_inside_the_window_no_longer_drops_the_whole_run_it_follows(tmp_path):
    pytest.importorskip("websockets")
    app = tmp_path / "race_app.py"
    app.write_text(textwrap.dedent(APP))
    arrived = {}
    for keep_tails in (False, True):
        url, process = _serve(app, tmp_path, keep_tails)
        try:
            # a thread of its own: an earlier test (Playwright's sync API) can leave this thread's event loop running
            with concurrent.futures.ThreadPoolExecutor(1) as thread:
                arrived[keep_tails] = thread.submit(asyncio.run, _whole_run_then_a_look(url)).result(timeout=120)
        finally:
            process.terminate()
            process.wait(timeout=20)
    whole = ["the page's first line", "the follower's look", "the page's last line"]
    # Streamlit as it is: the whole run's messages are dropped, only the fragment's own run arrives (the harness makes
    # the race happen; were it fixed upstream, this says so rather than the next line passing for nothing)
    assert arrived[False] == ["the follower's look", "end"], arrived[False]
    # with the wait: the whole run in full and its end, then the fragment's run
    assert arrived[True][: len(whole) + 1] == [*whole, "end"], arrived[True]
    assert arrived[True][len(whole) + 1 :] == ["the follower's look", "end"], arrived[True]
