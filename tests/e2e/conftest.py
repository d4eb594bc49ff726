"""A real `streamlit run app.py` on a free port, headless Debian Chromium driven by Playwright, a fresh page per test,
and screenshots. The functions every browser test shares (wait for a script run, open a URL, switch pages) are in
tests/e2e/helpers.py, beside this file.

Screenshots go to a temporary folder, or to $AEVIZ_SCREENSHOTS (e.g. `AEVIZ_SCREENSHOTS=docs pytest tests/e2e` to
refresh README's pictures), so a test run does not modify tracked files.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.helpers import new_page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(folder: Path, **env: str) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run app.py` with `env` added (its log in `folder`: a pipe can deadlock); wait for its health
    endpoint; return its URL and process."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install -y chromium); .ci/run installs it")
    port = _free_port()
    log = folder / "streamlit.log"
    env = {
        "AEVIZ_USER_CHECKPOINTS": str(folder / "user_checkpoints"),
        "AEVIZ_POOL_SIZE": "1",
        "AEVIZ_POOL_PROCESSES": "1",  # the server's own worker processes (the AppTests use threads)
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return url, process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"streamlit did not start:\n{log.read_text()[-2000:]}")


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app as a class would run it on a small machine: a job pool of one (so queueing is tested everywhere)."""
    url, process = start_app(tmp_path_factory.mktemp("server"))
    yield url
    stop_app(process)


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install -y chromium); .ci/run installs it")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


@pytest.fixture(scope="session")
def shot(tmp_path_factory):
    """shot(page, name): a full-page screenshot into $AEVIZ_SCREENSHOTS or a temporary folder; returns its path."""
    folder = Path(os.environ.get("AEVIZ_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
