"""A hostile student in a real browser: strings from their files reach the page as text (no link, image or style of
theirs in the DOM, no request leaves the server), and a hostile checkpoint zip gets a message while the server serves on.
"""

import csv
import io
import json
import zipfile
from urllib.parse import urlsplit

import numpy as np
import pytest

from aeviz.checkpoints import META, WEIGHTS, Checkpoint, to_zip
from aeviz.configs import ModelConfig, TrainConfig
from aeviz.models import build_model
from tests.e2e.helpers import (
    DATASET_UPLOADER,
    choose_dataset_upload,
    click_train,
    goto,
    nav,
    new_page,
    rerun,
    upload_file,
    wait_trained,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOCAL = {"127.0.0.1", "localhost", None}
FILE_NAME = "[free exam answers](http:phish.example)![t](http:tracker.example) <b>x.csv"  # no "/": a name is a name
LABELS = [
    '<a href="http://phish.example/a">win</a>',
    '<span style="font-size:90px">BIG</span>',
    "![pixel](http://tracker.example/p.png)",
    "[click me](http://phish.example/b)",
]
FOREIGN = (  # links, images and styles that only the student's strings could have made
    'a[href*="phish"], a[href*="tracker"], img[src*="tracker"], img[src*="phish"], [style*="90px"], '
    'link[href*="tracker"], iframe'
)


def _hostile_csv() -> bytes:
    rng = np.random.default_rng(0)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["f1", "f2", "f3", "f4", "label"])
    for i in range(160):
        writer.writerow([*np.round(rng.normal(size=4) + i % 4, 3), LABELS[i % 4]])
    return buffer.getvalue().encode()


def test_a_hostile_csv_shows_as_text_only(server, browser, shot):
    context, page = new_page(browser)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in LOCAL else None)
    try:
        goto(page, f"{server}/train?train_epochs=3")
        choose_dataset_upload(page)
        upload_file(page, DATASET_UPLOADER, FILE_NAME, _hostile_csv(), "text/csv")
        click_train(page)
        wait_trained(page, 3)
        assert page.get_by_text("free exam answers").count() >= 1  # the name is shown, as the text it is
        scatter = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Latent space of your model")
        legend = scatter.locator(".legend").text_content()
        assert '<span style="font-size:90px">BIG</span>' in legend  # the label as text, not a styled span
        assert page.locator(FOREIGN).count() == 0
        nav(page, "Latent space")
        point = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace .points path').nth(3)
        rerun(page, lambda: point.click(force=True))
        found = page.locator(FOREIGN).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 300))")
        assert found == []
        nav(page, "Home")
        assert page.locator(FOREIGN).count() == 0
        shot(page, "hostile_csv")
        assert outside == []
    finally:
        context.close()


def _hostile_checkpoint() -> bytes:
    model = build_model(ModelConfig.for_data(64, (8, 8), "mlp", 2, hidden=(16,)))
    with zipfile.ZipFile(io.BytesIO(to_zip(Checkpoint(model, TrainConfig(epochs=1), "digits")))) as archive:
        weights, meta = archive.read(WEIGHTS), json.loads(archive.read(META))
    meta["model"]["hidden"] = [100_000, 100_000]  # a 40 GB model, if it were built
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(WEIGHTS, weights)
        archive.writestr(META, json.dumps(meta))
    return buffer.getvalue()


def test_a_hostile_checkpoint_zip_gets_a_message_and_another_student_still_trains(server, browser):
    context, page = new_page(browser)
    try:
        goto(page, f"{server}/train")
        page.get_by_text("Load a checkpoint (.zip downloaded from aeviz)").click()
        upload_file(page, "Checkpoint zip", "answers.zip", _hostile_checkpoint(), "application/zip")
        rerun(page, page.get_by_role("button", name="Load", exact=True).click)
        assert page.get_by_text("hidden widths must be between 1 and 4,096").count() == 1
    finally:
        context.close()
    context, other = new_page(browser)
    try:
        goto(other, f"{server}/train?train_dataset=digits&train_epochs=2")
        click_train(other)
        wait_trained(other, 2)
    finally:
        context.close()
