"""The lecture's PCA pages and the epoch scrubber in a real browser: PCA against autoencoders (images, and the swiss
roll's plane against its curved sheet), the principal-angle slider, and scrubbing and playing how the code formed."""

import pytest

from tests.e2e.helpers import goto, new_page, rerun, slider

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# the Plotly chart that carries animation frames (the epoch scrubber), and what it shows now
SCRUBBER = "[...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout?.sliders?.length)"
# Plotly keeps frames as sent (base64 float32 arrays) and the drawn trace decoded: compare the first x of each
SHOWN_FRAME = f"""() => {{
    const g = {SCRUBBER};
    if (!g) return null;
    const first = v => v.bdata ? new Float32Array(Uint8Array.from(atob(v.bdata), c => c.charCodeAt(0)).buffer)[0] : v[0];
    const frames = g._transitionData._frames;
    const x = g._fullData[0].x[0];
    return {{active: g._fullLayout.sliders[0].active, frames: frames.length,
             frame: frames.findIndex(f => first(f.data[0].x) === x)}};
}}"""


@pytest.fixture(scope="module")
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def test_the_sweep_chart_and_the_angle_slider(page, server, shot):
    goto(page, f"{server}/pca_vs_ae")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')?.data?.length === 3", timeout=30_000)
    traces = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    assert traces == ["PCA (every k)", "multilayer autoencoder", "linear autoencoder"]
    assert page.get_by_text("The multilayer autoencoder's validation error is below PCA's").is_visible()
    assert page.get_by_text("spans an 8-dimensional subspace").count() == 1
    k = slider(page, "k")
    k.focus()
    rerun(page, lambda: k.press("ArrowRight"))
    page.wait_for_selector("text=spans a 16-dimensional subspace", timeout=30_000)
    shot(page, "pca_vs_ae")


def test_the_swiss_roll_gets_a_plane_and_a_curved_sheet(page, server, shot):
    goto(page, f"{server}/pca_vs_ae?model=swiss-roll-2d")
    page.wait_for_selector("text=A plane against a curved sheet", timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout?.scene).length === 3",
        timeout=30_000,
    )
    titles = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout.scene)"
        ".map(g => g.layout.title.text)"
    )
    assert len(titles) == 3 and "PCA, k = 2" in titles[1] and "autoencoder, k = 2" in titles[2]  # Streamlit adds <b>
    page.get_by_text("A plane against a curved sheet").scroll_into_view_if_needed()
    shot(page, "pca_vs_ae_roll")


def test_the_scrubber_scrubs_and_plays(page, server, shot):
    """The shipped model's views: the chart opens on the last epoch; a click at the slider's start shows epoch 1's
    view; Play runs through every frame back to the last."""
    goto(page, f"{server}/train")
    page.wait_for_function(f"() => !!({SCRUBBER})", timeout=30_000)
    opened = page.evaluate(SHOWN_FRAME)
    assert opened["frame"] == opened["frames"] - 1 == opened["active"]
    rail = page.locator(".slider-rail-touch-rect").first
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    page.wait_for_function(f"() => {{ const s = ({SHOWN_FRAME})(); return s.frame === 0 && s.active === 0; }}")
    shot(page, "scrubber_first_epoch")
    page.locator("g.updatemenu-button").filter(has_text="Play").click()
    page.wait_for_function(
        f"() => {{ const s = ({SHOWN_FRAME})(); return s.frame === s.frames - 1 && s.active === s.frames - 1; }}",
        timeout=60_000,
    )
    shot(page, "scrubber")


def test_the_capacity_page_shows_its_errors_and_a_picture_row_per_model_inside_the_column(page, server, shot):
    """The shipped run: the errors chart with every model, the copying sentence of the linear model, and every
    montage within the main column (four digits wide, they ran under their neighbours)."""
    goto(page, f"{server}/capacity")
    page.wait_for_selector("text=only the linear one copies it", timeout=60_000)
    bars = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.x.length)")
    assert bars == [6, 6]  # training and validation error of the six models
    overflow = page.evaluate(
        """() => { const main = document.querySelector('[data-testid="stMain"] [data-testid="stVerticalBlock"]')
                      .getBoundingClientRect();
                   return [...document.querySelectorAll('[data-testid="stImage"] img')]
                     .filter(i => i.getBoundingClientRect().right > main.right + 1).length }"""
    )
    images = page.locator('[data-testid="stImage"] img').count()
    assert images == 3 * 7 and overflow == 0  # the inputs and six models, three kinds each
    page.get_by_text("Memorising: training against").scroll_into_view_if_needed()
    shot(page, "capacity")
