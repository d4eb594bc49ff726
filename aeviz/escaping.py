"""Text a user controls (a file's name, label values, checkpoint names), made safe to show as plain text.

Streamlit renders captions, subheaders, alerts and the sidebar as Markdown, and Plotly renders legends, titles and
hover labels in a subset of HTML. A student's label `[text](http://…)` would become a live link, `![x](http://…)` an
image fetched from outside, `<span style=…>` a styled legend, on every screen that shows the model. Everything that comes
from a user goes through one of these two functions on its way to the screen.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then stands for itself; escaping them
# all also stops Streamlit's own extensions (":red[…]", ":material/…:", "$…$" maths) from reading the text.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown (Streamlit's) also turns bare "http://…", "www.…" and "name@host" into links, escaped or
# not: an invisible word joiner (U+2060) after "http:", "www" and before "@" breaks those patterns, not the reading.
_AUTOLINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"
MAX_SHOWN = 200  # characters of one user string shown; a longer one is cut with "…"


def _printable(text: object, limit: int) -> str:
    """str(text) on one line: control characters (new lines too) become spaces; at most `limit` characters."""
    plain = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def markdown_text(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` escaped so that Streamlit's Markdown shows it literally: no link, image, HTML, emphasis or directive."""
    joined = _AUTOLINKS.sub(WORD_JOINER, _printable(text, limit))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", joined)


def plotly_text(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` escaped for Plotly's HTML subset (legends, titles, hover labels): tags are shown, never applied."""
    return html.escape(_printable(text, limit), quote=False)
