"""The decoder that runs in the browser (aeviz/static/decoder.js) draws what torch decodes, for every shipped family."""

import numpy as np
import pytest

from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
from aeviz.latent import decode
from tests.e2e.helpers import goto, rerun

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FAMILIES = ["mnist-mlp-2d", "mnist-conv", "mnist-vae-2d", "mnist-sparse-l1", "mnist-denoise", "digits-2d"]


def open_walk(page, server, name):
    goto(page, f"{server}/latent_walk?model={name}")
    page.wait_for_selector('canvas[aria-label="decoded image"]', timeout=90_000)
    page.wait_for_function("() => window.aeviz && window.aeviz.decoders && Object.keys(window.aeviz.decoders).length > 0")


def test_a_shared_link_opens_the_page_inside_the_app(server, page):
    """A direct link on a fresh server runs app.py's navigation (not Streamlit's legacy pages/ mode)."""
    goto(page, f"{server}/latent_walk")
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
            "codes => { const d = Object.values(window.aeviz.decoders)[0]; return codes.map(z => d.decode(z)); }",
            codes.tolist(),
        )
    )
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 1e-4

    # The canvas holds the start code's image, as 8-bit grey levels.
    shown = page.evaluate(
        """() => { const d = Object.values(window.aeviz.decoders)[0];
                   const c = d.canvas; const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   return {code: d.code(), pixels: Array.from(px).filter((_, i) => i % 4 == 0)}; }"""
    )
    reference = np.round(np.clip(decode(checkpoint.model, np.array(shown["code"], np.float32))[0], 0, 1) * 255)
    assert np.max(np.abs(np.array(shown["pixels"]) - reference)) <= 1


CANVAS = """() => { const d = Object.values(window.aeviz.decoders)[0];
               const c = d.canvas; const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
               return {code: d.code(), frames: d.stats.frames, pixels: Array.from(px).filter((_, i) => i % 4 == 0)}; }"""


def test_dragging_the_pad_redraws_the_image(server, page):
    """A drag across the latent pad moves the code and redraws the digit without a server round trip: after the drag,
    before the release, the canvas shows torch's decode of the code under the pointer."""
    checkpoint = load_checkpoint("mnist-mlp-2d", SHIPPED_DIR)
    open_walk(page, server, "mnist-mlp-2d")
    pad = page.locator('canvas[aria-label="latent pad"]').bounding_box()
    start = page.evaluate(CANVAS)
    page.mouse.move(pad["x"] + 20, pad["y"] + 20)
    page.mouse.down()
    page.mouse.move(pad["x"] + 320, pad["y"] + 320, steps=20)
    page.wait_for_function("f => Object.values(window.aeviz.decoders)[0].stats.frames > f", arg=start["frames"])
    moved = page.evaluate(CANVAS)
    page.wait_for_function(f"c => JSON.stringify(({CANVAS})().code) === JSON.stringify(c)", arg=moved["code"])
    moved = page.evaluate(CANVAS)  # the frame of the last pointer position has been drawn
    assert moved["code"] != start["code"] and moved["pixels"] != start["pixels"]
    reference = np.round(np.clip(decode(checkpoint.model, np.array(moved["code"], np.float32))[0], 0, 1) * 255)
    assert np.max(np.abs(np.array(moved["pixels"]) - reference)) <= 1
    rerun(page, page.mouse.up)  # the release sends the code to Python: the nearest training sample follows
    page.wait_for_selector("text=to the code you released", timeout=30_000)
