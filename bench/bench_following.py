"""The room's speed: N students follow a teacher through the lecture in one headless Chromium on this machine.

For each → of the teacher (presenter view, 1280×720): the seconds until each follower's page shows the new step
(recorded in the follower's own page by a MutationObserver, so N followers are timed at once), against the teacher's
own → to the same step drawn in the same run (the baseline: what following adds to a move). Then the server's CPU
while N followers sit on a step (their fragment looks every second) against the same N sessions open while nobody
presents (they look every 5 s). Last, the teacher asks the λ question (step 13) and every follower votes: the seconds
from a student's click to the teacher's projector counting that vote, and whether every vote was counted once.
Throughout, one more student (a Chromium page) explores on its own: 20 steps of Latent walk's server-side slider while
the class waits for the teacher, then a few after each → while the class moves (issue #23: p50 ≤ 2× alone).

As a class is (issue #25's placement): the server and its worker processes on some cores, this script and the
browsers on the others (default on a machine of 2+ cores: server on CPU 0, browsers on the rest), so N browsers do
not take the CPU a class's server would have (in a class, each browser runs on its student's laptop).

With `--clients protocol` the students are not browsers but clients of Streamlit's own websocket protocol
(bench/protocol_students.py): the server does all it does for a browser (every run, every message sent whole), and
no student's drawing takes a core, so N = 30 or 60 measures the server; a follower's lag then ends when the step's
strip reached it (its own drawing, on a laptop, comes after). The teacher is always a Chromium page.

With `--observer-cpus 1 --browser-cpus 0` the exploring student's Chromium has a core of its own, as on its laptop,
and everything else of the class (the teacher's Chromium, the protocol students, this script) shares the server's
core: harder on the server than a class is, and no other page's drawing in the observer's figures.

    python bench/bench_following.py [--students 10] [--moves 6] [--clients browser|protocol]
                                    [--server-cpus 0] [--browser-cpus 1] [--observer-cpus CPUS]

Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_app import ARGS, ROOT, server_decoding, start_server  # noqa: E402
from bench_classroom import launch_on, observer, steps  # noqa: E402
from protocol_students import ProtocolStudent, wait_until  # noqa: E402

from tests.e2e.helpers import NOT_RUNNING, STEP_DRAWN  # noqa: E402

TOKEN = "a-teacher-token-for-the-benchmark"
# In every page: the wall-clock time (ms) at which the strip first said "Step n of" for each n.
RECORD_STEPS = """
window.__aevizSeen = {};
new MutationObserver(() => {
  const strip = document.querySelector('.st-key-lecture_strip');
  const m = strip && strip.innerText.match(/Step (\\d+) of/);
  if (m && !(m[1] in window.__aevizSeen)) window.__aevizSeen[m[1]] = Date.now();
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
# In the teacher's page: the time at which the count beside Reveal first said "k votes" (or "1 vote"), for each k.
RECORD_VOTES = """
window.__aevizVotes = {};
new MutationObserver(() => {
  for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const m = el.innerText.match(/^(\\d+) votes?$/);
    if (m && !(m[1] in window.__aevizVotes)) window.__aevizVotes[m[1]] = Date.now();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
SHARE_NAME = "Your name in the class gallery"  # the Train page's share form
SHARE_CODES, SHARE_L1 = (2, 4, 8, 16, 32), (0.0, 0.001)  # the sharing students' code sizes and λ, in turn
LOOK_EVERY = 5.0  # seconds between a sharing student's looks at its page while its model trains
GALLERY_CARD = '[class*="st-key-gallery_card_"]'
OBSERVER_STEPS = 20  # slider steps of the observer alone; about as many again while the class moves
QUESTION_STEP = "sparsity?step=13&present=1"  # "λ = …: will the reconstruction error go up or down?"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int, seconds: float) -> float:
    """The server's CPU use over `seconds`, as a share of one core."""
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - start)


def settle(pid: int, below: float = 0.1, quiet: float = 10.0, longest: float = 300.0) -> bool:
    """Wait until the server has been quiet for `quiet` seconds (a fresh server loads torch, then compiles UMAP in the
    background WARM_UP_DELAY after its first page: a minute or more on one core; a shorter window fell between the
    two and measured the compilation as the sessions' cost). False if it never was."""
    end = time.monotonic() + longest
    while server_cpu(pid, quiet) > below:
        if time.monotonic() > end:
            print(f"the server was still busy after {longest:.0f} s: the CPU figures include that", flush=True)
            return False
    return True


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_set(text: str) -> set[int]:
    return {int(c) for c in text.split(",") if c.strip()}


class BrowserFollowers:
    """N students, each a Chromium tab (its own context: its own cookie, so its own student)."""

    def __init__(self, browser, n: int) -> None:
        self.pages = []
        for _ in range(n):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(RECORD_STEPS)
            self.pages.append(context.new_page())

    def open(self, url: str) -> None:
        for page in self.pages:
            page.goto(url)
            page.wait_for_function(f"() => {NOT_RUNNING}", timeout=120_000)

    def arrivals(self, number: int, timeout: float = 180.0) -> list[float]:
        """When each student's page first showed step `number` (epoch seconds)."""
        found = []
        for page in self.pages:
            page.wait_for_function(f"() => '{number}' in window.__aevizSeen", timeout=timeout * 1000)
            found.append(page.evaluate(f"() => window.__aevizSeen['{number}']") / 1000)
        return found

    def vote(self, i: int, choice: int) -> float:
        page = self.pages[i]
        radio = page.locator('[data-testid="stRadio"] label').nth(choice)
        radio.wait_for(timeout=120_000)
        clicked = page.evaluate("() => Date.now()") / 1000
        radio.click()
        return clicked

    def close(self) -> None:
        pass  # the browser closes with them


class ProtocolFollowers:
    """N students speaking Streamlit's websocket protocol, on an event loop in a thread of this process."""

    def __init__(self, n: int, url: str) -> None:
        self.students = [ProtocolStudent(url) for _ in range(n)]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stop = asyncio.Event()
        self.tasks = []
        self.missed = 0  # moves some student did not follow

    def open(self, url: str) -> None:
        async def start():
            self.stop = asyncio.Event()
            self.tasks = [asyncio.create_task(s.run(self.stop)) for s in self.students]

        asyncio.run_coroutine_threadsafe(start(), self.loop).result()
        self._until(lambda s: s.timers and not s.running, 120.0)

    def _until(self, ready, timeout: float) -> None:
        wait_until(self.students, self.tasks, ready, timeout)

    def arrivals(self, number: int, timeout: float = 180.0) -> list[float]:
        """When each student received step `number`'s strip; a student not there after `timeout` is said (with where
        it is) and left out."""
        try:
            self._until(lambda s: number in s.seen, timeout)
        except TimeoutError:
            for i, s in enumerate(self.students):
                if number not in s.seen:
                    print(f"student {i} did not reach step {number} in {timeout:.0f} s: on {s.query!r}, timers "
                          f"{s.timers}, running {s.running}, steps seen {sorted(s.seen)}", flush=True)  # fmt: skip
            self.missed += 1
        return [s.seen[number] for s in self.students if number in s.seen]

    def drawn(self, number: int, timeout: float = 60.0) -> list[float]:
        """When the run that drew step `number` finished for each student that reached it (its figure is sent by then)."""
        arrived = [s for s in self.students if number in s.seen]
        end = time.monotonic() + timeout
        while not all(number in s.drawn for s in arrived) and time.monotonic() < end:
            time.sleep(0.05)
        return [s.drawn[number] for s in arrived if number in s.drawn]

    def vote(self, i: int, choice: int) -> float:
        student = self.students[i]
        try:
            self._until(lambda s: s is not student or bool(s.radio), 60.0)
        except TimeoutError:
            raise TimeoutError(
                f"the vote never opened for student {i}: on {student.query!r}, timers "
                f"{student.timers}, running {student.running}, steps {sorted(student.seen)}; last events "
                f"{_around_last_strip(list(student.history))}"
            ) from None
        clicked = time.time()
        asyncio.run_coroutine_threadsafe(student.vote(choice), self.loop).result()
        return clicked

    def share(self, epochs: int, timeout: float = 900.0) -> tuple[int, float]:
        """The class shares its models: every student leaves the teacher's step ("Explore on my own"), opens the Train
        page with `epochs` epochs and a code size and λ of its own, all press Train at once (the class queue), and
        each, once its page shows its model, shares it as "student NN". A student's page is looked at again every
        LOOK_EVERY seconds until then (its browser's clock would poll its job more often). Returns how many were told
        "Shared" and the seconds from the first Train to the last; a student who never got there is said."""

        def call(coroutine):
            return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

        for student in self.students:  # the teacher still presents: each leaves first, as the room is told to
            call(student.press("Explore on my own"))
        self._until(lambda s: "Follow the teacher" in s.widgets and not s.running, 180.0)
        for i, student in enumerate(self.students):  # the class's choices: code size and λ, as a teacher asks
            latent, l1 = SHARE_CODES[i % len(SHARE_CODES)], SHARE_L1[i // len(SHARE_CODES) % len(SHARE_L1)]
            call(student.go("train", f"train_epochs={epochs}&train_latent={latent}&train_l1={l1}"))
        self._until(lambda s: "Train" in s.widgets and not s.running, 180.0)
        start = time.time()
        for student in self.students:
            call(student.press("Train"))
        asked, shared, end = set(), {}, time.monotonic() + timeout
        while len(shared) < len(self.students) and time.monotonic() < end:
            time.sleep(LOOK_EVERY)
            for i, student in enumerate(self.students):
                if i in shared or student.running:
                    continue
                if any(text.startswith("Shared:") for text in student.alerts):
                    shared[i] = time.time()
                elif "Share" in student.widgets and i not in asked:
                    call(student.press("Share", {SHARE_NAME: f"student {i:02d}"}))
                    asked.add(i)
                elif "Share" not in student.widgets:
                    call(student.look())
        for i, student in enumerate(self.students):
            if i not in shared:
                print(f"student {i} did not share in {timeout:.0f} s: on {student.page_name!r}, shared asked "
                      f"{i in asked}, alerts {student.alerts[-2:]}", flush=True)  # fmt: skip
        return len(shared), (max(shared.values()) - start if shared else math.nan)

    def close(self) -> None:
        async def finish():
            self.stop.set()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(finish(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)


def _around_last_strip(events: list[str]) -> list[str]:
    """A protocol student's events from a little before the last step's strip arrived to a little after."""
    last = max((i for i, e in enumerate(events) if " strip " in e), default=len(events) - 1)
    return events[max(0, last - 12) : last + 30]


class ProtocolObserver:
    """The student exploring on their own as a client of Streamlit's protocol, in a process of its own (so its clock
    shares no interpreter with the followers'): Latent walk with the server-side sliders, each step timed from the
    slider's message to the end of the run it started and the fetch of the picture it drew. What it measures is the
    server's answer alone — in a class the student's own laptop draws it, so neither the teacher's Chromium nor the
    followers' clients on this machine's other core (which the Chromium observer shares) belong in it."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_observe, args=(url, child), daemon=True)
        self.process.start()
        self._ask("open")

    def _ask(self, command):
        self.conn.send(command)
        if not self.conn.poll(300):
            raise TimeoutError(f"the protocol observer did not answer {command!r} in 300 s")
        answer = self.conn.recv()
        if isinstance(answer, str) and answer.startswith("error"):
            raise RuntimeError(answer)
        return answer

    def explore(self) -> None:
        """Moved to the teacher's step by its next run, it leaves ("Explore on my own") for Latent walk."""
        self._ask("explore")

    def steps(self, n: int) -> list[float]:
        return self._ask(n)

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(30)


WALK = ("latent_walk", "walk_browser=false")  # Latent walk with the server-side sliders


def _observe(url: str, conn) -> None:
    async def until(ready, timeout: float = 180.0) -> None:
        end = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > end:
                raise TimeoutError("the protocol observer's page did not get ready")
            await asyncio.sleep(0.05)

    async def main() -> None:
        student = ProtocolStudent(url, WALK[0])
        student.query = WALK[1]
        stop = asyncio.Event()
        task = asyncio.create_task(student.run(stop))
        loop, moved = asyncio.get_running_loop(), 0
        while (command := await loop.run_in_executor(None, conn.recv)) is not None:
            try:
                if command == "open":
                    await until(lambda: "z0" in student.sliders and not student.running)
                    conn.send("ok")
                elif command == "explore":
                    await student.go(*WALK)  # a full run: it follows the teacher to the step
                    await until(lambda: "Explore on my own" in student.widgets and not student.running)
                    await student.press("Explore on my own")
                    await until(lambda: "Follow the teacher" in student.widgets and not student.running)
                    await student.go(*WALK)
                    await until(lambda: "z0" in student.sliders and not student.running)
                    conn.send("ok")
                else:
                    _, _, low, high = student.sliders["z0"]
                    times = []
                    for _ in range(command):  # back and forth over the middle of the slider's range
                        moved += 1
                        value = low + (high - low) * (0.4 + 0.02 * (moved % 10))
                        times.append(await student.slide("z0", value))
                        await asyncio.sleep(0.15)
                    conn.send(times)
            except Exception as exc:  # said in the benchmark's own process
                conn.send(f"error: {exc!r}")
        stop.set()
        await task

    asyncio.run(main())


def explore_walk(page):
    """The observer, moved to the teacher's first step, explores on its own: Latent walk with the server-side sliders.
    Returns the first slider."""
    page.get_by_role("button", name="Explore on my own").click(timeout=120_000)
    page.get_by_text("Exploring on your own").wait_for(timeout=60_000)
    page.get_by_role("link", name="Latent walk").first.click()
    page.wait_for_selector("text=decoded g(h)", timeout=180_000)
    server_decoding(page)
    page.wait_for_timeout(500)
    return page.locator('[data-testid="stSlider"] input[type="range"]').first


def votes(teacher, followers, n: int) -> tuple[list[float], int]:
    """The teacher asks; each student in turn votes (the first choice, the second, the first, …). Per vote: seconds
    from the click to the teacher's count including it. Returns those and the teacher's final count."""
    teacher.add_init_script(RECORD_VOTES)
    teacher.evaluate(RECORD_VOTES)
    teacher.get_by_role("button", name="Ask the room").click()
    lags = []
    for i in range(n):
        try:
            clicked = followers.vote(i, i % 2)
        except TimeoutError as exc:  # said, not hidden: a student who cannot vote is a finding
            print(exc)
            continue
        teacher.wait_for_function(f"() => '{len(lags) + 1}' in window.__aevizVotes", timeout=120_000)
        lags.append(teacher.evaluate(f"() => window.__aevizVotes['{len(lags) + 1}']") / 1000 - clicked)
    time.sleep(3)  # a vote counted twice would show by now
    final = int(teacher.evaluate("() => Math.max(...Object.keys(window.__aevizVotes).map(Number))"))
    return lags, final


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--moves", type=int, default=6, help="→ presses, from step 1 on")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of each CPU measurement")
    parser.add_argument("--clients", choices=["browser", "protocol"], default="browser")
    parser.add_argument(
        "--observer",
        choices=["browser", "protocol"],
        default="browser",
        help="the student exploring on its own: a Chromium page, or a protocol client in a process of its own",
    )
    parser.add_argument("--gallery-shot", help="a PNG of the teacher's screen on the class's gallery, to this path")
    parser.add_argument("--share-epochs", type=int, default=2, help="protocol students train and share (0: do not)")
    every = sorted(os.sched_getaffinity(0))
    parser.add_argument("--server-cpus", default=str(every[0]), help="CPUs of the server and its workers, e.g. 0")
    parser.add_argument("--browser-cpus", default=",".join(map(str, every[1:] or every)), help="CPUs of the browsers")
    parser.add_argument(
        "--observer-cpus",
        default="",
        help="the Chromium observer in a browser of its own on these CPUs (as on a laptop of its own), e.g. 1 with "
        "--browser-cpus 0: then the teacher's Chromium and the protocol students share the server's CPU",
    )
    args = parser.parse_args()
    server_cpus, browser_cpus = cpu_set(args.server_cpus), cpu_set(args.browser_cpus)
    os.sched_setaffinity(0, browser_cpus)  # this script, its protocol students and the Chromium it starts
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    os.environ["AEVIZ_TEACHER_TOKEN"] = TOKEN
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        watch_browser = launch_on(p, cpu_set(args.observer_cpus)) if args.observer_cpus else browser
        server, url, _ = start_server(ROOT / "app.py", tmp / "app.log", cpus=server_cpus)
        if args.clients == "browser":
            followers = BrowserFollowers(browser, args.students)
        else:
            followers = ProtocolFollowers(args.students, url)
        try:
            followers.open(url)  # nobody presents yet
            if args.observer == "browser":  # a student exploring on its own
                watch_context, watch, slider = observer(watch_browser, url)
                explorer = None
            else:
                watch_context = watch = slider = None
                explorer = ProtocolObserver(url)

            def explore(n: int) -> list[float]:
                return steps(watch, slider, n) if explorer is None else explorer.steps(n)

            settle(server.pid)
            cpu_waiting = server_cpu(server.pid, args.idle)
            alone = explore(OBSERVER_STEPS)  # the class waits for the teacher

            teacher_context = browser.new_context(viewport={"width": 1280, "height": 720})
            teacher_context.add_init_script(RECORD_STEPS)
            teacher = teacher_context.new_page()
            teacher.goto(f"{url}/?step=1&present=1&teacher={TOKEN}", timeout=180_000)
            teacher.wait_for_function(STEP_DRAWN, arg=1, timeout=180_000, polling="raf")
            followers.arrivals(1, 60.0)
            if explorer is None:
                slider = explore_walk(watch)  # moved to step 1 too; goes its own way
            else:
                explorer.explore()
            time.sleep(5)
            cpu_following = server_cpu(server.pid, args.idle)
            steady = explore(OBSERVER_STEPS)  # the class follows a step; the teacher talks

            own, lags, whole, loaded = [], [], [], []
            for number in range(2, args.moves + 2):
                teacher.bring_to_front()
                teacher.evaluate("() => document.activeElement && document.activeElement.blur()")
                pressed = teacher.evaluate("() => Date.now()") / 1000
                teacher.keyboard.press("ArrowRight")
                loaded += explore(OBSERVER_STEPS // args.moves + 1)  # while the class moves
                teacher.wait_for_function(STEP_DRAWN, arg=number, timeout=180_000, polling="raf")
                own.append(teacher.evaluate(f"() => window.__aevizSeen['{number}']") / 1000 - pressed)
                lags += [arrived - pressed for arrived in followers.arrivals(number)]
                if isinstance(followers, ProtocolFollowers):
                    whole += [done - pressed for done in followers.drawn(number)]
                time.sleep(2)  # the teacher talks
            print_moves(args, own, lags, whole, cpu_waiting, cpu_following)
            print_observer(args.observer, alone, steady, loaded)
            if explorer is None:
                watch_context.close()
            else:
                explorer.close()
            teacher.goto(f"{url}/{QUESTION_STEP}", timeout=180_000)  # the teacher still (remembered by its cookie)
            try:
                followers.arrivals(13)
            except TimeoutError as exc:  # said, and the vote goes on with those who arrived
                print(f"step 13: {exc}")
            vote_lags, counted = votes(teacher, followers, args.students)
            print(
                f"vote → the teacher's count: median {statistics.median(vote_lags):.2f} s, "
                f"p95 {percentile(vote_lags, 0.95):.2f} s, max {max(vote_lags):.2f} s; "
                f"counted {counted} of {args.students} votes ({len(vote_lags)} students could vote)",
                flush=True,
            )
            if isinstance(followers, ProtocolFollowers) and args.share_epochs:
                told, took = followers.share(args.share_epochs)
                teacher.goto(f"{url}/gallery", timeout=180_000)
                teacher.wait_for_selector(GALLERY_CARD, timeout=180_000)
                teacher.wait_for_function(NOT_RUNNING, timeout=180_000)
                names = teacher.locator(GALLERY_CARD).evaluate_all("cards => cards.map(c => c.innerText)")
                missing = [i for i in range(args.students) if not any(f"student {i:02d}" in n for n in names)]
                if args.gallery_shot:  # the teacher's projector on the class's gallery, its pictures drawn
                    teacher.wait_for_selector(".js-plotly-plot", timeout=60_000)
                    teacher.wait_for_function(
                        f"""() => {NOT_RUNNING} && !document.querySelector('[data-testid="stSkeleton"]')
                        && [...document.images].every(i => i.complete)""",
                        timeout=60_000,
                    )
                    teacher.screenshot(path=args.gallery_shot)
                print(
                    f"gallery: {told} of {args.students} students told 'Shared' ({args.share_epochs}-epoch models, "
                    f"all pressed Train at once; {took:.0f} s from the first Train to the last share); the teacher's "
                    f"gallery shows {len(names)} cards, missing {missing or 'none'}",
                    flush=True,
                )
        finally:
            followers.close()
            server.terminate()
            server.wait()
        browser.close()
        if watch_browser is not browser:
            watch_browser.close()


def print_observer(kind: str, alone: list[float], steady: list[float], loaded: list[float]) -> None:
    base = statistics.median(alone)

    def said(times: list[float]) -> str:
        p50 = statistics.median(times)
        return f"p50 {p50 * 1000:.0f} ms ({p50 / base:.2f}×), p95 {percentile(times, 0.95) * 1000:.0f} ms"

    until = "its run ended and its picture was fetched" if kind == "protocol" else "the image changed"
    print(
        f"observer's slider (a student exploring Latent walk on its own, {kind} client, until {until}): while the "
        f"class waits for the teacher p50 {base * 1000:.0f} ms, p95 {percentile(alone, 0.95) * 1000:.0f} ms over "
        f"{len(alone)} steps; while the class follows a step {said(steady)} over {len(steady)}; while the class moves "
        f"{said(loaded)} over {len(loaded)}",
        flush=True,
    )


def print_moves(
    args, own: list[float], lags: list[float], whole: list[float], cpu_waiting: float, cpu_following: float
) -> None:
    base = statistics.median(own)
    print(
        f"{args.students} followers ({args.clients} clients), {args.moves} moves (steps 2–{args.moves + 1}), "
        f"{os.cpu_count()} cores: server and workers on CPU {args.server_cpus}, browsers on CPU {args.browser_cpus}"
        + (f", the observer's Chromium on CPU {args.observer_cpus}" if args.observer_cpus else "")
    )
    print(f"teacher's own → to the step's strip: median {base:.2f} s, max {max(own):.2f} s")
    print(
        f"followers' strip after the teacher's →: median {statistics.median(lags):.2f} s "
        f"({statistics.median(lags) / base:.1f}× the teacher's own), p95 {percentile(lags, 0.95):.2f} s, "
        f"max {max(lags):.2f} s"
    )
    if whole:
        print(
            f"followers' whole page (the run that drew the step finished) after the teacher's →: median "
            f"{statistics.median(whole):.2f} s, p95 {percentile(whole, 0.95):.2f} s, max {max(whole):.2f} s; "
            f"{len(lags) - len(whole)} of {len(lags)} arrivals never told that run's end in 60 s"
        )
    print(
        f"server CPU with {args.students} sessions: {cpu_waiting:.1%} of a core while nobody presents, "
        f"{cpu_following:.1%} while they follow ({cpu_following / max(cpu_waiting, 1e-3):.1f}×; "
        f"{(cpu_following - cpu_waiting) / args.students:.2%} of a core per follower, "
        f"{(cpu_following - cpu_waiting) / args.students * 60:.2f} CPU-s per follower per minute)",
        flush=True,
    )


if __name__ == "__main__":
    main()
