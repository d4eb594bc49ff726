"""A student's own file on the Train page: a bad file gives a clear message, a good one trains and gets the lecture pages."""

import re

import numpy as np
import pytest

from tests.e2e.helpers import (
    DATASET_UPLOADER,
    choose_dataset_upload,
    click_train,
    goto,
    nav,
    rerun,
    settle,
    uploader,
    wait_trained,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _choose_upload_and_train(page, path):
    # the upload's own rerun must be over before Train is clicked, or the click can race the file
    files = uploader(page, DATASET_UPLOADER).locator('input[type="file"]')
    rerun(page, lambda: files.set_input_files(str(path)))
    page.wait_for_selector(f'[data-testid="stFileChipName"]:has-text("{path.name}")', timeout=60_000)
    click_train(page)


def _open_uploader(page, url):
    goto(page, url)
    choose_dataset_upload(page)


def _table(path, n_rows: int, seed: int):
    """A CSV of 6 normal columns and a 3-class label."""
    rng = np.random.default_rng(seed)
    rows = "\n".join(",".join(f"{v:.3f}" for v in rng.normal(size=6)) + f",{i % 3}" for i in range(n_rows))
    path.write_text("f1,f2,f3,f4,f5,f6,label\n" + rows + "\n")
    return path


def test_bad_then_good_upload(server, page, tmp_path):
    _open_uploader(page, f"{server}/train")

    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b,c\n1,2,3\n4,5\n")
    _choose_upload_and_train(page, bad)
    page.wait_for_selector("text=ragged.csv, row 3: 2 values, expected 3", timeout=60_000)
    settle(page)

    good = _table(tmp_path / "blobs.csv", 120, seed=0)
    _choose_upload_and_train(page, good)
    wait_trained(page, 15)
    assert page.get_by_text("blobs.csv · mlp · 2-D code").count() >= 1


def test_an_uploaded_table_gets_the_lecture_pages(server, page, tmp_path):
    """A CSV trained on the Train page: its scrubber replays the training, the PCA vs autoencoders page trains a sweep
    on it (codes 1, 2, 4 for 6 columns), and the Capacity page trains and tests its six models on it."""
    _open_uploader(page, f"{server}/train?train_epochs=5")
    table = _table(tmp_path / "table.csv", 150, seed=1)
    _choose_upload_and_train(page, table)
    wait_trained(page, 5)
    assert page.get_by_text("Watch the code form").count() == 1
    nav(page, "PCA vs autoencoders")
    assert page.get_by_text("No sweep for table.csv yet").count() == 1
    rerun(page, page.get_by_role("button", name="Train the sweep on table.csv (6 models)").click)
    page.wait_for_selector("text=Trained the sweep: 6 models.", timeout=300_000)  # queued, run and polled
    settle(page)
    points = page.evaluate("() => document.querySelector('.js-plotly-plot').data[1].x")
    assert list(points) == [1, 2, 4]
    nav(page, "Capacity")
    rerun(page, page.get_by_role("button", name="Train the 6 models on 120 rows").click)
    page.wait_for_selector("text=Trained and measured the 6 models", timeout=300_000)
    settle(page)
    assert page.get_by_text(re.compile(r"^Rows 3× further out: ")).count() == 1  # the sentence on that input
