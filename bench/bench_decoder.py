"""Drag to decode: the in-browser decoder against the server round trip, in headless Chromium.

For the shipped MLP and conv decoders: drag across the latent pad and report redraws per second and the in-page decode
time per frame (measured by decoder.js with performance.now), next to the server-side slider round trip (p50 of 20
steps) measured in the same run; and the weights payload each model sends to the browser.

    python bench/bench_decoder.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_app import ARGS, IDLE, ROOT, slider_steps, start_server  # noqa: E402

from aeviz.checkpoints import SHIPPED_DIR, list_checkpoints, load_checkpoint  # noqa: E402
from aeviz.decoder_export import export_decoder, payload_bytes  # noqa: E402

MODELS = ["mnist-mlp-2d", "mnist-conv", "mnist-vae-2d"]
MOVES = 300


def drag(browser, url: str, name: str) -> tuple[float, float]:
    """(redraws per second, mean in-page decode ms per frame) while dragging across the pad."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/latent_walk?model={name}")
    page.wait_for_selector('canvas[aria-label="latent pad"]', timeout=120_000)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function("() => window.aeviz && window.aeviz.decoders && Object.keys(window.aeviz.decoders).length > 0")
    box = page.locator('canvas[aria-label="latent pad"]').bounding_box()
    stats = "() => { const s = Object.values(window.aeviz.decoders)[0].stats; return [s.frames, s.decodeMs]; }"
    frames0, ms0 = page.evaluate(stats)
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    start = time.perf_counter()
    for i in range(MOVES):
        t = i / MOVES
        page.mouse.move(
            box["x"] + 5 + t * (box["width"] - 10), box["y"] + 5 + (0.5 + 0.45 * ((i % 60) / 30 - 1)) * box["height"]
        )
    elapsed = time.perf_counter() - start
    page.mouse.up()
    frames1, ms1 = page.evaluate(stats)
    page.close()
    frames = frames1 - frames0
    return frames / elapsed, (ms1 - ms0) / max(frames, 1)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="aeviz-bench-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        app, url, _ = start_server(ROOT / "app.py", tmp / "app.log")
        try:
            results = {name: drag(browser, url, name) for name in MODELS}
            server = slider_steps(browser, f"{url}/latent_walk?model=mnist-mlp-2d")
        finally:
            app.terminate()
        browser.close()
    print(f"pad drag of {MOVES} pointer moves in headless Chromium (goal: ≥ 30 redraws/s, decode ≤ 5 ms)")
    for name, (rate, ms) in results.items():
        print(f"  {name:>14}: {rate:5.1f} redraws/s, in-page decode {ms:.2f} ms per frame")
    p50 = statistics.median(server)
    print(f"server-side slider round trip (mnist-mlp-2d): p50 {p50 * 1000:.0f} ms -> {1 / p50:.1f} redraws/s at most")
    print("weights payload sent to the browser (base64):")
    for name in list_checkpoints(SHIPPED_DIR):
        size = payload_bytes(export_decoder(load_checkpoint(name, SHIPPED_DIR).model))
        print(f"  {name:>16}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
