"""Two copies behind haproxy (deploy/replicas.sh, as README says to start them), and one copy killed mid-class: the
student whose training ran there is told it is lost, finished models and saves open from their links on the other
copy, and no page shows a traceback."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.helpers import click_train, goto, new_page, settle, wait_trained

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("haproxy") is None, reason="no haproxy (apt-get install -y haproxy; .ci/run does)"),
]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_pid(port: int) -> int:
    """The `streamlit run` process of the copy on `port` (from /proc: no ss or lsof needed)."""
    for entry in Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and str(port).encode() in args:
            return int(entry.name)
    raise AssertionError(f"no copy on port {port}")


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replicas")
    ports = {"AEVIZ_PROXY_PORT": _free_port(), "AEVIZ_A_PORT": _free_port(), "AEVIZ_B_PORT": _free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "AEVIZ_SHARED": str(folder / "shared")}
    env |= {"AEVIZ_POOL_SIZE": "1", "AEVIZ_WARM_UP": "0", "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"}
    with open(folder / "replicas.log", "w") as log:
        process = subprocess.Popen(
            ["deploy/replicas.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{ports['AEVIZ_PROXY_PORT']}"
    deadline = time.time() + 120
    while time.time() < deadline:  # both copies up behind haproxy
        try:
            up = [urllib.request.urlopen(f"http://127.0.0.1:{ports[k]}/_stcore/health", timeout=2).read()
                  for k in ("AEVIZ_A_PORT", "AEVIZ_B_PORT")]  # fmt: skip
            if up == [b"ok", b"ok"] and urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        pytest.fail((folder / "replicas.log").read_text()[-2000:])
    time.sleep(5)  # haproxy's checks see both copies up (rise 2, every 2 s)
    yield url, {"a": ports["AEVIZ_A_PORT"], "b": ports["AEVIZ_B_PORT"]}
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def _copy_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "aeviz_copy")


def _student(browser, url: str, path: str, copy: str | None = None):
    """A student's browser on `path` through haproxy; with `copy`, new browsers until haproxy pins one to that copy
    (it takes turns between the two)."""
    for _ in range(6):
        context, page = new_page(browser)
        goto(page, f"{url}{path}")
        if copy is None or _copy_of(context) == copy:
            return context, page
        context.close()
    raise AssertionError(f"haproxy never sent a new browser to copy {copy}")


def _figures(page) -> list[str]:
    """The active model's figures in the sidebar (latent size, validation error), as the student reads them."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stMetricValue"]').all_inner_texts()


def test_a_copy_killed_mid_class_loses_only_its_unfinished_jobs(replicas, browser):
    """Six students train and save (on both copies); a long training runs on one copy and another waits behind
    it; that copy is killed (SIGKILL). Every finished model and save opens again from its student's link, with the
    same figures; the two unfinished jobs are reported lost; no page shows a traceback."""
    url, ports = replicas
    contexts = []
    try:
        finished = []
        for i in range(6):
            context, page = _student(browser, url, "/train?train_dataset=digits&train_epochs=2")
            contexts.append(context)
            click_train(page)
            wait_trained(page, 2)
            page.get_by_label("Save as").fill(f"saved-{i}")
            page.get_by_role("button", name="Save checkpoint").click()
            page.wait_for_selector(f"text=Saved as saved-{i}", timeout=60_000)
            finished.append((page, page.url, _copy_of(context), _figures(page)))
        assert {copy for *_, copy, _ in finished} == {"a", "b"}  # haproxy takes turns: students on both copies
        doomed = "a"
        runner_context, runner = _student(browser, url, "/train?train_dataset=mnist&train_epochs=100", doomed)
        contexts.append(runner_context)
        click_train(runner)
        runner.wait_for_selector("text=/epoch \\d+\\/100|starting/", timeout=120_000)
        waiter_context, waiter = _student(browser, url, "/train?train_dataset=mnist&train_epochs=100", doomed)
        contexts.append(waiter_context)
        click_train(waiter)
        waiter.wait_for_selector("text=Waiting in the class queue", timeout=120_000)
        os.kill(_copy_pid(ports[doomed]), signal.SIGKILL)

        for page, context in ((runner, runner_context), (waiter, waiter_context)):
            page.wait_for_selector("text=was on a copy of the server that stopped, and is lost", timeout=90_000)
            assert _copy_of(context) != doomed and page.locator('[data-testid="stException"]').count() == 0
        for i, (page, link, copy, figures) in enumerate(finished):
            goto(page, link)  # through haproxy: the students of the killed copy reach the other one
            settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, (i, copy)
            assert page.get_by_text("idle too long").count() == 0 and page.get_by_text("no longer").count() == 0
            assert _figures(page) == figures, (i, copy)  # the same model, the same numbers
            picker = page.locator('[data-testid="stSidebar"] input[aria-label="Active model"]')
            picker.click()
            assert page.get_by_role("option").filter(has_text=f"saved-{i}").count() == 1, (i, copy)
            page.keyboard.press("Escape")
        model = parse_qs(urlsplit(finished[0][1]).query)["model"][0]
        goto(finished[0][0], f"{url}/latent_space?model={model}")
        settle(finished[0][0])
        assert finished[0][0].locator('[data-testid="stException"]').count() == 0
    finally:
        for context in contexts:
            context.close()
