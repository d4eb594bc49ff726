"""The first UMAP and t-SNE of a fresh server, against the same run's second (warm) answer, in headless Chromium.

`streamlit run app.py` is started fresh. A page opens Latent space with the shipped 32-D denoiser
(`?model=mnist-denoise`) and chooses UMAP; as soon as its "Compute UMAP" button is drawn and the page idle, the bench
clicks it and times until the UMAP view ("Autoencoder code (UMAP view)") is drawn. Baseline, same run: the same with a second
shipped model of the same data (mnist-mlp-64: the same work, everything warm). Then t-SNE the same way, on the two
models. The server, its worker processes, this script and the browser share the machine; the bench prints its load.

Numba's compiled UMAP functions live in an on-disk cache (AEVIZ_CACHE_DIR/numba) that outlives the server: by default
the cache is as this machine has it (a server started before has filled it); `--cold-cache` uses an empty one, the
once-per-machine cost of a first ever start.

    python bench/bench_first_answer.py [--cold-cache] [--method umap tsne]

Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import ARGS, IDLE, ROOT, start_server  # noqa: E402

NAMES = {"umap": "UMAP", "tsne": "t-SNE"}
FIRST, SECOND = "mnist-denoise", "mnist-mlp-64"  # both MNIST: the same rows to project


def page_ready(browser, url: str, model: str, method: str):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{url}/latent_space?model={model}", timeout=300_000)
    choice = page.locator('[data-testid="stRadio"] label').filter(has_text=NAMES[method]).first
    choice.wait_for(timeout=300_000)
    page.wait_for_selector(IDLE, timeout=300_000)
    choice.click()
    page.get_by_role("button", name=f"Compute {NAMES[method]}").wait_for(timeout=300_000)
    page.wait_for_selector(IDLE, timeout=300_000)
    return page


def click_to_view(page, method: str) -> float:
    """Seconds from the click on Compute until the model's view in `method` is drawn."""
    start = time.perf_counter()
    page.get_by_role("button", name=f"Compute {NAMES[method]}").click()
    page.get_by_text(f"Autoencoder code ({NAMES[method]} view)").wait_for(timeout=600_000)
    return time.perf_counter() - start


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold-cache", action="store_true", help="an empty numba cache: a machine's first ever start")
    parser.add_argument("--method", nargs="+", choices=list(NAMES), default=list(NAMES))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-first-"))
    os.environ.setdefault("AEVIZ_USER_CHECKPOINTS", str(tmp / "user_checkpoints"))
    if args.cold_cache:
        os.environ["AEVIZ_CACHE_DIR"] = str(tmp / "cache")
    print(f"before: {load()}", flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        server, url, started = start_server(ROOT / "app.py", tmp / "app.log")
        try:
            for method in args.method:
                first = page_ready(browser, url, FIRST, method)
                ready = time.perf_counter() - started
                cold = click_to_view(first, method)
                second = page_ready(browser, url, SECOND, method)
                warm = click_to_view(second, method)
                print(
                    f"{NAMES[method]}: first answer {cold:.1f} s after the click ({FIRST}; page ready "
                    f"{ready:.1f} s after the server started), second {warm:.1f} s ({SECOND}): {cold / warm:.2f}×",
                    flush=True,
                )
                first.close()
                second.close()
        finally:
            server.terminate()
            server.wait()
        browser.close()
    print(f"after: {load()}; numba cache: {'empty at start' if args.cold_cache else 'as on this machine'}")


if __name__ == "__main__":
    main()
