"""The decoder that runs in the browser (aeviz/static/decoder.js) draws what torch decodes, for every shipped family."""

import numpy as np
import pytest

from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
from aeviz.latent import decode

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
FAMILIES = ["mnist-mlp-2d", "mnist-conv", "mnist-vae-2d", "mnist-sparse-l1", "mnist-denoise", "digits-2d"]


def open_walk(page, server, name):
    page.goto(f"{server}/latent_walk?model={name}")
    page.wait_for_selector('canvas[aria-label="decoded image"]', timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_function("() => window.aevizDecoders && Object.keys(window.aevizDecoders).length > 0")


def test_a_shared_link_opens_the_page_inside_the_app(server, page):
    """A direct link on a fresh server runs app.py's navigation (not Streamlit's legacy pages/ mode)."""
    page.goto(f"{server}/latent_walk")
    page.wait_for_selector(IDLE, timeout=90_000)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("Latent walk", exact=True).count() == 1
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize("name", FAMILIES)
def test_browser_decode_equals_torch(server, page, name):
    """For random codes, the in-page forward pass equals torch's decode within 1e-4 per pixel, and the canvas shows it."""
    checkpoint = load_checkpoint(name, SHIPPED_DIR)
    open_walk(page, server, name)
    codes = np.random.default_rng(0).normal(scale=2.0, size=(5, checkpoint.config.latent_dim)).astype(np.float32)
    expected = decode(checkpoint.model, codes)
    got = np.array(
        page.evaluate(
            "codes => { const d = Object.values(window.aevizDecoders)[0]; return codes.map(z => d.decode(z)); }",
            codes.tolist(),
        )
    )
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 1e-4

    # The canvas holds the start code's image, as 8-bit grey levels.
    shown = page.evaluate(
        """() => { const d = Object.values(window.aevizDecoders)[0];
                   const c = d.canvas; const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   return {code: d.code(), pixels: Array.from(px).filter((_, i) => i % 4 == 0)}; }"""
    )
    reference = np.round(np.clip(decode(checkpoint.model, np.array(shown["code"], np.float32))[0], 0, 1) * 255)
    assert np.max(np.abs(np.array(shown["pixels"]) - reference)) <= 1


def test_dragging_the_pad_redraws_the_image(server, page):
    """Dragging across the latent pad changes the drawn digit at every step, with no server round trip needed."""
    open_walk(page, server, "mnist-mlp-2d")
    pad = page.locator('canvas[aria-label="latent pad"]').bounding_box()
    before = page.evaluate("() => Object.values(window.aevizDecoders)[0].stats.frames")
    page.mouse.move(pad["x"] + 20, pad["y"] + 20)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(pad["x"] + 20 + step * 15, pad["y"] + 20 + step * 15)
        page.wait_for_timeout(20)
    page.mouse.up()
    frames = page.evaluate("() => Object.values(window.aevizDecoders)[0].stats.frames") - before
    assert frames >= 10
    page.wait_for_selector(IDLE, timeout=30_000)
    page.wait_for_selector("text=to the code you released", timeout=30_000)
