"""Hovering a point on the Latent space page shows that sample's image (Plotly's hover labels hold text only)."""

import numpy as np
import pytest

from aeviz.datasets import load_dataset
from aeviz.montages import to_image
from aeviz.ui.model_caches import VIEW_SAMPLES
from tests.e2e.helpers import goto

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GREY = "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).filter((_, i) => i % 4 === 0)"


def test_hovering_a_point_shows_its_own_image(server, page):
    goto(page, f"{server}/latent_space?model=mnist-mlp-2d")
    page.wait_for_function("() => window.aeviz && window.aeviz.hover && window.aeviz.hover.charts() === 2", timeout=30_000)
    point = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace .points path').nth(40)
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.aeviz.hover.shown.row !== null", timeout=10_000)
    row = page.evaluate("() => window.aeviz.hover.shown.row")
    assert page.locator(".hoverlayer").first.text_content().startswith(f"row {row}")  # the point Plotly labels
    pixels = np.array(page.locator('canvas[aria-label="hovered sample"]').evaluate(GREY), dtype=np.uint8)
    X = load_dataset("mnist", seed=0).X_val[:VIEW_SAMPLES]
    assert np.array_equal(pixels.reshape(28, 28), to_image(X[row], (28, 28)))
    assert page.locator(".aeviz-hover").is_visible()
    page.mouse.move(5, 5)  # off the chart: the image goes away
    page.wait_for_function("() => window.aeviz.hover.shown.row === null", timeout=10_000)
