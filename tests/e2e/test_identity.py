"""A student is their browser: the owner key lives in a cookie, so a reload or a second tab finds the student's saves;
a save's link opens it for someone else to look at, without their becoming its owner."""

import pytest

from aeviz.ui.resources import public_id
from tests.e2e.helpers import click_train, goto, new_page, reload, rerun

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PICKER = '[data-testid="stSidebar"] input[aria-label="Active model"]'


def options(page) -> list[str]:
    """The model picker's choices, as the student reads them (the list opens and closes again)."""
    page.locator(PICKER).click()
    page.wait_for_selector('[role="option"]')
    found = page.locator('[role="option"]').all_inner_texts()
    page.keyboard.press("Escape")
    return found


def test_a_reload_and_a_second_tab_keep_the_students_saves_and_a_link_hands_over_nothing(server, browser):
    context, page = new_page(browser)
    try:
        goto(page, f"{server}/train?train_dataset=digits&train_epochs=1")
        click_train(page)
        page.wait_for_selector("text=Trained 1 epoch", timeout=120_000)
        page.get_by_label("Save as").fill("anna-digits")
        rerun(page, lambda: page.get_by_role("button", name="Save checkpoint").click())
        page.wait_for_selector("text=Saved as anna-digits")
        owner = next(c["value"] for c in context.cookies() if c["name"] == "aeviz_owner")
        assert len(owner) == 32 and owner not in page.url  # the key is in the cookie, never in the URL

        reload(page)  # a new session of the same browser
        assert "anna-digits (saved by you)" in options(page)
        second = context.new_page()  # a second tab: the same student
        goto(second, f"{server}/")
        assert "anna-digits (saved by you)" in options(second)

        other_context, ben = new_page(browser)  # another student, following the link to her save
        try:
            goto(ben, f"{server}/train?model=saved:{public_id(owner)}/anna-digits")
            assert ben.locator(PICKER).input_value() == "anna-digits (opened from a link)"
            assert not any(c["name"] == "aeviz_owner" and c["value"] == owner for c in other_context.cookies())
        finally:
            other_context.close()
    finally:
        context.close()
