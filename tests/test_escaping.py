"""aeviz.escaping: a student's strings reach the screen as text, never as links, images, markup or styling."""

import pytest
from markdown_it import MarkdownIt

from aeviz.escaping import WORD_JOINER, markdown_text, plotly_text

HOSTILE = [
    "[free exam answers](http://phish.example)",
    "![x](http://tracker.example/pixel.png)",
    '<a href="http://phish.example">click</a>',
    '<span style="font-size:90px">BIG</span>',
    "**bold** _it_ `code` # heading",
    ":red[alarm] :material/warning: $x^2$",
    "line one\nline two\r\x00",
    "\\[escaped\\](http://phish.example)",
    "bare http://phish.example/a www.phish.example mail@phish.example",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_the_text_itself(text):
    """Rendered by a CommonMark renderer (Streamlit's is one), the escaped text has no tag at all, and reads as the
    original with control characters as spaces."""
    rendered = MarkdownIt("commonmark").renderInline(markdown_text(text))
    assert "<a" not in rendered and "<img" not in rendered and "<span" not in rendered and "<em" not in rendered
    assert "<strong" not in rendered and "<code" not in rendered
    printable = "".join(c if c.isprintable() else " " for c in text)
    assert rendered.replace(WORD_JOINER, "") == printable.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    ).replace('"', "&quot;")


@pytest.mark.parametrize("text", HOSTILE)
def test_plotly_text_has_no_tags(text):
    escaped = plotly_text(text)
    assert "<" not in escaped and ">" not in escaped


def test_long_strings_are_cut():
    assert len(markdown_text("a" * 10_000)) == 200 and plotly_text("b" * 500).endswith("…")


@pytest.mark.parametrize("text", HOSTILE)
def test_bare_addresses_cannot_become_links(text):
    """GitHub-flavoured Markdown links bare addresses even when escaped; a word joiner inside breaks the pattern."""
    rendered = MarkdownIt("commonmark").renderInline(markdown_text(text))
    assert (
        "://" not in rendered
        and "www." not in rendered.lower()
        and not any(a.isalnum() and b == "@" for a, b in zip(rendered, rendered[1:], strict=False))
    )
