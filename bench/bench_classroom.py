"""A class on one server: N students click Train at once while one more steps a server-side Latent walk slider.

For each N (default 10 and 30), on a fresh server, in one headless Chromium (one browser context per student):
1. a lone training first: one student clicks Train (default settings), seconds until "Trained 15 epochs";
2. the observer alone: p50/p95 of 20 steps of a server-side walk slider (ArrowRight until the new image shows);
3. N students open Train and click Train within a moment; while they wait, the observer keeps stepping. Times come
   from each page's own clock (the click, and a MutationObserver that notes when "Trained" appears).
It prints: all N finished; each model opens from its ?model=live:KEY link in a fresh session; the first and the last
result against the lone training; the observer's p50/p95 under load against alone; the server's peak RSS (VmHWM).

    python bench/bench_classroom.py [--students 10 30 60] [--pool N] [--repeat K] [--observer-own-browser]
        [--server-cpus 0] [--browser-cpus 1] [--observer-cpus 0] [--url URL]

As a class is: in a real class each browser runs on the student's own laptop, so by default the server and its worker
processes run on one set of CPUs (--server-cpus, default core 0) and this benchmark with every Chromium on the others
(--browser-cpus, default the rest); the lone training and the idle observer are measured in the same placement, and the
placement is printed with the figures. --server-cpus all --browser-cpus all is the old setup (everything shares every
core). --url drives a server already running elsewhere (started by you, e.g. behind haproxy): no RSS or CPU figures
then, and no placement of the server.

Runs of the same code differ by up to ~1.1× in the first result here: compare designs by the median of --repeat 3.

With --observer-own-browser the observer has a Chromium of its own (as a real student has their own laptop) instead
of a context in the students' Chromium: its steps no longer wait in one browser behind 30 other pages (they still
share the machine's cores with them). The default is the issue's setup.

Goals (issues #11 and #25): all N finish and reopen from their links; first result ≤ 2× a lone training; observer p50
≤ 2× idle; peak RSS < 4 GB at N = 30 and 60. Memory per student (peak RSS ÷ N) is printed beside JupyterHub's sizing.
UMAP's warm-up is off on this server (it compiles for ~50 s in the background and would load the idle figures too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_app import ARGS, IDLE, ROOT, server_decoding, start_server  # noqa: E402

# Each student has a browser of their own: no page here may be throttled as a background tab.
BROWSER_ARGS = [
    *ARGS,
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
STEP_TIMEOUT = 300_000
# How often the bench asks the students' pages whether they finished. Each page notes its own finishing time, so this
# does not change a result; asking 30 pages after every observer step (~3 times a second) cost ~0.25 cores of the
# bench's driver and the pages' renderers, on the cores the class shares.
LOOK_SECONDS = 2.0
LOOK_PAGES = 3  # pages asked per look (the earliest still unfinished first)
DONE_AT = """
window.__aevizDone = null;
let changed = false;
new MutationObserver(() => { changed = true; }).observe(document, {subtree: true, childList: true, characterData: true});
setInterval(() => {  // cheap: no layout (textContent), and only after the page changed
  if (changed && window.__aevizDone === null && document.body.textContent.includes("Trained 15 epochs")) {
    window.__aevizDone = performance.now();
  }
  changed = false;
}, 100);
"""
IMAGE = (
    "() => [...document.querySelectorAll('[data-testid=\"stImage\"]')]"
    ".find(e => e.innerText.includes('decoded g(h)'))?.querySelector('img')?.src"
)


def student(browser, url: str):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_init_script(DONE_AT)
    page = context.new_page()
    page.goto(f"{url}/train")
    page.wait_for_selector("text=Train an autoencoder", timeout=180_000)
    page.wait_for_selector(IDLE, timeout=180_000)
    return context, page


def click_train(page) -> None:
    page.evaluate("() => { window.__aevizClicked = performance.now(); }")
    page.get_by_role("button", name="Train", exact=True).click()


def seconds_to_result(page) -> float | None:
    done = page.evaluate("() => window.__aevizDone === null ? null : window.__aevizDone - window.__aevizClicked")
    return None if done is None else done / 1000


def observer(browser, url: str):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/latent_walk")
    page.wait_for_selector("text=decoded g(h)", timeout=180_000)
    server_decoding(page)
    page.wait_for_timeout(500)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    return context, page, slider


def step(page, slider, key: str) -> float:
    """One slider step until the decoded image changes; alternate right and left so the slider never hits its end."""
    before = page.evaluate(IMAGE)
    start = time.perf_counter()
    slider.press(key)
    page.wait_for_function(f"before => ({IMAGE})() !== before", arg=before, timeout=STEP_TIMEOUT)
    return time.perf_counter() - start


def steps(page, slider, n: int) -> list[float]:
    page.bring_to_front()
    slider.focus()
    times = []
    for i in range(n):
        times.append(step(page, slider, "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft"))
        page.wait_for_timeout(150)
    return times


def children(pid: int) -> list[int]:
    """The server's child processes (its workers are started by its dispatcher threads: every thread's children)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server process and by its worker processes."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(process: int) -> float:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    return used(pid), sum(used(c) for c in children(pid))


