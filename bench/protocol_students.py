"""Students without a browser: clients that speak Streamlit's own websocket protocol to the server, as the browser's
frontend does, so a benchmark can put 30 or 60 students on a server without 30 or 60 Chromiums taking the cores the
server needs (in a class, each browser runs on its student's own laptop).

A `ProtocolStudent` opens a session (`BackMsg.rerun_script`, as a page load), keeps the page it is on and its query
string as the server changes them (`new_session`, `page_info_changed`: a follower moved by the teacher), re-runs each
fragment the server asks to run every few seconds (`auto_rerun`, as the frontend's timers do: each from when the server
asks, all dropped when a whole run begins, sent whether or not a run is going), and records the wall-clock time at
which each lecture step's strip ("Step n of") first arrived, and of the run that drew it finishing. It can vote on the
room's question (the radio "Your answer") like a click would, go to another page, press a button and submit a form's
text (to train and share a model). While its job waits or runs, it polls the job's panel when the page's queue clock
(aeviz/static/queue.js) would: `poll_in` seconds after each drawing of the clock, a trigger that reruns its fragment.

What it does not do: draw anything, run the page's JavaScript components, keep cookies (each student is a new owner
key), or reuse Streamlit's message cache (every message arrives whole, as for a browser that has not seen it).
"""

from __future__ import annotations

import asyncio
import collections
import json
import re
import time
import urllib.request

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

STEP = re.compile(r"\*\*Step (\d+) of \d+\*\*")


