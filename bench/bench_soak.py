"""A soak of a class server: students come and go for a few minutes while three keep their models, and the server's
memory is sampled throughout.

    python bench/bench_soak.py [--students 30] [--grace 5] [--rest 150]

Three "keepers" train a digits model each at the start and keep their tabs open. Then `--students` students come one
after another, each in a browser of their own, and do one of (in turn):
- train: a 1-epoch digits training with a new random seed (the seed used to load the dataset again, without bound),
  save it under a name, close the tab;
- load: load a large checkpoint (a 784-4096-784 vanilla model, 26 MB) from a .zip, close the tab (loads used to push
  other students' models out of the live store);
- leave: press Train with a new seed on MNIST for 100 epochs and close the tab at once (the job used to run for nobody
  and keep its result for an hour).
The server's resident memory (server and worker processes, VmRSS) is sampled every 2 s. At the end, after the
sessions' grace (`AEVIZ_SESSION_GRACE`, set from --grace), it prints the memory over time, how long a latecomer's
1-epoch training takes (seconds when every closed tab's job was reaped), and whether each keeper's model still opens
from its link.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_app import ARGS, IDLE, ROOT, start_server  # noqa: E402
from bench_classroom import children, reachable  # noqa: E402

TIMEOUT = 180_000


def big_checkpoint_zip() -> bytes:
    """A 784-4096-784 vanilla model, as a downloaded zip: 6.4 M parameters, 26 MB."""
    from aeviz.checkpoints import Checkpoint, to_zip
    from aeviz.configs import ModelConfig, TrainConfig
    from aeviz.models import build_model

    model = build_model(ModelConfig.for_data(784, (28, 28), "vanilla", 4096))
    return to_zip(Checkpoint(model, TrainConfig(epochs=1), "mnist"))


def stated_bounds() -> str:
    """The server's memory bounds that grow with a class (README's limits), from the settings this run used."""
    from aeviz.livestore import store_limits
    from aeviz.ui.model_caches import CODES_MB
    from aeviz.ui.resources import DATASETS_KEPT

    store_mb = store_limits()[0] / 2**20
    return (
        f"live store {store_mb:.0f} MB + built-in datasets {DATASETS_KEPT} × 16 MB + codes {CODES_MB} MB = "
        f"{store_mb + DATASETS_KEPT * 16 + CODES_MB:.0f} MB above the server's own"
    )


def process_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """The resident memory of the server and its worker processes now (MB)."""
    return process_rss_mb(pid) + sum(process_rss_mb(c) for c in children(pid))


def sample(pid: int, samples: list[tuple[float, float, float]], stop: threading.Event, started: float) -> None:
    """(seconds, server MB, workers MB) every 2 s."""
    while not stop.is_set():
        samples.append((time.perf_counter() - started, process_rss_mb(pid), sum(process_rss_mb(c) for c in children(pid))))
        stop.wait(2.0)


def settle(page) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT)


def open_train(browser, url: str, query: str):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/train?{query}")
    page.wait_for_selector("text=Train an autoencoder", timeout=TIMEOUT)
    settle(page)
    page.wait_for_timeout(500)
    settle(page)
    return context, page


def train(page, epochs: int) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector(f"text=Trained {epochs} epoch", timeout=TIMEOUT)
    settle(page)


def keeper(browser, url: str) -> tuple[object, str]:
    context, page = open_train(browser, url, f"train_dataset=digits&train_epochs=2&train_seed={random.randrange(10**6)}")
    train(page, 2)
    return context, parse_qs(urlsplit(page.url).query)["model"][0]


def student_trains(browser, url: str, i: int) -> None:
    context, page = open_train(browser, url, f"train_dataset=digits&train_epochs=1&train_seed={random.randrange(10**6)}")
    train(page, 1)
    page.get_by_label("Save as").fill(f"soak-{i}")
    page.get_by_role("button", name="Save checkpoint").click()
    page.wait_for_selector(f"text=Saved as soak-{i}", timeout=TIMEOUT)
    context.close()


def student_loads(browser, url: str, payload: bytes) -> None:
    context, page = open_train(browser, url, "")
    page.get_by_text("Load a checkpoint (.zip downloaded from aeviz)").click()
    files = page.locator('[data-testid="stFileUploader"]').filter(has_text="Checkpoint zip").locator('input[type="file"]')
    files.set_input_files(files=[{"name": "big.zip", "mimeType": "application/zip", "buffer": payload}])
    page.locator('[data-testid="stFileChipName"]').wait_for(timeout=TIMEOUT)
    settle(page)
    page.get_by_role("button", name="Load", exact=True).click()
    page.wait_for_selector("text=Loaded; it is now the active model.", timeout=TIMEOUT)
    context.close()


def student_leaves(browser, url: str) -> None:
    seed = random.randrange(10**6)
    context, page = open_train(browser, url, f"train_dataset=mnist&train_epochs=100&train_seed={seed}")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=/Waiting in the class queue|epoch 1\\/100|starting/", timeout=TIMEOUT)
    context.close()


def latecomer(browser, url: str) -> float:
    """Seconds from a last student's Train click to its 1-epoch result: a few seconds when every closed tab's job was
    reaped; minutes behind the ten 100-epoch MNIST trainings otherwise."""
    context, page = open_train(browser, url, "train_dataset=digits&train_epochs=1")
    start = time.perf_counter()
    train(page, 1)
    context.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--grace", type=float, default=5.0, help="AEVIZ_SESSION_GRACE of the server, seconds")
    parser.add_argument(
        "--rest", type=float, default=0.0, help="seconds to keep sampling after every browser closed (Streamlit lets "
        "a closed tab's session go after its disconnected-session TTL, 120 s by default)"
    )  # fmt: skip
    args = parser.parse_args()
    if args.students < 1:
        parser.error("--students must be at least 1")
    random.seed(0)
    work = Path(tempfile.mkdtemp(prefix="aeviz-soak-"))
    os.environ.update(
        AEVIZ_USER_CHECKPOINTS=str(work / "saves"),
        AEVIZ_WARM_UP="0",
        AEVIZ_SESSION_GRACE=str(args.grace),
        AEVIZ_POOL_SIZE="1",
    )
    payload = big_checkpoint_zip()
    print(f"large checkpoint: {len(payload) / 2**20:.0f} MB zip")
    process, url, started = start_server(ROOT / "app.py", work / "server.log")
    samples: list[tuple[float, float, float]] = []
    stop = threading.Event()
    threading.Thread(target=sample, args=(process.pid, samples, stop, started), daemon=True).start()
    kinds = {"train": 0, "load": 0, "leave": 0}
    after_each: list[float] = []  # the server process's RSS after each student
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            keepers = [keeper(browser, url) for _ in range(3)]
            after_keepers = rss_mb(process.pid)
            print(f"3 keepers trained; RSS {after_keepers:.0f} MB")
            for i in range(args.students):
                kind = ("train", "load", "leave")[i % 3]
                if kind == "train":
                    student_trains(browser, url, i)
                elif kind == "load":
                    student_loads(browser, url, payload)
                else:
                    student_leaves(browser, url)
                kinds[kind] += 1
                at, mb = time.perf_counter() - started, rss_mb(process.pid)
                after_each.append(process_rss_mb(process.pid))
                print(f"student {i + 1:>2} ({kind}) done at {at:6.1f} s, RSS {mb:.0f} MB")
            time.sleep(args.grace + 20)  # the last closed tabs' jobs are reaped
            late = latecomer(browser, url)
            opened = reachable(browser, url, [link for _, link in keepers])
            for context, _ in keepers:
                context.close()
            browser.close()
            before_rest = rss_mb(process.pid)
            time.sleep(args.rest)
    finally:
        stop.set()
        final = rss_mb(process.pid)
        process.terminate()
        process.wait(timeout=30)
    saves = sorted(p.name for p in (work / "saves" / "students").glob("*/*") if p.is_dir())
    log = (work / "server.log").read_text()
    print()
    print(f"students: {args.students} ({kinds['train']} trained and saved, {kinds['load']} loaded 26 MB, "
          f"{kinds['leave']} pressed Train on 100 MNIST epochs and closed the tab)")  # fmt: skip
    print(f"saves on disk: {len(saves)}; keepers' models opening from their links: {opened}/3")
    print(f"a latecomer's 1-epoch training, from click to result: {late:.1f} s (the closed tabs' jobs reaped)")
    print(f"RSS after the keepers: {after_keepers:.0f} MB; at the end: {final:.0f} MB")
    if args.rest:
        print(f"RSS when every browser had closed: {before_rest:.0f} MB; after {args.rest:.0f} s of rest: {final:.0f} MB")
    half = after_each[len(after_each) // 2 - 1] if len(after_each) > 1 else after_each[0]
    print(
        f"server process after student {len(after_each) // 2}: {half:.0f} MB; after the last: {after_each[-1]:.0f} MB "
        f"(range over the second half {min(after_each[len(after_each) // 2 :]):.0f}-"
        f"{max(after_each[len(after_each) // 2 :]):.0f} MB)"
    )
    print(f"what the server may keep, by its stated bounds: {stated_bounds()}")
    steady = [s + w for t, s, w in samples if t > samples[len(samples) // 4][0]] if samples else []
    print(f"RSS over the last three quarters of the soak: {min(steady):.0f}-{max(steady):.0f} MB")
    print("  seconds  server MB  workers MB")
    for t, server, workers in samples[:: max(1, len(samples) // 20)]:
        print(f"  {t:7.1f}  {server:9.0f}  {workers:10.0f}")
    print("tracebacks in the server log:", log.count("Traceback"))


if __name__ == "__main__":
    main()
