"""The dashboard's three speed figures, each against a baseline measured in the same run, in headless Chromium.

1. start-up: `streamlit run app.py` until the first page is drawn, against a one-line Streamlit app; beside it, a
   minimal app that draws the Home page's element types (sidebar picker and metrics, the three browser components,
   an SVG image, page links) from constants, without aeviz's code: what those elements cost Streamlit alone;
2. slider: a step of a Latent walk slider until the new decoded image is shown (p50 of 20 steps), against a minimal app
   with one slider and one image;
3. train: click Train with the default settings until the finished model's latent scatter shows all its points, against
   the pure training time of the same configuration (aeviz.pretrain.fit, no drawing) in this process, the two
   interleaved round by round (after one warm-up of each). Beside it, the floor that drawing alone sets: a minimal app
   whose button draws the same two finished figures (loss curves, a 1,000-point latent scatter, aeviz.plots) from
   stored numbers, timed the same way.

    python bench/bench_app.py [--rounds 5]

Each figure is the median of the per-round ratios of interleaved rounds (both sides of a round see the same load).

Needs Debian's chromium (/usr/bin/chromium) and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ONE_LINE = 'import streamlit as st\nst.write("hello")\n'
HOME_ELEMENTS = textwrap.dedent(
    """
    from pathlib import Path

    import streamlit as st

    STATIC = Path(STATIC_DIR)
    st.set_page_config(page_title="Home's elements", layout="wide")
    st.html(f"<style>{(STATIC / 'house.css').read_text()}</style>")


    def component(name):
        parts = [(STATIC / "common.js").read_text(), "aeviz.CLASS_COLORS = []; aeviz.COLOR = {};"]
        js = "\\n".join([*parts, (STATIC / f"{name}.js").read_text()])
        return st.components.v2.component(f"home.{name}", js=js, css=(STATIC / f"{name}.css").read_text())


    def home():
        with st.sidebar:
            st.selectbox("Active model", ["mnist_mlp_2d", "mnist_vanilla_64d"])
            st.caption("mnist · mlp · 2-D code")
            cols = st.columns(2)
            cols[0].metric("latent size", 2)
            cols[1].metric("val. MSE", "0.0491")
            component("identity")(data={"name": "x", "owner": "y", "max_age": 60}, key="identity")
        component("narrow")(data={"below": 1000}, key="narrow")
        component("address")(data={"path": "/", "pages": [], "seq": 0}, key="address")
        st.title("What does an autoencoder learn?")
        st.markdown("An autoencoder squeezes its input **x** through a narrow **latent layer** and rebuilds it.")
        st.image('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><rect width="40" height="180"/></svg>')
        st.caption("The active model: an MLP autoencoder with a 2-unit code for 784 inputs: undercomplete.")
        left, right = st.columns(2)
        left.subheader("The lecture's ideas")
        left.markdown("- **Under-, complete, overcomplete.**\\n- **Sensitive, not memorising.**")
        right.subheader("Explore")
        for page in pages[1:]:
            right.page_link(page, label=page.title)


    pages = [st.Page(home, title="Home", default=True)]
    pages += [st.Page(lambda: st.write("page"), title=f"Page {i}", url_path=f"p{i}") for i in range(12)]
    st.navigation(pages, expanded=True).run()
    """
)
MINIMAL_SLIDER = textwrap.dedent(
    """
    import numpy as np
    import streamlit as st

    value = st.slider("z0", -3.0, 3.0, 0.0, step=0.06)
    img = np.full((140, 140), int((value + 3) / 6 * 255), dtype=np.uint8)
    st.image(img, caption="decoded g(h)", output_format="PNG")
    """
)
# The Train page's finished figures without the training: the loss curves and a 1,000-point scatter of ten classes.
MINIMAL_FIGURES = textwrap.dedent(
    """
    import numpy as np
    import streamlit as st

    from aeviz.plots import latent_scatter_fig, loss_curves_fig

    history = [{"epoch": e, "train_loss": 1 / e, "val_loss": 1.1 / e} for e in range(1, 16)]
    if st.button("Train"):
        rng = np.random.default_rng(0)
        coords, labels = rng.normal(size=(1000, 2)).astype("float32"), rng.integers(0, 10, 1000)
        names = [str(k) for k in range(10)]
        st.success("Trained 15 epochs.")
        plots = st.columns(2)
        plots[0].plotly_chart(loss_curves_fig(history), key="final_losses")
        title = "Latent space of your model"
        scatter = latent_scatter_fig(coords, labels, label_kind="class", class_names=names, title=title)
        plots[1].plotly_chart(scatter, key="final_scatter")
    else:
        st.plotly_chart(loss_curves_fig(history[:3]), key="before")  # the page opens with a chart, as the Train page
    """
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, log: Path, cpus: set[int] | None = None) -> tuple[subprocess.Popen, str, float]:
    """Start streamlit on a free port (on `cpus` only, with the worker processes it starts, when given); returns the
    process, its URL and the start time."""
    port = _port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    started = time.perf_counter()
    with open(log, "w") as out:
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        process = subprocess.Popen(command, cwd=script.parent, stdout=out, stderr=subprocess.STDOUT, preexec_fn=pin)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return process, url, started
        except OSError:
            time.sleep(0.05)


def first_render(browser, script: Path, text: str, log: Path) -> float:
    """Seconds from `streamlit run` to `text` drawn and the script idle."""
    process, url, started = start_server(script, log)
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_selector(f"text={text}", timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        return time.perf_counter() - started
    finally:
        page.close()
        process.terminate()
        process.wait()


def server_decoding(page) -> None:
    """On the Latent walk page, switch from the in-browser decoder to the server-side sliders."""
    page.wait_for_selector(IDLE, timeout=120_000)
    toggle = page.get_by_role("switch", name="Decode in the browser")
    if toggle.count() and toggle.is_checked():
        page.locator('[data-testid="stCheckbox"]').filter(has_text="Decode in the browser").locator("label").click()
        page.wait_for_selector(IDLE, timeout=120_000)
        page.wait_for_selector('[data-testid="stImage"]:has-text("decoded g(h)")', timeout=120_000)


def slider_steps(browser, url: str, steps: int = 20) -> list[float]:
    """Seconds from one ArrowRight on the first slider until the 'decoded g(h)' image changes, per step."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("text=decoded g(h)", timeout=120_000)
    server_decoding(page)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_timeout(500)
    find = (
        "() => [...document.querySelectorAll('[data-testid=\"stImage\"]')]"
        ".find(e => e.innerText.includes('decoded g(h)')).querySelector('img').src"
    )
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    times = []
    for _ in range(steps):
        before = page.evaluate(find)
        start = time.perf_counter()
        slider.press("ArrowRight")
        page.wait_for_function(f"before => ({find})() !== before", arg=before, timeout=30_000)
        times.append(time.perf_counter() - start)
        page.wait_for_timeout(150)
    page.close()
    return times


