"""Every page at the widths a class has (a narrow window, a projector, a student's laptop, a desktop): no image, chart,
caption or metric runs past the main column or over another, no value is cut, no exception shows."""

import pytest

from aeviz.sitemap import PAGES
from tests.e2e.helpers import COUNT_RUNS, click_train, goto, wait_trained

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = [(800, 900), (1280, 720), (1366, 768), (1920, 1080)]
# What the probe looks at: the figures and the text laid out beside them, visible now (a collapsed expander's chart
# is not), a Plotly chart as one box (its 3-D canvas sits under its own svg by design), a table as one box (its grid
# draws on stacked canvases).
PROBE = """() => {
  const column = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
  const shown = [...document.querySelectorAll('[data-testid="stMain"] :is(img, .js-plotly-plot, canvas, iframe,'
      + ' [data-testid="stImageCaption"], [data-testid="stCaptionContainer"], [data-testid="stMetricValue"],'
      + ' [data-testid="stDataFrame"])')]
    .filter(e => !(e.tagName === 'CANVAS' && e.closest('.js-plotly-plot, [data-testid="stDataFrame"]')))
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && r.height > 0 && e.checkVisibility({checkVisibilityCSS: true}); });
  const name = e => (e.getAttribute('data-testid') || e.tagName) + ' "' + (e.textContent || e.alt || '').slice(0, 30) + '"';
  const past = shown.filter(e => e.getBoundingClientRect().right > column.right + 2).map(name);
  const over = [];
  for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
    const a = shown[i], b = shown[j];
    if (a.contains(b) || b.contains(a)) continue;
    const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
    const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    if (w > 2 && h > 2) over.push(name(a) + ' over ' + name(b));
  }
  const cut = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"] div')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent);
  const exceptions = document.querySelectorAll('[data-testid="stException"]').length;
  const sidebar = Math.round(document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().width);
  return {past, over, cut, exceptions, sidebar};
}"""


@pytest.fixture(scope="module", params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(COUNT_RUNS)
    yield context, width
    context.close()


@pytest.mark.parametrize("page_spec", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_the_page_fits_its_column_at_this_width(sized, server, page_spec):
    context, width = sized
    page = context.new_page()
    try:
        goto(page, f"{server}/{page_spec.url_path}")
        page.wait_for_timeout(1_500)  # let Plotly and the images lay out (no script run to wait for)
        found = page.evaluate(PROBE)
    finally:
        page.close()
    assert found["exceptions"] == 0
    assert found["past"] == [] and found["over"] == [] and found["cut"] == [], found
    assert (found["sidebar"] == 0) == (width < 1000)  # folded away on a narrow screen (once: the student may reopen it)


WIDEN = """() => {
  const image = document.querySelector('[data-testid="stImage"] img');
  image.style.maxWidth = 'none';
  image.style.width = '3000px';
  image.closest('[data-testid="stImageContainer"]').style.maxWidth = 'none';
}"""


def test_the_probe_sees_a_figure_past_the_column(browser, server):
    """The check above is only as good as its probe: a montage made 3,000 px wide is reported."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    try:
        goto(page, f"{server}/capacity")
        page.wait_for_selector('[data-testid="stImage"] img', timeout=60_000)
        page.evaluate(WIDEN)
        found = page.evaluate(PROBE)
    finally:
        context.close()
    assert any(p.startswith("IMG") for p in found["past"])


def test_the_train_page_after_training_fits_a_narrow_window(browser, server):
    """At 800×900, after a short training: the live monitor's successor (your model's losses, scatter and epoch
    scrubber with its Play/Pause and slider) stays inside the column (the issue saw the slider squeezed to a few
    pixels under Play/Pause with the sidebar open)."""
    context = browser.new_context(viewport={"width": 800, "height": 900})
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    try:
        goto(page, f"{server}/train?train_dataset=digits&train_epochs=2")
        click_train(page)
        wait_trained(page, 2)
        page.wait_for_selector("text=Watch the code form", timeout=60_000)
        page.wait_for_timeout(1_500)
        found = page.evaluate(PROBE)
        slider = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout?.sliders?.length)"
            ".querySelector('.slider-container').getBoundingClientRect().width"
        )
    finally:
        context.close()
    assert found["past"] == [] and found["over"] == [] and found["exceptions"] == 0, found
    assert slider > 300  # the epoch slider keeps a usable length