class ProtocolStudent:
    def __init__(self, url: str, path: str = "") -> None:
        self.url = url.rstrip("/")
        self.stream = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.query, self.page_hash, self.page_name = "", "", path
        self.seen: dict[int, float] = {}  # step → when its strip arrived
        self.drawn: dict[int, float] = {}  # step → when the run that drew it finished
        self.timers: dict[str, float] = {}  # fragment id → seconds between its runs, since the last whole run began
        self._ticking: dict[str, asyncio.Task] = {}  # fragment id → the task that asks for its runs
        self.running, self.radio, self._drawing = False, "", None
        self.options: list[str] = []
        self.widgets: dict[str, str] = {}  # a button's or text input's label → its widget id, as last drawn
        self.fragments: dict[str, str] = {}  # a button's label → the fragment it is drawn in ("" outside any)
        self.alerts: list[str] = []  # the bodies of st.success/info/warning/error, as they arrived
        self.alerted_at: list[float] = []  # and when each arrived (time.time())
        self._polls: dict[str, asyncio.Task] = {}  # queue clock → its pending poll (as queue.js's setTimeout)
        self.sliders: dict[str, tuple[str, str, float, float]] = {}  # label → widget id, its fragment, min, max
        self._finished: asyncio.Event | None = None  # set by the next script_finished (`slide` waits for it)
        self.images: list[str] = []  # the address of every st.image's picture received, in order
        self.history: collections.deque = collections.deque(maxlen=400)  # the last runs' events, to say what happened
        self._deltas = 0  # delta messages since the last event in `history`
        self.bytes = 0
        self._ws = None

    def _rerun(
        self,
        fragment: str = "",
        vote: int | None = None,
        trigger: str = "",
        texts: dict[str, str] | None = None,
        slide: tuple[str, float] | None = None,
    ) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_script_hash = self.query, self.page_hash
        if not self.page_hash:
            state.page_name = self.page_name
        if fragment:
            state.fragment_id, state.is_auto_rerun = fragment, slide is None and not trigger
        if vote is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.string_value = self.radio, self.options[vote]  # a radio's value: its option's label
        for label, text in (texts or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id, widget.string_value = self.widgets[label], text
        if slide is not None:  # a slider moved: its fragment alone runs, as the browser asks
            widget = state.widget_states.widgets.add()
            widget.id = slide[0]
            widget.double_array_value.data.append(slide[1])
        if trigger:  # a button's click (a form's submit button sends the form's values with it)
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = self.widgets[trigger], True
        return msg

    def _take(self, raw: bytes) -> None:
        self.bytes += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._deltas += 1
        elif kind in ("new_session", "navigation", "auto_rerun", "script_finished", "session_status_changed"):
            detail = {"new_session": lambda: "",
                      "navigation": lambda: msg.navigation.page_script_hash[:6],
                      "auto_rerun": lambda: msg.auto_rerun.fragment_id[:6],
                      "session_status_changed": lambda: msg.session_status_changed.script_is_running,
                      "script_finished": lambda: f"{msg.script_finished} after {self._deltas} deltas"}[kind]()  # fmt: skip
            self.history.append(f"{time.time() % 1000:.1f} {kind} {detail}")
            self._deltas = 0
        if kind == "new_session":
            self.page_hash, self.running = msg.new_session.page_script_hash, True
            if not msg.metadata.run.fragment_ids:  # a whole run: as the browser does, its timers start afresh
                self._stop_ticking()
        elif kind == "navigation":  # with st.navigation, the page this run is (new_session names the main script's)
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "script_finished":
            self.running = False
            if self._drawing is not None:
                self.drawn.setdefault(self._drawing, time.time())
                self._drawing = None
            if self._finished is not None:
                self._finished.set()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "markdown" and (found := STEP.search(element.markdown.body)):
                number = int(found.group(1))
                if number not in self.seen:
                    self.seen[number], self._drawing = time.time(), number
                self.history.append(f"{time.time() % 1000:.1f} strip {number}")
            elif which == "markdown" and element.markdown.body.startswith("**Predict, then see:**"):
                self.history.append(f"{time.time() % 1000:.1f} question {msg.delta.fragment_id[:6]}")
            elif which == "radio" and element.radio.label == "Your answer":
                self.radio, self.options = element.radio.id, list(element.radio.options)
            elif which in ("button", "text_input"):
                widget = getattr(element, which)
                self.widgets[widget.label] = widget.id
                self.fragments[widget.label] = msg.delta.fragment_id
            elif which == "slider":
                slider = element.slider
                self.sliders[slider.label] = (slider.id, msg.delta.fragment_id, slider.min, slider.max)
            elif which == "alert":
                self.alerts.append(element.alert.body)
                self.alerted_at.append(time.time())
            elif which == "bidi_component" and element.bidi_component.component_name.endswith("queue_clock"):
                self._clock(element.bidi_component, msg.delta.fragment_id)
            elif which == "imgs":
                self.images += [image.url for image in element.imgs.imgs]
        elif kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running

    def _stop_ticking(self) -> None:
        for task in [*self._ticking.values(), *self._polls.values()]:
            task.cancel()
        self._ticking, self.timers, self._polls = {}, {}, {}

    def _clock(self, component, fragment: str) -> None:
        """A queue clock was drawn: as queue.js does, its earlier poll is forgotten and the next one set, `poll_in`
        seconds from now, a trigger ("poll") of the component that reruns the fragment it is in."""
        data = json.loads(component.json or component.mixed.json)
        trigger = f"$$STREAMLIT_INTERNAL_KEY_{component.id}__events"  # Streamlit's id for a v2 component's triggers
        if (pending := self._polls.pop(component.id, None)) is not None:
            pending.cancel()

        async def poll() -> None:
            await asyncio.sleep(data["poll_in"])
            if self._ws is not None:
                msg = self._rerun(fragment)
                msg.rerun_script.is_auto_rerun = False
                widget = msg.rerun_script.widget_states.widgets.add()
                widget.id, widget.json_trigger_value = trigger, json.dumps([{"event": "poll", "value": data["poll"]}])
                await self._ws.send(msg.SerializeToString())

        self._polls[component.id] = asyncio.get_running_loop().create_task(poll())

    async def _ticks(self, fragment: str, every: float) -> None:
        while self.timers.get(fragment) == every:
            await asyncio.sleep(every)
            if self.timers.get(fragment) == every and self._ws is not None:
                await self._ws.send(self._rerun(fragment).SerializeToString())

    async def run(self, until: asyncio.Event) -> None:
        """Open the page and stay on it (following) until `until` is set."""
        # no keepalive pings of our own: a server busy with 30 first runs answers late, and the browser sends none
        options = {"subprotocols": ["streamlit"], "max_size": None, "open_timeout": 120, "ping_interval": None}
        async with connect(self.stream, **options) as ws:
            self._ws = ws
            await ws.send(self._rerun().SerializeToString())
            while not until.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    raw = None
                if raw is not None:
                    self._take(raw)
                for fragment, every in self.timers.items():
                    task = self._ticking.get(fragment)
                    if task is None or task.done():
                        self._ticking[fragment] = asyncio.create_task(self._ticks(fragment, every))
            self._stop_ticking()

    async def vote(self, choice: int) -> None:
        """Choose `choice` (its index) in the open question's radio, as a click does."""
        await self._ws.send(self._rerun(vote=choice).SerializeToString())

    async def go(self, page: str, query: str = "") -> None:
        """Open `page` (its URL path) with `query`, as a link typed in the address bar does (a new run of that page)."""
        self.page_hash, self.page_name, self.query, self.timers, self.widgets = "", page, query, {}, {}
        await self._ws.send(self._rerun().SerializeToString())

    async def press(self, button: str, texts: dict[str, str] | None = None) -> None:
        """Click the button labelled `button`, with text inputs (label → text) filled in first (a form's submit)."""
        fragment = self.fragments.get(button, "")  # a button in a fragment reruns that fragment, as in the browser
        await self._ws.send(self._rerun(fragment, trigger=button, texts=texts).SerializeToString())

    async def slide(self, label: str, value: float) -> float:
        """Move the slider labelled `label` to `value`; the seconds until the run it started finished (its fragment's
        run, when it is in one) and the first picture it drew was fetched, as a browser fetches it to show it."""
        widget, fragment, _, _ = self.sliders[label]
        timers, self.timers = self.timers, {}  # no fragment of its own on a timer meanwhile: its end would be taken
        self._finished, drawn = asyncio.Event(), len(self.images)
        start = time.perf_counter()
        await self._ws.send(self._rerun(fragment, slide=(widget, value)).SerializeToString())
        await self._finished.wait()
        if len(self.images) == drawn:
            raise RuntimeError(f"moving {label} to {value:.3f} drew no picture")
        await asyncio.to_thread(lambda: urllib.request.urlopen(self.url + self.images[drawn], timeout=60).read())
        took = time.perf_counter() - start
        self._finished, self.timers = None, timers
        return took

    async def look(self) -> None:
        """Run the page again, as a reload would (what a finished job's page does when its clock asks)."""
        await self._ws.send(self._rerun().SerializeToString())


def wait_until(students: list[ProtocolStudent], tasks: list[asyncio.Task], ready, timeout: float) -> None:
    """From the benchmark's thread: wait until `ready(student)` holds for every student; a student whose connection
    task failed, or `timeout` seconds, ends the wait with an error."""
    end = time.monotonic() + timeout
    while not all(ready(s) for s in students):
        if failed := [t.exception() for t in tasks if t.done() and t.exception()]:
            raise RuntimeError(f"{len(failed)} students lost their connection: {failed[0]!r}")
        if time.monotonic() > end:
            raise TimeoutError(f"{sum(not ready(s) for s in students)} students not ready in {timeout} s")
        time.sleep(0.05)