FINISHED_SCATTER = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].some((chart) =>
    chart.querySelector('.gtitle')?.textContent === 'Latent space of your model'
    && chart.querySelectorAll('.scatterlayer .points path').length >= 1000)"""


def train_click(browser, url: str, path: str = "/train") -> float:
    """Seconds from clicking Train (default settings) until the finished model's latent scatter shows all its points."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}{path}")
    train = page.get_by_role("button", name="Train", exact=True)
    train.wait_for(timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)  # the page is drawn, chart too
    start = time.perf_counter()
    train.click()
    page.wait_for_function(FINISHED_SCATTER, timeout=300_000, polling=20)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def pure_training_seconds(threads: int) -> float:
    """The Train page's default configuration, trained without drawing, with `threads` torch threads."""
    sys.path.insert(0, str(ROOT))
    import torch

    from aeviz.configs import DEFAULT_DATASET
    from aeviz.datasets import load_dataset
    from aeviz.fitting import fit
    from aeviz.models import ModelConfig
    from aeviz.training import TrainConfig, run_to_end

    data = load_dataset(DEFAULT_DATASET)
    page = ModelConfig()  # the Train page's defaults (aeviz/configs.py)
    config = ModelConfig.for_data(data.n_features, data.image_shape, page.arch, page.latent_dim, hidden=page.hidden)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        start = time.perf_counter()
        run_to_end(fit(data, config, TrainConfig()))
        return time.perf_counter() - start
    finally:
        torch.set_num_threads(before)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    (tmp / "one_line.py").write_text(ONE_LINE)
    (tmp / "home_elements.py").write_text(HOME_ELEMENTS.replace("STATIC_DIR", repr(str(ROOT / "aeviz" / "static"))))
    (tmp / "minimal_slider.py").write_text(MINIMAL_SLIDER)
    (tmp / "minimal_figures.py").write_text(MINIMAL_FIGURES)
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        startup = {"one-line app": [], "aeviz": [], "home elements": []}
        for _ in range(args.rounds):
            startup["one-line app"].append(first_render(browser, tmp / "one_line.py", "hello", tmp / "a.log"))
            startup["aeviz"].append(first_render(browser, ROOT / "app.py", "What does an autoencoder learn?", tmp / "b.log"))
            elements = tmp / "home_elements.py"
            title = "What does an autoencoder learn?"
            startup["home elements"].append(first_render(browser, elements, title, tmp / "f.log"))
        minimal, minimal_url, _ = start_server(tmp / "minimal_slider.py", tmp / "c.log")
        app, app_url, _ = start_server(ROOT / "app.py", tmp / "d.log")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        figures, figures_url, _ = start_server(tmp / "minimal_figures.py", tmp / "e.log")
        clicks, pure_one, pure_all, drawing = [], [], [], []
        try:
            slider_minimal = slider_steps(browser, minimal_url)
            slider_aeviz = slider_steps(browser, f"{app_url}/latent_walk")
            train_click(browser, app_url)  # the first click of a server also loads the data and imports torch
            pure_training_seconds(1)  # likewise for this process
            train_click(browser, figures_url, "/")
            # Interleaved, so that both sides see the same load on this (shared, noisy) machine.
            for _ in range(args.rounds):
                clicks.append(train_click(browser, app_url))
                pure_one.append(pure_training_seconds(1))  # as the app trains (one torch thread)
                pure_all.append(pure_training_seconds(os.cpu_count() or 1))
                drawing.append(train_click(browser, figures_url, "/"))
        finally:
            minimal.terminate()
            app.terminate()
            figures.terminate()
        browser.close()

    def report(name, ours, base, target=None, paired=True, measured="aeviz"):
        """The median of the per-round ratios of interleaved rounds (each round's two sides saw the same load, so one
        run decides), with their range; the slider's p50 of steps is one pair."""
        ratios = (
            [a / b for a, b in zip(ours, base, strict=True)]
            if paired
            else [statistics.median(ours) / statistics.median(base)]
        )
        goal = f"  (goal ≤ {target})" if target else ""
        spread = f" (rounds {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
        print(
            f"{name}: {measured} {statistics.median(ours) * 1000:.0f} ms, baseline {statistics.median(base) * 1000:.0f} ms, "
            f"ratio {statistics.median(ratios):.2f}{spread}{goal}"
        )

    print(f"{args.rounds} interleaved rounds: medians of the per-round ratios; slider: p50 of 20 steps")
    report("start-up to first page", startup["aeviz"], startup["one-line app"], target=1.2)
    elements = startup["home elements"]
    report("start-up, Home's element types alone", elements, startup["one-line app"], measured="no aeviz code")
    report("slider step to new image", slider_aeviz, slider_minimal, target=1.1, paired=False)
    report("Train click to latent scatter vs pure training, 1 thread (as the app)", clicks, pure_one, target=1.15)
    report(f"Train click to latent scatter vs pure training, {os.cpu_count()} threads", clicks, pure_all)
    over = statistics.median(c - q for c, q in zip(clicks, pure_one, strict=True))
    print(
        f"Train click minus pure training: {over * 1000:.0f} ms, of which drawing the finished figures alone (minimal "
        f"app, click to the 1,000-point scatter) takes {statistics.median(drawing) * 1000:.0f} ms"
    )
    print("Train click per round (s):", " ".join(f"{c:.2f}/{q:.2f}" for c, q in zip(clicks, pure_one, strict=True)))


if __name__ == "__main__":
    main()
