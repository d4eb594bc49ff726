"""The lecture's speed in headless Chromium at 1280×720 in presenter view: → from each step until the next step's key
figure is drawn, on the first pass after `streamlit run` (cold: every page's first computations) and on a second pass
(warm), against the same keypress in a minimal two-page Streamlit app measured in the same run (a button with a
shortcut that switches page and draws one image).

    python bench/bench_lecture.py [--passes 2]

Goals (issue #22): warm median ≤ 1 s; first pass ≤ 3 s per step. Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_app import ARGS, ROOT, start_server  # noqa: E402

from aeviz.lecture import STEPS  # noqa: E402
from tests.e2e.helpers import NOT_RUNNING, STEP_DRAWN  # noqa: E402  (the browser tests' conditions)

VIEWPORT = {"width": 1280, "height": 720}
MINIMAL = textwrap.dedent(
    """
    import numpy as np
    import streamlit as st

    def page(n):
        def draw():
            if st.button("Next", shortcut="Right", key=f"next{n}"):
                st.switch_page(pages[1 - n])
            st.markdown(f"Step {n + 1} of 2")
            st.image(np.full((280, 280), 80 + 100 * n, dtype=np.uint8), caption=f"figure {n}", output_format="PNG")
        return draw

    pages = [st.Page(page(0), title="one", url_path="one"), st.Page(page(1), title="two", url_path="two")]
    st.navigation(pages).run()
    """
)
MINIMAL_DRAWN = f"""n => {NOT_RUNNING} && document.body.innerText.includes('Step ' + n + ' of 2')
  && [...document.querySelectorAll('[data-testid="stImage"] img')].some(i => i.complete && i.naturalWidth > 0)"""


def press_next(page, drawn: str, number: int) -> float:
    """Seconds from → until step `number` is drawn."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    start = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(drawn, arg=number, timeout=120_000, polling="raf")
    return time.perf_counter() - start


def lecture_pass(browser, url: str) -> list[float]:
    """As a teacher: open the Lecture page (which starts the server's warm-up of the slow steps), then step 1, then →
    through every step at once (no talking between steps: the warm-up gets the least head start); each →'s seconds."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/lecture?present=1")
    page.wait_for_selector("text=The lecture, step by step", timeout=180_000)
    page.goto(f"{url}/?step=1&present=1")
    page.wait_for_function(STEP_DRAWN, arg=1, timeout=180_000, polling="raf")
    times = [press_next(page, STEP_DRAWN, n) for n in range(2, len(STEPS) + 1)]
    context.close()
    return times


def minimal_presses(browser, url: str, presses: int) -> list[float]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/one")
    page.wait_for_function(MINIMAL_DRAWN, arg=1, timeout=60_000)
    times = [press_next(page, MINIMAL_DRAWN, 2 - n % 2) for n in range(presses)]  # to 2, 1, 2, …
    context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=2, help="passes through the lecture (the first is cold)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    (tmp / "minimal.py").write_text(MINIMAL)
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        app, app_url, _ = start_server(ROOT / "app.py", tmp / "app.log")
        minimal, minimal_url, _ = start_server(tmp / "minimal.py", tmp / "minimal.log")
        try:
            passes = [lecture_pass(browser, app_url) for _ in range(args.passes)]
            baseline = minimal_presses(browser, minimal_url, len(STEPS) - 1)
        finally:
            for process in (app, minimal):
                process.terminate()
                process.wait()
        browser.close()
    base = statistics.median(baseline)
    print(f"minimal two-page app, → to next page drawn: median {base:.3f} s")
    for i, times in enumerate(passes):
        name = "first pass after streamlit run" if i == 0 else f"pass {i + 1} (warm)"
        median = statistics.median(times)
        print(
            f"{name}: median {median:.2f} s ({median / base:.1f}× the minimal app), max {max(times):.2f} s "
            f"(to step {times.index(max(times)) + 2})"
        )
        print("  per step: " + ", ".join(f"{n}: {t:.2f}" for n, t in enumerate(times, start=2)))


if __name__ == "__main__":
    main()
