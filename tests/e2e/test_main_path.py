"""The main path in a real browser: open, train a model, see it beside PCA, click a point, walk a slider."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aeviz.checkpoints import from_zip

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[2] / "docs"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
LOCAL = {"127.0.0.1", "localhost", None}  # None: data: and blob: URLs
COLOURED_PIXELS = """c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] === d[i + 1] && d[i + 1] === d[i + 2])) n++;
    return n;
}"""


def wait_idle(page, timeout=90_000):
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(300)


def goto(page, url):
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    wait_idle(page)


def nav(page, title):
    """Switch page through the sidebar, within the same session (a fresh page.goto would start a new session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(page)


def shot(page, name):
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


def test_main_path(server, page):
    outside = []  # nothing downloads at run time: every request of the whole path stays on this server
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in LOCAL else None)
    goto(page, server)
    assert page.get_by_text("What does an autoencoder learn?").is_visible()
    shot(page, "home")

    nav(page, "Train")  # Stop ends a long training between epochs and keeps the model trained so far
    epochs = page.locator('[data-testid="stSlider"]').filter(has_text="Epochs").locator('input[type="range"]')
    epochs.focus()
    for _ in range(85):  # 15 -> 100 epochs
        epochs.press("ArrowRight")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=/epoch [3-9]\\/100/", timeout=60_000)
    # the live monitor redraws its canvases as the model learns: coloured points, and a newer epoch each time
    scatter = page.locator('canvas[aria-label="latent space"]')
    page.wait_for_function("() => window.aevizMonitor && window.aevizMonitor.epoch >= 2", timeout=30_000)
    assert scatter.evaluate(COLOURED_PIXELS) > 500
    drawn = page.evaluate("() => window.aevizMonitor.epoch")
    page.wait_for_function("e => window.aevizMonitor.epoch > e", arg=drawn, timeout=30_000)
    shot(page, "train_live")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_selector("text=Training stopped after epoch", timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("Your model", exact=True).count() == 1
    epochs.focus()
    for _ in range(85):  # back to the default 15, so the next training is short
        epochs.press("ArrowLeft")
    wait_idle(page)

    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=Trained 15 epochs", timeout=120_000)
    wait_idle(page)
    assert page.get_by_text("Latent space of your model").count() > 0
    assert page.locator('canvas[aria-label="latent space"]').count() == 0  # the finished model gets Plotly figures
    picker = page.locator('[data-testid="stSidebar"] input[aria-label="Active model"]')
    assert picker.input_value() == "trained in this session"
    shot(page, "train")
    with page.expect_download() as download:  # the zip is built only on click; it must load back
        page.get_by_role("button", name="Download .zip").click()
    assert from_zip(Path(download.value.path()).read_bytes()).config.latent_dim == 2

    page.reload()  # a reload starts a new session: the trained model must come back from the URL
    wait_idle(page)
    assert page.get_by_text("Your model", exact=True).count() == 1
    nav(page, "Latent space")
    assert page.get_by_text("trustworthiness", exact=True).count() == 2
    point = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace .points path').nth(40)
    point.click(force=True)
    wait_idle(page)
    page.wait_for_selector("text=reconstruction r = g(f(x))", timeout=30_000)
    assert page.get_by_text("Page not found").count() == 0
    shot(page, "latent_space")
    with page.expect_download() as download:
        page.get_by_role("button", name="Coordinates as CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "row,label,model_1,model_2,pca_1,pca_2" and len(lines) == 1001

    nav(page, "Latent walk")
    assert page.get_by_text("Starting at the point you clicked").count() == 1
    page.wait_for_selector('canvas[aria-label="latent pad"]', timeout=30_000)
    # the component lives in a shadow root: reach its canvas through the handle decoder.js registers
    pixels = (
        "() => Array.from(Object.values(window.aevizDecoders)[0].canvas"
        ".getContext('2d').getImageData(0, 0, 28, 28).data).join(',')"
    )
    pad = page.locator('canvas[aria-label="latent pad"]').bounding_box()
    before = page.evaluate(pixels)
    nearest = page.get_by_text("to the code you released").inner_text()
    page.mouse.move(pad["x"] + 40, pad["y"] + 300)
    page.mouse.down()
    page.mouse.move(pad["x"] + 300, pad["y"] + 60, steps=20)
    page.wait_for_timeout(100)
    dragged = page.evaluate(pixels)
    assert dragged != before  # the digit morphed in the browser, while dragging
    page.mouse.up()
    wait_idle(page)
    page.wait_for_selector('canvas[aria-label="decoded image"]')
    assert page.evaluate(pixels) == dragged  # the rerun that the release triggers keeps the released code
    page.wait_for_function(
        "old => [...document.querySelectorAll('[data-testid=\"stImage\"]')]"
        ".some(e => e.innerText.includes('to the code you released') && e.innerText !== old)",
        arg=nearest,
        timeout=20_000,
    )  # and Python received it: the nearest training sample follows
    shot(page, "latent_walk")

    # The server-side sliders stay as the fallback.
    page.locator('[data-testid="stCheckbox"]').filter(has_text="Decode in the browser").locator("label").click()
    wait_idle(page)
    image = page.locator('[data-testid="stImage"]').filter(has_text="decoded g(h)").locator("img")
    before = image.get_attribute("src")
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    for _ in range(15):
        slider.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=\"stImage\"]')]"
        ".find(e => e.innerText.includes('decoded g(h)')).querySelector('img').getAttribute('src') !== before",
        arg=before,
        timeout=20_000,
    )

    nav(page, "Sparsity")
    assert page.get_by_text("of code activations are non-zero").count() == 1
    shot(page, "sparsity")
    assert outside == []
