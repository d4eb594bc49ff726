"""What every browser test does, in one place: open a page, act and wait until the script run that the action started
has finished (a condition, never a fixed sleep), switch pages within a session, find a slider."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Counts finished script runs (full or fragment) in window.__aevizRuns: Streamlit sets data-test-script-state to
# "running" and back, and each change is one mutation record, so no run is missed however short it is.
COUNT_RUNS = """
window.__aevizRuns = 0;
new MutationObserver((records) => {
  for (const r of records) if (r.oldValue === "running") window.__aevizRuns += 1;
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true,
});
"""
FINISHED = """n => window.__aevizRuns > n &&
  document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_init_script(COUNT_RUNS)
    return context, context.new_page()


def runs(page) -> int:
    return page.evaluate("() => window.__aevizRuns")


def rerun(page, action, timeout=90_000) -> None:
    """Do `action` (a click, key presses, a file choice) and wait until the script run it starts has finished."""
    before = runs(page)
    action()
    page.wait_for_function(FINISHED, arg=before, timeout=timeout)


def goto(page, url, timeout=90_000) -> None:
    """Open `url` (a new session) and wait for its first script run to finish."""
    page.goto(url)
    page.wait_for_function(FINISHED, arg=0, timeout=timeout)


def reload(page, timeout=90_000) -> None:
    """Reload (a new session; the run counter starts again at 0) and wait for the first script run to finish."""
    page.reload()
    page.wait_for_function(FINISHED, arg=0, timeout=timeout)


def nav(page, title: str) -> None:
    """Switch page through the sidebar, within the same session (a fresh page.goto would start a new session)."""
    rerun(page, page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click)


def slider(page, label: str):
    return page.locator('[data-testid="stSlider"]').filter(has_text=label).locator('input[type="range"]')
