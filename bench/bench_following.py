"""The room's speed: N students follow a teacher through the lecture in one headless Chromium on this machine.

For each → of the teacher (presenter view, 1280×720): the seconds until each follower's page shows the new step
(recorded in the follower's own page by a MutationObserver, so N followers are timed at once), against the teacher's
own → to the same step drawn in the same run (the baseline: what following adds to a move). Then the server's CPU
while N followers sit on a step (their fragment looks every second) against the same N sessions open while nobody
presents (they look every 5 s).

    python bench/bench_following.py [--students 10] [--moves 6]

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--moves", type=int, default=6, help="→ presses, from step 1 on")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of each CPU measurement")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    os.environ["AEVIZ_TEACHER_TOKEN"] = TOKEN
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        server, url, _ = start_server(ROOT / "app.py", tmp / "app.log")
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
        finally:
            server.terminate()
            server.wait()
        browser.close()
    base = statistics.median(own)
    print(f"{args.students} followers, {args.moves} moves (steps 2–{args.moves + 1}), {os.cpu_count()} cores")
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


if __name__ == "__main__":
    main()