def cpu_ticks() -> list[tuple[int, int]]:
    """(busy, total) clock ticks of each CPU so far (/proc/stat)."""
    found = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            values = [int(v) for v in line.split()[1:]]
            idle = values[3] + values[4]  # idle and iowait
            found.append((sum(values) - idle, sum(values)))
    return found


def peak_rss_mb(pid: int) -> float:
    """The server's peak resident memory (VmHWM) plus that of its worker processes (each its own peak)."""
    total = 0.0
    for process in [pid, *children(pid)]:
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def reachable(browser, url: str, links: list[str]) -> int:
    """How many of the models open from their link in a fresh session (as after a reload or on the projector)."""
    context = browser.new_context()
    page, found = context.new_page(), 0
    for link in links:
        page.goto(f"{url}/train?model={link}")
        page.wait_for_selector(IDLE, timeout=120_000)
        try:
            page.wait_for_selector("text=Your model", timeout=60_000)
            found += 1
        except Exception:  # noqa: BLE001 - counted as not reachable
            pass
    context.close()
    return found


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def load_used(process, cpu_before: tuple[float, float], wall_before: float, ticks_before) -> tuple:
    """At the end of the class's load: (server CPU s, workers CPU s, wall s) since its start, and each CPU's busy share."""
    cpu_after, wall = cpu_seconds(process.pid) if process else (0.0, 0.0), time.perf_counter() - wall_before
    busy = [(b1 - b0) / max(t1 - t0, 1) for (b0, t0), (b1, t1) in zip(ticks_before, cpu_ticks(), strict=True)]
    return (cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1], wall), busy


def figures(n, lone_seconds, results, found, idle, loaded, process, used, clicking) -> dict:
    """One class's figures, as `report` prints them."""
    finished = [r for r in results if r is not None]
    return {
        "n": n,
        "lone": lone_seconds,
        "finished": len(finished),
        "reachable": found,
        "first": min(finished) if finished else float("nan"),
        "last": max(finished) if finished else float("nan"),
        "idle": (statistics.median(idle), p(idle, 95)),
        "loaded": (statistics.median(loaded), p(loaded, 95), len(loaded)),
        "rss": peak_rss_mb(process.pid) if process else float("nan"),
        "cpu": used[0],
        "clicking": clicking,
        "busy": used[1],
    }


