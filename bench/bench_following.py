"""The room's speed: N students follow a teacher through the lecture in one headless Chromium on this machine.

For each → of the teacher (presenter view, 1280×720): the seconds until each follower's page shows the new step
(recorded in the follower's own page by a MutationObserver, so N followers are timed at once), against the teacher's
own → to the same step drawn in the same run (the baseline: what following adds to a move). Then the server's CPU
while N followers sit on a step (their fragment looks every second) against the same N sessions open while nobody
presents (they look every 5 s). Last, the teacher asks the λ question (step 13) and every follower votes: the seconds
from a student's click to the teacher's projector counting that vote, and whether every vote was counted once.

As a class is (issue #25's placement): the server and its worker processes on some cores, this script and the
browsers on the others (default on a machine of 2+ cores: server on CPU 0, browsers on the rest), so N browsers do
not take the CPU a class's server would have (in a class, each browser runs on its student's laptop).

    python bench/bench_following.py [--students 10] [--moves 6] [--server-cpus 0] [--browser-cpus 1]

Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_app import ARGS, ROOT, start_server  # noqa: E402

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
QUESTION_STEP = "sparsity?step=13&present=1"  # "λ = …: will the reconstruction error go up or down?"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int, seconds: float) -> float:
    """The server's CPU use over `seconds`, as a share of one core."""
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - start)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_set(text: str) -> set[int]:
    return {int(c) for c in text.split(",") if c.strip()}


def votes(teacher, students) -> tuple[list[float], int]:
    """The teacher asks; each student in turn votes (Up, Down, Up, …). Per vote: seconds from the click to the
    teacher's count including it. Returns those and the teacher's final count."""
    teacher.add_init_script(RECORD_VOTES)
    teacher.evaluate(RECORD_VOTES)
    teacher.get_by_role("button", name="Ask the room").click()
    lags = []
    for i, page in enumerate(students):
        radio = page.locator('[data-testid="stRadio"] label').filter(has_text="Up" if i % 2 == 0 else "Down")
        radio.wait_for(timeout=120_000)
        clicked = page.evaluate("() => Date.now()")
        radio.click()
        teacher.wait_for_function(f"() => '{i + 1}' in window.__aevizVotes", timeout=120_000)
        lags.append((teacher.evaluate(f"() => window.__aevizVotes['{i + 1}']") - clicked) / 1000)
    time.sleep(3)  # a vote counted twice would show by now
    final = int(teacher.evaluate("() => Math.max(...Object.keys(window.__aevizVotes).map(Number))"))
    return lags, final


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--moves", type=int, default=6, help="→ presses, from step 1 on")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of each CPU measurement")
    every = sorted(os.sched_getaffinity(0))
    parser.add_argument("--server-cpus", default=str(every[0]), help="CPUs of the server and its workers, e.g. 0")
    parser.add_argument("--browser-cpus", default=",".join(map(str, every[1:] or every)), help="CPUs of the browsers")
    args = parser.parse_args()
    server_cpus, browser_cpus = cpu_set(args.server_cpus), cpu_set(args.browser_cpus)
    os.sched_setaffinity(0, browser_cpus)  # this script, and the Chromium it starts
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    os.environ["AEVIZ_TEACHER_TOKEN"] = TOKEN
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        server, url, _ = start_server(ROOT / "app.py", tmp / "app.log", cpus=server_cpus)
        try:
            contexts = [browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(args.students)]
            students = []
            for context in contexts:
                context.add_init_script(RECORD_STEPS)
                students.append(context.new_page())
            for page in students:  # nobody presents yet
                page.goto(url)
                page.wait_for_function(f"() => {NOT_RUNNING}", timeout=120_000)
            time.sleep(5)
            cpu_waiting = server_cpu(server.pid, args.idle)

            teacher_context = browser.new_context(viewport={"width": 1280, "height": 720})
            teacher_context.add_init_script(RECORD_STEPS)
            teacher = teacher_context.new_page()
            teacher.goto(f"{url}/?step=1&present=1&teacher={TOKEN}")
            teacher.wait_for_function(STEP_DRAWN, arg=1, timeout=180_000, polling="raf")
            for page in students:
                page.wait_for_function("() => '1' in window.__aevizSeen", timeout=60_000)
            time.sleep(5)
            cpu_following = server_cpu(server.pid, args.idle)

            own, lags = [], []
            for number in range(2, args.moves + 2):
                teacher.evaluate("() => document.activeElement && document.activeElement.blur()")
                pressed = teacher.evaluate("() => Date.now()")
                teacher.keyboard.press("ArrowRight")
                teacher.wait_for_function(STEP_DRAWN, arg=number, timeout=180_000, polling="raf")
                own.append((teacher.evaluate(f"() => window.__aevizSeen['{number}']") - pressed) / 1000)
                for page in students:
                    page.wait_for_function(f"() => '{number}' in window.__aevizSeen", timeout=120_000)
                    lags.append((page.evaluate(f"() => window.__aevizSeen['{number}']") - pressed) / 1000)
                time.sleep(2)  # the teacher talks
            teacher.goto(f"{url}/{QUESTION_STEP}")  # the same browser: the teacher still (remembered by its cookie)
            for page in students:
                page.wait_for_function("() => '13' in window.__aevizSeen", timeout=180_000)
            vote_lags, counted = votes(teacher, students)
        finally:
            server.terminate()
            server.wait()
        browser.close()
    base = statistics.median(own)
    print(
        f"{args.students} followers, {args.moves} moves (steps 2–{args.moves + 1}), {os.cpu_count()} cores: "
        f"server and workers on CPU {args.server_cpus}, browsers on CPU {args.browser_cpus}"
    )
    print(f"teacher's own → to the step's strip: median {base:.2f} s")
    print(
        f"followers' strip after the teacher's →: median {statistics.median(lags):.2f} s "
        f"({statistics.median(lags) / base:.1f}× the teacher's own), p95 {percentile(lags, 0.95):.2f} s, "
        f"max {max(lags):.2f} s"
    )
    print(
        f"server CPU with {args.students} sessions: {cpu_waiting:.1%} of a core while nobody presents, "
        f"{cpu_following:.1%} while they follow ({cpu_following / max(cpu_waiting, 1e-3):.1f}×; "
        f"{(cpu_following - cpu_waiting) / args.students:.2%} of a core per follower)"
    )
    print(
        f"vote → the teacher's count: median {statistics.median(vote_lags):.2f} s, p95 {percentile(vote_lags, 0.95):.2f} s, "
        f"max {max(vote_lags):.2f} s; counted {counted} of {args.students} votes"
    )


if __name__ == "__main__":
    main()
