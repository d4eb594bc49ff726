"""A class on one server, in a real browser: three students and a job pool of one (the trainings queue, a student sees
their place and can leave the queue), and two copies of the app sharing one live-model folder (a link made on one
opens on the other)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import start_app, stop_app
from tests.e2e.helpers import click_train, goto, nav, new_page, reload, rerun, wait_epoch

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def server(tmp_path_factory):
    """A server of its own (pool of one): a job left running by a failed step cannot hold up the other tests' server."""
    url, process = start_app(tmp_path_factory.mktemp("class"))
    yield url
    stop_app(process)


def anna_trains_and_ben_queues(url: str, anna, ben, cleo) -> None:
    """Anna's long training runs (a convolutional model, 100 epochs of mnist in batches of 32: ~1.7 s an epoch here),
    Ben's 2-epoch digits training waits behind it as number 1; Cleo's page is open on the same training."""
    goto(anna, f"{url}/train?train_dataset=mnist&train_arch=conv&train_epochs=100&train_batch=32")
    goto(ben, f"{url}/train?train_dataset=digits&train_epochs=2")
    goto(cleo, f"{url}/train?train_dataset=digits&train_epochs=2")
    click_train(anna)
    wait_epoch(anna, 1, 100)  # running
    click_train(ben)
    ben.wait_for_selector("text=Waiting in the class queue: number 1 of 1", timeout=30_000)


def test_three_students_queue_on_a_pool_of_one_and_one_leaves(browser, server, shot):
    """Anna's long training runs; Ben and Cleo queue as numbers 1 and 2, and Ben's next poll shows Cleo behind him;
    Cleo leaves, and Ben's next poll shows him alone; Anna stops, and Ben's training runs and finishes; Cleo has no
    model. Anna's training must outlast all that (two of Ben's polls, up to 30 s apart): a convolutional model, 100
    epochs of mnist in batches of 32, ~1.7 s an epoch here; the multilayer default, 60 epochs in batches of 128,
    took ~25 s and could end before Cleo left (it did on CI)."""
    students = [new_page(browser) for _ in range(3)]
    anna, ben, cleo = (page for _, page in students)
    try:
        anna_trains_and_ben_queues(server, anna, ben, cleo)
        ben.wait_for_selector("text=/Estimated start in about \\d+ (s|min)/", timeout=10_000)  # the queue clock
        click_train(cleo)
        cleo.wait_for_selector("text=Waiting in the class queue: number 2 of 2", timeout=30_000)
        ben.wait_for_selector("text=Waiting in the class queue: number 1 of 2", timeout=45_000)  # his next poll
        nav(cleo, "Latent walk")  # another page stays usable, and its sidebar shows the waiting job
        assert cleo.get_by_text("training digits, multilayer, 2-D code: number 2 in the class queue").count() == 1
        nav(cleo, "Train")
        cleo.wait_for_selector("text=Waiting in the class queue: number 2 of 2", timeout=30_000)
        shot(cleo, "queue")
        rerun(cleo, cleo.get_by_role("button", name="Leave the queue").click)
        cleo.wait_for_selector("text=Cancelled: training digits", timeout=30_000)
        ben.wait_for_selector("text=Waiting in the class queue: number 1 of 1", timeout=45_000)  # and the one after
        anna.get_by_role("button", name="Stop", exact=True).click()
        anna.wait_for_selector("text=Training stopped after epoch", timeout=60_000)
        ben.wait_for_selector("text=Trained 2 epochs", timeout=120_000)
        assert ben.get_by_text("Your model", exact=True).count() == 1
        assert cleo.get_by_text("Your model", exact=True).count() == 0
    finally:
        for context, _ in students:
            context.close()


def test_a_live_model_link_made_on_one_copy_opens_on_another(browser, tmp_path_factory):
    """Two servers share one live-model folder (as replicas behind a load balancer would share a volume): a model
    trained on the first opens on the second from its ?model=live:KEY link."""
    shared = tmp_path_factory.mktemp("live")
    servers = [start_app(tmp_path_factory.mktemp(f"replica{i}"), AEVIZ_LIVE_DIR=str(shared)) for i in range(2)]
    context, page = new_page(browser)
    try:
        goto(page, f"{servers[0][0]}/train?train_dataset=digits&train_epochs=2")
        click_train(page)
        page.wait_for_selector("text=Trained 2 epochs", timeout=120_000)
        link = parse_qs(urlsplit(page.url).query)["model"][0]
        assert link.startswith("live:") and (shared / link.removeprefix("live:") / "model.safetensors").is_file()
        other_context, other = new_page(browser)
        goto(other, f"{servers[1][0]}/train?model={link}")
        assert other.get_by_text("Your model", exact=True).count() == 1
        assert other.get_by_text("digits · mlp · 2-D code — 2 epochs.").count() == 1
        picker = other.locator('[data-testid="stSidebar"] input[aria-label="Active model"]')
        assert picker.input_value() == "trained in this session"
        other_context.close()
    finally:
        context.close()
        for _, process in servers:
            stop_app(process)


def test_a_closed_tab_leaves_the_queue_and_a_reload_finds_its_place(browser, tmp_path_factory):
    """Ben queues and closes his tab: after the grace (2 s here, 60 s by default) his job is cancelled and Cleo moves
    up (a closed tab's job used to run for nobody). Cleo reloads: her page finds her place in the queue again and
    can leave it (after a reload the panel and Leave were gone)."""
    url, process = start_app(tmp_path_factory.mktemp("tabs"), AEVIZ_SESSION_GRACE="2")
    students = [new_page(browser) for _ in range(3)]
    anna, ben, cleo = (page for _, page in students)
    try:
        anna_trains_and_ben_queues(url, anna, ben, cleo)
        click_train(cleo)
        cleo.wait_for_selector("text=Waiting in the class queue: number 2 of 2", timeout=30_000)
        students[1][0].close()  # Ben's browser
        cleo.wait_for_selector("text=Waiting in the class queue: number 1 of 1", timeout=60_000)  # a poll later
        reload(cleo)
        cleo.wait_for_selector("text=Waiting in the class queue: number 1 of 1", timeout=30_000)
        rerun(cleo, cleo.get_by_role("button", name="Leave the queue").click)
        cleo.wait_for_selector("text=Cancelled: training digits", timeout=30_000)
        anna.get_by_role("button", name="Stop", exact=True).click()
        anna.wait_for_selector("text=Training stopped after epoch", timeout=60_000)
    finally:
        for context, _ in (students[0], students[2]):
            context.close()
        stop_app(process)