def run_class(browser, n: int, log: Path, watch_browser=None, cpus: set[int] | None = None, url: str = "") -> dict:
    """One class of n students on a fresh server (on `cpus` with its workers, when given), or on the server at `url`."""
    process = None
    if not url:
        process, url, _ = start_server(ROOT / "app.py", log, cpus)
    try:
        lone_context, lone = student(browser, url)
        click_train(lone)  # the server's first training also loads the data and imports torch: not counted
        lone.wait_for_selector("text=Trained 15 epochs", timeout=300_000)
        lone.goto(f"{url}/train")
        lone.wait_for_selector(IDLE, timeout=120_000)
        click_train(lone)
        lone.wait_for_selector("text=Trained 15 epochs", timeout=300_000)
        lone_seconds = seconds_to_result(lone)
        lone_context.close()

        watch_context, watch, slider = observer(watch_browser or browser, url)
        idle = steps(watch, slider, 20)

        students = [student(browser, url) for _ in range(n)]
        cpu_before, wall_before = cpu_seconds(process.pid) if process else (0.0, 0.0), time.perf_counter()
        ticks_before = cpu_ticks()
        for _, page in students:
            click_train(page)
        clicking = time.perf_counter() - wall_before  # one after another: the later clicks wait for a busy browser
        loaded, results = [], [None] * n
        deadline = time.time() + 60 * 60
        watch.bring_to_front()
        slider.focus()
        i, looked = 0, 0.0
        while any(r is None for r in results) and time.time() < deadline:
            loaded.append(step(watch, slider, "ArrowRight" if (i // 5) % 2 == 0 else "ArrowLeft"))
            i += 1
            watch.wait_for_timeout(150)
            if time.perf_counter() - looked > LOOK_SECONDS:  # each page keeps its own time; asking is not free
                looked = time.perf_counter()
                # a few pages a look, in turn: with every browser on one core, asking 30 busy pages took ~45 s, in
                # which the observer could not step (one step under load at N = 30)
                waiting = [k for k, r in enumerate(results) if r is None]
                for k in waiting[:LOOK_PAGES]:
                    results[k] = seconds_to_result(students[k][1])
        used = load_used(process, cpu_before, wall_before, ticks_before)
        links = [parse_qs(urlsplit(page.url).query).get("model", [""])[0] for _, page in students]
        for context, _ in students:
            context.close()
        watch_context.close()
        found = reachable(browser, url, [link for link in links if link.startswith("live:")])
        return figures(n, lone_seconds, results, found, idle, loaded, process, used, clicking)
    finally:
        if process is not None:
            process.terminate()
            process.wait()


class ProtocolClass:
    """Students as clients of Streamlit's own protocol (bench/protocol_students.py), each on the Train page: the server
    does for each what it does for a browser (every run, every message; its job's panel polled when the page's queue
    clock would), and no student's drawing takes a core — a class whose browsers run on the students' own laptops."""

    def __init__(self, url: str, n: int) -> None:
        from protocol_students import ProtocolStudent

        self.students = [ProtocolStudent(url, "train") for _ in range(n)]
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.stop = asyncio.Event()

        async def start():
            self.stop = asyncio.Event()
            return [asyncio.create_task(s.run(self.stop)) for s in self.students]

        self.tasks = self._call(start())
        self._until(lambda s: "Train" in s.widgets and not s.running, 300.0)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def _until(self, ready, timeout: float) -> None:
        from protocol_students import wait_until

        wait_until(self.students, self.tasks, ready, timeout)

    def press_train(self) -> list[tuple[float, int]]:
        """Every student presses Train (all within a few ms); for each, the time and how many alerts it had then."""
        pressed = []
        for student in self.students:
            pressed.append((time.time(), len(student.alerts)))
            self._call(student.press("Train"))
        return pressed

    def results(self, pressed: list[tuple[float, int]]) -> list[float | None]:
        """Seconds from each student's Train to its page's "Trained 15 epochs" (None: not yet)."""
        found = []
        for student, (at, before) in zip(self.students, pressed, strict=True):
            done = [t for t, text in zip(student.alerted_at[before:], student.alerts[before:], strict=True)
                    if text.startswith("Trained 15 epochs")]  # fmt: skip
            found.append(done[0] - at if done else None)
        return found

    def links(self) -> list[str]:
        return [parse_qs(student.query).get("model", [""])[0] for student in self.students]

    def reopen(self) -> None:
        """Each student opens the Train page again (the lone student's second training starts from a drawn page)."""
        for student in self.students:
            self._call(student.go("train"))
        self._until(lambda s: "Train" in s.widgets and not s.running, 300.0)

    def close(self) -> None:
        async def finish():
            self.stop.set()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        self._call(finish())
        self.loop.call_soon_threadsafe(self.loop.stop)


def protocol_train(group: ProtocolClass, timeout: float = 3600.0, observe=None) -> list[float | None]:
    """The group presses Train; waits (calling `observe()` meanwhile, when given) until all have their result."""
    pressed = group.press_train()
    end = time.monotonic() + timeout
    while any(r is None for r in group.results(pressed)) and time.monotonic() < end:
        if observe is None:
            time.sleep(0.1)
        else:
            observe()
    return group.results(pressed)


def run_protocol_class(browser, n: int, log: Path, cpus: set[int] | None = None, url: str = "") -> dict:
    """One class of n protocol students on a fresh server (or the server at `url`); the lone training is a protocol
    student too, the observer a Chromium page (`browser`)."""
    process = None
    if not url:
        process, url, _ = start_server(ROOT / "app.py", log, cpus)
    try:
        lone = ProtocolClass(url, 1)
        protocol_train(lone, 600.0)  # the server's first training also loads the data and imports torch: not counted
        lone.reopen()
        lone_seconds = protocol_train(lone, 600.0)[0]
        lone.close()

        watch_context, watch, slider = observer(browser, url)
        idle = steps(watch, slider, 20)

        group = ProtocolClass(url, n)
        cpu_before, wall_before = cpu_seconds(process.pid) if process else (0.0, 0.0), time.perf_counter()
        ticks_before = cpu_ticks()
        loaded, turn = [], [0]
        watch.bring_to_front()
        slider.focus()

        def observe() -> None:
            loaded.append(step(watch, slider, "ArrowRight" if (turn[0] // 5) % 2 == 0 else "ArrowLeft"))
            turn[0] += 1
            watch.wait_for_timeout(150)

        results = protocol_train(group, observe=observe)
        used = load_used(process, cpu_before, wall_before, ticks_before)
        links = group.links()
        group.close()
        watch_context.close()
        found = reachable(browser, url, [link for link in links if link.startswith("live:")])
        return figures(n, lone_seconds, results, found, idle, loaded, process, used, 0.0)
    finally:
        if process is not None:
            process.terminate()
            process.wait()


# JupyterHub's sizing, for the memory per student: The Littlest JupyterHub's guide sizes a server as users × the
# per-user peak + 128 MB; Zero to JupyterHub guarantees 1 GB per user by default.
TLJH_OVERHEAD_MB, Z2JH_GUARANTEE_MB = 128, 1024


def report(r: dict) -> None:
    n = r["n"]
    idle50, idle95 = r["idle"]
    load50, load95, count = r["loaded"]
    print(f"\nN = {n} students, Train with the defaults at once; a lone training took {r['lone']:.1f} s")
    if r["clicking"]:  # browsers: clicked one after another (protocol students press within a few ms)
        print(f"  the {n} clicks, sent one after another, took {r['clicking']:.1f} s")
    print(f"  finished: {r['finished']}/{n}; opened from their link afterwards: {r['reachable']}/{n}")
    print(f"  first result {r['first']:.1f} s = {r['first'] / r['lone']:.2f}× lone (goal ≤ 2)")
    print(f"  last result {r['last']:.1f} s = {r['last'] / r['lone']:.1f}× lone")
    print(
        f"  observer's slider: p50 {load50 * 1000:.0f} ms, p95 {load95 * 1000:.0f} ms over {count} steps; "
        f"alone p50 {idle50 * 1000:.0f} ms, p95 {idle95 * 1000:.0f} ms; p50 ratio {load50 / idle50:.2f} (goal ≤ 2)"
    )
    server_cpu, worker_cpu, wall = r["cpu"]
    if r["rss"] != r["rss"]:  # NaN: a server elsewhere (--url)
        print("  (a server elsewhere: no CPU or memory figures)", flush=True)
        return
    print(
        f"  CPU while loaded ({wall:.0f} s): server {server_cpu:.0f} s, workers {worker_cpu:.0f} s "
        f"(the rest of {os.cpu_count()} cores × {wall:.0f} s went to Chromium and the system); each CPU busy "
        + ", ".join(f"{k}: {b:.0%}" for k, b in enumerate(r["busy"]))
    )
    print(f"  server peak RSS (with its workers) {r['rss']:.0f} MB" + (" (goal < 4096 MB)" if n >= 30 else ""))
    per = r["rss"] / n
    print(
        f"  memory per student {per:.0f} MB (peak RSS ÷ {n}); JupyterHub for the same class: The Littlest JupyterHub's "
        f"sizing users × per-user peak + {TLJH_OVERHEAD_MB} MB, Zero to JupyterHub's default guarantee "
        f"{Z2JH_GUARANTEE_MB} MB a user = {n * Z2JH_GUARANTEE_MB / 1024:.0f} GB",
        flush=True,
    )


def chromium_pids() -> set[int]:
    """The running Chromium processes (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"chromium" in (entry / "cmdline").read_bytes().split(b"\0")[0]:
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def launch_on(playwright, cpus: set[int]):
    """A Chromium of its own on `cpus`: its processes (browser, zygotes: the renderers fork from them later) are moved
    there right after the launch (the driver that starts it keeps the benchmark's CPUs)."""
    before = chromium_pids()
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
    for pid in chromium_pids() - before:
        try:
            os.sched_setaffinity(pid, cpus)
        except OSError:  # gone already
            continue
    return browser


def placement(server: str, browsers: str) -> tuple[set[int], set[int]]:
    """The CPU sets of the server (with its workers) and of the browsers: "all", "rest" (the browsers: every CPU the
    server does not have, or all if it has them all) or a comma-separated list."""
    every = set(range(os.cpu_count() or 1))
    on = lambda text: every if text == "all" else {int(c) for c in text.split(",")}  # noqa: E731
    server_cpus = on(server)
    rest = every - server_cpus or every
    browser_cpus = rest if browsers == "rest" else on(browsers)
    if not server_cpus <= every or not browser_cpus <= every:
        raise SystemExit(f"this machine has CPUs {sorted(every)}")
    return server_cpus, browser_cpus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, nargs="+", default=[10, 30, 60])
    parser.add_argument("--pool", type=int, default=None, help="AEVIZ_POOL_SIZE (default: the app's, cores - 1)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per N (each on a fresh server); with more than one, the medians"
    )
    parser.add_argument(
        "--observer-own-browser",
        action="store_true",
        help="the observer in a Chromium of its own (as on its own laptop), not a context of the students' Chromium",
    )
    parser.add_argument("--server-cpus", default="0", help="CPUs of the server and its workers: 0,1,… or all")
    parser.add_argument("--browser-cpus", default="rest", help="CPUs of this benchmark and Chromium: 0,1,…, rest or all")
    parser.add_argument("--url", default="", help="drive the server at this address instead of starting one")
    parser.add_argument(
        "--clients",
        choices=["browser", "protocol"],
        default="browser",
        help="students as Chromium contexts, or as clients of Streamlit's protocol (no drawing on this machine's "
        "cores, as with laptops); the observer is a Chromium page either way",
    )
    parser.add_argument(
        "--observer-cpus",
        default="",
        help="the observer in a Chromium of its own on these CPUs (e.g. 0: beside the server, not behind the class's "
        "30 renderers on the browsers' core, as on a laptop of its own); implies --observer-own-browser",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    server_cpus, browser_cpus = placement(args.server_cpus, args.browser_cpus)
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-class-"))
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    os.environ["AEVIZ_WARM_UP"] = "0"
    if args.pool:
        os.environ["AEVIZ_POOL_SIZE"] = str(args.pool)
    sys.path.insert(0, str(ROOT))
    from aeviz.jobs import pool_size

    print(f"{os.cpu_count()} cores, job pool of {pool_size()}, workers at nice {os.environ.get('AEVIZ_WORKER_NICE', 5)}")
    os.sched_setaffinity(0, browser_cpus)  # Chromium and Playwright's driver inherit it
    where = f"the server at {args.url}" if args.url else f"server and workers on CPUs {sorted(server_cpus)}"
    print(f"placement: {where}; this benchmark and Chromium on CPUs {sorted(browser_cpus)}")
    print(f"students: {'clients of Streamlit protocol (no drawing here)' if args.clients == 'protocol' else 'Chromium'}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        watch_browser = None
        if args.observer_cpus:
            observer_cpus = placement(args.observer_cpus, "rest")[0]
            watch_browser = launch_on(playwright, observer_cpus)
            print(f"the observer has a Chromium of its own on CPUs {sorted(observer_cpus)}")
        elif args.observer_own_browser:  # a browser process of its own: on Linux also a scheduling group of its own
            watch_browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            print("the observer has a Chromium of its own")
        for n in args.students:
            runs = []
            for k in range(args.repeat):
                log = tmp / f"class{n}-{k}.log"
                if args.clients == "protocol":
                    runs.append(run_protocol_class(watch_browser or browser, n, log, server_cpus, args.url))
                else:
                    runs.append(run_class(browser, n, log, watch_browser, server_cpus, args.url))
                report(runs[-1])
            if len(runs) > 1:
                firsts = [r["first"] / r["lone"] for r in runs]
                observed = [r["loaded"][0] / r["idle"][0] for r in runs]
                print(
                    f"\nN = {n}, {len(runs)} runs: first result {', '.join(f'{x:.2f}×' for x in firsts)}, median "
                    f"{statistics.median(firsts):.2f}×; observer p50 {', '.join(f'{x:.2f}×' for x in observed)}, median "
                    f"{statistics.median(observed):.2f}×; all finished and reachable in "
                    f"{sum(r['finished'] == r['reachable'] == n for r in runs)} of {len(runs)}"
                )
        browser.close()
        if watch_browser is not None:
            watch_browser.close()


if __name__ == "__main__":
    main()
