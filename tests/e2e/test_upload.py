"""A student's own file on the Train page: a bad file gives a clear message, a good one trains."""

import numpy as np
import pytest

from tests.e2e.helpers import goto, rerun, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _choose_upload_and_train(page, path):
    # the upload's own rerun must be over before Train is clicked, or the click can race the file
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    rerun(page, lambda: uploader.set_input_files(str(path)))
    page.wait_for_selector(f'[data-testid="stFileChipName"]:has-text("{path.name}")', timeout=60_000)
    rerun(page, page.get_by_role("button", name="Train", exact=True).click, timeout=120_000)


def test_bad_then_good_upload(server, page, tmp_path):
    goto(page, f"{server}/train")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Dataset").click()
    page.get_by_role("option", name="upload a file…").click()
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=60_000)
    settle(page)  # the run that drew the uploader is over

    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b,c\n1,2,3\n4,5\n")
    _choose_upload_and_train(page, bad)
    assert page.get_by_text("ragged.csv, row 3: 2 values, expected 3").count() == 1

    rng = np.random.default_rng(0)
    rows = "\n".join(",".join(f"{v:.3f}" for v in rng.normal(size=6)) + f",{i % 3}" for i in range(120))
    good = tmp_path / "blobs.csv"
    good.write_text("f1,f2,f3,f4,f5,f6,label\n" + rows + "\n")
    _choose_upload_and_train(page, good)
    assert page.get_by_text("Trained 15 epochs").count() == 1
    assert page.get_by_text("blobs.csv · mlp · 2-D code").count() >= 1
