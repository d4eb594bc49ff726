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


def test_a_copy_killed_mid_class_loses_only_its_running_job(replicas, browser):
    url, ports = replicas
    keeper_context, keeper = new_page(browser)
    leaver_context, leaver = new_page(browser)
    try:
        goto(keeper, f"{url}/train?train_dataset=digits&train_epochs=2")
        click_train(keeper)
        wait_trained(keeper, 2)
        keeper.get_by_label("Save as").fill("before-the-kill")
        keeper.get_by_role("button", name="Save checkpoint").click()
        keeper.wait_for_selector("text=Saved as before-the-kill", timeout=60_000)
        live_link = keeper.url
        # the second student lands on the other copy (haproxy takes turns) and starts a long training there
        goto(leaver, f"{url}/train?train_dataset=mnist&train_epochs=100")
        doomed = _copy_of(leaver_context)
        click_train(leaver)
        leaver.wait_for_selector("text=/epoch \\d+\\/100|starting/", timeout=120_000)
        os.kill(_copy_pid(ports[doomed]), signal.SIGKILL)

        leaver.wait_for_selector("text=was on a copy of the server that stopped, and is lost", timeout=90_000)
        assert _copy_of(leaver_context) != doomed and leaver.locator('[data-testid="stException"]').count() == 0
        # what was finished opens from its links through haproxy, on whichever copy is left
        for link in (live_link, f"{url}/latent_space?model={parse_qs(urlsplit(live_link).query)['model'][0]}"):
            goto(keeper, link)
            settle(keeper)
            assert keeper.locator('[data-testid="stException"]').count() == 0
            assert keeper.get_by_text("idle too long").count() == 0 and keeper.get_by_text("no longer").count() == 0
        picker = keeper.locator('[data-testid="stSidebar"] input[aria-label="Active model"]')
        picker.click()
        assert keeper.get_by_role("option").filter(has_text="before-the-kill").count() == 1
    finally:
        keeper_context.close()
        leaver_context.close()
