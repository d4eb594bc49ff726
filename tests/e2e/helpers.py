"""What every browser test does, in one place: open a page, act and wait until the script run that the action started
has finished (a condition, never a fixed sleep), switch pages within a session, find a slider."""

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Counts script runs (full or fragment) as they start and as they finish: Streamlit sets data-test-script-state to
# "running" and back, and each change is one mutation record, so no run is missed however short it is.
COUNT_RUNS = """
window.__aevizStarts = 0;
window.__aevizRuns = 0;
window.__aevizChanged = performance.now();
new MutationObserver((records) => {
  for (const r of records) {
    if (r.oldValue === "running") window.__aevizRuns += 1;
    else window.__aevizStarts += 1;
  }
  window.__aevizChanged = performance.now();
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true,
});
"""
NOT_RUNNING = "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state') === 'notRunning'"
# A page opened with URL-bound widget values runs once more when those widgets report their values: a new session is
# ready once its first run is done and no run has started or ended for half a second.
FIRST_RUN_DONE = f"() => window.__aevizRuns > 0 && {NOT_RUNNING} && performance.now() - window.__aevizChanged > 500"
# After an action: if the app was idle, a run that started after the action has finished; if a run was going, the
# action stops it and Streamlit runs again without going idle in between, so that chain has finished.
STARTED_AND_DONE = f"""([starts, ends, busy]) =>
  (busy ? window.__aevizRuns > ends : window.__aevizStarts > starts) && {NOT_RUNNING}"""


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.add_init_script(COUNT_RUNS)
    return context, context.new_page()


def rerun(page, action, timeout=90_000) -> None:
    """Do `action` (a click, key presses, a file choice) and wait until the script run it starts has finished."""
    before = page.evaluate(f"() => [window.__aevizStarts, window.__aevizRuns, !({NOT_RUNNING})]")
    action()
    page.wait_for_function(STARTED_AND_DONE, arg=before, timeout=timeout)


def click_train(page) -> None:
    """Click the Train page's Train button. It lives in a fragment whose run can be over before the browser shows it
    running (a refused file: measured 3 of 4 clicks left no trace in data-test-script-state), so never wait for that
    run: wait for what the click leads to (a message, the queue, "Trained N epochs")."""
    page.get_by_role("button", name="Train", exact=True).click()


def settle(page, timeout=90_000) -> None:
    """Wait until no script runs. For an action that interrupts a running script (Stop during training), where the
    state goes from one run straight into the next and no new start can be seen."""
    page.wait_for_function(f"() => {NOT_RUNNING}", timeout=timeout)


def wait_trained(page, epochs: int, timeout=180_000) -> None:
    """After Train: the training queues in the server's job pool and the page polls it until it ends; wait for the
    success message ("Trained N epochs.") and for the run that drew it to finish."""
    page.wait_for_selector(f"text=/Trained {epochs} epochs?\\./", timeout=timeout)
    settle(page)


def wait_epoch(page, at_least: int, epochs: int, timeout=180_000) -> None:
    """Wait until the training panel says "epoch N/`epochs`" with N ≥ `at_least`. The panel polls every 1-2 s, so
    any given epoch may never be on screen (a quick worker, a late poll): never wait for one epoch's text."""
    page.wait_for_function(
        """([least, total]) => [...document.body.innerText.matchAll(new RegExp(`epoch (\\\\d+)/${total}\\\\b`, "g"))]
             .some((m) => Number(m[1]) >= least)""",
        arg=[at_least, epochs],
        timeout=timeout,
    )


def goto(page, url, timeout=90_000) -> None:
    """Open `url` (a new session) and wait for its first script run to finish."""
    page.goto(url)
    page.wait_for_function(FIRST_RUN_DONE, timeout=timeout)


def reload(page, timeout=90_000) -> None:
    """Reload (a new session; the run counter starts again at 0) and wait for the first script run to finish."""
    page.reload()
    page.wait_for_function(FIRST_RUN_DONE, timeout=timeout)


HEADINGS = {  # each page's title, drawn by its own script run
    "Home": "What does an autoencoder learn?",
    "Train": "Train an autoencoder",
    "Latent space": "Latent space next to PCA",
    "Latent walk": "Walk the latent space",
    "Capacity": "Capacity: under-, complete and overcomplete codes",
    "PCA step by step": "PCA step by step",
    "PCA vs autoencoders": "PCA against autoencoders",
    "Sparsity": "Sparse autoencoders: what λ does",
}
PAGE_DRAWN = f"""h => [...document.querySelectorAll('h1')].some(e => e.textContent.includes(h)) && {NOT_RUNNING}"""


def nav(page, title: str, timeout=90_000) -> None:
    """Switch page through the sidebar, within the same session (a fresh page.goto would start a new session), and
    wait until the new page's own run has drawn its title and finished. (A run still going when the link is clicked
    goes straight into the new page's run, so no new start can be counted: the title is the sure sign.)"""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.wait_for_function(PAGE_DRAWN, arg=HEADINGS[title], timeout=timeout)


def slider(page, label: str):
    return page.locator('[data-testid="stSlider"]').filter(has_text=label).locator('input[type="range"]')


def uploader(page, label: str):
    """The file uploader whose label contains `label`. The Train page has two (the Dataset's, drawn once "upload a
    file…" is chosen, and the Load panel's in a collapsed expander): a bare `[data-testid="stFileUploader"]` could
    match the Load panel's before the Dataset's was drawn, and a file set there gave a hidden chip (as on CI)."""
    return page.locator('[data-testid="stFileUploader"]').filter(has_text=label)


def upload_file(page, label: str, name: str, payload: bytes, mime: str) -> None:
    """Give the uploader labelled `label` a file."""
    target = uploader(page, label)
    files = target.locator('input[type="file"]')
    rerun(page, lambda: files.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": payload}]))
    # the file's chip is drawn and no run follows: a click now cannot race the upload's own reruns
    target.locator('[data-testid="stFileChipName"]').wait_for(timeout=60_000)
    settle(page)


DATASET_UPLOADER = "CSV, .npy/.npz"  # the start of the Train page's Dataset uploader's label


def choose_dataset_upload(page) -> None:
    """On the Train page, choose "upload a file…" as the Dataset and wait until its uploader is drawn."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name="upload a file…").click()
    uploader(page, DATASET_UPLOADER).locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(
        state="attached", timeout=60_000
    )
    settle(page)  # the run that drew the uploader is over


# Lecture mode (aeviz/ui/lecture.py), shared with bench/bench_lecture.py. Step n is on screen: the strip says so, the
# run that drew it is over, and the stage's key figure is drawn (an image loaded, a Plotly plot area, or a component's
# canvas in its shadow root: the latent pad).
LECTURE_FIGURE = ".st-key-lecture_figure"
STEP_DRAWN = f"""n => {{
  if (!({NOT_RUNNING})) return false;
  if (![...document.querySelectorAll('.st-key-lecture_strip [data-testid="stMarkdownContainer"]')]
      .some(e => e.innerText.startsWith('Step ' + n + ' of'))) return false;
  const f = document.querySelector('{LECTURE_FIGURE}');
  if (!f) return false;
  const imgs = [...f.querySelectorAll('img')];
  return (imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0))
    || f.querySelectorAll('.js-plotly-plot .main-svg').length > 0
    || [...f.querySelectorAll('*')].some(e => e.shadowRoot && e.shadowRoot.querySelector('canvas'));
}}"""
