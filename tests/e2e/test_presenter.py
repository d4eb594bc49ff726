"""The lecture in presenter view on a 1280×720 projector: every step's key figure lies inside the first screen, the
keyboard and a clicker's keys move through the steps, Reset undoes a moved slider, and a step survives a reload."""

import pytest

from aeviz.lecture import STEPS, step
from tests.e2e.helpers import COUNT_RUNS, LECTURE_FIGURE, NOT_RUNNING, STEP_DRAWN, goto, reload, slider

pytestmark = [pytest.mark.e2e]

PROJECTOR = {"width": 1280, "height": 720}
STRIP = '.st-key-lecture_strip [data-testid="stMarkdownContainer"]'
# Which step the strip shows, once the run that drew it is over (the figure need not be drawn yet).
AT_STEP = f"""n => {NOT_RUNNING} && [...document.querySelectorAll('{STRIP}')]
  .some(e => e.innerText.startsWith('Step ' + n + ' of'))"""


@pytest.fixture(scope="module")
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR)
    context.add_init_script(COUNT_RUNS)
    yield context.new_page()
    context.close()


def open_step(page, server, number: int) -> None:
    goto(page, server + step(number).url(number, present=True))
    page.wait_for_function(STEP_DRAWN, arg=number, timeout=90_000)


def press(page, key: str, number: int) -> None:
    """Press `key` with the focus on no field, and wait until step `number` is drawn."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)
    page.wait_for_function(AT_STEP, arg=number, timeout=90_000)


@pytest.mark.parametrize("number", range(1, len(STEPS) + 1))
def test_every_key_figure_is_inside_the_first_projector_screen(projector, server, number, shot):
    """No scrolling: the whole key figure is within 1280×720, and the sidebar is hidden."""
    open_step(projector, server, number)
    box = projector.locator(LECTURE_FIGURE).bounding_box()
    assert box["height"] > 100 and box["width"] > 300, box
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= PROJECTOR["width"] and box["y"] + box["height"] <= PROJECTOR["height"], box
    assert not projector.locator('[data-testid="stSidebar"]').is_visible()
    assert projector.locator('[data-testid="stException"]').count() == 0
    if number in (4, 14):  # for the README: the first screen, as projected
        projector.screenshot(path=str(shot(projector, f"lecture_step_{number}")))


def test_arrows_and_a_clicker_s_keys_move_through_the_steps(projector, server):
    """→ and PageDown go on (across pages, and within the PCA page), ← and PageUp go back."""
    open_step(projector, server, 8)
    press(projector, "ArrowRight", 9)
    press(projector, "PageDown", 10)
    press(projector, "PageUp", 9)
    press(projector, "ArrowLeft", 8)
    press(projector, "ArrowLeft", 7)
    press(projector, "PageUp", 6)
    assert "capacity?step=6" in projector.url and "present=1" in projector.url


def test_reset_restores_the_step_s_setting_and_a_reload_keeps_the_step(projector, server):
    number = next(i for i, s in enumerate(STEPS, 1) if s.figure == "pca_4")
    k = dict(step(number).settings)["pca_k"]
    open_step(projector, server, number)
    chosen = slider(projector, "components kept")
    assert chosen.get_attribute("value") == k
    chosen.focus()
    chosen.press("ArrowRight")
    projector.wait_for_function(f"() => {NOT_RUNNING} && location.search.includes('pca_k={int(k) + 1}')")
    press(projector, "Home", number)  # the same step: drawn already, so wait for the slider itself
    slider_is = """k => [...document.querySelectorAll('[data-testid="stSlider"]')].some(s =>
        s.innerText.includes('components kept') && s.querySelector('input[type="range"]')?.value === k)"""
    projector.wait_for_function(
        f"k => {NOT_RUNNING} && location.search.includes('pca_k=' + k) && ({slider_is})(k)", arg=k, timeout=30_000
    )
    reload(projector)
    projector.wait_for_function(AT_STEP, arg=number, timeout=90_000)
    assert slider(projector, "components kept").get_attribute("value") == k


def test_the_lecture_page_starts_the_lecture_in_presenter_view(projector, server):
    goto(projector, server + "/lecture")
    projector.locator('[data-testid="stCheckbox"]').filter(has_text="Presenter view").locator("label").click()
    projector.wait_for_function(f"() => {NOT_RUNNING} && location.search.includes('present=1')")
    projector.get_by_role("button", name="Start the lecture").click()
    projector.wait_for_function(AT_STEP, arg=1, timeout=90_000)
    assert not projector.locator('[data-testid="stSidebar"]').is_visible()


def test_the_handout_holds_every_step_given(projector, server):
    """Give the whole lecture with → (one session), then the Lecture page's handout has all 17 steps, each with a
    figure and its formulas, in one file."""
    from pathlib import Path

    open_step(projector, server, 1)
    for number in range(2, len(STEPS) + 1):
        projector.evaluate("() => document.activeElement && document.activeElement.blur()")
        projector.keyboard.press("ArrowRight")
        projector.wait_for_function(STEP_DRAWN, arg=number, timeout=90_000)
    projector.get_by_role("link", name="Outline").click()
    projector.wait_for_selector("text=17 of 17 steps collected", timeout=90_000)
    with projector.expect_download() as download:
        projector.get_by_role("button", name="Download the handout (HTML)").click()
    page = Path(download.value.path()).read_text()
    sections = page.split("<section>")[1:]
    assert len(sections) == len(STEPS)
    for number, section in enumerate(sections, start=1):
        assert section.startswith(f"<h2>{number}. ") and "<figure>" in section and "<math" in section
