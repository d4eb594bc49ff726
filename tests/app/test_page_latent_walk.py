"""The Latent walk page (its in-browser decoder is driven by tests/e2e)."""

from tests.app.helpers import (
    open_page,
)


def test_moving_a_walk_slider_changes_the_decoded_image(app):
    """The server-side fallback (the in-browser decoder is driven by the browser tests)."""
    at = open_page(app, "views/latent_walk.py")
    at.toggle(key="walk_browser").set_value(False).run()
    slider = next(s for s in at.slider if s.label == "z0")
    decoded = lambda: next(i.proto.imgs[0] for i in at.get("image") if i.proto.imgs[0].caption == "decoded g(h)")  # noqa: E731
    before = decoded().url
    slider.set_value(slider.max).run()
    assert not at.exception
    assert decoded().url != before  # the media URL is a hash of the PNG bytes
